"""Refuses coverage reports that the commit being checked tracks: a change must not be able to
supply the coverage it is judged by (a report it commits, matched by a ``--coverage`` glob,
would be merged with the honest ones and could turn a failure into a pass)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from pathlib import PurePath

from gatekeeper.errors import UsageError

MAX_LINKS = 40
"""Symlinks followed while walking one path, as many as the kernel allows (Linux)."""


def locations(path: str) -> Iterator[str]:
    """Every place that opening ``path`` passes through, in the order the kernel walks it:
    each folder and each symlink on the way, and the file it ends at.

    ``..`` is applied where it stands, after the symlinks before it are followed (as opening
    the file does), so ``cov/../x`` and a link's ``../`` lead where they really lead.
    """
    pending = list(PurePath(os.path.join(os.getcwd(), path)).parts)
    current = pending.pop(0)  # the anchor: "/" (or a drive)
    hops = 0
    while pending:
        name = pending.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = os.path.dirname(current)
            continue
        step = os.path.join(current, name)
        yield step
        if hops < MAX_LINKS and os.path.islink(step):
            hops += 1
            target = PurePath(os.readlink(step))
            if target.is_absolute():
                current = target.parts[0]
                pending = [*target.parts[1:], *pending]
            else:
                pending = [*target.parts, *pending]
            continue
        current = step


def tracked_step(path: str, root: str, tracked: Collection[str]) -> tuple[str, str] | None:
    """The tracked repository path that opening ``path`` reads or passes through, and what it
    is there (``file``, ``symlink`` or ``submodule``); None when no step is tracked."""
    top = os.path.realpath(root)
    steps = list(locations(path))
    for index, step in enumerate(steps):
        if step != top and not step.startswith(top.rstrip(os.sep) + os.sep):
            continue
        relative = PurePath(os.path.relpath(step, top)).as_posix()
        if relative in tracked:
            kind = ("symlink" if os.path.islink(step) else
                    "file" if index == len(steps) - 1 else "submodule")
            return relative, kind
    return None


def refuse(paths: Sequence[str], root: str, tracked: Collection[str]) -> None:
    """Stop the run (exit 2) at the first report that the checked commit tracks."""
    for path in paths:
        found = tracked_step(path, root, tracked)
        if found is None:
            continue
        name, kind = found
        how = {"file": "is", "symlink": "goes through", "submodule": "lies in"}[kind]
        raise UsageError(
            f"coverage report {path!r} {how} {name!r}, a {kind} tracked in the commit being "
            "checked: the change could supply its own coverage",
            hint="have the test job write its reports to untracked files and match only those "
            "with --coverage, or set coverage.allow_committed_reports: true in the policy")
