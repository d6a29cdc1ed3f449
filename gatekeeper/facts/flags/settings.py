"""The policy's ``flags:`` section: SDK presets in force, custom patterns, the key registry."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from gatekeeper.common.fields import empty_list, one_or_many
from gatekeeper.common.suggest import did_you_mean
from gatekeeper.facts.flags.custom import CustomPattern, KeyPattern, normal_extensions

if TYPE_CHECKING:
    from gatekeeper.facts.flags.presets import Preset
    from gatekeeper.facts.flags.scan import Scanner

# The presets' catalogue and the scanner load only when a run scans for flags: every policy
# has this section, and a pre-push hook should not pay for what it does not use.

PatternName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=40)]


def _known_presets(ids: list[str] | None) -> list[str] | None:
    if ids is None:
        return None
    from gatekeeper.facts.flags.presets import preset_ids

    known = preset_ids()
    for preset_id in ids:
        if preset_id not in known:
            hint = did_you_mean(preset_id, known, f"use one of {', '.join(known)}")
            raise ValueError(f"unknown flag preset {preset_id!r}; {hint}")
    return list(dict.fromkeys(ids))


def _extensions(values: list[str]) -> list[str]:
    return list(normal_extensions(values))


def _inside_repository(path: str | None) -> str | None:
    if path is None:
        return None
    parts = path.split("/")
    drive = len(path) > 1 and path[1] == ":"
    if not path or path.startswith("/") or drive or "\\" in path or ".." in parts \
            or "" in parts:
        raise ValueError(f"flag registry path {path!r} must lie inside the repository; give "
                         "it relative to the repository root with forward slashes, such as "
                         "flags/registry.yml")
    return path


class PatternSpec(BaseModel):
    """A flag call form of the policy's own: a regex whose group ``key`` holds the flag key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: PatternName = Field(
        "custom", description="Names the pattern in reports, like a preset id.")
    regex: KeyPattern = Field(
        description="Regular expression of a flag check; the named group (?P<key>...) holds "
        "the flag key, such as isOn\\(\"(?P<key>[\\w-]+)\"\\).")
    extensions: Annotated[list[str], BeforeValidator(one_or_many),
                          AfterValidator(_extensions)] = Field(
        default_factory=empty_list,
        description="File extensions the pattern applies to (py, .tsx); empty: every file.")

    def compiled(self) -> CustomPattern:
        """The spec as the ``CustomPattern`` a scanner runs."""
        return CustomPattern(self.regex, tuple(self.extensions), self.name)


class FlagSettings(BaseModel):
    """How feature-flag references are found in a change's added and removed lines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    presets: Annotated[list[str] | None, BeforeValidator(one_or_many),
                       AfterValidator(_known_presets)] = Field(
        None, description="Ids of the built-in SDK presets to use (launchdarkly, unleash ...); "
        "default: every built-in preset.")
    patterns: list[PatternSpec] = Field(
        default_factory=empty_list, description="Flag call forms of the policy's own, tried before "
        "the presets.")
    registry: Annotated[str | None, AfterValidator(_inside_repository)] = Field(
        None, description="A file listing the known flag keys, relative to the repository "
        "root; added references to keys it does not list are reported.")
    registry_format: Literal["yaml", "json", "text"] | None = Field(
        None, description="The registry's format; default: from its extension (.yml/.yaml, "
        ".json, else one key per line).")

    @functools.cached_property
    def _presets(self) -> tuple[Preset, ...]:
        from gatekeeper.facts.flags.presets import select

        return select(self.presets)

    @functools.cached_property
    def _reach(self) -> frozenset[str] | None:
        """The extensions some pattern applies to; None when a pattern applies to every file."""
        custom = [p.compiled() for p in self.patterns]
        if any(not p.extensions for p in custom):
            return None
        reach = {e for p in custom for e in p.extensions}
        for preset in self._presets:
            for rules in preset.languages:
                reach.update(rules.extensions)
        return frozenset(reach)

    def scanner(self) -> Scanner:
        """A scanner with the custom patterns first, then the chosen presets in order."""
        from gatekeeper.facts.flags.scan import Scanner

        return Scanner(self._presets, [p.compiled() for p in self.patterns])

    def origins(self) -> tuple[str, ...]:
        """The ids of the presets in force, then the names of the custom patterns."""
        names = [p.id for p in self._presets] + [p.name for p in self.patterns]
        return tuple(dict.fromkeys(names))

    def wants(self, path: str) -> bool:
        """Whether a preset or custom pattern could apply to the file, by its extension."""
        reach = self._reach
        from gatekeeper.facts.flags.presets import extension_of

        return reach is None or extension_of(path) in reach
