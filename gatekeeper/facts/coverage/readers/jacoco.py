"""JaCoCo XML: per-line instruction and branch counters under <package>/<sourcefile>."""

from __future__ import annotations

from typing import BinaryIO

from gatekeeper.facts.coverage.model import Report
from gatekeeper.facts.coverage.readers.collect import Collector
from gatekeeper.facts.coverage.readers.xmlstream import XmlStream, sniff_root

NAME = "jacoco"


def detect(head: bytes) -> bool:
    """Whether ``head`` starts XML with a ``<report>`` root, as JaCoCo writes."""
    root = sniff_root(head)
    return root is not None and root[0] == "report"


def read(stream: BinaryIO, source: str) -> Report:
    """Read a JaCoCo XML report, streaming; ReportError with a location when it is bad."""
    return _Reader(source).read(stream)


class _Reader:
    """Element callbacks: a <sourcefile> is the file ``package/name``; its <line>s are counted.

    A line is coverable when it has instructions (mi + ci) and covered when one ran (ci);
    it has branches when mb + cb > 0. The <class>/<method> summaries repeat nothing per line.
    """

    def __init__(self, source: str) -> None:
        self.xml = XmlStream(source)
        self.out = Collector(source, NAME, self.xml.location)
        self.depth = 0
        self.package = ""
        self.in_file = False

    def read(self, stream: BinaryIO) -> Report:
        self.xml.run(stream, self.start, self.end)
        # JaCoCo counts branches of all bytecode, so its reports always carry branch data.
        return self.out.report(has_branches=True)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if name == "line":
            if self.in_file:
                self.line(attrs)
        elif name == "sourcefile":
            file = attrs.get("name")
            if not file:
                raise self.out.error("a <sourcefile> element has no name attribute")
            self.out.open(f"{self.package}/{file}" if self.package else file)
            self.in_file = True
        elif name == "package":
            self.package = attrs.get("name", "").strip("/")
        elif self.depth == 1 and name != "report":
            raise self.out.error(f"the root element is <{name}>, not JaCoCo's <report>",
                                 hint="give a JaCoCo XML report")

    def end(self, name: str) -> None:
        self.depth -= 1
        if name == "sourcefile":
            self.out.close()
            self.in_file = False
        elif name == "package":
            self.package = ""

    def line(self, attrs: dict[str, str]) -> None:
        out = self.out
        number = out.number(attrs.get("nr"), "the line's nr attribute")
        missed = out.number(attrs.get("mi", "0"), "the line's mi attribute")
        covered = out.number(attrs.get("ci", "0"), "the line's ci attribute")
        if missed or covered:
            out.line(number, covered > 0)
        missed_branches = out.number(attrs.get("mb", "0"), "the line's mb attribute")
        covered_branches = out.number(attrs.get("cb", "0"), "the line's cb attribute")
        if missed_branches or covered_branches:
            out.branch(number, covered_branches, missed_branches + covered_branches)
