"""forbidden-paths: fail when a change touches paths that must never change in a change set.

A path counts as touched when a file is added, edited, has its mode changed, or is renamed or
copied to or from it: both the new path and, for a rename or copy, the old path are matched
against `paths`. Deleting a forbidden file is how one that slipped in gets removed, so a
deletion does not count unless `deletions` is true. Generated files, lockfiles, vendored files
and pure renames count too, since what matters here is where a change reaches, not how much
there is to review.

`paths` (required) lists gitignore-style globs: one with a slash is anchored at the repository
root, one without matches at any depth, and the last match wins, so a later `!pattern` exempts
paths an earlier glob forbids. A single glob may be written without the list.

```yaml
rules:
  - id: no-secrets
    kind: forbidden-paths
    paths: ["secrets/**", "*.pem", "!tests/fixtures/*.pem"]
    message: "{count} forbidden files touched: {matched}"
```

On failure the result lists every offending file and the fix gives the git command that takes
them out of the change. Template variables: `{matched}` (the offending paths, comma-separated;
the old path of a file renamed out of a forbidden folder) and `{count}` (how many files).
"""

from __future__ import annotations

import shlex
from typing import ClassVar, Literal

from pydantic import Field

from gatekeeper.changeset.model import FileStatus
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, shares
from gatekeeper.rules.findings import Check
from gatekeeper.rules.paths import SHOWN, Globs, Hit, hits, listed

KIND = "forbidden-paths"
NEEDS: frozenset[Need] = frozenset()
TAKE_OUT = "take these files out of the change"


class Config(RuleConfig):
    """Fails a change touching a path that matches paths; deleting one counts with deletions."""

    variables: ClassVar[dict[str, str]] = {
        "matched": "the offending paths, comma-separated",
        "count": "how many files touch a forbidden path",
    }

    kind: Literal["forbidden-paths"]
    paths: Globs = Field(
        min_length=1, description="Globs of paths no change may touch; a later !glob exempts "
        "paths an earlier one forbids.")
    deletions: bool = Field(
        False, description="Count deleting a matching file as touching it (by default a "
        "deletion is allowed, since it removes what should not be there).")


def evaluate(config: Config, facts: Facts) -> Finding:
    """Fail when a touched path is forbidden, naming the files and how to take them out."""
    forbidden = PathSet(config.paths)
    files = [f for f in facts.files
             if config.deletions or f.change.status is not FileStatus.DELETED]
    found = hits(files, forbidden.matches)
    text, matched = listed(found)
    values: dict[str, int | str] = {"matched": matched, "count": len(found)}
    check = Check("forbidden files", len(found), 0, "files")
    if not found:
        return Finding(True, f"no touched path matches {', '.join(config.paths)}",
                       checks=(check,), values=values)
    return Finding(
        passed=False,
        message=f"{len(found)} forbidden {_files(len(found))} touched: {text}",
        remediation=_remediation(found, facts),
        checks=(check,),
        files=shares(f for f, _ in found),
        values=values,
    )


def _files(count: int) -> str:
    return "file" if count == 1 else "files"


def _remediation(found: list[Hit], facts: Facts) -> str:
    paths = [shlex.quote(p) for f, _ in found for p in f.touched]
    args = " ".join(paths[:SHOWN]) + (" ..." if len(paths) > SHOWN else "")
    revisions = facts.changeset.revisions
    if revisions.mode == "staged":
        return f"{TAKE_OUT}: unstage them with `git restore --staged -- {args}`"
    # The merge base is what the change was compared against; restoring from it also drops
    # files the change adds, so one command fits every kind of change.
    base = (revisions.merge_base or "")[:12] or revisions.base_ref or "<base>"
    return (f"{TAKE_OUT}: restore them from the base with `git restore --source={base} "
            f"--staged --worktree -- {args}` and commit")
