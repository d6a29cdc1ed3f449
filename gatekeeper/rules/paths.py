"""Path helpers the path-based rule kinds share: glob lists, touched-path hits, short lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from pydantic import BeforeValidator

from gatekeeper.changeset.model import FileStatus
from gatekeeper.common.fields import GlobPattern, one_or_many
from gatekeeper.facts.model import FileFacts

SHOWN = 5

Globs = Annotated[list[GlobPattern], BeforeValidator(one_or_many)]
"""Gitignore-style globs; a single glob may be written without the list."""
Hit = tuple[FileFacts, str]
"""A touched file and the path of it (new, else old) that matched."""


def hits(files: Iterable[FileFacts], wanted: Callable[[str], bool]) -> list[Hit]:
    """Each file with a touched path ``wanted`` accepts, with that path (the new one first)."""
    found = []
    for f in files:
        path = next((p for p in f.touched if wanted(p)), None)
        if path is not None:
            found.append((f, path))
    return found


def shown(f: FileFacts) -> str:
    """A file as a reader should see it: where it came from, if it moved or was copied."""
    old = f.change.old_path
    if not old or old == f.path:
        return f.path
    verb = "copied" if f.change.status is FileStatus.COPIED else "renamed"
    return f"{f.path} ({verb} from {old})"


def sample(items: list[str]) -> str:
    """The first few items, and how many more there are; the file list has them all."""
    text = ", ".join(items[:SHOWN])
    return text + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def listed(found: list[Hit]) -> tuple[str, str]:
    """The hits for a message (sampled, showing renames) and for a template (every path)."""
    return sample([shown(f) for f, _ in found]), ", ".join(path for _, path in found)
