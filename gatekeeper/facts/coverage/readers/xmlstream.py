"""A streaming expat driver that refuses entity declarations, so no entity is ever expanded."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import BinaryIO, NoReturn
from xml.parsers import expat

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.readers.collect import REGENERATE, Location

CHUNK = 1 << 20
MAX_TOKEN_BYTES = 1 << 20
"""The longest single tag (with its attributes), comment or declaration accepted: expat holds
an unfinished one whole, and makes a string of each attribute, so this bounds memory. Coverage
tools write tags of a few hundred bytes."""

StartHandler = Callable[[str, dict[str, str]], None]
FastPath = Callable[[bytes], "tuple[int, Callable[[], None]] | None"]
"""Takes a stretch of the document: how much of it, and what applies it once expat checked
it; None to decline (see XmlStream.run). It declines rather than leave more than
MAX_TOKEN_BYTES untaken."""
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]

# Errors expat reports at the end of input when the document stopped short.
_TRUNCATED = frozenset({
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION],
    expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR],
})


_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^>]{0,500}\?>")
_ENCODING = re.compile(rb"encoding[ \t\r\n]*=[ \t\r\n]*[\"']([^\"']{0,60})")


def unreadable_encoding(head: bytes) -> str | None:
    """The encoding the XML declaration at the start of ``head`` names, if expat cannot read
    it (UTF-7, UTF-32, Shift_JIS and other multi-byte or unknown encodings); else None."""
    declaration = _DECLARATION.match(head)
    named = _ENCODING.search(declaration.group(0)) if declaration else None
    if declaration is None or named is None:
        return None
    try:
        _safe_parser().Parse(declaration.group(0) + b"<a/>", True)
    except (ValueError, LookupError):  # pyexpat's handler for encodings expat lacks
        return named.group(1).decode("ascii", "replace")
    except expat.ExpatError:
        return None  # the document's own parse says what is wrong, with its place
    return None


def encoding_error(name: str, source: str) -> ReportError:
    """The error for a report in an encoding ``unreadable_encoding`` named."""
    return ReportError(f"the report declares the encoding {name!r}, which cannot be read",
                       file=source, line=1, column=1,
                       hint="write the report in UTF-8, as coverage tools do by default")


def _plain_encoding(head: bytes) -> bool:
    """Whether the document starts as UTF-8 markup: no other encoding declared, no UTF-16."""
    if not head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return False
    declaration = _DECLARATION.match(head)
    named = _ENCODING.search(declaration.group(0)) if declaration else None
    return named is None or named.group(1).lower() in (b"utf-8", b"utf8")


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
        if hasattr(self.parser, "SetReparseDeferralEnabled"):  # expat 2.6 and later
            # Deferred parsing could hand the callbacks a stretch a plan already applied.
            self.parser.SetReparseDeferralEnabled(False)
        self._handlers: tuple[StartHandler, EndHandler, TextHandler | None] | None = None
        self._fed = 0

    def location(self) -> Location:
        """The line and 1-based column expat has reached, for messages."""
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def error(self, message: str, hint: str) -> ReportError:
        """A ReportError, to raise, at the parser's current location."""
        line, column = self.location()
        return ReportError(message, file=self.source, line=line, column=column, hint=hint)

    def run(self, stream: BinaryIO, start: StartHandler, end: EndHandler,
            text: TextHandler | None = None, fast: FastPath | None = None) -> None:
        """Feed ``stream`` to expat in chunks, calling the handlers; ReportError for bad XML.

        With ``fast``, each chunk is first offered to it: when it takes the chunk's complete
        tokens (and applies them once expat has checked them), the handlers stay unset.
        From the first chunk it declines, the handlers read the rest.
        """
        self._handlers = (start, end, text)
        # Set for each run, as ``_release`` takes them away after it.
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.ExternalEntityRefHandler = self._refuse_external
        final = False
        self._fed = 0
        try:
            carry = b""
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                if not self._fed and not carry:
                    self._check_encoding(chunk)
                    if fast is not None and not _plain_encoding(chunk):
                        fast = None
                if fast is not None:
                    rest = self._offer(fast, carry + chunk)
                    if rest is None:
                        fast = None
                    carry = rest or b""
                    continue
                self._feed(chunk)
            if fast is not None or carry:
                self._feed(carry)
            final = True
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self._syntax_error(exc, final) from None
        finally:
            self._release()

    def _release(self) -> None:
        """Let go of the handlers: each is a bound method, and the parser holding its owner
        (which holds the parser) is a cycle that only the cyclic collector would free, with
        everything the reader gathered. A check runs without that collector."""
        parser = self.parser
        parser.StartElementHandler = parser.EndElementHandler = None
        parser.CharacterDataHandler = None
        parser.EntityDeclHandler = parser.ExternalEntityRefHandler = None
        self._handlers = None

    def _check_encoding(self, chunk: bytes) -> None:
        if (encoding := unreadable_encoding(chunk)) is not None:
            raise encoding_error(encoding, self.source)

    def _offer(self, fast: FastPath, piece: bytes) -> bytes | None:
        """The rest of ``piece`` after what ``fast`` took; None when it declined (then the
        whole piece went to the handlers)."""
        taken = fast(piece)
        if taken is not None and len(piece) - taken[0] <= MAX_TOKEN_BYTES:
            cut, apply = taken
            self.parser.Parse(piece[:cut], False)  # expat checks it all before it counts
            self._fed += cut
            apply()
            return piece[cut:]
        self._feed(piece)
        return None

    def _feed(self, data: bytes) -> None:
        """Feed ``data`` with the handlers set, bounding what expat holds unfinished."""
        parser = self.parser
        if parser.StartElementHandler is None and self._handlers is not None:
            start, end, text = self._handlers
            parser.StartElementHandler, parser.EndElementHandler = start, end
            if text is not None:
                parser.CharacterDataHandler = text
        parser.Parse(data, False)
        self._fed += len(data)
        # Expat holds an unfinished tag, comment or declaration whole: bound it.
        if self._fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
            raise self.error(f"an XML tag or comment longer than {MAX_TOKEN_BYTES:,} bytes",
                             hint="this is not a coverage report; " + REGENERATE)

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
    # ValueError and LookupError: an encoding expat cannot read (see unreadable_encoding).
    with contextlib.suppress(_Stop, expat.ExpatError, ValueError, LookupError):
        parser.Parse(head, False)
    return found[-1] if found else None
