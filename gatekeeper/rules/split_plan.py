"""The split advice of `batch-size`: the fewest folders to move into changes of their own.

Files move in units: a file together with the tests of it that the change holds (see
``gatekeeper.facts.testpairs``), so the advice never moves a test away from the code it tests.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gatekeeper.facts.classify import TEST
from gatekeeper.facts.model import FileFacts
from gatekeeper.facts.testpairs import pair

SHOWN_GROUPS = 4
SHOWN_ALONG = 2

Measure = Callable[[FileFacts], int]


@dataclass(frozen=True)
class Unit:
    """Files that move together: ``path`` places the unit in a folder; ``along`` are files of
    the unit that lie outside the measured set (a test of a group's code that sits in no
    group, say) and must move with it all the same."""

    path: str
    files: tuple[FileFacts, ...]
    along: tuple[str, ...] = ()


def units(measured: list[FileFacts], everything: Iterable[FileFacts]) -> list[Unit]:
    """``measured`` grouped into units: each subject with its tests among ``everything``."""
    inside = {f.path: f for f in measured}
    every = {f.path: f for f in everything}
    every.update(inside)
    pairs = pair(every, lambda p: TEST in every[p].classes)
    members: dict[str, list[str]] = defaultdict(list)
    for path in every:
        members[pairs.get(path, path)].append(path)
    found = []
    for anchor, paths in members.items():
        if len(paths) == 1:  # most files: no test of theirs in the change
            if anchor in inside:
                found.append(Unit(anchor, (inside[anchor],)))
            continue
        mine = [inside[p] for p in paths if p in inside]
        if not mine:
            continue
        place = anchor if anchor in inside else mine[0].path
        found.append(Unit(place, tuple(mine), tuple(p for p in paths if p not in inside)))
    found.sort(key=lambda u: u.path)
    return found


def _weight(unit: Unit, measure: Measure) -> int:
    if len(unit.files) == 1:  # most units
        return measure(unit.files[0])
    return sum(measure(f) for f in unit.files)


def _folder(parts: list[str], path: str, depth: int) -> str:
    """The folder ``depth`` levels deep that holds ``path`` (split into its ``parts``), or
    the path itself when it lies less deep."""
    return "/".join(parts[:depth]) + "/" if parts else path


def _refine(all_units: list[Unit], weigh: Callable[[Unit], int],
            limit: int) -> tuple[dict[str, list[Unit]], dict[str, int]]:
    """Group units by folder, going deeper into any folder that alone exceeds the limit;
    the groups and their weights.

    The heaviest group comes off a heap, the first made among equals (what ``max`` over the
    groups in the order they were made would pick): tens of thousands of folders may come
    out, and each pass looked at all of them."""
    groups: dict[str, list[Unit]] = {"": all_units}
    depth_of = {"": 0}
    weight_of = {"": sum(map(weigh, all_units))}
    folders = {id(u): u.path.split("/")[:-1] for u in all_units}  # split once, not per pass
    heap = [(-weight_of[""], 0, "")]
    made = itertools.count(1)
    while True:
        _, _, name = heapq.heappop(heap)
        members, depth = groups[name], depth_of[name] + 1
        if len(groups) > 1 and weight_of[name] <= limit:
            return groups, weight_of
        children: dict[str, list[Unit]] = defaultdict(list)
        weights: dict[str, int] = defaultdict(int)
        for unit in members:
            child = _folder(folders[id(unit)], unit.path, depth)
            children[child].append(unit)
            weights[child] += weigh(unit)
        if len(children) < 2 and not any(len(folders[id(u)]) >= depth for u in members):
            return groups, weight_of  # a single unit: nothing finer to split out
        del groups[name]
        for child, child_units in children.items():
            groups[child], depth_of[child], weight_of[child] = child_units, depth, weights[child]
            heapq.heappush(heap, (-weights[child], next(made), child))


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
    weights = {id(u): _weight(u, measure) for u in found}

    def weigh(unit: Unit) -> int:
        return weights[id(unit)]

    groups, weight_of = _refine(found, weigh, limit)
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
    named = ", ".join(_named(name, groups[name], size, unit)
                      for size, name in chosen[:SHOWN_GROUPS])
    if len(chosen) > SHOWN_GROUPS:
        named += f" and {len(chosen) - SHOWN_GROUPS} more folders"
    if remaining <= limit and len(chosen) <= SHOWN_GROUPS:
        return f"split out {named} into separate changes, leaving {remaining} <= {limit} {unit}"
    pieces = -(-total // max(limit, 1))
    return (f"this is {total} {unit} against a limit of {limit}: split it into at least "
            f"{pieces} changes, starting with {named}")
