"""The position automaton of a parsed regular expression, for the checks in regexcheck.

One state per character test (a literal, a class, ``.``); anchors, lookarounds and
back-references are empty steps; a bounded repeat is taken as an unbounded one, which only adds
ways to match. Each step counts the ways it can be taken (up to 2), since a step two ways
inside a loop is already ambiguity. Character tests are compared on a sample alphabet: ASCII,
Latin-1, other scripts' letters, digits and spaces, and every character the pattern names.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Iterable, Iterator
from typing import Any

sre: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")

_SAMPLE = ("\u0100\u0130\u017f\u212a\u0391\u03c9\u0430\u05d0\u0660\u0966\u1680\u2000\u2028"
           "\u2029\u3000\u4e00\u3042\uac00\uff10\ufeff\u200b\U0001d400\U0001f916\U00010000")
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)} - {None}
_LEAVES = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}


class Automaton:
    """The position automaton: a character test per state and the states that may follow."""

    def __init__(self, alphabet: str) -> None:
        self.alphabet = alphabet
        self.tests: list[tuple[Any, Any, int]] = []  # (op, argument, flags)
        self.follow: list[dict[int, int]] = []  # the next states, and how many ways to each
        self.lasts: set[int] = set()

    def add(self, op: Any, av: Any, flags: int) -> int:
        """Add a state testing one character with ``op``; return its index."""
        self.tests.append((op, av, flags))
        self.follow.append({})
        return len(self.tests) - 1

    @functools.cached_property
    def masks(self) -> list[int]:
        """Per state, the bits of the sample characters its test accepts."""
        of_case: dict[str, int] = {}  # a character -> the sample characters it is a case of
        for index, char in enumerate(self.alphabet):
            for variant in cases(char):
                of_case[variant] = of_case.get(variant, 0) | 1 << index
        known: dict[tuple[Any, str, int], int] = {}
        masks = []
        for op, av, flags in self.tests:
            if op is sre.LITERAL:  # most states: no need to try the whole alphabet
                char = chr(av)
                masks.append(of_case[char] if flags & sre.SRE_FLAG_IGNORECASE
                             else 1 << self.alphabet.index(char))
                continue
            key = (op, repr(av), flags)
            if key not in known:
                known[key] = _mask(self.alphabet, op, av, flags)
            masks.append(known[key])
        return masks


def automaton(items: Any, flags: int, alphabet: str) -> Automaton:
    """The automaton of a parsed pattern (or a lookaround's body) under ``flags``."""
    nfa = Automaton(alphabet)
    nfa.lasts = set(_build(nfa, items, flags)[1])
    return nfa


def walk(items: Iterable[Any], flags: int) -> Iterator[tuple[Any, Any, int]]:
    """Every node with the flags in force there, depth first."""
    for op, av in items:
        yield op, av, flags
        if op is sre.SUBPATTERN:
            yield from walk(av[3], (flags | av[1]) & ~av[2])
        elif op is sre.BRANCH:
            for branch in av[1]:
                yield from walk(branch, flags)
        elif op in _REPEATS or op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from walk(av[2] if op in _REPEATS else av[1], flags)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            yield from walk(av, flags)
        elif op is sre.GROUPREF_EXISTS:
            yield from walk(av[1], flags)
            if av[2] is not None:
                yield from walk(av[2], flags)


def alphabet(parsed: Any, flags: int) -> str:
    """The sample characters, with every character the pattern names and its other cases."""
    named: set[str] = set()
    for op, av, _ in walk(parsed, flags):
        for kind, value in av if op is sre.IN else [(op, av)]:
            if kind in (sre.LITERAL, sre.NOT_LITERAL):
                named.update(cases(chr(value)))
            elif kind is sre.RANGE:
                named.update(cases(chr(value[0])) | cases(chr(value[1])))
    return "".join(sorted(set(map(chr, range(256))) | set(_SAMPLE) | named))


def cases(char: str) -> set[str]:
    """``char`` with its lower and upper case, each cut to one character."""
    return {char, char.lower()[:1] or char, char.upper()[:1] or char}


# -- building the automaton ----------------------------------------------------------------------

# How many ways lead to each first state of a part, from each last state out of it, and through
# the part without a character; counted up to 2, since two ways is already ambiguity.
Ways = dict[int, int]
Part = tuple[Ways, Ways, int]


def _add(ways: Ways, more: Ways, times: int = 1) -> Ways:
    out = dict(ways)
    for state, count in more.items():
        if count * times:
            out[state] = min(2, out.get(state, 0) + count * times)
    return out


def _link(nfa: Automaton, lasts: Ways, firsts: Ways) -> None:
    for state, before in lasts.items():
        follow = nfa.follow[state]
        for nxt, after in firsts.items():
            if before * after:
                follow[nxt] = min(2, follow.get(nxt, 0) + before * after)


def _build(nfa: Automaton, items: Iterable[Any], flags: int) -> Part:
    """Add the states of a sequence; connect each part's last states to the next part's first."""
    first: Ways = {}
    lasts: Ways = {}
    empty = 1
    for op, av in items:
        head, tail, through = _node(nfa, op, av, flags)
        _link(nfa, lasts, head)
        first = _add(first, head, empty)
        lasts = _add(tail, lasts, through)
        empty = min(2, empty * through)
    return first, lasts, empty


def _node(nfa: Automaton, op: Any, av: Any, flags: int) -> Part:
    if op in _LEAVES:
        state = nfa.add(op, av, flags)
        return {state: 1}, {state: 1}, 0
    if op is sre.SUBPATTERN:
        return _build(nfa, av[3], (flags | av[1]) & ~av[2])
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _build(nfa, av, flags)
    if op is sre.BRANCH:
        return _either(nfa, av[1], flags)
    if op is sre.GROUPREF_EXISTS:
        return _either(nfa, [av[1], av[2] or []], flags)
    if op in _REPEATS:
        low, high, body = av
        if high == 0:
            return {}, {}, 1
        first, lasts, empty = _build(nfa, body, flags)
        if high > 1:  # a loop: {2,5} is taken as +, which only adds ways to match
            _link(nfa, lasts, first)
        # Skipping an optional part is one more way through; the engine stops a loop whose
        # turn matched nothing, so empty turns add none.
        return first, lasts, min(2, empty + (low == 0))
    # Anchors, lookarounds (checked on their own) and back-references: no character here.
    return {}, {}, 1


def _either(nfa: Automaton, branches: Iterable[Any], flags: int) -> Part:
    first: Ways = {}
    lasts: Ways = {}
    empty = 0
    for branch in branches:
        head, tail, through = _build(nfa, branch, flags)
        first, lasts, empty = _add(first, head), _add(lasts, tail), min(2, empty + through)
    return first, lasts, empty


def _mask(alphabet: str, op: Any, av: Any, flags: int) -> int:
    bits = 0
    for index, char in enumerate(alphabet):
        variants = cases(char) if flags & sre.SRE_FLAG_IGNORECASE else (char,)
        if any(_accepts(op, av, flags, c) for c in variants):
            bits |= 1 << index
    return bits


def _accepts(op: Any, av: Any, flags: int, char: str) -> bool:
    if op is sre.LITERAL:
        return char == chr(av)
    if op is sre.NOT_LITERAL:
        return char != chr(av)
    if op is sre.ANY:
        return char != "\n" or bool(flags & sre.SRE_FLAG_DOTALL)
    negated = bool(av) and av[0][0] is sre.NEGATE
    return negated != any(_in_set(kind, value, flags, char) for kind, value in av)


def _in_set(kind: Any, value: Any, flags: int, char: str) -> bool:
    if kind is sre.LITERAL:
        return char == chr(value)
    if kind is sre.RANGE:
        return bool(value[0] <= ord(char) <= value[1])
    if kind is sre.CATEGORY:
        return _category(value, flags, char)
    return False


def _category(name: Any, flags: int, char: str) -> bool:
    ascii_only = bool(flags & sre.SRE_FLAG_ASCII)
    text = str(name)
    negated = "_NOT_" in text
    if text.endswith("DIGIT"):
        found = char.isdecimal() and (char.isascii() or not ascii_only)
    elif text.endswith("SPACE"):
        found = char in " \t\n\r\f\v" if ascii_only else char.isspace()
    elif text.endswith("WORD"):
        found = (char.isalnum() or char == "_") and (char.isascii() or not ascii_only)
    else:  # LINEBREAK
        found = char == "\n"
    return negated != found
