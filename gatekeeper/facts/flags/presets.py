"""The built-in flag SDK presets: their loader, compiled patterns, and selection by id."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gatekeeper.common.fields import empty_dict
from gatekeeper.common.records import record
from gatekeeper.common.suggest import did_you_mean
from gatekeeper.errors import PolicyError
from gatekeeper.facts.flags.templates import TemplateError, expand, key_groups

BUILTIN_NAME = "gatekeeper/facts/flags/presets.yml"
_URL = r"^https://\S+$"
_Word = Annotated[str, Field(min_length=1, pattern=r"^\S+$")]


class _PatternSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: tuple[str, ...] = Field(min_length=1)
    calls: tuple[_Word, ...] = ()
    keywords: tuple[_Word, ...] = ()
    regex: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_keywords(self) -> _PatternSpec:
        if not self.keywords and not self.calls:
            raise ValueError("a pattern needs calls or keywords for the line pre-filter")
        return self


class _PresetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)
    sdk: str = Field(min_length=1)
    source: str = Field(pattern=_URL)
    sources: dict[str, Annotated[str, Field(pattern=_URL)]] = Field(default_factory=empty_dict)
    note: str = ""
    patterns: tuple[_PatternSpec, ...] = Field(min_length=1)


class _Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    languages: dict[str, tuple[str, ...]]
    presets: tuple[_PresetSpec, ...]


@record
class FlagPattern:
    """One compiled call form; ``keywords`` are substrings a line must hold for it to match."""

    regex: re.Pattern[str]
    keywords: tuple[str, ...]
    groups: tuple[str, ...]


@record
class LanguageRules:
    """The call forms of one SDK in one language, and the document they come from."""

    language: str
    extensions: frozenset[str]
    patterns: tuple[FlagPattern, ...]
    source: str


@record
class Preset:
    """Detection of one flag SDK family across the languages it ships for."""

    id: str
    sdk: str
    source: str
    note: str
    languages: tuple[LanguageRules, ...]

    def rules_for(self, extension: str) -> LanguageRules | None:
        """The preset's call forms for files with ``extension``; None when it has none for them."""
        return next((r for r in self.languages if extension in r.extensions), None)


@record
class Builtin:
    """The shipped catalogue compiled: presets, languages' extensions, extension to language."""

    presets: tuple[Preset, ...]
    languages: Mapping[str, frozenset[str]]
    by_extension: Mapping[str, str]


def _compile(spec: _PatternSpec, where: str) -> FlagPattern:
    try:
        regex = re.compile(expand(spec.regex, spec.calls))
    except (TemplateError, re.error) as exc:
        raise PolicyError(f"flag preset {where}: pattern {spec.regex!r}: {exc}",
                          file=BUILTIN_NAME) from None
    groups = key_groups(regex)
    if not groups:
        raise PolicyError(f"flag preset {where}: pattern {spec.regex!r} captures no key",
                          file=BUILTIN_NAME)
    return FlagPattern(regex, spec.keywords or spec.calls, groups)


def _preset(spec: _PresetSpec, languages: Mapping[str, frozenset[str]]) -> Preset:
    compiled: dict[str, list[FlagPattern]] = {}
    for pattern in spec.patterns:
        unknown = [name for name in pattern.languages if name not in languages]
        if unknown:
            raise PolicyError(f"flag preset {spec.id!r} names unknown language {unknown[0]!r}",
                              file=BUILTIN_NAME)
        flag_pattern = _compile(pattern, repr(spec.id))
        for name in pattern.languages:
            compiled.setdefault(name, []).append(flag_pattern)
    stray = sorted(set(spec.sources) - set(compiled))
    if stray:
        raise PolicyError(f"flag preset {spec.id!r} cites a source for {stray[0]!r}, which "
                          "none of its patterns covers", file=BUILTIN_NAME)
    rules = tuple(LanguageRules(name, languages[name], tuple(patterns),
                                spec.sources.get(name, spec.source))
                  for name, patterns in compiled.items())
    return Preset(spec.id, spec.sdk, spec.source, spec.note, rules)


def _validated(data: Any) -> _Catalogue:
    try:
        return _Catalogue.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PolicyError(f"flag presets: {where}: {first['msg']}", file=BUILTIN_NAME) from None


@functools.lru_cache(maxsize=1)
def builtin() -> Builtin:
    """The presets shipped in the package, compiled once per process."""
    text = resources.files("gatekeeper.facts.flags").joinpath("presets.yml").read_text("utf-8")
    catalogue = _validated(yaml.safe_load(text))
    languages = {name: frozenset(exts) for name, exts in catalogue.languages.items()}
    by_extension: dict[str, str] = {}
    for name, extensions in languages.items():
        for extension in extensions:
            if by_extension.setdefault(extension, name) != name:
                raise PolicyError(f"extension {extension!r} belongs to two languages",
                                  file=BUILTIN_NAME)
    presets = tuple(_preset(spec, languages) for spec in catalogue.presets)
    if len({p.id for p in presets}) != len(presets):
        raise PolicyError("two flag presets share an id", file=BUILTIN_NAME)
    return Builtin(presets, languages, by_extension)


def builtin_presets() -> tuple[Preset, ...]:
    """Every shipped preset, in catalogue order."""
    return builtin().presets


def preset_ids() -> tuple[str, ...]:
    """The ids of the shipped presets, in catalogue order, to check the ids a policy names."""
    return tuple(p.id for p in builtin().presets)


def select(ids: Iterable[str] | None = None, *, source: str = "policy") -> tuple[Preset, ...]:
    """The built-in presets named by ``ids``, in that order (all of them for None).

    An unknown id is a PolicyError naming ``source``, with the closest id as a hint.
    """
    presets = {p.id: p for p in builtin().presets}
    if ids is None:
        return tuple(presets.values())
    chosen: list[Preset] = []
    for preset_id in ids:
        if preset_id not in presets:
            raise PolicyError(f"unknown flag preset {preset_id!r}", file=source,
                              hint=did_you_mean(preset_id, presets,
                                                f"use one of {', '.join(presets)}"))
        if presets[preset_id] not in chosen:
            chosen.append(presets[preset_id])
    return tuple(chosen)


def extension_of(path: str) -> str:
    """The lowercased extension of ``path``'s file name, or "" (dot files have none)."""
    name = path.rsplit("/", 1)[-1]
    _stem, dot, extension = name[1:].rpartition(".")
    return extension.lower() if dot else ""


def language_of(path: str) -> str:
    """The language a file's extension belongs to, or the extension itself if none claims it."""
    extension = extension_of(path)
    return builtin().by_extension.get(extension, extension)
