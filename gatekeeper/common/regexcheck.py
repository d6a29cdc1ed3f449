"""Refuses policy regular expressions whose matching time can grow faster than the text.

Python's engine backtracks. A repeated part that can match the same text in more than one way,
such as ``(\\w+\\s?)*``, makes it try exponentially many ways before it gives up: 18 seconds on
a 29-character subject. Two repeated parts that can match the same text one after the other,
such as ``\\w+\\s?\\w+`` or ``.*a.*b``, make it polynomial: minutes on a line of a few thousand
characters. The text is the change author's, so such patterns are refused when the policy is
loaded, and the texts they run on are cut to a bounded length (see ``ai.detect.LINE_LIMIT``).

The check follows Weideman et al., "Analyzing Matching Time Behavior of Backtracking Regular
Expression Matchers by Using Ambiguity of NFA" (2016): the pattern becomes a position automaton
(one state per character test, anchors and lookarounds as empty steps, a bounded repeat as an
unbounded one); exponential ambiguity is a state with two different paths back to itself on one
word, found in the product of the automaton with itself; polynomial ambiguity is two loops that
read a common word with a path between them on it, approximated by the characters both loops
read. A loop that ends the pattern reading any character is left alone: a match that reaches it
cannot fail. Character classes are compared on a sample alphabet (ASCII, Latin-1, other scripts'
letters, digits and spaces, and every character the pattern names).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from gatekeeper.common.regexnfa import Automaton, alphabet, automaton, sre, walk


def problem(pattern: str, ignorecase: bool = True) -> str | None:
    """Why ``pattern`` (which must compile) can take super-linear time, or None."""
    return _problem(pattern, ignorecase)


@functools.lru_cache(maxsize=1024)
def _problem(pattern: str, ignorecase: bool) -> str | None:
    parsed = sre.parse(pattern)
    flags = parsed.state.flags | (sre.SRE_FLAG_IGNORECASE if ignorecase else 0)
    sample = alphabet(parsed, flags)
    for items, item_flags in _bodies(parsed, flags):
        found = _verdict(items, item_flags, sample)
        if found:
            return found
    return None


def _bodies(parsed: Any, flags: int) -> Iterator[tuple[Any, int]]:
    """The pattern, then the body of each lookaround in it: each is matched on its own."""
    yield parsed, flags
    for op, av, item_flags in walk(parsed, flags):
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            yield av[1], item_flags


def _verdict(items: Any, flags: int, alphabet: str) -> str | None:
    nfa = automaton(items, flags, alphabet)
    components = _components(nfa)
    cyclic = [c for c in components if len(c) > 1 or any(s in nfa.follow[s] for s in c)]
    if any(_exponential(nfa, component) for component in cyclic):
        return ("a repeated part can match the same text in more than one way, as in (a+)+ or "
                "(\\w+\\s?)*, which takes exponential time on text that does not match; make "
                "each character matchable one way only, as in (\\w+\\s)*\\w*")
    if _polynomial(nfa, cyclic):
        return ("two repeated parts can match the same text one after the other, as in "
                "\\w+\\s?\\w+ or .*a.*b, which takes time growing with a power of the text's "
                "length; make the parts exclude each other's characters, and leave out a "
                "leading .* (patterns are searched for anywhere)")
    return None


# -- the analysis ----------------------------------------------------------------------------


def _components(nfa: Automaton) -> list[list[int]]:
    """Strongly connected components of the follow graph (Tarjan's, without recursion)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    for root in range(len(nfa.tests)):
        if root in index:
            continue
        work = [(root, iter(sorted(nfa.follow[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            state, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(nfa.follow[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[state] = min(low[state], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[state])
            if low[state] == index[state]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == state:
                        break
                found.append(component)
    return found


def _exponential(nfa: Automaton, component: list[int]) -> bool:
    """Whether two different paths lead from a state of ``component`` back to it on one word:
    a step inside it that can be taken two ways, or a strongly connected part of the product
    automaton holding a pair (s, s) and a pair (s, t) with s != t."""
    if any(nfa.follow[s].get(t, 0) > 1 for s in component for t in component):
        return True
    edges = _product(nfa, component)
    # A pair reached from a diagonal pair (all are) that leads back to one lies on a cycle
    # through it: from one diagonal pair to another of the component both tracks go alike.
    back: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pair, targets in edges.items():
        for target in targets:
            back.setdefault(target, []).append(pair)
    returning = _reach([p for p in edges if p[0] == p[1]], back)
    return any(a != b for a, b in returning)


def _product(nfa: Automaton, component: list[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """The pairs of ``component`` states reachable from diagonal pairs in the product
    automaton, each with its successors (both tracks reading a common character)."""
    inside = set(component)
    masks = nfa.masks
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    todo = [(s, s) for s in component]
    seen = set(todo)
    while todo:
        a, b = pair = todo.pop()
        edges[pair] = [(x, y) for x in nfa.follow[a].keys() & inside
                       for y in nfa.follow[b].keys() & inside if masks[x] & masks[y]]
        for nxt in edges[pair]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return edges


def _reach(starts: Iterable[Any], edges: Any) -> set[Any]:
    """What ``starts`` lead to in a graph given as a mapping to successors."""
    seen = set(starts)
    todo = list(seen)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _polynomial(nfa: Automaton, cyclic: list[list[int]]) -> bool:
    """Whether two loops can read a common word one after the other: for the characters both
    read, a cycle in each on them and a path on them from the first to the second."""
    masks = nfa.masks
    reads = [functools.reduce(int.__or__, (masks[s] for s in c), 0) for c in cyclic]
    for i, source in enumerate(cyclic):
        for j, target in enumerate(cyclic):
            common = reads[i] & reads[j]
            if i == j or not common or _open_ended(nfa, target):
                continue
            starts = _looping(nfa, source, common)
            goals = _looping(nfa, target, common)
            if not starts or not goals:
                continue
            graph = {s: [t for t in nfa.follow[s] if masks[t] & common]
                     for s in range(len(nfa.tests))}
            if _reach(starts, graph) & goals:
                return True
    return False


def _looping(nfa: Automaton, component: list[int], common: int) -> set[int]:
    """The states of ``component`` on a cycle of it that reads only characters of ``common``."""
    keep = {s for s in component if nfa.masks[s] & common}
    graph = {s: [t for t in nfa.follow[s] if t in keep] for s in keep}
    return {s for s in keep if s in _reach(graph[s], graph)}


def _open_ended(nfa: Automaton, component: list[int]) -> bool:
    """A single state that reads every character but a line break, repeats, and may end the
    match: once a match gets there it cannot fail, so nothing before it is tried again."""
    if len(component) != 1:
        return False
    (state,) = component
    everything = (1 << len(nfa.alphabet)) - 1
    newline = 1 << nfa.alphabet.index("\n")
    return (state in nfa.follow[state] and state in nfa.lasts
            and nfa.masks[state] | newline == everything)
