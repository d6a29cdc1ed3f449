"""Gitignore-style path globs (``*``, ``?``, ``[...]``, ``**``) compiled to regular expressions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass


class GlobError(ValueError):
    """A pattern that is not a valid glob."""


def _translate(body: str) -> str:
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "*":
            if body.startswith("**", i):
                before_ok = i == 0 or body[i - 1] == "/"
                after = i + 2
                if before_ok and after == n:
                    out.append(".*")
                    i = after
                    continue
                if before_ok and body.startswith("/", after):
                    out.append("(?:.*/)?")
                    i = after + 1
                    continue
                while i < n and body[i] == "*":  # other runs of stars act as one star
                    i += 1
                out.append("[^/]*")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = body.find("]", i + 2 if body.startswith(("[!", "[^", "[]"), i) else i + 1)
            if end == -1:
                raise GlobError(f"unclosed '[' in glob {body!r}")
            inner = body[i + 1 : end]
            negate = inner[:1] in ("!", "^")
            if negate:
                inner = inner[1:]
            inner = inner.replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{'^' if negate else ''}{inner}]")
            i = end
        elif ch == "\\":
            if i + 1 >= n:
                raise GlobError(f"glob {body!r} ends with a lone backslash")
            out.append(re.escape(body[i + 1]))
            i += 1
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Glob:
    """One compiled pattern. ``negated`` patterns start with ``!`` and re-include a path."""

    pattern: str
    negated: bool
    dir_only: bool
    body: str
    regex: re.Pattern[str]
    """Matches the path itself (unless ``dir_only``) or anything inside a matching folder."""
    exact: re.Pattern[str]
    """Matches the path itself only."""

    def matches(self, path: str, *, parents: bool = True) -> bool:
        """Whether the pattern matches ``path``, or (with ``parents``) one of its folders."""
        if not parents:
            return not self.dir_only and self.exact.fullmatch(path) is not None
        return self.regex.fullmatch(path) is not None


def _with_parents(body: str, dir_only: bool) -> str:
    return f"(?:{body})/.*" if dir_only else f"(?:{body})(?:/.*)?"


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    text = pattern.strip()
    if not text or text == "!":
        raise GlobError("empty glob")
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        raise GlobError(f"glob {pattern!r} matches nothing")
    body = _translate(text)
    if not anchored:
        body = "(?:.*/)?" + body
    try:
        regex = re.compile(_with_parents(body, dir_only), re.DOTALL)
        exact = re.compile(body, re.DOTALL)
    except re.error as exc:
        raise GlobError(f"invalid glob {pattern!r}: {exc}") from exc
    return Glob(pattern, negated, dir_only, body, regex, exact)


class PathSet:
    """An ordered list of globs where the last matching one wins, as in .gitignore."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.globs = tuple(compile_glob(p) for p in patterns)
        self._any: re.Pattern[str] | None = None
        if self.globs and not any(g.negated for g in self.globs):
            # Without negation the order does not matter: one alternation does the work.
            self._any = re.compile(
                "|".join(_with_parents(g.body, g.dir_only) for g in self.globs), re.DOTALL)

    def __bool__(self) -> bool:
        return bool(self.globs)

    def matches(self, path: str) -> bool:
        if self._any is not None:
            return self._any.fullmatch(path) is not None
        hit = False
        for glob in self.globs:
            if glob.negated == hit and glob.matches(path):
                hit = not glob.negated
        return hit


def wildcard(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern for names where only ``*`` is special: author names often
    hold ``[bot]``, and owners dots.

    ``.*``-joined parts would backtrack over every split of the name (minutes for ``*a*b*c*d``
    on a name of a few thousand characters). Each part between two stars takes its leftmost
    place instead, inside a lookahead, which the engine never reenters: leftmost leaves the
    most room for the parts after it, so the answer is the same, in linear time.
    """
    parts = [re.escape(p) for p in pattern.split("*")]
    if len(parts) == 1:
        return re.compile(parts[0], re.IGNORECASE)
    middle = "".join(f"(?=(?P<p{i}>.*?{part}))(?P=p{i})" for i, part in enumerate(parts[1:-1]))
    return re.compile(parts[0] + middle + ".*" + parts[-1], re.IGNORECASE)
