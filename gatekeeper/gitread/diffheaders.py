"""The header lines of a unified diff's file sections: git's extended header, the ---/+++ and
``Binary files`` names, and git's ``a/ b/`` prefixes. Pure; ``diffparse`` drives them."""

from __future__ import annotations

import re
from collections.abc import Callable

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread.patchfile import PatchFile
from gatekeeper.gitread.rawdiff import unquote

DEV_NULL = "/dev/null"
"""The name a unified diff gives the missing side of an added or deleted file."""
_PLAIN_EPOCH = r"^1970-01-01 00:00:00(\.0+)? \+0000$|^Thu Jan  1 00:00:00 1970"
_PERCENT = re.compile(r"[0-9]{1,3}%")
_GIT_PREFIX = re.compile(r"^[abciow12]/")


def _strip_git_prefix(name: str) -> str:
    return _GIT_PREFIX.sub("", name, count=1)


def split_git_header(rest: str) -> tuple[str | None, str | None]:
    """Split ``a/X b/Y`` from a ``diff --git`` line; ambiguous unquoted names give None."""
    if rest.startswith('"'):
        end = _closing_quote(rest)
        first, tail = rest[: end + 1], rest[end + 2 :]
        return _strip_git_prefix(unquote(first)), _strip_git_prefix(unquote(tail))
    if rest.endswith('"'):
        start = rest.rfind(' "')
        return _strip_git_prefix(rest[:start]), _strip_git_prefix(unquote(rest[start + 1 :]))
    half = (len(rest) - 1) // 2
    first, second = rest[:half], rest[half + 1 :]
    if _strip_git_prefix(first) == _strip_git_prefix(second):
        return _strip_git_prefix(first), _strip_git_prefix(second)
    return None, None


def _closing_quote(text: str) -> int:
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i
        i += 1
    raise DiffInputError(f"unterminated quoted path in {text[:60]!r}")


def _header_name(raw: str) -> str | None:
    name = unquote(raw.rstrip())
    return None if name == DEV_NULL else name


def shown(text: str) -> str:
    """``text`` quoted for an error message, cut to 40 characters."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def binary_files(text: str) -> tuple[str, str | None] | None:
    """The names in ``Binary files A and B differ``: the first " and " splits them, as in
    unidiff's grammar (read without a regular expression, which took cubic time there)."""
    if not text.startswith(("Binary files ", "Binary file ")):
        return None
    for tail in (" differ", " has changed"):
        if text.endswith(tail):
            body = text[text.index(" ", 7) + 1 : -len(tail)]
            source, found, target = body.partition(" and ")
            return source.partition("\t")[0], target.partition("\t")[0] if found else None
    return None


def plain_section(minus: str, plus: str) -> PatchFile:
    """The file section a ``--- name [time]`` and a ``+++ name [time]`` line open."""
    # Only a plain (not git) diff has these lines, so unidiff's grammar loads only for one.
    from unidiff.constants import RE_SOURCE_FILENAME, RE_TARGET_FILENAME

    old = RE_SOURCE_FILENAME.match(minus)
    new = RE_TARGET_FILENAME.match(plus)
    section = plain_file(old.group("filename") if old else minus[4:],
                          new.group("filename") if new else plus[4:])
    section.plain_old_epoch = bool(old and re.match(_PLAIN_EPOCH, old.group("timestamp") or ""))
    section.plain_new_epoch = bool(new and re.match(_PLAIN_EPOCH, new.group("timestamp") or ""))
    return section


def plain_file(minus: str, plus: str) -> PatchFile:
    """The section of a plain diff between the files named ``minus`` and ``plus``."""
    old, new = _header_name(minus), _header_name(plus)
    if old and new and "/" in old and "/" in new and old.split("/")[0] != new.split("/")[0]:
        # Both sides sit under differing top folders (a/ b/, orig/ new/): strip one level, as
        # `patch -p1` would.
        old, new = old.split("/", 1)[1], new.split("/", 1)[1]
    return PatchFile(git=False, minus_path=old, plus_path=new,
                     new_file=old is None, deleted_file=new is None)


def git_extended_header(current: PatchFile, text: str,
                         error: Callable[[str], DiffInputError]) -> bool:
    """Record a line of a git section's extended header; False when it is none."""
    if text.startswith(("--- ", "+++ ")):
        name = _header_name(text[4:].split("\t")[0])
        path = _strip_git_prefix(name) if name else None
        side = "minus" if text[0] == "-" else "plus"
        setattr(current, f"{side}_path", path)
        if name is None:
            setattr(current, "new_file" if side == "minus" else "deleted_file", True)
    elif text.startswith(("new file mode ", "deleted file mode ", "old mode ", "new mode ")):
        _mode(current, text)
    elif text.startswith(("rename from ", "rename to ", "copy from ", "copy to ")):
        verb, direction, name = text.split(" ", 2)
        setattr(current, f"{verb}_{direction}", unquote(name))
    elif text.startswith(("similarity index ", "dissimilarity index ")):
        value = text.partition(" index ")[2]
        if not _PERCENT.fullmatch(value):
            raise error(f"{text.partition(' ')[0]} index {shown(value)} is not a percentage")
        if text[0] == "s":
            current.similarity = int(value[:-1])
    elif text.startswith("index "):
        _index(current, text[6:])
    elif binary_files(text) is not None or text == "GIT binary patch":
        current.binary = True
    else:
        return False
    return True


def _mode(current: PatchFile, text: str) -> None:
    mode = text.rpartition(" ")[2]
    if text.startswith("new file mode "):
        current.new_file, current.new_mode = True, mode
    elif text.startswith("deleted file mode "):
        current.deleted_file, current.old_mode = True, mode
    else:
        setattr(current, f"{text.partition(' ')[0]}_mode", mode)


def _index(current: PatchFile, value: str) -> None:
    blobs, _, mode = value.partition(" ")
    current.index_old, _, current.index_new = blobs.partition("..")
    if mode and not current.old_mode and not current.new_file:
        current.old_mode = mode
    if mode and not current.new_mode and not current.deleted_file:
        current.new_mode = mode
