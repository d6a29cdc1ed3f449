"""CODEOWNERS path patterns in GitHub's or GitLab's dialect, matched without backtracking."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import Literal

from gatekeeper.common.records import record

Syntax = Literal["github", "gitlab"]
Mode = Literal["all", "exact", "tree", "below"]
"""What a match of the segments means: ``exact`` the path itself, ``below`` one of its
folders, ``tree`` either, ``all`` every path."""

MAX_SEGMENTS = 128

_SPECIAL = re.compile(r"[?\\\[]")


class PatternError(ValueError):
    """A pattern its dialect rejects; the message says why."""


@record(slots=True)
class _Chunk:
    """Fixed-width text between two stars: a literal, or a regex of single characters.

    Star-free regexes cannot backtrack, so matching stays linear whatever the pattern.
    """

    text: str
    regex: re.Pattern[str] | None
    width: int

    def at(self, s: str, pos: int) -> bool:
        if self.regex is None:
            return s.startswith(self.text, pos)
        return self.regex.match(s, pos) is not None

    def find(self, s: str, start: int, end: int) -> int:
        if self.regex is None:
            return s.find(self.text, start, end)
        found = self.regex.search(s, start, end)
        return -1 if found is None else found.start()


@record(slots=True)
class _Segment:
    """One folder or file name of a pattern: chunks separated by ``*``."""

    chunks: tuple[_Chunk, ...]
    starred: bool

    def matches(self, name: str) -> bool:
        head, tail = self.chunks[0], self.chunks[-1]
        if not self.starred:
            return len(name) == head.width and head.at(name, 0)
        end = len(name) - tail.width
        if end < head.width or not head.at(name, 0) or not tail.at(name, end):
            return False
        pos = head.width
        for chunk in self.chunks[1:-1]:  # leftmost placement is enough between stars
            pos = chunk.find(name, pos, end)
            if pos < 0:
                return False
            pos += chunk.width
        return True


class _ChunkBuilder:
    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.text: list[str] = []
        self.plain = True

    def literal(self, ch: str) -> None:
        self.pieces.append(re.escape(ch))
        self.text.append(ch)

    def atom(self, regex: str) -> None:
        self.pieces.append(regex)
        self.plain = False

    def build(self) -> _Chunk:
        if self.plain:
            return _Chunk("".join(self.text), None, len(self.text))
        return _Chunk("", re.compile("".join(self.pieces), re.DOTALL), len(self.pieces))


def _bracket_end(text: str, start: int) -> int | None:
    """Where the bracket expression opened at ``start`` closes; None when it does not
    (then ``[`` is an ordinary character, as in fnmatch). A ``]`` first is a member."""
    i = start + 1
    i += text[i : i + 1] in ("!", "^")
    first = i
    while i < len(text) and (text[i] != "]" or i == first):
        i += 2 if text[i] == "\\" else 1
    return i if i < len(text) else None


def _bracket_regex(expression: str) -> str:
    """The regex class for a whole bracket expression such as ``[!a-z_]``."""
    negate = expression[1:2] in ("!", "^")
    body = expression[1 + negate : -1]
    items: list[str] = []
    k = 0
    while k < len(body):
        k, low = _class_char(body, k)
        if body.startswith("-", k) and k + 1 < len(body):
            k, high = _class_char(body, k + 1)
            if low > high:
                raise PatternError(f"the range {low}-{high} in {expression!r} is reversed")
            items.append(f"{re.escape(low)}-{re.escape(high)}")
        else:
            items.append(re.escape(low))
    return f"[{'^' if negate else ''}{''.join(items)}]"


def _class_char(body: str, k: int) -> tuple[int, str]:
    if body[k] == "\\" and k + 1 < len(body):
        return k + 2, body[k + 1]
    return k + 1, body[k]


@functools.lru_cache(maxsize=4096)
def _segment(text: str, syntax: Syntax) -> str | _Segment:
    """A name without wildcards as the plain string, else its chunks."""
    if _SPECIAL.search(text) is None:  # the common case: literals and stars only
        if "*" not in text:
            return text
        return _Segment(tuple(_Chunk(t, None, len(t)) for t in text.split("*")), True)
    chunks: list[_Chunk] = []
    current = _ChunkBuilder()
    i = 0
    # Once one '[' has no ']', no later one has: the failed scan walked the very characters
    # this loop walks, so looking again would only make a line of n brackets take n^2 steps.
    unclosed = False
    while i < len(text):
        ch = text[i]
        if ch == "*":
            chunks.append(current.build())
            current = _ChunkBuilder()
        elif ch == "?":
            current.atom(".")
        elif ch == "\\":
            if i + 1 == len(text):
                raise PatternError("the pattern ends with a lone backslash")
            i += 1
            current.literal(text[i])
        elif ch == "[" and not unclosed:
            end = _bracket_end(text, i)
            if end is None:
                unclosed = True
                current.literal(ch)
            else:
                if syntax == "github":
                    raise PatternError("GitHub does not support [ ] character ranges")
                current.atom(_bracket_regex(text[i : end + 1]))
                i = end
        else:
            current.literal(ch)
        i += 1
    chunks.append(current.build())
    if len(chunks) == 1 and chunks[0].regex is None:
        return chunks[0].text
    return _Segment(tuple(chunks), len(chunks) > 1)


def _split(text: str) -> list[str]:
    """Split on ``/`` that is not escaped."""
    if "\\" not in text:
        return text.split("/")
    names: list[str] = []
    start = i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "/":
            names.append(text[start:i])
            start = i + 1
        i += 1
    names.append(text[start:])
    return names


@record(slots=True)
class Matcher:
    """A compiled pattern. In ``segments`` a string is a name without wildcards and ``None``
    stands for ``**``: any number of folders."""

    segments: tuple[str | _Segment | None, ...]
    mode: Mode
    keys: tuple[str, ...]
    """Facts of every matching path, to find candidate rules fast (see ``path_keys``)."""

    def matches(self, parts: Sequence[str]) -> bool:
        """Whether the path split into ``parts`` is matched, given the pattern's mode."""
        if self.mode == "all":
            return bool(parts)
        for depth in self._depths(parts):
            if self.mode == "tree" or (depth == len(parts)) == (self.mode == "exact"):
                return True
        return False

    def _depths(self, parts: Sequence[str]) -> Iterator[int]:
        """Each depth at which the leading ``parts`` match all the segments, shallowest first."""
        segs, last = self.segments, len(self.segments)
        states = self._closure({0})
        for depth, name in enumerate(parts, 1):
            reached: set[int] = set()
            for i in states:
                if i == last:
                    continue
                seg = segs[i]
                if seg is None:
                    reached.add(i)
                elif seg == name if isinstance(seg, str) else seg.matches(name):
                    reached.add(i + 1)
            if not reached:
                return
            states = self._closure(reached)
            if last in states:
                yield depth

    def _closure(self, states: set[int]) -> set[int]:
        # Runs of ** are collapsed at compile time, so one step covers "zero folders".
        return states | {i + 1 for i in states if i < len(self.segments)
                         and self.segments[i] is None}


@functools.lru_cache(maxsize=8192)
def compile_pattern(text: str, syntax: Syntax) -> Matcher:
    """Compile a pattern as written in the file (escapes included, without GitLab's ``!``)."""
    if not text:
        raise PatternError("empty pattern")
    names, mode = (_github if syntax == "github" else _gitlab)(text)
    if len(names) > MAX_SEGMENTS:
        raise PatternError(f"the pattern has more than {MAX_SEGMENTS} path segments")
    segments: list[str | _Segment | None] = []
    for name in names:
        seg = None if name == "**" else _segment(name, syntax)
        if seg is not None or not segments or segments[-1] is not None:
            segments.append(seg)
    return Matcher(tuple(segments), mode, _keys(segments))


def path_keys(parts: Sequence[str]) -> set[str]:
    """Keys of a path: ``/name`` for each segment and ``*.ext`` for each extension. A rule
    can match only a path that has one of its keys (any path, when it has none)."""
    return {f"/{p}" for p in parts} | {f"*.{p.rpartition('.')[2]}" for p in parts if "." in p}


def _keys(segments: list[str | _Segment | None]) -> tuple[str, ...]:
    names = [f"/{s}" for s in segments if isinstance(s, str)]
    tails = [s.chunks[-1] for s in segments if isinstance(s, _Segment) and s.starred]
    exts = [f"*.{t.text.rpartition('.')[2]}" for t in tails if t.regex is None and "." in t.text]
    return (*names, *exts)


def _github(text: str) -> tuple[list[str], Mode]:
    """gitignore rules, except that a last ``*`` segment matches files, not folder contents."""
    if text.startswith("!"):
        raise PatternError("GitHub does not support '!' to negate a pattern")
    if text.startswith("\\#"):
        raise PatternError("GitHub does not support escaping a leading '#' with '\\'")
    body = text.rstrip("/")
    if not body.lstrip("/"):
        raise PatternError("the pattern matches nothing")
    below = body != text
    anchored = "/" in body
    names = _split(body.lstrip("/"))
    if names[-1] == "**":  # a trailing /** means everything inside
        names.pop()
        below = True
    if not names:
        return [], "all"
    if not anchored:
        names.insert(0, "**")
    if below:
        return names, "below"
    return names, "exact" if names[-1] == "*" else "tree"


def _gitlab(text: str) -> tuple[list[str], Mode]:
    """Ruby's File.fnmatch with FNM_PATHNAME | FNM_DOTMATCH after GitLab's normalisation:
    a pattern without a leading ``/`` may match at any depth, a trailing ``/`` means
    everything below, and anything else must match the whole path."""
    if not text.startswith("/"):
        text = "/**/" + text
    if text.endswith("/"):
        text += "**/*"
    names = _split(text[1:])
    if names[-1] == "**":  # fnmatch reads ** as * unless a / follows
        names[-1] = "*"
    return names, "exact"
