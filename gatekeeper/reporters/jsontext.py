"""Compact JSON text of the JSON report's largest part, its changed files, written by string
formatting rather than built as dicts for the encoder: byte for byte what ``json.dumps(...,
ensure_ascii=False, separators=(",", ":"))`` writes for the same records, at a fraction of the
cost on a change of 50,000 files. The rest of a report is joined around it in pieces."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from gatekeeper.changeset.model import Hunk, LineRange
from gatekeeper.facts.model import FileFacts

_text = json.encoder.encode_basestring
"""A string as the encoder writes it with ``ensure_ascii=False``: quoted, with only quotes,
backslashes and control characters escaped."""
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Encoded:
    """JSON text already written, in pieces that ``joined`` puts in as they are: a report of
    50,000 files is copied once, into the whole document, and never as a part of it."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces


def _string(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _number(value: int | None) -> str:
    # An f-string writes an int as int.__repr__ does, which is what the encoder writes.
    return "null" if value is None else f"{value}"


def _ranges(ranges: Iterable[LineRange]) -> str:
    return ",".join([f"[{a},{b}]" for a, b in ranges])


def _hunk(h: Hunk) -> str:
    return (f'{{"old_start":{h.old_start},"old_count":{h.old_count},'
            f'"new_start":{h.new_start},"new_count":{h.new_count},'
            f'"added":[{_ranges(h.added)}],"removed":[{_ranges(h.removed)}]}}')


def file_record(f: FileFacts) -> str:
    """The report's record of one changed file (``json_report._file``), as JSON text. Each
    field is written inline as its type is (an int, a bool, a string or None), without a call
    per value: this runs once per changed file, 50,000 times or more."""
    c = f.change
    old_path, excluded_by = c.old_path, f.excluded_by
    return (f'{{"path":{_text(c.path)},'
            f'"old_path":{"null" if old_path is None else _text(old_path)},'
            f'"status":{_text(c.status.value)},"added":{c.added},"deleted":{c.deleted},'
            f'"binary":{"true" if c.binary else "false"},"kind":{_text(c.kind.value)},'
            f'"old_mode":{_string(c.old_mode)},"new_mode":{_string(c.new_mode)},'
            f'"classification":[{",".join(map(_text, sorted(f.classes)))}],'
            f'"effective":{"true" if excluded_by is None else "false"},'
            f'"excluded_by":{"null" if excluded_by is None else _text(excluded_by)},'
            f'"hunks":[{",".join(map(_hunk, c.hunks))}],"size":{_number(c.size)},'
            f'"binary_bytes":{c.binary_bytes},'
            f'"forced_text":{"true" if c.forced_text else "false"}}}')


def file_records(files: Iterable[FileFacts]) -> Encoded:
    """The list of the records of ``files``, as JSON text."""
    pieces = ["["]
    for f in files:
        pieces += (file_record(f), ",")
    return Encoded(_closed(pieces, "]"))


def list_of(items: Iterable[Encoded]) -> Encoded:
    """A list of JSON values already written, as JSON text."""
    pieces = ["["]
    for item in items:
        pieces += item.pieces
        pieces.append(",")
    return Encoded(_closed(pieces, "]"))


def joined(document: Mapping[str, Any]) -> Encoded:
    """``document`` as compact JSON, each value encoded on its own: ``Encoded`` text goes in as
    it is, and a mapping holding some is joined the same way."""
    pieces = ["{"]
    for key, value in document.items():
        pieces += (_text(key), ":")
        if isinstance(value, Encoded):
            pieces += value.pieces
        elif isinstance(value, Mapping) and _holds_encoded(value):
            pieces += joined(value).pieces
        else:
            pieces.append(_ENCODE(value))
        pieces.append(",")
    return Encoded(_closed(pieces, "}"))


def text_of(encoded: Encoded, end: str = "") -> str:
    """The whole text of ``encoded``, followed by ``end``."""
    return "".join([*encoded.pieces, end])


def _closed(pieces: list[str], end: str) -> list[str]:
    """``pieces`` of a list or object, each item followed by a comma, closed with ``end``."""
    if len(pieces) == 1:  # no item: nothing to take back
        pieces.append(end)
    else:
        pieces[-1] = end  # the last item's comma
    return pieces


def _holds_encoded(mapping: Mapping[str, Any]) -> bool:
    return any(isinstance(value, Encoded) for value in mapping.values())
