"""flag-guard: new code in guarded paths must sit behind a feature-flag check.

How flag checks are recognised is set in the policy's `flags` section: built-in presets for
common flag SDKs (LaunchDarkly, OpenFeature, Unleash and others), patterns of the policy's own,
and an optional registry file of known flag keys. The rule reads the added lines of the
effective files that match `paths`: generated files, lockfiles, vendored files and pure
renames do not count, and a deleted file never needs a flag. With `scope: file` (the
default), each matching file that adds more than `added_over` lines must reference a flag in
its own added lines. With `scope: change`, a flag is needed once the matching files add more
than `added_over` lines together, and a flag reference in any added line of the change is
enough. A reference counts whether its key is written out or computed.

With a registry, a reference to a key the registry does not list fails the rule (with the
closest listed key as a suggestion) and does not count as a guard; with `scope: file` only the
matching files' references are checked, with `scope: change` every added reference is.
`unknown_keys: ignore` turns that check off. A file whose changed text was too large to keep
for the scan fails when the rule needs it, rather than passing unread.

Fields:

- `paths` (required): globs of the files the rule guards; a later `!glob` exempts files.
- `added_over`: ask for a flag only when more than this many lines are added (default 0).
- `scope`: `file` (the default) or `change`, as described above.
- `unknown_keys`: `fail` (the default) or `ignore`.

```yaml
flags:
  presets: [launchdarkly]
  registry: flags.yml
rules:
  - id: checkout-behind-flags
    kind: flag-guard
    paths: ["src/checkout/**", "!src/checkout/**/*.test.ts"]
    added_over: 20
```

On failure the result lists each file that needs a flag, with its added lines, and each unknown
key. Whether it passes or fails, it names the flags whose last references the change removes
(cleanups), so a reviewer can check that their definitions go too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from gatekeeper.changeset.model import FileStatus, fold_ranges
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts, FileFacts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, Value, shares
from gatekeeper.rules.findings import Check, Detail
from gatekeeper.rules.paths import Globs

if TYPE_CHECKING:
    from gatekeeper.facts.flags.facts import FlagFacts
    from gatekeeper.facts.flags.registry import UnknownKey

KIND = "flag-guard"
NEEDS = frozenset({Need.FLAGS})
SHOWN = 5
NOT_SCANNED = ("feature flags were not scanned, so no file could be checked for a flag "
               "reference")
UNSCANNED = "not scanned: the change has too much changed text"
Failure = tuple[FileFacts, str]
"""A file that needs a flag and does not show one, and why."""


class Config(RuleConfig):
    """Requires new code in matching files to reference a feature flag, per file or change."""

    variables: ClassVar[dict[str, str]] = {
        "unguarded": "the files that need a flag and do not reference one, comma-separated",
        "unknown_keys": "referenced flag keys the registry does not list, comma-separated",
        "cleanups": "flags whose last references the change removes, comma-separated",
        "added": "lines added in the files that match paths",
        "added_over": "the added_over setting",
        "registry": "the flag registry file, if the policy names one",
    }

    kind: Literal["flag-guard"]
    paths: Globs = Field(
        min_length=1, description="Globs of the files whose new code needs a flag; a later "
        "!glob exempts files an earlier one matched.")
    added_over: int = Field(
        0, ge=0, description="Ask for a flag only when more than this many lines are added "
        "(per file with scope file, summed over the matching files with scope change).")
    scope: Literal["file", "change"] = Field(
        "file", description="file: each matching file needs a flag reference in its own added "
        "lines; change: a flag reference in any added line of the change is enough.")
    unknown_keys: Literal["fail", "ignore"] = Field(
        "fail", description="fail: references to keys the flag registry does not list fail "
        "the rule and guard nothing; ignore: they are not checked.")


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


def _threshold(config: Config) -> str:
    return "lines" if config.added_over == 0 else f"more than {config.added_over} lines"


def _unknown_text(unknown: UnknownKey) -> str:
    if unknown.suggestion:
        return f"{unknown.key} (did you mean {unknown.suggestion}?)"
    return unknown.key


class _Judge:
    """The flag facts, read as the rule's config asks."""

    def __init__(self, config: Config, flags: FlagFacts, facts: Facts) -> None:
        self.config = config
        self.flags = flags
        self.effective = [f for f in facts.files
                          if f.effective and f.change.status is not FileStatus.DELETED]
        matcher = PathSet(config.paths)
        self.matching = [f for f in self.effective if matcher.matches(f.path)]
        self.unscanned = set(flags.unscanned)
        checked = self.matching if config.scope == "file" else self.effective
        self.unknown: list[UnknownKey] = []
        if config.unknown_keys == "fail":
            keys = {k for f in checked for k in self.added_keys(f)}
            self.unknown = [u for u in flags.unknown if u.key in keys]
        self.bad = {u.key for u in flags.unknown} if config.unknown_keys == "fail" else set()

    def added_keys(self, file: FileFacts) -> tuple[str, ...]:
        found = self.flags.of(file.path)
        return found.added if found is not None else ()

    def guards(self, file: FileFacts) -> list[str]:
        """The references in the file's added lines that count as a flag check."""
        found = self.flags.of(file.path)
        if found is None:
            return []
        keys = [k for k in found.added if k not in self.bad]
        return keys + ["a computed key"] * (found.unknown_added > 0)

    def per_file(self) -> tuple[list[FileFacts], list[Failure]]:
        over = [f for f in self.matching if f.change.added > self.config.added_over]
        failing: list[Failure] = []
        for f in over:
            if f.path in self.unscanned:
                failing.append((f, UNSCANNED))
            elif not self.guards(f):
                unknown = [k for k in self.added_keys(f) if k in self.bad]
                why = f"only unknown keys: {', '.join(unknown)}" if unknown else "no flag"
                failing.append((f, f"{f.change.added} added lines, {why}"))
        return over, failing

    def per_change(self) -> tuple[list[FileFacts], list[Failure]]:
        if self.added <= self.config.added_over:
            return [], []
        guarded = [f for f in self.effective if self.guards(f)]
        if guarded:
            return guarded, []
        failing = [(f, f"{f.change.added} added lines, no flag in the change")
                   for f in self.matching if f.change.added and f.path not in self.unscanned]
        failing += [(f, UNSCANNED) for f in self.effective if f.path in self.unscanned]
        return [], failing

    @property
    def added(self) -> int:
        return sum(f.change.added for f in self.matching)


def _passed(judge: _Judge, drivers: list[FileFacts]) -> str:
    config = judge.config
    if config.scope == "file":
        if not drivers:
            return f"no file matching paths adds {_threshold(config)}"
        return (f"every file matching paths that adds {_threshold(config)} references a "
                "flag: "
                + _listed([f"{f.path} ({', '.join(judge.guards(f))})" for f in drivers]))
    if judge.added <= config.added_over:
        return (f"{judge.added} lines added in files matching paths, not more than "
                f"{config.added_over}")
    return (f"{judge.added} lines added in files matching paths, and the change references a "
            "flag: " + _listed([f"{f.path} ({', '.join(judge.guards(f))})" for f in drivers]))


def _failed(judge: _Judge, failing: list[Failure]) -> str:
    config = judge.config
    reasons = []
    if failing:
        named = _listed([f"{f.path} ({why})" for f, why in failing])
        if config.scope == "file":
            verb = "adds" if len(failing) == 1 else "add"
            reasons.append(f"{_files(len(failing))} {verb} {_threshold(config)} without a feature "
                           f"flag: {named}")
        else:
            reasons.append(f"{judge.added} lines added in files matching paths, over "
                           f"{config.added_over}, and no added line references a feature "
                           f"flag: {named}")
    if judge.unknown:
        where = f" {judge.flags.registry}" if judge.flags.registry else ""
        reasons.append(f"flag keys not in the registry{where}: "
                       + _listed([_unknown_text(u) for u in judge.unknown]))
    return "; ".join(reasons)


def _remediation(judge: _Judge, failing: list[Failure]) -> str:
    fixes = []
    unguarded = [f.path for f, why in failing if why != UNSCANNED]
    if unguarded:
        sdks = _listed(list(judge.flags.presets))
        fixes.append(f"put the new code in {_listed(unguarded)} behind a feature flag check, "
                     f"through the flag SDK in use (recognised: {sdks}); or, if it needs no "
                     "flag, raise added_over or narrow paths")
    if any(why == UNSCANNED for _, why in failing):
        fixes.append("split the change into smaller ones so that its text can be scanned")
    if judge.unknown:
        registry = judge.flags.registry or "the flag registry"
        fixes.append(f"fix the misspelt keys, or add new keys to {registry}")
    return "; ".join(fixes)


def _details(judge: _Judge, failing: list[Failure]) -> tuple[Detail, ...]:
    details = [Detail(f.path, fold_ranges(f.change.added_lines()), why) for f, why in failing]
    checked = judge.matching if judge.config.scope == "file" else judge.effective
    for unknown in judge.unknown:
        for f in checked:
            if unknown.key in judge.added_keys(f):
                details.append(Detail(f.path, (), f"unknown flag key {_unknown_text(unknown)}"))
    return tuple(details)


def _values(judge: _Judge, failing: list[Failure]) -> dict[str, Value]:
    """The template values of the files judged and the keys found."""
    flags = judge.flags
    return {
        "unguarded": ", ".join(f.path for f, _ in failing),
        "unknown_keys": ", ".join(u.key for u in judge.unknown),
        "cleanups": ", ".join(flags.cleanups), "added": judge.added,
        "added_over": judge.config.added_over, "registry": flags.registry or ""}


def _checks(judge: _Judge, failing: list[Failure]) -> tuple[Check, ...]:
    """The scope's check and, with a registry that fails unknown keys, the keys' check."""
    config = judge.config
    checks = [Check("files without a flag", len(failing), 0, "files")
              if config.scope == "file" else
              Check("added lines without a flag", judge.added if failing else 0,
                    config.added_over, "lines")]
    if judge.flags.registry and config.unknown_keys == "fail":
        checks.append(Check("unknown flag keys", len(judge.unknown), 0, "keys"))
    return tuple(checks)


def evaluate(config: Config, facts: Facts) -> Finding:
    """Judge the flag references in added lines; not applicable when flags were not scanned."""
    flags = facts.flags
    if flags is None:
        return Finding(False, NOT_SCANNED, applicable=False)
    judge = _Judge(config, flags, facts)
    drivers, failing = judge.per_file() if config.scope == "file" else judge.per_change()
    cleanups = list(flags.cleanups)
    passed = not failing and not judge.unknown
    message = _passed(judge, drivers) if passed else _failed(judge, failing)
    if cleanups:
        message += f"; cleans up flags: {_listed(cleanups)}"
    return Finding(
        passed=passed, message=message,
        remediation=None if passed else _remediation(judge, failing),
        checks=_checks(judge, failing),
        files=shares(f for f, _ in failing) if failing else shares(drivers),
        values=_values(judge, failing), details=_details(judge, failing))
