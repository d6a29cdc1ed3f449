"""What the first bytes of changed files say: .gitattributes at head, generator banners, and
binary content that git prints no patch for; read in one ``cat-file --batch``."""

from __future__ import annotations

import dataclasses

from gatekeeper import gitattributes
from gatekeeper.changeset import FileChange, FileStatus
from gatekeeper.gitio import GitRepo

HEADER_BYTES = 4096
ATTRIBUTES_BYTES = 1 << 20
BINARY_PROBE_BYTES = 8000  # git's own binary heuristic looks this far for a NUL byte


def probe(repo: GitRepo, tree: str, files: tuple[FileChange, ...]
          ) -> tuple[tuple[FileChange, ...], dict[str, dict[str, bool]], dict[str, str]]:
    """The files with unchanged binaries marked, the linguist attributes per path, and the
    first bytes of each text file's new content; ``tree`` is the head commit, or "" for the
    index."""
    attribute_specs = _attribute_specs(tree, files)
    wanted = _wanted_blobs(files)
    objects = repo.object_heads({**{spec: ATTRIBUTES_BYTES for spec in attribute_specs.values()},
                                 **{blob: BINARY_PROBE_BYTES for blob in wanted}})
    attributes = _attributes(attribute_specs, objects, files)
    heads = {path: objects[blob] for blob, paths in wanted.items() if blob in objects
             for path in paths}
    marked = tuple(_mark_unchanged_binary(f, heads.get(f.path), attributes.get(f.path, {}))
                   for f in files)
    headers = {path: head[:HEADER_BYTES].decode("utf-8", errors="replace")
               for path, head in heads.items() if not _is_binary(head)}
    return marked, attributes, headers


def _attribute_specs(tree: str, files: tuple[FileChange, ...]) -> dict[str, str]:
    """Object names of every .gitattributes that may apply, per folder (``tree:`` or index)."""
    return {folder: f"{tree}:{folder + '/' if folder else ''}.gitattributes"
            for folder in gitattributes.folders_of(f.path for f in files)}


def _attributes(specs: dict[str, str], objects: dict[str, bytes],
                files: tuple[FileChange, ...]) -> dict[str, dict[str, bool]]:
    parsed = {folder: gitattributes.parse(objects[spec].decode("utf-8", errors="replace"))
              for folder, spec in specs.items() if spec in objects}
    if not parsed:
        return {}
    result = {}
    for change in files:
        attrs = gitattributes.attributes_for(change.path, parsed)
        if attrs:
            result[change.path] = attrs
    return result


def _wanted_blobs(files: tuple[FileChange, ...]) -> dict[str, list[str]]:
    """Blob to paths (identical files share a blob) whose content may hold a banner or NUL."""
    wanted: dict[str, list[str]] = {}
    for f in files:
        if (f.new_blob and not f.binary and not f.is_submodule and not f.is_symlink
                and f.status is not FileStatus.DELETED):
            wanted.setdefault(f.new_blob, []).append(f.path)
    return wanted


def _is_binary(head: bytes) -> bool:
    return b"\0" in head[:BINARY_PROBE_BYTES]


def _mark_unchanged_binary(
    change: FileChange, head: bytes | None, attributes: dict[str, bool]
) -> FileChange:
    """Mark binary files whose content did not change (pure renames, mode changes).

    git prints no "Binary files differ" line when the content is unchanged, yet
    ``git diff --numstat`` still reports such files as binary; apply git's own test.
    """
    if change.binary or change.hunks:
        return change
    binary = attributes.get("binary") is True or attributes.get("diff") is False
    if not binary and head is not None and _is_binary(head):
        binary = True
    return dataclasses.replace(change, binary=True) if binary else change
