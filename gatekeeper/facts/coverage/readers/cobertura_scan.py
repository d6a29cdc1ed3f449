"""The fast path of the Cobertura reader: plain stretches of a report read by pattern.

Expat still reads every byte, with its entity refusals, so every syntax error and every
refusal is the same; only the element callbacks, one Python call per ``<line>``, are replaced.
A stretch qualifies when it is UTF-8 markup without references (``&``), CDATA or internal DTD
subsets, and when nothing in it could make the reader fail: then it is planned first, fed to
expat, and applied after. Anything else goes, from there to the end, through the callbacks.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from gatekeeper.common.records import record
from gatekeeper.facts.coverage.readers.collect import MAX_BRANCHES, MAX_LINE

_TOKEN = re.compile(rb"<[^<>]*>")
# Lines as coverage.py and most tools write them, the common case, are read in bulk.
_PLAIN = (rb'line number="[0-9]{1,30}" hits="[0-9]{1,30}"(?: branch="true" condition-coverage='
          rb'"[0-9]{1,3}% \([0-9]{1,9}/[0-9]{1,9}\)"(?: missing-branches="[0-9,-]{0,200}")?)?/>')
_OTHER = re.compile(rb"<(?!" + _PLAIN + rb")")
"""The end of a stretch of plain lines: the first "<" that starts no plain line tag."""
_COVERED = re.compile(rb'<line number="([0-9]{1,30})" hits="0*[1-9]')
_MISSED = re.compile(rb'<line number="([0-9]{1,30})" hits="0{1,30}"')
_BRANCHES = re.compile(rb'<line number="([0-9]{1,30})" hits="[0-9]{1,30}" branch="true" '
                       rb'condition-coverage="[0-9]{1,3}% \(([0-9]{1,9})/([0-9]{1,9})\)"')
_TAG = re.compile(rb"<([^\s/<>=!?\"']+)((?:\s+[^\s/<>=\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
                  rb"\s*(/?)>")
_ATTR = re.compile(rb"([^\s/<>=\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_END = re.compile(rb"</([^\s/<>=!?\"']+)\s*>")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^\s\[\]<>\"']+(?:\s+(?:SYSTEM|PUBLIC)"
                      rb"(?:\s+(?:\"[^\"]*\"|'[^']*'))+)?\s*>")
_UTF8 = re.compile(rb"encoding\s*=\s*[\"'](?i:utf-?8)[\"']")
_SPACE = re.compile(r"\r\n?|[\n\t]")
"""What expat turns into one space in an attribute value (line ends first become one)."""
_CONDITIONS = re.compile(r"\(([0-9]{1,9})/([0-9]{1,9})\)")
MAX_SOURCE_CHARS = 1 << 16

Event = tuple[Any, ...]
"""("start", name, attrs), ("end", name), ("text", str), ("line", attrs) for an empty <line>,
or ("lines", covered, missed, top, branches) for a stretch of plain ones."""


class Unusual(Exception):
    """The stretch cannot be planned: the callbacks must read it."""


@record(frozen=False)
class State:
    """What the plan of a stretch depends on: where the reader is when it starts."""

    depth: int = 0
    in_source: bool = False
    source_chars: int = 0


@record(frozen=False)
class Plan:
    """The events of a stretch, in order, and how far it reaches."""

    events: list[Event] = field(default_factory=list)
    cut: int = 0
    top_line: int = 0
    classes: int = 0


def plan(piece: bytes, state: State) -> Plan | None:
    """The plan of the complete tokens of ``piece`` from ``state``; None when unusual."""
    if b"&" in piece:
        return None
    try:
        return _plan(piece, state)
    except (Unusual, UnicodeDecodeError):
        return None


def _plan(piece: bytes, state: State) -> Plan:
    out = Plan()
    pos = 0
    count = 0
    while (token := _TOKEN.search(piece, pos)) is not None:
        start = token.start()
        _gap(piece[pos:start], state, out)
        # Inside <source> the spaces between tokens are text: no run there.
        end = None if state.in_source else _lines(piece, start, out)
        if end is not None:
            count += piece.count(b"<", start, end)
            pos = end
            continue
        count += 1
        _token(token.group(), state, out)
        pos = token.end()
    if piece.count(b"<", 0, pos) != count:
        raise Unusual  # a "<" outside the tokens seen: let expat say what it is
    out.cut = pos
    return out


def _gap(raw: bytes, state: State, out: Plan) -> None:
    """Text between tokens: kept only inside <source>, with expat's line ends."""
    if state.in_source and raw:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        state.source_chars += len(text)
        if state.source_chars > MAX_SOURCE_CHARS:
            raise Unusual
        out.events.append(("text", text))


def _lines(piece: bytes, start: int, out: Plan) -> int | None:
    """Read the plain <line> tags from ``start`` in bulk; where they end, or None."""
    if _OTHER.match(piece, start) is not None:
        return None
    other = _OTHER.search(piece, start + 1)
    end = other.start() if other is not None else len(piece)
    covered = _COVERED.findall(piece, start, end)
    missed = _MISSED.findall(piece, start, end)
    if end == start or piece.count(b"<", start, end) != len(covered) + len(missed):
        return None  # each "<" of the stretch starts a line tag of one of the two shapes
    numbers = (list(map(int, covered)), list(map(int, missed)))
    top = max(max(numbers[0], default=-1), max(numbers[1], default=-1))
    branches = [(int(n), int(c), int(t)) for n, c, t in _BRANCHES.findall(piece, start, end)]
    if top > MAX_LINE or any(c > t or t > MAX_BRANCHES for _, c, t in branches):
        raise Unusual
    out.top_line = max(out.top_line, top)
    out.events.append(("lines", *numbers, top, branches))
    return end


def _token(token: bytes, state: State, out: Plan) -> None:
    second = token[1:2]
    if second == b"/":
        end = _END.fullmatch(token)
        if end is None:
            raise Unusual
        state.depth -= 1
        name = end.group(1).decode("utf-8")
        if name == "source":
            state.in_source = False
        out.events.append(("end", name))
    elif second == b"!":
        comment = token.startswith(b"<!--") and token.endswith(b"-->") and len(token) >= 7
        if not comment and _DOCTYPE.fullmatch(token) is None:
            raise Unusual
    elif second == b"?":
        # An XML declaration naming another encoding: expat decodes, not UTF-8 here.
        if not token.endswith(b"?>") or (token.startswith(b"<?xml") and b"encoding" in token
                                          and _UTF8.search(token) is None):
            raise Unusual
    else:
        _start(token, state, out)


def _start(token: bytes, state: State, out: Plan) -> None:
    tag = _TAG.fullmatch(token)
    if tag is None:
        raise Unusual
    name = tag.group(1).decode("utf-8")
    attrs = {key.decode("utf-8"): _SPACE.sub(" ", (double or single).decode("utf-8"))
             for key, double, single in _ATTR.findall(tag.group(2))}
    if state.depth == 0 and name != "coverage":
        raise Unusual
    _check(name, attrs, out)
    if name == "line" and tag.group(3):  # its start and end leave the depth as it was
        out.events.append(("line", attrs))
        return
    state.depth += 1
    if name == "source":
        state.in_source, state.source_chars = True, 0
    out.events.append(("start", name, attrs))
    if tag.group(3):
        state.depth -= 1
        if name == "source":
            state.in_source = False
        out.events.append(("end", name))


def _check(name: str, attrs: dict[str, str], out: Plan) -> None:
    """Raise Unusual for anything the reader would report as an error."""
    if name == "class":
        if not attrs.get("filename"):
            raise Unusual
        out.classes += 1
    elif name == "line":
        number, hits = attrs.get("number"), attrs.get("hits")
        for text in (number, hits):
            if text is None or not text.isdecimal() or len(text) > 30:
                raise Unusual
        line = int(str(number))
        if line > MAX_LINE:
            raise Unusual
        out.top_line = max(out.top_line, line)
        conditions = attrs.get("condition-coverage")
        if conditions is not None:
            found = _CONDITIONS.search(conditions)
            if found is None or int(found[1]) > int(found[2]) or int(found[2]) > MAX_BRANCHES:
                raise Unusual
