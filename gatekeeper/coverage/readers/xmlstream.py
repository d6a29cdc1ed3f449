"""A streaming expat driver that refuses entity declarations, so no entity is ever expanded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import BinaryIO, NoReturn
from xml.parsers import expat

from gatekeeper.coverage.readers.collect import REGENERATE, Location
from gatekeeper.errors import ReportError

CHUNK = 1 << 20
MAX_TOKEN_BYTES = 64 << 20
"""The longest single tag (with its attributes), comment or declaration accepted."""

StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]

# Errors expat reports at the end of input when the document stopped short.
_TRUNCATED = frozenset({
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION],
    expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR],
})


class _Stop(Exception):
    """Ends a sniff early: the root element (or an entity declaration) has been seen."""


def _safe_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    # Never read the external DTD subset or parameter entities: JaCoCo's DOCTYPE names a DTD
    # by a relative system id, and resolving it would mean reading files or the network.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


class XmlStream:
    """Feeds a binary stream to expat in chunks and calls back on elements; never builds a tree.

    Any entity declaration is an error: that refuses entity expansion attacks (billion laughs)
    and external entities (XXE) at once, while a plain DOCTYPE like JaCoCo's stays readable.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.parser = _safe_parser()
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.ExternalEntityRefHandler = self._refuse_external

    def location(self) -> Location:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def error(self, message: str, hint: str) -> ReportError:
        line, column = self.location()
        return ReportError(message, file=self.source, line=line, column=column, hint=hint)

    def run(self, stream: BinaryIO, start: StartHandler, end: EndHandler,
            text: TextHandler | None = None) -> None:
        parser = self.parser
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        final = False
        fed = 0
        try:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                # Expat holds an unfinished tag, comment or declaration whole: bound it.
                if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                    raise self.error(f"an XML tag or comment longer than {MAX_TOKEN_BYTES:,} bytes",
                                     hint="this is not a coverage report; " + REGENERATE)
            final = True
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self._syntax_error(exc, final) from None

    def _syntax_error(self, exc: expat.ExpatError, final: bool) -> ReportError:
        line, column = exc.lineno, exc.offset + 1
        if final and exc.code in _TRUNCATED:
            return ReportError("the XML ends before the document is complete (truncated)",
                               file=self.source, line=line, column=column,
                               hint="the file was cut off while being written or copied; "
                                    + REGENERATE)
        reason = expat.errors.messages[exc.code]
        return ReportError(f"not well-formed XML: {reason}", file=self.source, line=line,
                           column=column, hint="the file is corrupt or not in the encoding its "
                                               "XML declaration names; " + REGENERATE)

    def _refuse_entity(self, name: str, is_parameter: int, *_: object) -> NoReturn:
        shown = f"%{name}" if is_parameter else name
        raise self.error(f"the report declares XML entities ({shown!r}), which are refused: "
                         "they can expand without bound or read other files",
                         hint="coverage tools never declare entities; give the report as the "
                              "tool wrote it")

    def _refuse_external(self, *_: object) -> NoReturn:
        raise self.error("the report refers to an external XML entity, which is refused",
                         hint="give the report as the coverage tool wrote it")


def sniff_root(head: bytes) -> tuple[str, dict[str, str]] | None:
    """The root element's name and attributes from the first bytes of a document, if XML.

    A document that declares entities before its root is named by its DOCTYPE, so the format
    reader is the one to refuse it, with a location.
    """
    parser = _safe_parser()
    found: list[tuple[str, dict[str, str]]] = []

    def doctype(name: str, *_: object) -> None:
        found.append((name, {}))

    def root(name: str, attrs: dict[str, str]) -> NoReturn:
        found[:] = [(name, attrs)]
        raise _Stop

    def entity(*_: object) -> NoReturn:
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity
    with contextlib.suppress(_Stop, expat.ExpatError):
        parser.Parse(head, False)
    return found[-1] if found else None
