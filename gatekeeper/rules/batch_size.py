"""batch-size: keep change sets small enough to review.

Counts what a reviewer has to read: effective changed lines (added plus deleted, leaving out
generated files, lockfiles, vendored files and pure renames, and counting only the edits of a
renamed file), the number of effective files, and the number of commits. Each limit is optional.

```yaml
rules:
  - id: batch-size
    kind: batch-size
    max_effective_lines: 400
    max_files: 20
    max_commits: 10
    exclude: ["docs/**"]      # paths that do not count at all
    severity: error           # or warning
```

When a limit is exceeded the result names the files that drove it and suggests which folders to
split out into a change of their own to get back under the limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Literal

from pydantic import Field

from gatekeeper.facts import Facts, FileFacts
from gatekeeper.globs import PathSet
from gatekeeper.rules.base import GlobPattern, RuleConfig, status_for
from gatekeeper.verdict import Check, FileShare, RuleResult, Status

KIND = "batch-size"
TOP_FILES = 5
SHOWN_GROUPS = 4


class Config(RuleConfig):
    kind: Literal["batch-size"]
    max_effective_lines: int | None = Field(
        None, ge=0, description="Most effective changed lines (added + deleted) allowed."
    )
    max_files: int | None = Field(None, ge=0, description="Most effective files allowed.")
    max_commits: int | None = Field(None, ge=0, description="Most commits allowed in the range.")
    exclude: list[GlobPattern] = Field(
        default_factory=list, description="Globs of paths that do not count toward the limits."
    )


def evaluate(config: Config, facts: Facts) -> RuleResult:
    excluded = PathSet(config.exclude)
    counted = [f for f in facts.files if f.effective and not excluded.matches(f.path)]
    lines = sum(f.change.changed for f in counted)
    checks = []
    if config.max_effective_lines is not None:
        checks.append(Check("effective lines", lines, config.max_effective_lines, "lines"))
    if config.max_files is not None:
        checks.append(Check("files", len(counted), config.max_files, "files"))
    if config.max_commits is not None:
        checks.append(Check("commits", len(facts.changeset.commits), config.max_commits, "commits"))
    status = status_for(tuple(checks), config.severity)
    failed = [c for c in checks if not c.passed]
    if failed:
        message = "change set too large: " + "; ".join(c.describe() for c in failed)
    else:
        commits = len(facts.changeset.commits)
        message = f"{lines} effective lines in {len(counted)} files, {commits} commits"
    top = sorted(counted, key=lambda f: (-f.change.changed, f.path))[:TOP_FILES]
    return RuleResult(
        rule_id=config.id,
        kind=KIND,
        severity=config.severity,
        status=status,
        message=message,
        remediation=_remediation(failed, counted) if status is not Status.PASS else None,
        checks=tuple(checks),
        files=tuple(FileShare(f.path, f.change.added, f.change.deleted) for f in top),
    )


def _remediation(failed: list[Check], counted: list[FileFacts]) -> str:
    hints = []
    size = next((c for c in failed if c.name != "commits"), None)
    if size is not None:
        measure = _lines if size.name == "effective lines" else _one
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
