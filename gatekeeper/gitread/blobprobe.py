"""What the first bytes of changed files say: .gitattributes from the trusted tree, generator
banners, binary content, and each file's size; the new contents read while git's diff still
streams, from the work tree where a file there is exactly the blob, else through ``cat-file``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import NamedTuple

from gatekeeper.changeset import binaries
from gatekeeper.changeset.binaries import Decision
from gatekeeper.changeset.files import with_size
from gatekeeper.changeset.model import MODE_SUBMODULE, MODE_SYMLINK, FileChange, FileStatus
from gatekeeper.common.records import record
from gatekeeper.gitread import gitattributes
from gatekeeper.gitread.checkedout import CheckedOut
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.rawdiff import RawEntry

HEADER_BYTES = 4096
ATTRIBUTES_BYTES = 1 << 20
BINARY_PROBE_BYTES = binaries.PROBE_BYTES
_ZERO = frozenset("0")


@record
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


class Head(NamedTuple):
    """What a blob's first bytes tell: all that probing keeps of them."""

    nul: bool
    """Whether a NUL byte sits in the first BINARY_PROBE_BYTES (git's binary test)."""
    header: bytes
    """The first HEADER_BYTES when they may hold a generator banner, else empty."""
    size: int


def _head(data: bytes, size: int) -> Head:
    """Keep of ``data`` (a blob's first bytes) only what the binary and banner tests read: a
    changed file's first 8 KB would otherwise stay in memory until the change set is judged."""
    start = data[:HEADER_BYTES]
    # Both banners (Go's "Code generated" line and the @generated tag) hold one of these
    # words, so a header without them could only ever be judged "no banner".
    banner = b"Code generated" in start or b"@generated" in start
    return Head(binaries.has_nul(data), start if banner else b"", size)


class EarlyHeads:
    """The heads of the new blobs, read while git's diff is still streaming: the diff's raw
    records, which come before its patch, already name every blob. A blob whose file in the
    work tree is exactly that blob is read from there (``checkedout``), the rest through
    ``cat-file``."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.asked: set[str] = set()
        self._found: dict[str, Head] = {}
        self._result: Callable[[], dict[str, Head]] | None = None

    def start(self, entries: Iterable[RawEntry]) -> None:
        """Read the new content of ``entries`` (a diff's raw records) from the work tree, and
        start reading what it does not hold through ``cat-file``.

        The work tree is read here, not on the thread: a thread reading file after file would
        wait for the interpreter's lock behind the patch parser at every file."""
        paths = {e.new_blob: e.dst for e in entries if e.status != "D"
                 and e.new_mode not in (MODE_SYMLINK, MODE_SUBMODULE)
                 and set(e.new_blob) - _ZERO}
        self.asked = set(paths)
        self._found = _checked_out(self.repo.root, paths)
        rest = dict.fromkeys((blob for blob in paths if blob not in self._found),
                             BINARY_PROBE_BYTES)
        if rest:
            self._result = self.repo.blob_heads_later(rest, _head)

    def result(self) -> dict[str, Head]:
        """The heads read, once the reading is done."""
        if self._result is None:
            return self._found
        return {**self._found, **self._result()}


def _checked_out(root: str, paths: dict[str, str]) -> dict[str, Head]:
    """The head of each blob (to its path) whose file in the work tree is exactly the blob."""
    tree = CheckedOut(root)
    heads: dict[str, Head] = {}
    for blob, path in paths.items():
        if not tree.worth_reading:  # the rest is cat-file's
            break
        found = tree.read(path, blob, BINARY_PROBE_BYTES)
        if found is not None:
            heads[blob] = _head(*found)
    return heads


def probe(repo: GitRepo, tree: str, files: tuple[FileChange, ...],
          attributes_from: str | None = None, early: EarlyHeads | None = None) -> Probe:
    """Probe ``files``; ``tree`` is the head commit ("" for the index), and
    ``attributes_from`` the tree .gitattributes are read from when not the head's. ``early``
    holds the heads already being read."""
    attr_tree = tree if attributes_from is None else attributes_from
    attribute_specs = _attribute_specs(repo, attr_tree, files)
    rest = _wanted_blobs(files) - (early.asked if early is not None else set())
    # one more batch for the .gitattributes and what was not read early (old binary sides)
    texts = repo.object_heads({**dict.fromkeys(attribute_specs.values(), ATTRIBUTES_BYTES),
                               **dict.fromkeys(rest, BINARY_PROBE_BYTES)})
    heads = {blob: _head(*texts[blob]) for blob in rest if blob in texts}
    if early is not None:
        heads.update(early.result())
    attributes = _attributes(attribute_specs, texts, files)
    found = [_probe_file(change, heads, attributes.get(change.path, {})) for change in files]
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
    """The first bytes of a text file's new content, decoded, when they may hold a banner."""


def _probe_file(change: FileChange, heads: dict[str, Head], attrs: dict[str, bool]) -> _Found:
    """Judge one file from its attributes and the first bytes of its sides in ``heads``."""
    new = heads.get(change.new_blob or "")
    # git printed lines only if neither side was binary to it: the new side suffices then
    old = heads.get(change.old_blob or "") if change.binary else None
    if new is not None:
        change = with_size(change, new.size)
    change = _mark_unchanged_binary(change, new, attrs)
    decision, nul = _decide(change, attrs, [h for h in (old, new) if h is not None])
    text = decision is Decision.TEXT or (not change.binary and decision is Decision.KEEP)
    header = new.header.decode("utf-8", errors="replace") \
        if new is not None and new.header and text else None
    return _Found(change, decision, nul, header)


def _stand_ins(heads: list[Head]) -> list[bytes]:
    """Bytes standing for ``heads`` in the binary test, which looks for a NUL byte only."""
    return [b"\0" if h.nul else b"" for h in heads]


def _decide(change: FileChange, attrs: dict[str, bool],
            sides: list[Head]) -> tuple[Decision, bool]:
    """The trusted verdict on a file whose content changed; KEEP for anything else."""
    if change.is_submodule or change.is_symlink or not (change.hunks or change.binary):
        return Decision.KEEP, False
    if not change.binary and "diff" not in attrs and not any(h.nul for h in sides):
        return Decision.KEEP, False  # text to git and to us: the common case, decided early
    return binaries.decide(change.path, change.binary, attrs, _stand_ins(sides),
                           [h.size for h in sides])


LIST_OVER_FOLDERS = 64
"""Above this many folders, one listing of the tree's .gitattributes files beats asking for
each folder's; below it, the listing (a walk of the whole tree) costs a small change more."""


def _attribute_specs(repo: GitRepo, tree: str, files: tuple[FileChange, ...]
                     ) -> dict[str, str]:
    """Object names of every .gitattributes that may apply, per folder (``tree:`` or index):
    each folder asked for in the one blob batch, or, for many folders, only those a listing
    of the tree shows to have one."""
    paths = [p for f in files for p in (f.path, f.old_path) if p]
    wanted = gitattributes.folders_of(paths)
    if len(wanted) > LIST_OVER_FOLDERS:
        present = {path.rpartition("/")[0] for path in repo.attribute_files(tree)}
        wanted = [folder for folder in wanted if folder in present]
    return {folder: f"{tree}:{folder + '/' if folder else ''}.gitattributes" for folder in wanted}


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
    change: FileChange, head: Head | None, attributes: dict[str, bool]
) -> FileChange:
    """Mark binary files whose content did not change (pure renames, mode changes).

    git prints no "Binary files differ" line when the content is unchanged, yet
    ``git diff --numstat`` still reports such files as binary; apply the same test as for
    changed files.
    """
    if change.binary or change.hunks or change.is_submodule or change.is_symlink:
        return change
    binary, nul = binaries.wants_binary(change.path, attributes,
                                        _stand_ins([head] if head else []))
    # no line to count either way, so git's own verdict stands, a NUL byte in a source file too
    return dataclasses.replace(change, binary=True) if binary or nul else change
