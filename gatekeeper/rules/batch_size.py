"""batch-size: keep change sets small enough to review.

Counts what a reviewer has to read. `max_effective_lines` limits effective changed lines
(added plus deleted, leaving out generated files, lockfiles, vendored files and pure renames,
and counting only the edits of a renamed file); `max_files` limits the number of effective
files; `max_commits` limits the commits in the range. Each limit is optional. `exclude` lists
globs of paths that do not count at all.

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
    exclude: ["docs/**"]      # paths that do not count at all
    groups:
      - paths: ["src/payments/**"]
        max_effective_lines: 150
```

When a limit is exceeded the result names the files that drove it and suggests which folders to
split out into a change of their own to get back under the limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gatekeeper.facts import Facts, FileFacts
from gatekeeper.globs import PathSet
from gatekeeper.rules.base import Finding, GlobPattern, RuleConfig, shares
from gatekeeper.verdict import Check

KIND = "batch-size"
TOP_FILES = 5
SHOWN_GROUPS = 4


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: list[GlobPattern] = Field(min_length=1, description="Globs of the group's files.")
    max_effective_lines: int | None = Field(None, ge=0, description="Limit for the group.")
    max_files: int | None = Field(None, ge=0, description="Limit for the group.")


class Config(RuleConfig):
    variables: ClassVar[dict[str, str]] = {
        "effective_lines": "effective changed lines counted (outside any group)",
        "files": "effective files counted (outside any group)",
        "commits": "commits in the range",
        "max_effective_lines": "the line limit", "max_files": "the file limit",
        "max_commits": "the commit limit",
        "exceeded": "the limits that were exceeded, in words",
    }

    kind: Literal["batch-size"]
    max_effective_lines: int | None = Field(
        None, ge=0, description="Most effective changed lines (added + deleted) allowed.")
    max_files: int | None = Field(None, ge=0, description="Most effective files allowed.")
    max_commits: int | None = Field(None, ge=0, description="Most commits allowed in the range.")
    exclude: list[GlobPattern] = Field(
        default_factory=list, description="Globs of paths that do not count toward the limits.")
    groups: list[Group] = Field(
        default_factory=list, description="Parts of the tree with limits of their own.")


def _size_checks(files: list[FileFacts], lines: int | None, count: int | None,
                 where: str) -> list[Check]:
    checks = []
    if lines is not None:
        checks.append(Check(f"effective lines{where}", sum(f.change.changed for f in files),
                            lines, "lines"))
    if count is not None:
        checks.append(Check(f"files{where}", len(files), count, "files"))
    return checks


def evaluate(config: Config, facts: Facts) -> Finding:
    excluded = PathSet(config.exclude)
    counted = [f for f in facts.files if f.effective and not excluded.matches(f.path)]
    members: list[list[FileFacts]] = [[] for _ in config.groups]
    rest: list[FileFacts] = []
    matchers = [PathSet(g.paths) for g in config.groups]
    for f in counted:
        index = next((i for i, m in enumerate(matchers) if m.matches(f.path)), None)
        (rest if index is None else members[index]).append(f)
    checks = _size_checks(rest, config.max_effective_lines, config.max_files, "")
    for group, files in zip(config.groups, members, strict=True):
        where = f" in {', '.join(group.paths)}"
        checks += _size_checks(files, group.max_effective_lines, group.max_files, where)
    commits = len(facts.changeset.commits)
    if config.max_commits is not None:
        checks.append(Check("commits", commits, config.max_commits, "commits"))
    failed = [c for c in checks if not c.passed]
    lines = sum(f.change.changed for f in rest)
    exceeded = "; ".join(c.describe() for c in failed)
    if failed:
        message = "change set too large: " + exceeded
    else:
        message = f"{lines} effective lines in {len(counted)} files, {commits} commits"
    drivers = _drivers(failed, counted, rest, config, members)
    top = sorted(drivers, key=lambda f: (-f.change.changed, f.path))[:TOP_FILES]
    values = {"effective_lines": lines, "files": len(rest), "commits": commits,
              "max_effective_lines": _text(config.max_effective_lines),
              "max_files": _text(config.max_files), "max_commits": _text(config.max_commits),
              "exceeded": exceeded}
    return Finding(
        passed=not failed,
        message=message,
        remediation=_remediation(failed, drivers) if failed else None,
        checks=tuple(checks),
        files=shares(top),
        values=values,
    )


def _text(limit: int | None) -> int | str:
    return "none" if limit is None else limit


def _drivers(failed: list[Check], counted: list[FileFacts], rest: list[FileFacts],
             config: Config, members: list[list[FileFacts]]) -> list[FileFacts]:
    """The files behind the first exceeded size limit: its group's, or those in no group."""
    for check in failed:
        for group, files in zip(config.groups, members, strict=True):
            if check.name.endswith(f" in {', '.join(group.paths)}"):
                return files
        if check.name != "commits":
            return rest
    return counted


def _remediation(failed: list[Check], counted: list[FileFacts]) -> str:
    hints = []
    size = next((c for c in failed if c.name != "commits"), None)
    if size is not None:
        measure = _lines if size.name.startswith("effective lines") else _one
        hints.append(split_plan(counted, measure, int(size.limit), size.unit))
    if any(c.name == "commits" for c in failed):
        limit = next(c.limit for c in failed if c.name == "commits")
        hints.append(f"split the branch so each change carries at most {limit} commits, or "
                     "squash fix-up commits")
    return "; ".join(hints)


def _lines(f: FileFacts) -> int:
    return f.change.changed


def _one(f: FileFacts) -> int:
    return 1


def _folder(path: str, depth: int) -> str:
    parts = path.split("/")[:-1][:depth]
    return "/".join(parts) + "/" if parts else path


def _refine(files: list[FileFacts], measure: Callable[[FileFacts], int],
            limit: int) -> dict[str, list[FileFacts]]:
    """Group files by folder, going deeper into any folder that alone exceeds the limit."""
    groups: dict[str, list[FileFacts]] = {"": files}
    depth_of = {"": 0}
    while True:
        name = max(groups, key=lambda g: sum(measure(f) for f in groups[g]))
        members = groups[name]
        depth = depth_of[name] + 1
        if len(groups) > 1 and sum(measure(f) for f in members) <= limit:
            return groups
        children: dict[str, list[FileFacts]] = defaultdict(list)
        for f in members:
            children[_folder(f.path, depth)].append(f)
        if len(children) < 2 and not any(f.path.count("/") >= depth for f in members):
            return groups  # a single file: nothing finer to split out
        del groups[name]
        for child, child_files in children.items():
            groups[child] = child_files
            depth_of[child] = depth


def split_plan(
    files: list[FileFacts], measure: Callable[[FileFacts], int], limit: int, unit: str
) -> str:
    """Name the fewest folders to move into separate changes to get under ``limit``."""
    groups = _refine(files, measure, limit)
    total = sum(measure(f) for f in files)
    if len(groups) < 2:
        return (f"everything sits in one place; split it into smaller sequential changes of at "
                f"most {limit} {unit} each")
    sized = sorted(((sum(measure(f) for f in g), name, len(g)) for name, g in groups.items()),
                   key=lambda t: (-t[0], t[1]))
    chosen, remaining = [], total
    for size, name, count in sized[:-1]:
        if remaining <= limit:
            break
        chosen.append(f"{name} ({size} {unit})" if unit != "files" else f"{name} ({count} files)")
        remaining -= size
    named = ", ".join(chosen[:SHOWN_GROUPS])
    if len(chosen) > SHOWN_GROUPS:
        named += f" and {len(chosen) - SHOWN_GROUPS} more folders"
    if remaining <= limit and len(chosen) <= SHOWN_GROUPS:
        return f"split out {named} into separate changes, leaving {remaining} <= {limit} {unit}"
    pieces = -(-total // max(limit, 1))
    return (f"this is {total} {unit} against a limit of {limit}: split it into at least "
            f"{pieces} changes, starting with {named}")
