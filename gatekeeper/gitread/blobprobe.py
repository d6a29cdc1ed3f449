"""What the first bytes of changed files say: .gitattributes from the trusted tree, generator
banners, binary content, and each file's size; read in one ``cat-file --batch``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import NamedTuple

from gatekeeper.changeset import binaries
from gatekeeper.changeset.binaries import Decision
from gatekeeper.changeset.model import FileChange, FileStatus
from gatekeeper.gitread import gitattributes
from gatekeeper.gitread.gitio import GitRepo

HEADER_BYTES = 4096
ATTRIBUTES_BYTES = 1 << 20
BINARY_PROBE_BYTES = binaries.PROBE_BYTES


@dataclass(frozen=True)
class Probe:
    """The files with sizes and unchanged binaries marked, their attributes and headers, and
    what to do where git's binary verdict differs from the trusted one."""

    files: tuple[FileChange, ...]
    attributes: dict[str, dict[str, bool]]
    headers: dict[str, str]
    decisions: dict[str, Decision] = field(default_factory=dict)
    """Path to a decision other than KEEP (see ``gatekeeper.changeset.binaries``)."""
    overruled: frozenset[str] = frozenset()
    """Paths whose NUL byte the name overrules: counted as text, and marked."""


def probe(repo: GitRepo, tree: str, files: tuple[FileChange, ...],
          attributes_from: str | None = None) -> Probe:
    """Probe ``files``; ``tree`` is the head commit ("" for the index), and
    ``attributes_from`` the tree .gitattributes are read from when not the head's."""
    attr_tree = tree if attributes_from is None else attributes_from
    attribute_specs = _attribute_specs(attr_tree, files)
    wanted = _wanted_blobs(files)
    objects = repo.object_heads({**{spec: ATTRIBUTES_BYTES for spec in attribute_specs.values()},
                                 **{blob: BINARY_PROBE_BYTES for blob in wanted}})
    attributes = _attributes(attribute_specs, objects, files)
    found = [_probe_file(change, objects, attributes.get(change.path, {})) for change in files]
    return Probe(tuple(f.change for f in found), attributes,
                 {f.change.path: f.header for f in found if f.header is not None},
                 {f.change.path: f.decision for f in found if f.decision is not Decision.KEEP},
                 frozenset(f.change.path for f in found if f.nul))


class _Found(NamedTuple):
    """What probing one file found."""

    change: FileChange
    """The file with its size set and, if its unchanged content is binary, marked so."""
    decision: Decision
    nul: bool
    """Whether the file's name overrules a NUL byte in it."""
    header: str | None
    """The first bytes of a text file's new content, decoded."""


def _probe_file(change: FileChange, objects: dict[str, tuple[bytes, int]],
                attrs: dict[str, bool]) -> _Found:
    """Judge one file from its attributes and the first bytes of its sides in ``objects``."""
    new = objects.get(change.new_blob or "")
    # git printed lines only if neither side was binary to it: the new side suffices then
    old = objects.get(change.old_blob or "") if change.binary else None
    if new is not None:
        change = dataclasses.replace(change, size=new[1])
    change = _mark_unchanged_binary(change, new[0] if new else None, attrs)
    decision, nul = _decide(change, attrs, [p for p in (old, new) if p is not None])
    text = decision is Decision.TEXT or (not change.binary and decision is Decision.KEEP)
    header = new[0][:HEADER_BYTES].decode("utf-8", errors="replace") \
        if new is not None and text else None
    return _Found(change, decision, nul, header)


def _decide(change: FileChange, attrs: dict[str, bool],
            sides: list[tuple[bytes, int]]) -> tuple[Decision, bool]:
    """The trusted verdict on a file whose content changed; KEEP for anything else."""
    if change.is_submodule or change.is_symlink or not (change.hunks or change.binary):
        return Decision.KEEP, False
    return binaries.decide(change.path, change.binary, attrs, [head for head, _ in sides],
                           [size for _, size in sides])


def _attribute_specs(tree: str, files: tuple[FileChange, ...]) -> dict[str, str]:
    """Object names of every .gitattributes that may apply, per folder (``tree:`` or index)."""
    paths = [p for f in files for p in (f.path, f.old_path) if p]
    return {folder: f"{tree}:{folder + '/' if folder else ''}.gitattributes"
            for folder in gitattributes.folders_of(paths)}


def _attributes(specs: dict[str, str], objects: dict[str, tuple[bytes, int]],
                files: tuple[FileChange, ...]) -> dict[str, dict[str, bool]]:
    texts = {folder: objects[spec][0].decode("utf-8", errors="replace")
             for folder, spec in specs.items() if spec in objects}
    if not texts:
        return {}
    macros = gitattributes.macros_of(texts.get("", ""))  # git reads macros at the top only
    parsed = {folder: gitattributes.parse(text, macros) for folder, text in texts.items()}
    result = {}
    for change in files:
        attrs = gitattributes.attributes_for(change.path, parsed)
        if attrs:
            result[change.path] = attrs
    return result


def _wanted_blobs(files: tuple[FileChange, ...]) -> set[str]:
    """Blobs whose first bytes may hold a banner or a NUL byte: each new file content, and the
    old content of files git took for binary."""
    wanted: set[str] = set()
    for f in files:
        if f.is_submodule or f.is_symlink:
            continue
        if f.new_blob and f.status is not FileStatus.DELETED:
            wanted.add(f.new_blob)
        if f.binary and f.old_blob:
            wanted.add(f.old_blob)
    return wanted


def _mark_unchanged_binary(
    change: FileChange, head: bytes | None, attributes: dict[str, bool]
) -> FileChange:
    """Mark binary files whose content did not change (pure renames, mode changes).

    git prints no "Binary files differ" line when the content is unchanged, yet
    ``git diff --numstat`` still reports such files as binary; apply the same test as for
    changed files.
    """
    if change.binary or change.hunks or change.is_submodule or change.is_symlink:
        return change
    binary, nul = binaries.wants_binary(change.path, attributes, [head] if head else [])
    # no line to count either way, so git's own verdict stands, a NUL byte in a source file too
    return dataclasses.replace(change, binary=True) if binary or nul else change
