"""The split advice of `batch-size`: the fewest folders to move into changes of their own.

Files move in units: a file together with the tests of it that the change holds (see
``gatekeeper.facts.testpairs``), so the advice never moves a test away from the code it tests.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from typing import NamedTuple

from gatekeeper.facts.classify import TEST
from gatekeeper.facts.model import FileFacts
from gatekeeper.facts.testpairs import pair

SHOWN_GROUPS = 4
SHOWN_ALONG = 2

Measure = Callable[[FileFacts], int]


class Unit(NamedTuple):
    """Files that move together: ``path`` places the unit in a folder; ``along`` are files of
    the unit that lie outside the measured set (a test of a group's code that sits in no
    group, say) and must move with it all the same."""

    path: str
    files: tuple[FileFacts, ...]
    along: tuple[str, ...] = ()


def units(measured: list[FileFacts], everything: Iterable[FileFacts]) -> list[Unit]:
    """``measured`` grouped into units, sorted by path: each subject with its tests among
    ``everything``."""
    inside = {f.path: f for f in measured}
    every = {f.path: f for f in everything}
    every.update(inside)
    pairs = pair(every, lambda p: TEST in every[p].classes)
    anchors = set(pairs.values())
    members: dict[str, list[str]] = {}
    found = []
    for path in every:
        anchor = pairs.get(path, path)
        if anchor in anchors:  # a subject and its tests
            members.setdefault(anchor, []).append(path)
        elif path in inside:  # most files: no test of theirs in the change
            found.append(Unit(path, (inside[path],)))
    for anchor, paths in members.items():
        mine = [inside[p] for p in paths if p in inside]
        if mine:
            place = anchor if anchor in inside else mine[0].path
            found.append(Unit(place, tuple(mine), tuple(p for p in paths if p not in inside)))
    found.sort(key=lambda u: u.path)
    return found


def _weight(unit: Unit, measure: Measure) -> int:
    if len(unit.files) == 1:  # most units
        return measure(unit.files[0])
    return sum(measure(f) for f in unit.files)


Groups = dict[str, list[int]]
"""Folder names and the units in each, by their place in the list of units."""


def _refine(paths: list[str], weights: list[int], limit: int) -> tuple[Groups, dict[str, int]]:
    """Group the units at ``paths`` (of ``weights``) by folder, going deeper into any folder
    that alone exceeds the limit; the groups and their weights.

    The heaviest group comes off a heap, the first made among equals (what ``max`` over the
    groups in the order they were made would pick): tens of thousands of folders may come
    out, and each pass looked at all of them. A pass looks at each unit of the group it
    splits, so its loop touches nothing but lists and dicts."""
    groups: Groups = {"": list(range(len(paths)))}
    depth_of = {"": 0}
    weight_of = {"": sum(weights)}
    folders = [path.split("/")[:-1] for path in paths]  # split once, not per pass
    heap = [(-weight_of[""], 0, "")]
    made = itertools.count(1)
    while True:
        _, _, name = heapq.heappop(heap)
        members, depth = groups[name], depth_of[name] + 1
        if len(groups) > 1 and weight_of[name] <= limit:
            return groups, weight_of
        children: Groups = {}
        child_weights: dict[str, int] = {}
        for n in members:
            # The folder ``depth`` levels deep that holds the unit, or the unit's own path
            # when it lies at the top.
            parts = folders[n]
            child = "/".join(parts[:depth]) + "/" if parts else paths[n]
            if child in children:
                children[child].append(n)
                child_weights[child] += weights[n]
            else:
                children[child], child_weights[child] = [n], weights[n]
        if len(children) < 2 and not any(len(folders[n]) >= depth for n in members):
            return groups, weight_of  # a single unit: nothing finer to split out
        del groups[name]
        for child, child_units in children.items():
            groups[child], depth_of[child] = child_units, depth
            weight_of[child] = child_weights[child]
            heapq.heappush(heap, (-child_weights[child], next(made), child))


def _outside(name: str, members: list[Unit]) -> list[str]:
    """Files that move with the folder ``name`` but lie outside it: tests elsewhere, or the
    code that tests in it test."""
    paths = [f.path for u in members for f in u.files] + [p for u in members for p in u.along]
    return sorted(p for p in paths if p != name and not p.startswith(name))


def _named(name: str, members: list[Unit], size: int, unit: str) -> str:
    count = sum(len(u.files) for u in members)
    amount = f"{count} files" if unit == "files" else f"{size} {unit}"
    along = _outside(name, members)
    if along:
        more = f" and {len(along) - SHOWN_ALONG} more" if len(along) > SHOWN_ALONG else ""
        amount += f", together with {', '.join(along[:SHOWN_ALONG])}{more}"
    return f"{name} ({amount})"


def split_plan(files: list[FileFacts], measure: Measure, limit: int, unit: str,
               everything: Iterable[FileFacts] = ()) -> str:
    """Name the fewest folders to move into separate changes to get under ``limit``.

    ``files`` are the files measured against the limit; ``everything`` the other files of the
    change, so that a test of one of them moves with it wherever it lies.
    """
    found = units(files, everything)
    # Each unit is weighed once: the folders holding it are weighed again on every pass.
    groups, weight_of = _refine([u.path for u in found], [_weight(u, measure) for u in found],
                                limit)
    total = sum(measure(f) for f in files)
    if len(groups) < 2:
        return (f"everything sits in one place; split it into smaller sequential changes of at "
                f"most {limit} {unit} each, keeping each test with the code it tests")
    sized = sorted(((weight_of[name], name) for name in groups), key=lambda t: (-t[0], t[1]))
    chosen: list[tuple[int, str]] = []
    remaining = total
    for size, name in sized[:-1]:
        if remaining <= limit:
            break
        chosen.append((size, name))
        remaining -= size
    # Only the folders shown are named: tens of thousands may be chosen.
    named = ", ".join(_named(name, [found[n] for n in groups[name]], size, unit)
                      for size, name in chosen[:SHOWN_GROUPS])
    if len(chosen) > SHOWN_GROUPS:
        named += f" and {len(chosen) - SHOWN_GROUPS} more folders"
    if remaining <= limit and len(chosen) <= SHOWN_GROUPS:
        return f"split out {named} into separate changes, leaving {remaining} <= {limit} {unit}"
    pieces = -(-total // max(limit, 1))
    return (f"this is {total} {unit} against a limit of {limit}: split it into at least "
            f"{pieces} changes, starting with {named}")
