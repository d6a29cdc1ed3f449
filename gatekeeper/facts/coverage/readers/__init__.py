"""The registry of coverage report formats, format detection from the first bytes, and ``load``.

Each format is a module with ``NAME``, ``detect(head) -> bool`` and ``read(stream, source)``;
a new format is one module and one entry in ``FORMATS``. Detection never trusts file names.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO, Protocol

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.model import Report
from gatekeeper.facts.coverage.readers import cobertura, coverage_json, jacoco, lcov
from gatekeeper.facts.coverage.readers.xmlstream import (
    encoding_error,
    sniff_root,
    unreadable_encoding,
)

MAX_REPORT_BYTES = 2 << 30
HEAD_BYTES = 16 << 10
"""How much of the start of a file format detection looks at."""
_BUFFER = 1 << 20


class ReportFormat(Protocol):
    """What a format module provides: its name, a sniffer for the first bytes, and a reader."""

    NAME: str

    def detect(self, head: bytes) -> bool:
        """Whether ``head``, the first bytes of a file, look like this format."""

    def read(self, stream: BinaryIO, source: str) -> Report:
        """Read the whole report from ``stream``; ReportError naming ``source`` when it is bad."""


FORMATS: dict[str, ReportFormat] = {
    module.NAME: module for module in (cobertura, jacoco, lcov, coverage_json)
}
"""Format name -> reader module, in the order detection tries them."""


def load(path: str, *, max_bytes: int = MAX_REPORT_BYTES) -> Report:
    """Read the coverage report at ``path``, whatever its format, streaming.

    Every problem with the file is a ReportError naming ``path`` as given.
    """
    with _open(path) as raw:
        try:
            info = os.fstat(raw.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise _too_large(path, max_bytes, info.st_size)
            stream = io.BufferedReader(_Limited(raw, path, max_bytes), _BUFFER)
            head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
            return detect(head, path).read(stream, path)
        except IsADirectoryError:
            raise _folder(path) from None
        except OSError as exc:
            raise ReportError(f"cannot read the report: {exc.strerror or exc}", file=path,
                              hint="check the file and its permissions") from None


def _open(path: str) -> io.FileIO:
    try:
        return io.FileIO(path, "r")
    except FileNotFoundError:
        raise ReportError("no such coverage report", file=path,
                          hint="check the path, and that the tests wrote the report") from None
    except IsADirectoryError:
        raise _folder(path) from None
    except OSError as exc:
        raise ReportError(f"cannot open the report: {exc.strerror or exc}", file=path,
                          hint="check the path and its permissions") from None
    except ValueError:  # an embedded NUL in the path
        raise ReportError("cannot open the report: invalid path", file=path) from None


def _folder(path: str) -> ReportError:
    return ReportError("this is a folder, not a coverage report", file=path,
                       hint="name the report file itself")


def detect(head: bytes, source: str) -> ReportFormat:
    """The format whose detector accepts the first bytes of a file, or a ReportError."""
    if not head.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReportError("the report is empty", file=source,
                          hint="check that the tests ran and the coverage tool wrote the report")
    encoding = unreadable_encoding(head)
    if encoding is not None:
        raise encoding_error(encoding, source)
    for module in FORMATS.values():
        if module.detect(head):
            return module
    raise ReportError(_unknown(head), file=source,
                      hint=f"give a report in a supported format: {', '.join(FORMATS)}")


def _unknown(head: bytes) -> str:
    """Why the first bytes are not a supported report, as precisely as they tell."""
    if head.startswith(b"\x1f\x8b"):
        return "the report is gzip-compressed (decompress it first)"
    if head.startswith(b"PK\x03\x04"):
        return "the report is a zip archive (extract the report from it first)"
    root = sniff_root(head)
    if root is not None:
        if root[0] == "coverage" and "clover" in root[1]:
            return "this is a Clover XML report, a format not supported"
        return f"an XML document with root <{root[0]}> is no coverage report known here"
    if b"\0" in head:
        return "the report is binary data, not a coverage report"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return ("JSON, but not a coverage.py JSON report (for Jest/istanbul, use its lcov or "
                "cobertura reporter)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut by the end of the head
            return "the report is neither UTF-8 text nor XML"
    return "not a coverage report in a known format"


class _Limited(io.RawIOBase):
    """A raw reader that fails once more than ``limit`` bytes came through (pipes have no size)."""

    def __init__(self, raw: io.FileIO, source: str, limit: int) -> None:
        super().__init__()
        self._raw = raw
        self._source = source
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer) or 0
        self._count += count
        if self._count > self._limit:
            raise _too_large(self._source, self._limit, None)
        return count


def _too_large(source: str, limit: int, size: int | None) -> ReportError:
    measured = f"{_human(size)}, " if size is not None else ""
    return ReportError(f"the report is {measured}larger than the limit of {_human(limit)}",
                       file=source, hint="split the report, e.g. one per test suite")


def _human(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    value, unit = size / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"
