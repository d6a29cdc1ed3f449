"""Reads the patch part of git's own ``git diff --raw -z -p`` output; pure, never runs git.

``diffparse`` reads any unified diff (a file a user hands over, in any of several dialects),
so it reads and checks every header line. git's own output needs none of that: the raw records
before the patch already give each file's exact names, modes, blobs and status, and git
quotes any name that holds a newline, so a line starting ``diff --git `` opens each section and
nothing else can. What is left to read is which sections git found binary, and the hunks,
whose extents come from their header counts (``hunkread``) as in ``diffparse``. On 50,000
touched files this takes a few microseconds per section instead of tens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread.comments import CommentBudget, TextBudget, charge_text, start_text
from gatekeeper.gitread.hunkread import read_hunk
from gatekeeper.gitread.patchfile import PatchFile
from gatekeeper.gitread.rawdiff import RawEntry

_BINARY = (b"Binary files ", b"GIT binary patch")
_BINARY_FIRST = frozenset(marker[:1] for marker in _BINARY)


def section_names(entries: Iterable[RawEntry]) -> Iterator[str]:
    """The path of each file section git prints for ``entries``, in order: a type change
    (file to symlink, say) prints two sections, a deletion and an addition of the same path."""
    for entry in entries:
        yield entry.dst
        if entry.status == "T":
            yield entry.dst


def git_sections(lines: Iterable[bytes], names: Iterator[str], *, source: str = "git diff",
                 comments: CommentBudget | None = None,
                 texts: TextBudget | None = None) -> Iterator[PatchFile]:
    """Yield one PatchFile per ``diff --git`` section of git's patch output, named in turn
    from ``names``; see ``diffparse.parse_patch`` for the budgets."""
    current: PatchFile | None = None
    lineno = 0
    it = iter(lines)
    for line in it:
        lineno += 1
        # Told apart by the first byte before any prefix is compared: most lines here are a
        # section's header lines (index, ---, +++), which need no comparison at all.
        first = line[:1]
        if first == b"@" and line.startswith(b"@@ "):
            if current is None:
                raise DiffInputError(f"{source}:{lineno}: a hunk before any file section")
            lineno = _hunk(current, line, it, lineno, source, comments, texts)
        elif first == b"d" and line.startswith(b"diff --git "):
            if current is not None:
                yield current
            name = next(names, None)
            current = PatchFile(git=True, header_old=name, header_new=name)
        elif current is not None:
            if first in _BINARY_FIRST and line.startswith(_BINARY):
                current.binary = True
        elif line.strip():
            raise DiffInputError(f"{source}:{lineno}: text before the first file section")
    if current is not None:
        yield current


def _hunk(current: PatchFile, header: bytes, it: Iterator[bytes], lineno: int, source: str,
          comments: CommentBudget | None, texts: TextBudget | None) -> int:
    """Read the hunk ``header`` opens into ``current``, keeping its text when wanted."""
    if texts is not None and not current.text_decided:
        start_text(current, texts)
    lineno = read_hunk(current, header, it, lineno, source, comments)
    if current.added_text is not None and texts is not None:
        charge_text(current, texts)
    return lineno
