"""Cobertura XML, as coverage.py, istanbul/Jest, gcovr, coverlet and ReportGenerator write it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from gatekeeper.facts.coverage.model import Report
from gatekeeper.facts.coverage.readers.cobertura_scan import Event, State, plan
from gatekeeper.facts.coverage.readers.collect import REGENERATE, Collector
from gatekeeper.facts.coverage.readers.xmlstream import MAX_TOKEN_BYTES, XmlStream, sniff_root

NAME = "cobertura"

_CONDITIONS = re.compile(r"\(([0-9]{1,9})/([0-9]{1,9})\)")
_MAX_SOURCE_CHARS = 1 << 16


def detect(head: bytes) -> bool:
    """Whether ``head`` starts XML with a ``<coverage>`` root that is not Clover's."""
    root = sniff_root(head)
    # Clover XML has a <coverage> root too; it is told apart by its clover attribute.
    return root is not None and root[0] == "coverage" and "clover" not in root[1]


def read(stream: BinaryIO, source: str) -> Report:
    """Read a Cobertura report, streaming; ReportError with a location when it is bad."""
    return _Reader(source).read(stream)


class _Reader:
    """Element callbacks: <source> text becomes a root, each <class>'s lines go to its file.

    Lines appear both under a class and under its methods; the collector merges repeats.
    """

    def __init__(self, source: str) -> None:
        self.xml = XmlStream(source)
        self.out = Collector(source, NAME, self.xml.location)
        self.depth = 0
        self.in_class = False
        self.text: list[str] | None = None
        self.text_size = 0
        self.roots: list[str] = []
        self.has_branches = False

    def read(self, stream: BinaryIO) -> Report:
        self.xml.run(stream, self.start, self.end, fast=self.fast)
        return self.out.report(tuple(self.roots), has_branches=self.has_branches)

    def fast(self, piece: bytes) -> tuple[int, Callable[[], None]] | None:
        """Take the complete tokens of ``piece`` when they are plain (see cobertura_scan)."""
        steps = plan(piece, State(self.depth, self.text is not None, self.text_size))
        # Room for the most the files in the stretch could grow by (with the one open), and
        # what is left for the next stretch bounded as expat's unfinished tokens are.
        most = (steps.classes + 1) * max(2 * steps.top_line + 2, 256) if steps else 0
        if (steps is None or not self.out.room_for(most)
                or len(piece) - steps.cut > MAX_TOKEN_BYTES):
            if self.text is not None:  # the callbacks go on inside a <source>
                self.xml.parser.CharacterDataHandler = self.chars
            return None
        return steps.cut, lambda: self.apply(steps.events)

    def apply(self, events: list[Event]) -> None:
        """Replay planned events as expat would have called back."""
        for event in events:
            kind = event[0]
            if kind == "lines":
                if self.in_class:
                    self.out.hits(event[1], event[2], event[3])
                    self.branches(event[4])
            elif kind == "line":
                if self.in_class:
                    self.line(event[1])
            elif kind == "start":
                self.start(event[1], event[2])
            elif kind == "end":
                self.end(event[1])
            else:
                self.chars(event[1])

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if name == "line":
            if self.in_class:
                self.line(attrs)
        elif name == "class":
            filename = attrs.get("filename")
            if not filename:
                raise self.out.error("a <class> element has no filename attribute")
            self.out.open(filename)
            self.in_class = True
        elif name == "source":
            self.text, self.text_size = [], 0
            if self.xml.parser.StartElementHandler is not None:  # expat calls back, not a plan
                self.xml.parser.CharacterDataHandler = self.chars
        elif self.depth == 1 and name != "coverage":
            raise self.out.error(f"the root element is <{name}>, not Cobertura's <coverage>",
                                 hint="give a Cobertura XML report")

    def end(self, name: str) -> None:
        self.depth -= 1
        if name == "class":
            self.out.close()
            self.in_class = False
        elif name == "source" and self.text is not None:
            root = "".join(self.text).strip().replace("\\", "/")
            if root:
                self.roots.append(root)
            self.text = None
            self.xml.parser.CharacterDataHandler = None

    def branches(self, triples: list[tuple[int, int, int]]) -> None:
        """Record the branches of planned lines, as ``line`` would each."""
        if triples:
            self.has_branches = True
        for line, covered, total in triples:
            if total:
                self.out.branch(line, covered, total)

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text_size += len(data)
            if self.text_size > _MAX_SOURCE_CHARS:
                raise self.out.error("a <source> element is implausibly long")
            self.text.append(data)

    def line(self, attrs: dict[str, str]) -> None:
        out = self.out
        number, hits = attrs.get("number", ""), attrs.get("hits", "")
        if number.isdecimal() and hits.isdecimal() and len(number) + len(hits) < 40:
            line, count = int(number), int(hits)
        else:  # the careful way, to say what is wrong
            line = out.number(attrs.get("number"), "the line's number attribute")
            count = out.number(attrs.get("hits"), "the line's hits attribute")
        out.line(line, count > 0)
        conditions = attrs.get("condition-coverage")
        if conditions is not None:
            self.has_branches = True
            found = _CONDITIONS.search(conditions)
            if found is None:
                raise out.error(f"condition-coverage {conditions[:40]!r} is not like "
                                "'50% (1/2)'", hint=REGENERATE)
            covered, total = int(found[1]), int(found[2])
            if total:
                out.branch(line, covered, total)

