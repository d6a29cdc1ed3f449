"""The placeholders preset patterns are written with, and their expansion into regexes.

A preset pattern is a regular expression with placeholders in braces. Each key placeholder
expands to named groups whose names start with ``key`` (or ``keys``, ``names``); the scanner
reads whichever of them took part in the match, so one pattern can accept a string literal, a
Ruby symbol or any other argument, the last being a reference whose key is not known.

Every repetition is bounded and the alternatives of a repetition start with different
characters, so a pattern backtracks at most a few hundred steps at one position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

KEY_CHARS = r"{1,256}"
# A literal stops at its closing quote; "$", "{" and "}" would start an interpolation, and a
# key never holds a backslash escape, a line break or another quote.
_BODY = {'"': r'[^"\\\r\n${}]', "'": r"[^'\\\r\n${}]", "`": r"[^`\\\r\n${}]"}
_LABEL = r"(?:[A-Za-z_]\w*\s*(?::(?!:)|=(?![=>]))\s*)?"
"""A named argument before the key: ``forKey:``, ``flag_key=``, ``featureId =``."""
_CONTINUED = (r"(?!\s*(?:\.(?!to_string\(\)|into\(\)|to_owned\(\))|[+\[*\"'`]"
              r"|%\s*[\w(\[{]|\?\?))")
"""After a literal: no operator that makes it part of a longer expression ("a" + b,
"a".format(x), "%s" % x); Rust's "a".to_string() stays a literal."""
_STRINGS = r"""\([^()\n]{0,200}\)|"[^"\n]{0,256}"|'[^'\n]{0,256}'|`[^`\n]{0,256}`"""
ARG = rf"""(?:[^,()"'`\s]|{_STRINGS})(?:[^,()"'`\n]|{_STRINGS}){{0,200}}"""
"""One argument that is not a key: an expression up to the next comma at its own level."""
_RECEIVER = r"(?:(?<=\.)|(?<=->)|(?<=::))"
_OPEN = r"(?:\s*<[^<>()\n]{0,80}>)?\s*\(\s*"
_ROPEN = r"(?:\s*\(\s*|\s+)"
_BARE = r"(?<![\w$.>:])"

KEY_GROUP = re.compile(r"^(?:key|keys|names)(?:_\d+)?$")


class _Names:
    """Hands out the group names of one pattern: key, key_1, key_2, ..."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, stem: str = "key") -> str:
        name = stem if self.count == 0 else f"{stem}_{self.count}"
        self.count += 1
        return name


def _literal(names: _Names) -> str:
    parts = [f"{q}(?P<{names()}>{body}{KEY_CHARS}){q}" for q, body in _BODY.items()]
    return "@?(?:" + "|".join(parts) + ")"


def _key(names: _Names) -> str:
    return f"{_LABEL}(?:{_literal(names)}{_CONTINUED}|{ARG})"


def _lit(names: _Names) -> str:
    return f"{_LABEL}{_literal(names)}{_CONTINUED}"


def _plit(names: _Names) -> str:
    return f"{_literal(names)}{_CONTINUED}"


def _rkey(names: _Names) -> str:
    symbol = rf":(?P<{names()}>[A-Za-z_]\w{{0,255}}[?!]?)"
    return f"{_LABEL}(?:(?:{symbol}|:?{_literal(names)}){_CONTINUED}|{ARG})"


def _keys(names: _Names) -> str:
    return rf"\[(?P<{names('keys')}>[^\[\]\n]{{0,1000}})\]"


def _blist(names: _Names) -> str:
    return rf"\{{(?P<{names('keys')}>[^{{}}\n]{{0,1000}})\}}"


def _names(names: _Names) -> str:
    return rf"\{{(?P<{names('names')}>[^{{}}\n]{{1,1000}})\}}"


def _via(words: str) -> str:
    """A receiver whose identifier holds one of ``words`` (|-separated), in any case."""
    holds = "|".join(re.escape(w) for w in words.split("|"))
    return (rf"(?<![\w$])(?i:[\w$]{{0,40}}(?:{holds})[\w$]{{0,40}})(?:\s*\(\s*\))?"
            r"\s*(?:\?\.|\.|->|::)\s*")


_EXPANSIONS: dict[str, Callable[[_Names], str]] = {
    "key": _key, "lit": _lit, "plit": _plit, "rkey": _rkey, "keys": _keys, "blist": _blist,
    "names": _names,
}
_FIXED = {"arg": ARG, "recv": _RECEIVER, "open": _OPEN, "ropen": _ROPEN, "bare": _BARE}
_PLACEHOLDER = re.compile(r"\{([a-z]+)(?::([A-Za-z|]+))?\}")


class TemplateError(ValueError):
    """A preset pattern that names an unknown placeholder, or that does not compile."""


def expand(template: str, calls: Iterable[str] = ()) -> str:
    """The regex for ``template``; ``{call}`` becomes an alternation of the ``calls``."""
    names = _Names()
    call_list = sorted(set(calls), key=lambda c: (-len(c), c))

    def substitute(match: re.Match[str]) -> str:
        word, argument = match.group(1), match.group(2)
        if word == "via" and argument:
            return _via(argument)
        if argument:
            raise TemplateError(f"{{{word}}} takes no argument")
        if word == "call":
            if not call_list:
                raise TemplateError("{call} needs a list of calls")
            return "(?:" + "|".join(re.escape(c) for c in call_list) + r")(?![\w$?!])"
        if word in _EXPANSIONS:
            return _EXPANSIONS[word](names)
        if word in _FIXED:
            return _FIXED[word]
        raise TemplateError(f"unknown placeholder {{{word}}}")

    # Quantifiers such as {0,80} have digits, so only lowercase words are placeholders.
    return _PLACEHOLDER.sub(substitute, template)


def key_groups(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """The groups of ``pattern`` that hold keys, in the order they were written."""
    return tuple(sorted((n for n in pattern.groupindex if KEY_GROUP.match(n)),
                        key=lambda n: pattern.groupindex[n]))
