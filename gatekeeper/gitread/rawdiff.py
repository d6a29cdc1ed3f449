"""Parser for ``git diff --raw -z`` records, and git's quoting of paths; pure, never runs git."""

from __future__ import annotations

import re

from gatekeeper.common.records import record
from gatekeeper.errors import DiffInputError

_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def decode_path(raw: bytes) -> str:
    """A path as git printed it, decoded as UTF-8 (invalid bytes replaced)."""
    return raw.decode("utf-8", errors="replace")


def unquote(name: str) -> str:
    """Undo git's C-style quoting of a path (``"a\\303\\244\\tb"``); other names pass through."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in "01234567" and re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, ord(nxt) if nxt.isascii() else 63))
            i += 2
    return decode_path(bytes(out))


@record(slots=True)
class RawEntry:
    """One record of ``git diff --raw -z``."""

    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    status: str  # A C D M R T U X
    score: int | None
    src: str
    dst: str


def parse_raw_z(data: bytes) -> list[RawEntry]:
    """Parse the NUL-separated raw section (without its terminating empty field)."""
    fields = data.split(b"\0")
    entries: list[RawEntry] = []
    i = 0
    while i < len(fields):
        meta = fields[i]
        if not meta:
            i += 1
            continue
        if not meta.startswith(b":"):
            raise DiffInputError(f"unexpected raw diff record {meta[:40]!r}")
        try:
            old_mode, new_mode, old_blob, new_blob, status = meta[1:].decode("ascii").split(" ")
            letter, digits = status[0], status[1:]
            # ASCII digits only: int() also reads other scripts' digits, and ³ passes isdigit.
            if len(digits) > 3 or not ((digits.isascii() and digits.isdigit()) or not digits):
                raise ValueError(digits)
            score = int(digits) if digits else None
        except (ValueError, IndexError):
            raise DiffInputError(f"malformed raw diff record {meta[:60]!r}") from None
        width = 3 if letter in "RC" else 2
        # An empty field is no path: git never prints one, so the record was cut short.
        if i + width > len(fields) or not all(fields[i + 1 : i + width]):
            raise DiffInputError(f"raw diff record without its paths: {meta[:60]!r}")
        if letter in "RC":
            src, dst = decode_path(fields[i + 1]), decode_path(fields[i + 2])
            i += 3
        else:
            src = dst = decode_path(fields[i + 1])
            i += 2
        entries.append(RawEntry(old_mode, new_mode, old_blob, new_blob, letter, score, src, dst))
    return entries
