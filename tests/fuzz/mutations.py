"""Byte-level mutations: bit flips, insertions, truncation, splicing, huge numbers, deep nesting,
long lines, control characters, invalid UTF-8, byte-order marks and encoding declarations."""

from __future__ import annotations

import copy
import datetime
import random
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

MAX_INPUT = 1 << 20
"""Inputs are cut to 1 MiB: the readers' own limits are far larger, and a case must stay fast."""
BIG = 0.05
"""How often a growing mutation goes big (a long line, thousands of repeats): such a case costs
hundreds of small ones, so they are rare but never absent."""

NUMBERS = (b"0", b"-1", b"-0", b"1.5", b"1e309", b"-1e309", b"NaN", b"Infinity", b"2147483648",
           b"4294967297", b"9223372036854775808", b"9" * 19, b"9" * 400, b"9" * 4301, b"10000000",
           b"10000001", b"\xd9\xa3", b"\xc2\xb3", b"\xef\xbc\x93", b"0x10", b"1_000", b"00007",
           b"+5", b" 5", b"")
"""Numbers that break parsers: zero, signs, overflow, more digits than int() takes, other
scripts' digits (Arabic-Indic three, superscript three, fullwidth three)."""
SPECIAL = (b"\x00", b"\r", b"\r\n", b"\n", b"\n\n", b"\t", b"\x0b", b"\x0c", b"\x1b[2J", b"\x7f",
           b"\xc2\x85", "\u2028".encode(), "\u202e".encode(), "\u200b".encode(),
           "\ufeff".encode(), b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xc3", b"\xc3(",
           b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xff", b"\x80", b"\\", b'"',
           b"'", b"`", b"%s", b"{0}", b"{rule_id}", b"${x}", b"..", b"../", b"/", b"//", b"*",
           b"**", b"?", b"!", b"[", b"]", b"{", b"}", b"(", b")", b"<", b">", b"&", b"&#0;",
           b"&#x110000;", b"<!--", b"]]>", b"<![CDATA[", b"- ", b": ", b"? ", b"!!", b"&a ",
           b"*a", b"---", b"...", b"#", b"@", b"@@", b" ", b"  ", b",", b";", b"=", b"|",
           b"\xf0\x9f\xa4\x96", "\u0130".encode(), "\u212a".encode())
_DECLARED = ("UTF-7", "UTF-16", "UTF-32", "Shift_JIS", "x-unknown", "cp037", "ISO-8859-1", "n")
PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00",
            *(f'<?xml version="1.0" encoding="{name}"?>\n'.encode() for name in _DECLARED),
            b"<?xml version='1.0' encoding='UTF-32'?>", b'<?xml version="1.1"?>\n',
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]>\n', b"# -*- coding: latin-1 -*-\n",
            b"%YAML 1.1\n---\n", b"---\n", b"\n", b" ", b"\t", b"\x00", b"\x1f\x8b\x08\x00",
            b"PK\x03\x04")
NESTING = ((b"[", b"]"), (b"{", b"}"), (b"(", b")"), (b"<a>", b"</a>"), (b"- ", b""),
           (b'{"a":', b"}"), (b"  ", b""), (b"a:\n", b""), (b"[[", b"]]"))
ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis",
             "utf-7")
_DIGITS = re.compile(rb"[0-9]+")

Mutation = Callable[[random.Random, bytes, Sequence[bytes], Sequence[bytes]], bytes]


def _at(rng: random.Random, data: bytes) -> int:
    """A position: anywhere, or (half the time) the start of a line."""
    if data and rng.random() < 0.5:
        starts = [0, *(m.end() for m in re.finditer(rb"\n", data[:65536]))]
        return rng.choice(starts)
    return rng.randint(0, len(data))


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randint(0, len(data))
    length = rng.choice((1, 2, 4, 8, 16, 64, 256, max(1, len(data) // 2)))
    return start, min(len(data), start + rng.randint(1, length))


def flip(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """One bit flipped."""
    if not data:
        return bytes([rng.randrange(256)])
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]


def set_byte(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """One byte replaced, often by a delimiter, a control byte or a non-ASCII lead byte."""
    at = rng.randint(0, max(0, len(data) - 1))
    value = rng.choice((0, 9, 10, 13, 32, 34, 39, 45, 58, 64, 92, 127, 128, 192, 255,
                        rng.randrange(256)))
    return data[:at] + bytes([value]) + data[at + 1:]


def insert(rng: random.Random, data: bytes, _c: Sequence[bytes], tokens: Sequence[bytes]) -> bytes:
    """A special sequence, number or format word inserted, often at a line start."""
    pool = rng.choice((SPECIAL, NUMBERS, tokens or SPECIAL, tokens or NUMBERS))
    at = _at(rng, data)
    return data[:at] + rng.choice(pool) + data[at:]


def delete(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """A span removed."""
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def repeat(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """A span repeated: a few times, or (rarely) thousands of times."""
    start, end = _span(rng, data)
    times = rng.choice((1000, 20000) if rng.random() < BIG else (2, 3, 10, 100))
    return data[:start] + data[start:end] * times + data[end:]


def truncate(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """The input cut short anywhere."""
    return data[: rng.randint(0, len(data))]


def splice(rng: random.Random, data: bytes, corpus: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """The head of the input joined to the tail of another seed."""
    other = rng.choice(corpus) if corpus else data
    return data[: rng.randint(0, len(data))] + other[rng.randint(0, len(other)):]


def number(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """A number replaced by one that breaks parsers."""
    runs = list(_DIGITS.finditer(data[:65536]))
    if not runs:
        return insert(rng, data, (), NUMBERS)
    run = rng.choice(runs)
    return data[: run.start()] + rng.choice(NUMBERS) + data[run.end():]


def lines(rng: random.Random, data: bytes, corpus: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """Delete, duplicate, swap a line, or bring in a line from another seed."""
    parts = data.split(b"\n")
    i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
    action = rng.randrange(4)
    if action == 0:
        del parts[i]
    elif action == 1:
        parts.insert(i, parts[j])
    elif action == 2:
        parts[i], parts[j] = parts[j], parts[i]
    else:
        donor = (rng.choice(corpus) if corpus else data).split(b"\n")
        parts.insert(i, rng.choice(donor))
    return b"\n".join(parts)


def prefix(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """A byte-order mark, an encoding declaration or other leading bytes."""
    return rng.choice(PREFIXES) + data


def nest(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """Openers (closed or not) nested up to thousands deep."""
    opening, closing = rng.choice(NESTING)
    depth = rng.choice((2, 10, 100, 1000, 5000))
    at = _at(rng, data)
    return data[:at] + opening * depth + closing * depth * rng.randint(0, 1) + data[at:]


def long_line(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """A long run of one character: hundreds, or (rarely) hundreds of thousands."""
    filler = rng.choice((b"x", b"a ", b"\t", b"0", b"/", b"@@ ", b"\xc3\xa4", b"*"))
    at = rng.randint(0, len(data))
    length = rng.choice((70000, 300000) if rng.random() < BIG else (200, 1000, 5000))
    return data[:at] + filler * length + data[at:]


def recode(rng: random.Random, data: bytes, _c: Sequence[bytes], _t: Sequence[bytes]) -> bytes:
    """The text re-encoded: UTF-16, UTF-32, Latin-1, Shift_JIS, UTF-7."""
    text = data.decode("utf-8", errors="replace")
    return text.encode(rng.choice(ENCODINGS), errors="replace")


def swap_token(rng: random.Random, data: bytes, _c: Sequence[bytes],
               tokens: Sequence[bytes]) -> bytes:
    """Replace one occurrence of a format word by another word of the format."""
    present = [t for t in tokens if t and t in data]
    if not present:
        return insert(rng, data, (), tokens)
    old = rng.choice(present)
    at = data.find(old, rng.randint(0, max(0, data.rfind(old))))
    at = at if at != -1 else data.find(old)
    return data[:at] + rng.choice((*tokens, *SPECIAL)) + data[at + len(old):]


MUTATIONS: tuple[tuple[Mutation, int], ...] = (
    (flip, 3), (set_byte, 3), (insert, 6), (delete, 4), (repeat, 2), (truncate, 2),
    (splice, 3), (number, 4), (lines, 5), (prefix, 1), (nest, 1), (long_line, 1),
    (recode, 1), (swap_token, 6),
)
_FUNCS = [m for m, _ in MUTATIONS]
_WEIGHTS = [w for _, w in MUTATIONS]


def mutate(rng: random.Random, data: bytes, corpus: Sequence[bytes],
           tokens: Sequence[bytes]) -> bytes:
    """One to eight stacked mutations of ``data``, cut to MAX_INPUT."""
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 8))):
        data = rng.choices(_FUNCS, _WEIGHTS)[0](rng, data, corpus, tokens)[:MAX_INPUT]
    return data


VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 2**64, 10**400, 1.5, float("nan"), float("inf"), "", " ", "x" * 5000,
    "\u202e\n\x00", "*", "**", "[", "{rule_id}", "{nope}", "2030-02-30", "../../x", "@team",
    "src/**", "(a+)+$", datetime.date(2030, 1, 1), datetime.date(1, 1, 1), [], {}, [None],
    {"": None}, ["a", 1], [[[[[]]]]], {"name": 1}, "A" * 40, "0" * 40)
"""Values of every kind and shape, to stand where a document expects one kind."""


def _slots(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key or index) of a parsed document, parents before children."""
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in list(items):
        yield node, key
        yield from _slots(child)


def tree(rng: random.Random, document: Any, keys: Sequence[str] = ()) -> Any:
    """A copy of a parsed document (JSON or YAML) with one node replaced by a value of another
    kind, removed, duplicated under another key, or replaced by another node of the document:
    it still parses, so the reader gets past its syntax to the meaning."""
    document = copy.deepcopy(document)
    slots = list(_slots(document))
    if not slots:
        return rng.choice(VALUES)
    parent, key = rng.choice(slots)
    action = rng.randrange(4)
    if action == 0:
        parent[key] = copy.deepcopy(rng.choice(VALUES))
    elif action == 1:
        del parent[key]
    elif action == 2 and isinstance(parent, dict):
        parent[rng.choice([*keys, "x", ""])] = copy.deepcopy(parent[key])
    elif action == 2:
        parent.insert(key, copy.deepcopy(parent[key]))
    else:
        parent[key] = copy.deepcopy(rng.choice(slots)[0])
    return document
