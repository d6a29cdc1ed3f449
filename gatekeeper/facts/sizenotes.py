"""What the size figures rest on, for every report: the binary files and their sizes, files
counted as text though git takes them for binary, and a change to .gitattributes."""

from __future__ import annotations

from gatekeeper.changeset.model import FileStatus
from gatekeeper.facts.classify import GITATTRIBUTES
from gatekeeper.facts.model import Facts, FileFacts

LISTED = 10
"""Files named in one note; the rest are counted."""


def size_text(size: int) -> str:
    """A byte count in words: ``3.0 MiB``, ``12.5 KiB``, ``512 bytes``."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.1f} {unit}"
    return f"{size} bytes"


def notes(facts: Facts) -> tuple[str, ...]:
    """The notes that apply to this change, if any."""
    found = [_attributes(facts), _binaries(facts.files), _forced(facts.files)]
    return tuple(note for note in found if note)


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def _attributes(facts: Facts) -> str:
    paths = [p for f in facts.files if GITATTRIBUTES in f.classes for p in f.touched]
    if not paths:
        return ""
    changed = f"the change edits .gitattributes ({_listed(sorted(set(paths)))})"
    where = facts.changeset.attributes_from
    if where.startswith("the base"):
        return (f"{changed}; what counts as binary, generated or vendored follows {where}, "
                "not the change's own attributes")
    if where:
        return f"{changed}; its attributes, read from {where}, decide what counts here"
    return changed


def _size(f: FileFacts) -> str:
    change = f.change
    if change.status is FileStatus.DELETED:
        return "deleted"
    if change.size is None:
        return "size unknown"
    text = size_text(change.size)
    return text if change.binary_bytes else f"{text}, unchanged"


def _binaries(files: tuple[FileFacts, ...]) -> str:
    binary = sorted((f for f in files if f.change.binary),
                    key=lambda f: (-(f.change.size or 0), f.path))
    if not binary:
        return ""
    return "binary files, no lines counted: " + _listed(
        [f"{f.path} ({_size(f)})" for f in binary])


def _forced(files: tuple[FileFacts, ...]) -> str:
    forced = [f"{f.path} (+{f.change.added} -{f.change.deleted})"
              for f in files if f.change.forced_text]
    if not forced:
        return ""
    return ("counted as text though git takes them for binary (a NUL byte in a source or text "
            "file): " + _listed(forced))
