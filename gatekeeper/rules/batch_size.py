"""batch-size: keep change sets small enough to review.

Counts what a reviewer has to read. `max_effective_lines` limits effective changed lines
(added plus deleted, leaving out generated files, lockfiles, vendored files and pure renames,
and counting only the edits of a renamed file); `max_files` limits the number of effective
files; `max_commits` limits the commits in the range. Each limit is optional. `exclude` lists
globs of paths that do not count at all.

Three ceilings count every file whatever its class, so that a file mislabelled as generated or
vendored cannot hide an unbounded change: `max_raw_lines` limits changed lines of all files
(generated, vendored and lockfiles included), `max_generated_lines` those of generated or
vendored files, and `max_binary_bytes` the bytes of binary content the change adds (the new
size of each added or changed binary file). A file git takes for binary only because of a NUL
byte, whose name is a source or text file's, counts its lines like any text file.

`groups` give a part of the tree limits of its own: each group has `paths` (globs) and its own
`max_effective_lines` and `max_files`. A file counts toward the first group whose `paths` match
it, and the top-level limits count only the files that fall in no group.

```yaml
rules:
  - id: batch-size
    kind: batch-size
    max_effective_lines: 400
    max_files: 20
    max_commits: 10
    max_raw_lines: 20000      # every file, generated or not
    max_binary_bytes: 5242880 # 5 MiB of binary content
    exclude: ["docs/**"]      # paths that do not count at all
    groups:
      - paths: ["src/payments/**"]
        max_effective_lines: 150
```

The message gives the size of the whole change and, with groups, of each group and of the files
in no group, so a part's figure is never read as the change's. When a limit is exceeded the
result names the files that drove it and suggests which folders to split out into a change of
their own to get back under the limit. A test file moves with the file it tests (paired by
name: `tests/test_cart.py` with `cart.py`, `cart.test.ts` with `cart.ts`, `CartTest.java` with
`Cart.java`, `cart_test.go` with `cart.go`), so the advice never splits a test from its subject.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gatekeeper.common.fields import empty_list
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts, FileFacts
from gatekeeper.facts.needs import Need
from gatekeeper.rules import ceilings
from gatekeeper.rules.base import Finding, GlobPattern, RuleConfig, shares
from gatekeeper.rules.findings import Check
from gatekeeper.rules.split_plan import split_plan

KIND = "batch-size"
NEEDS: frozenset[Need] = frozenset()
TOP_FILES = 5


class Group(BaseModel):
    """A part of the tree, named by globs, with line and file limits of its own."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    paths: list[GlobPattern] = Field(min_length=1, description="Globs of the group's files.")
    max_effective_lines: int | None = Field(None, ge=0, description="Limit for the group.")
    max_files: int | None = Field(None, ge=0, description="Limit for the group.")


class Config(RuleConfig):
    """Limits the size of a change: effective lines, files, commits, and ceilings on all files."""

    variables: ClassVar[dict[str, str]] = {
        "effective_lines": "effective changed lines counted (outside any group)",
        "files": "effective files counted (outside any group)",
        "total_effective_lines": "effective changed lines of the whole change, groups included",
        "total_files": "effective files of the whole change, groups included",
        "commits": "commits in the range",
        "max_effective_lines": "the line limit", "max_files": "the file limit",
        "max_commits": "the commit limit",
        "raw_lines": "changed lines of every file, generated and vendored ones included",
        "generated_lines": "changed lines of generated or vendored files",
        "binary_bytes": "bytes of binary content added",
        "exceeded": "the limits that were exceeded, in words",
    }

    kind: Literal["batch-size"]
    max_effective_lines: int | None = Field(
        None, ge=0, description="Most effective changed lines (added + deleted) allowed.")
    max_files: int | None = Field(None, ge=0, description="Most effective files allowed.")
    max_commits: int | None = Field(None, ge=0, description="Most commits allowed in the range.")
    max_raw_lines: int | None = Field(
        None, ge=0, description="Most changed lines of all files, whatever their class.")
    max_generated_lines: int | None = Field(
        None, ge=0, description="Most changed lines of generated or vendored files.")
    max_binary_bytes: int | None = Field(
        None, ge=0, description="Most bytes of binary content the change may add.")
    exclude: list[GlobPattern] = Field(
        default_factory=empty_list,
        description="Globs of paths that do not count toward the limits.")
    groups: list[Group] = Field(
        default_factory=empty_list, description="Parts of the tree with limits of their own.")


def _size_checks(files: list[FileFacts], lines: int | None, count: int | None,
                 where: str) -> list[Check]:
    checks = []
    if lines is not None:
        checks.append(Check(f"effective lines{where}", sum(f.change.changed for f in files),
                            lines, "lines"))
    if count is not None:
        checks.append(Check(f"files{where}", len(files), count, "files"))
    return checks


def _grouped(config: Config, counted: list[FileFacts]
             ) -> tuple[list[list[FileFacts]], list[FileFacts]]:
    """The counted files of each group (the first whose paths match), and those in none."""
    members: list[list[FileFacts]] = [[] for _ in config.groups]
    rest: list[FileFacts] = []
    matchers = [PathSet(g.paths) for g in config.groups]
    for f in counted:
        index = next((i for i, m in enumerate(matchers) if m.matches(f.path)), None)
        (rest if index is None else members[index]).append(f)
    return members, rest


def _checks(config: Config, members: list[list[FileFacts]], rest: list[FileFacts],
            commits: int, measured: dict[str, int]) -> list[Check]:
    """Every limit the rule sets, measured: sizes, each group's, commits, then ceilings."""
    checks = _size_checks(rest, config.max_effective_lines, config.max_files, "")
    for group, files in zip(config.groups, members, strict=True):
        where = f" in {', '.join(group.paths)}"
        checks += _size_checks(files, group.max_effective_lines, group.max_files, where)
    if config.max_commits is not None:
        checks.append(Check("commits", commits, config.max_commits, "commits"))
    return checks + ceilings.checks(measured, config.max_raw_lines, config.max_generated_lines,
                                    config.max_binary_bytes)


def evaluate(config: Config, facts: Facts) -> Finding:
    """Measure the change against every limit set; when one is exceeded, say how to split."""
    excluded = PathSet(config.exclude)
    counted = [f for f in facts.files if f.effective and not excluded.matches(f.path)]
    members, rest = _grouped(config, counted)
    commits = len(facts.changeset.commits)
    everything = [f for f in facts.files if not excluded.matches(f.path)]
    measured = ceilings.measure(everything)
    checks = _checks(config, members, rest, commits, measured)
    failed = [c for c in checks if not c.passed]
    exceeded = "; ".join(c.describe() for c in failed)
    message = _message(failed, exceeded, counted, _parts(config, members, rest), commits)
    drivers = _drivers(failed, counted, rest, config, members)
    if failed and all(c.name in ceilings.NAMES for c in failed):
        drivers = everything  # only a ceiling was exceeded: every file counts toward it
    top = sorted(drivers, key=lambda f: (-f.change.changed, f.path))[:TOP_FILES]
    return Finding(
        passed=not failed,
        message=message,
        remediation=_fix(failed, drivers, counted, everything),
        checks=tuple(checks),
        files=shares(top),
        values=_values(config, counted, rest, commits, measured, exceeded),
        details=ceilings.details(everything)
        if any(c.name == ceilings.BINARY for c in failed) else (),
    )


def _values(config: Config, counted: list[FileFacts], rest: list[FileFacts], commits: int,
            measured: dict[str, int], exceeded: str) -> dict[str, int | str]:
    """The template values: the sizes measured and the limits set."""
    return {"effective_lines": sum(f.change.changed for f in rest), "files": len(rest),
            "commits": commits, **measured,
            "total_effective_lines": sum(f.change.changed for f in counted),
            "total_files": len(counted),
            "max_effective_lines": _text(config.max_effective_lines),
            "max_files": _text(config.max_files), "max_commits": _text(config.max_commits),
            "exceeded": exceeded}


def _fix(failed: list[Check], drivers: list[FileFacts], counted: list[FileFacts],
         everything: list[FileFacts]) -> str | None:
    """How to get back under the exceeded limits; None when none was exceeded."""
    if not failed:
        return None
    hints = (_remediation(failed, drivers, counted), *ceilings.hints(failed, everything))
    return "; ".join(h for h in hints if h)


def _size(files: list[FileFacts]) -> str:
    return f"{sum(f.change.changed for f in files)} lines in {len(files)} files"


def _parts(config: Config, members: list[list[FileFacts]], rest: list[FileFacts]) -> list[str]:
    """Each group's size and that of the files in no group; none without groups."""
    if not config.groups:
        return []
    parts = [f"{', '.join(g.paths)}: {_size(files)}"
             for g, files in zip(config.groups, members, strict=True)]
    return [*parts, f"in no group: {_size(rest)}"]


def _message(failed: list[Check], exceeded: str, counted: list[FileFacts], parts: list[str],
             commits: int) -> str:
    """The result in words. With groups, a check measures a part of the change only, so the
    message gives the whole change's size beside each part's: neither passes for the other."""
    whole = f"{sum(f.change.changed for f in counted)} effective lines in {len(counted)} files"
    if failed:
        return "change set too large: " + exceeded + (
            f" (the whole change: {whole}; {'; '.join(parts)})" if parts else "")
    return f"{whole}, {commits} commits" + (f" ({'; '.join(parts)})" if parts else "")


def _text(limit: int | None) -> int | str:
    return "none" if limit is None else limit


def _drivers(failed: list[Check], counted: list[FileFacts], rest: list[FileFacts],
             config: Config, members: list[list[FileFacts]]) -> list[FileFacts]:
    """The files behind the first exceeded size limit: its group's, or those in no group."""
    for check in failed:
        for group, files in zip(config.groups, members, strict=True):
            if check.name.endswith(f" in {', '.join(group.paths)}"):
                return files
        if check.name not in ("commits", *ceilings.NAMES):
            return rest
    return counted


def _remediation(failed: list[Check], drivers: list[FileFacts],
                 counted: list[FileFacts]) -> str:
    hints = []
    size = next((c for c in failed if c.name not in ("commits", *ceilings.NAMES)), None)
    if size is not None:
        measure = _lines if size.name.startswith("effective lines") else _one
        hints.append(split_plan(drivers, measure, int(size.limit), size.unit, counted))
    if any(c.name == "commits" for c in failed):
        limit = next(c.limit for c in failed if c.name == "commits")
        hints.append(f"split the branch so each change carries at most {limit} commits, or "
                     "squash fix-up commits")
    return "; ".join(hints)


def _lines(f: FileFacts) -> int:
    return f.change.changed


def _one(f: FileFacts) -> int:
    return 1
