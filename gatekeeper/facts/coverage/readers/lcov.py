"""LCOV tracefiles (geninfo's format), as lcov, istanbul, coverage.py and llvm-cov write them."""

from __future__ import annotations

import re
from typing import BinaryIO

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.model import Report
from gatekeeper.facts.coverage.readers.collect import REGENERATE, Collector

NAME = "lcov"

CHUNK = 1 << 20
MAX_LINE_BYTES = 1 << 20
"""The longest text line accepted; keeps a file without newlines from filling memory."""

# Records this reader has no use for: TN, FN, FNDA, FNF, FNH, FNL, FNA, LF, LH, VER, MCDC...
_OTHER_RECORD = re.compile(rb"[A-Z][A-Z_]*:")


def detect(head: bytes) -> bool:
    """Whether ``head`` starts with a ``TN:`` or ``SF:`` record, after any BOM and blanks."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith((b"TN:", b"SF:"))


def read(stream: BinaryIO, source: str) -> Report:
    """Read an LCOV tracefile line by line; ReportError with the line number when it is bad."""
    return _Reader(source).read(stream)


class _Line:
    """The line the reader is at, for the collector's messages. A locator over the reader
    itself would make a cycle with it, which only the cyclic collector frees."""

    __slots__ = ("number",)

    def __init__(self) -> None:
        self.number = 0

    def location(self) -> tuple[int, int]:
        """The line and column (1) of the collector's messages."""
        return self.number, 1


class _Reader:
    """Reads line by line; SF starts a file, DA and BRDA fill it, end_of_record closes it.

    BRDA records of one line are summed per record, then merged with other records of the
    same file by the collector.
    """

    def __init__(self, source: str) -> None:
        self.at = _Line()
        self.out = Collector(source, NAME, self.at.location)
        self.branches: dict[int, list[int]] = {}
        self.has_branches = False

    def read(self, stream: BinaryIO) -> Report:
        out = self.out
        record_line = out.line
        inside = False  # within an SF: ... end_of_record record
        carry = b""
        lineno = 0
        while chunk := stream.read(CHUNK):
            lines = (carry + chunk).split(b"\n")
            carry = lines.pop()
            for raw in lines:
                lineno += 1
                if raw[:3] == b"DA:" and inside:  # most lines: read them without a call
                    fields = raw.split(b",", 2)
                    number, hits = fields[0][3:], fields[1] if len(fields) > 1 else b""
                    if number.isdigit() and hits.isdigit() and len(number) + len(hits) < 40:
                        try:
                            record_line(int(number), int(hits) > 0)
                        except ReportError as exc:
                            exc.line = lineno
                            raise
                        continue
                self.at.number = lineno
                self.record(raw.rstrip(b"\r"))
                inside = out.current is not None
            if len(carry) > MAX_LINE_BYTES:
                self.at.number = lineno + 1
                raise out.error(f"a line longer than {MAX_LINE_BYTES:,} bytes",
                                hint="this is not an LCOV tracefile; " + REGENERATE)
        self.at.number = lineno
        if carry:
            self.at.number = lineno + 1
            self.record(carry.rstrip(b"\r"))
        if out.current is not None:
            raise out.error(f"the file ends inside the record for {out.current!r}, before "
                            "end_of_record (truncated)",
                            hint="the file was cut off while being written or copied; "
                                 + REGENERATE)
        return out.report(has_branches=self.has_branches)

    def record(self, line: bytes) -> None:
        out = self.out
        if line.startswith(b"DA:"):
            self.da(line)
        elif line.startswith(b"BRDA:"):
            self.brda(line)
        elif line.startswith(b"SF:"):
            if out.current is not None:
                raise out.error(f"a new SF: record starts before end_of_record of "
                                f"{out.current!r}")
            try:
                path = line[3:].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self.at_column(exc.start + 4, "the SF: path is not valid UTF-8") from None
            if not path:
                raise out.error("an SF: record with an empty path")
            out.open(path)
        elif line == b"end_of_record":
            if out.current is None:
                raise out.error("end_of_record without an SF: record before it")
            for number in sorted(self.branches):
                covered, total = self.branches[number]
                out.branch(number, covered, total)
            self.branches.clear()
            out.close()
        elif _OTHER_RECORD.match(line):
            if line.startswith((b"BRF:", b"BRH:")):
                self.has_branches = True
        elif line.strip():
            shown = line[:40].decode("utf-8", "replace")
            raise out.error(f"not an LCOV record: {shown!r}",
                            hint="the file is corrupt; " + REGENERATE)

    def brda(self, line: bytes) -> None:
        """``BRDA:line,block,branch,taken``; the branch name may hold commas, taken may be -."""
        out = self.out
        if out.current is None:
            raise out.error("a BRDA record outside an SF: record")
        fields = line[5:].split(b",", 2)
        taken = fields[2].rpartition(b",")[2] if len(fields) == 3 else b""
        if len(fields) < 3 or b"," not in fields[2]:
            raise out.error(f"a BRDA record needs line,block,branch,taken: {_shown(line)!r}")
        number = out.number(fields[0], "the BRDA line number")
        hit = 0 if taken == b"-" else out.number(taken, "the BRDA taken count")
        self.has_branches = True
        counts = self.branches.setdefault(number, [0, 0])
        counts[0] += hit > 0
        counts[1] += 1

    def da(self, line: bytes) -> None:
        """``DA:line,hits[,checksum]``, when the fast path in ``read`` did not take it."""
        out = self.out
        if out.current is None:
            raise out.error("a DA record outside an SF: record")
        fields = line[3:].split(b",", 2)
        if len(fields) < 2:
            raise out.error(f"a DA record needs line,hits: {_shown(line)!r}",
                            hint="the file is corrupt; " + REGENERATE)
        number = out.number(fields[0], "the DA line number")
        out.line(number, out.number(fields[1], "the DA hit count") > 0)

    def at_column(self, column: int, message: str) -> Exception:
        error = self.out.error(message, hint="the file is corrupt; " + REGENERATE)
        error.column = column
        return error


def _shown(line: bytes) -> str:
    return line[:60].decode("utf-8", "replace")
