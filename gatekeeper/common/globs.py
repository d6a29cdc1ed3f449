"""Gitignore-style path globs (``*``, ``?``, ``[...]``, ``**``) compiled to regular expressions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from gatekeeper.common import plainglobs
from gatekeeper.common.records import record


class GlobError(ValueError):
    """A pattern that is not a valid glob."""


Token = tuple[str, str]
"""A kind and its regular expression: ``atom`` (one character), ``slash``, ``star`` (a run of
stars inside a name), ``gap`` (``**/``: any number of whole folders) or ``tail`` (a last
``/**``)."""


def _tokens(body: str) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "*":
            token, i = _stars(body, i)
            out.append(token)
            continue
        if ch == "[":
            regex, i = _bracket(body, i)
            out.append(("atom", regex))
        elif ch == "\\":
            if i + 1 >= n:
                raise GlobError(f"glob {body!r} ends with a lone backslash")
            i += 1
            out.append(("atom", re.escape(body[i])))
        else:
            out.append(("slash", "/") if ch == "/" else ("atom", "[^/]" if ch == "?"
                                                         else re.escape(ch)))
        i += 1
    return out


def _stars(body: str, start: int) -> tuple[Token, int]:
    """The token for the run of stars at ``start``, and where the text after it begins."""
    i, n = start, len(body)
    while i < n and body[i] == "*":
        i += 1
    at_start = start == 0 or body[start - 1] == "/"
    if at_start and i - start == 2 and i == n:
        return ("tail", ".*"), i
    if at_start and i - start == 2 and body.startswith("/", i):
        return ("gap", ""), i + 1
    return ("star", "[^/]*"), i  # other runs of stars act as one star


def _bracket(body: str, start: int) -> tuple[str, int]:
    """The class for the bracket expression opened at ``start``, and where it closes. Every
    member is escaped: a ``[`` or ``&&`` inside would read as a nested set or set operation.
    """
    i = start + 1
    negate = body[i : i + 1] in ("!", "^")
    i += negate
    end = body.find("]", i + 1 if body.startswith("]", i) else i)
    if end == -1:
        raise GlobError(f"unclosed '[' in glob {body!r}")
    members = "".join(ch if ch == "-" else re.escape(ch) for ch in body[i:end])
    # As in git, a bracket expression never matches the '/' between folders.
    return f"(?!/)[{'^' if negate else ''}{members}]", end


def _piece(tokens: list[Token], name: str) -> str:
    """The regular expression of tokens without gaps. A run of characters between two stars
    of one name takes its leftmost place, inside a lookahead the engine never reenters (see
    :func:`wildcard`), so many stars in a name cost linear time, not a power of its length."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, regex = tokens[i]
        i += 1
        if kind != "star":
            out.append(regex)
            continue
        chunk: list[str] = []
        while i < len(tokens) and tokens[i][0] == "atom":
            chunk.append(tokens[i][1])
            i += 1
        if chunk and i < len(tokens) and tokens[i][0] == "star":
            group = f"{name}s{i}"
            out.append(f"(?=(?P<{group}>[^/]*?{''.join(chunk)}))(?P={group})")
        else:
            out.append("[^/]*" + "".join(chunk))
    return "".join(out)


def _translate(body: str, anchored: bool, name: str = "g") -> str:
    """The regular expression of a glob. Each part between two ``**/`` also takes its leftmost
    place (it starts at a folder and ends at one, so leftmost leaves the most room after it);
    only the last part backtracks, over the folders of the path."""
    tokens = ([] if anchored else [("gap", "")]) + _tokens(body)
    pieces: list[list[Token]] = [[]]
    for token in tokens:
        if token[0] == "gap":
            pieces.append([])
        else:
            pieces[-1].append(token)
    out = [_piece(pieces[0], f"{name}p0")]
    for number, piece in enumerate(pieces[1:], 1):
        regex = _piece(piece, f"{name}p{number}")
        if number == len(pieces) - 1:
            out.append(f"(?:.*/)?{regex}")
        else:
            group = f"{name}g{number}"
            out.append(f"(?=(?P<{group}>(?:.*?/)??{regex}))(?P={group})")
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def _regex(source: str) -> re.Pattern[str]:
    """A glob's expression compiled, once per process; compile_glob has proven it compiles."""
    return re.compile(source, re.DOTALL)


@record(slots=True)
class Glob:
    """One parsed pattern. ``negated`` patterns start with ``!`` and re-include a path.

    Its expressions compile on first use: the built-in classes hold hundreds of globs, and a
    set without negations matches through one combined expression instead (see PathSet).
    """

    pattern: str
    negated: bool
    dir_only: bool
    source: str
    """The pattern without its ``!``, and without the slashes that end or anchor it."""
    anchored: bool
    body: str
    """The expression of the path itself."""

    @property
    def regex(self) -> re.Pattern[str]:
        """Matches the path itself (unless ``dir_only``) or anything inside a matching folder."""
        return _regex(_with_parents(self.body, self.dir_only))

    @property
    def exact(self) -> re.Pattern[str]:
        """Matches the path itself only."""
        return _regex(self.body)

    def matches(self, path: str, *, parents: bool = True) -> bool:
        """Whether the pattern matches ``path``, or (with ``parents``) one of its folders."""
        if not parents:
            return not self.dir_only and self.exact.fullmatch(path) is not None
        return self.regex.fullmatch(path) is not None


def _with_parents(body: str, dir_only: bool) -> str:
    return f"(?:{body})/.*" if dir_only else f"(?:{body})(?:/.*)?"


def _checked(body: str, dir_only: bool, pattern: str) -> None:
    """Raise GlobError unless the glob's expression compiles. Only a bracket expression can
    make it fail (``[z-a]``): everything else is escaped text or a fixed construct with group
    names of its own, so other globs are not compiled before they are used."""
    if "[" not in pattern:
        return
    try:
        _regex(_with_parents(body, dir_only))
    except re.error as exc:
        raise GlobError(f"invalid glob {pattern!r}: {exc}") from exc


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    """One glob parsed and checked; raises GlobError for a pattern that is not valid."""
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
    body = _translate(text, anchored)
    _checked(body, dir_only, pattern)
    return Glob(pattern, negated, dir_only, text, anchored, body)


class PathSet:
    """An ordered list of globs where the last matching one wins, as in .gitignore."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.globs = tuple(compile_glob(p) for p in patterns)
        # Without negation the order does not matter: plain globs are matched as text, and
        # one alternation of the others' expressions does the rest.
        self._alternation = bool(self.globs) and not any(g.negated for g in self.globs)
        self._plain, self._rest = plainglobs.split(
            (g.source, g.anchored, g.dir_only) for g in self.globs if self._alternation)
        self._any: re.Pattern[str] | None = None

    def _combined(self) -> re.Pattern[str]:
        """The alternation of the globs that are not plain, compiled on first use. Each
        glob's lookahead groups get names of their own in the one expression."""
        if self._any is None:
            globs = [self.globs[n] for n in self._rest]
            self._any = re.compile("|".join(
                _with_parents(_translate(g.source, g.anchored, f"g{n}_"), g.dir_only)
                for n, g in enumerate(globs)), re.DOTALL)
        return self._any

    def __bool__(self) -> bool:
        return bool(self.globs)

    def matches(self, path: str) -> bool:
        """Whether ``path`` is in the set: the last glob that matches it decides."""
        if self._alternation:
            return self._plain.matches(path) or (
                bool(self._rest) and self._combined().fullmatch(path) is not None)
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
