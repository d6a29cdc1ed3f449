"""The split advice matches a plain reading of its rule on any tree of changed files."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.facts.classify import TEST
from gatekeeper.facts.model import FileFacts
from gatekeeper.facts.testpairs import pair
from gatekeeper.rules import split_plan as plan
from tests.builders import change, facts_of


def reference_units(measured: list[FileFacts], everything: list[FileFacts]) -> list[plan.Unit]:
    """Every path grouped with the paths pair() ties to it, kept when it holds measured files."""
    inside = {f.path: f for f in measured}
    every = {f.path: f for f in everything} | inside
    pairs = pair(every, lambda p: TEST in every[p].classes)
    members: dict[str, list[str]] = defaultdict(list)
    for path in every:
        members[pairs.get(path, path)].append(path)
    found = []
    for anchor, paths in members.items():
        mine = [inside[p] for p in paths if p in inside]
        if mine:
            place = anchor if anchor in inside else mine[0].path
            found.append(plan.Unit(place, tuple(mine),
                                   tuple(p for p in paths if p not in inside)))
    return sorted(found, key=lambda u: u.path)


def folder(path: str, depth: int) -> str:
    """The folder ``depth`` levels deep holding ``path``; its own folder, or the path at the
    top, when it lies less deep."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth]) + "/" if parts else path


def reference_groups(units: list[plan.Unit], weights: list[int],
                     limit: int) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Split the heaviest group (the first made among equals) a folder level deeper, until
    the heaviest is within the limit or is one unit that lies no deeper."""
    groups: dict[str, tuple[int, list[int]]] = {"": (0, list(range(len(units))))}
    made: dict[str, int] = {"": 0}

    def weight(name: str) -> int:
        return sum(weights[n] for n in groups[name][1])

    while True:
        name = max(groups, key=lambda g: (weight(g), -made[g]))
        depth, members = groups[name][0] + 1, groups[name][1]
        if len(groups) > 1 and weight(name) <= limit:
            break
        children: dict[str, list[int]] = defaultdict(list)
        for n in members:
            children[folder(units[n].path, depth)].append(n)
        if len(children) < 2 and all(units[n].path.count("/") < depth for n in members):
            break
        del groups[name]
        for child, inner in children.items():
            groups[child] = (depth, inner)
            made[child] = len(made)
    return {g: members for g, (_, members) in groups.items()}, {g: weight(g) for g in groups}


SEGMENTS = st.sampled_from(["src", "tests", "lib", "api", "ui", "a", "b", "c"])
NAMES = st.sampled_from(["cart.py", "test_cart.py", "util.py", "test_util.py", "page.ts",
                         "page.test.ts", "x.go", "x_test.go", "README.md"])
PATHS = st.builds(lambda parts, name: "/".join([*parts, name]),
                  st.lists(SEGMENTS, max_size=4), NAMES)
FILES = st.lists(st.tuples(PATHS, st.integers(0, 120), st.booleans()), max_size=30,
                 unique_by=lambda t: t[0])


@settings(max_examples=250, deadline=None)
@given(FILES, st.integers(0, 300))
def test_units_and_groups_follow_the_rule(files: list[tuple[str, int, bool]],
                                          limit: int) -> None:
    """Units as pair() ties paths, groups as splitting the heaviest folder deeper makes them:
    the same, in the same order, with the same weights; and so the same advice."""
    facts = facts_of(*(change(path, added) for path, added, _ in files)).files
    counted = {path for path, _, measured in files if measured}
    measured = [f for f in facts if f.path in counted]
    rest = [f for f in facts if f.path not in counted]
    units = plan.units(measured, rest)
    assert units == reference_units(measured, rest)
    weights = [sum(f.change.changed for f in u.files) for u in units]
    groups, weight_of = plan._refine([u.path for u in units], weights, limit)
    expected, expected_weights = reference_groups(units, weights, limit)
    assert groups == expected and list(groups) == list(expected)
    assert {name: weight_of[name] for name in groups} == expected_weights
    if units:
        advice = plan.split_plan(measured, lambda f: f.change.changed, limit, "lines", rest)
        assert advice.startswith(("split out ", "this is ", "everything sits in one place"))
