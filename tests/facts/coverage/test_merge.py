"""Merging reports: shards, several paths to one file, unmapped files kept, branches."""

from __future__ import annotations

import random
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.facts.coverage.merge import Unmapped, merge, union
from gatekeeper.facts.coverage.model import COVERED, MISSED, NOT_COVERABLE, FileCoverage, Report
from gatekeeper.facts.coverage.paths import PathMapper

N, M, C = NOT_COVERABLE, MISSED, COVERED
REPO = ("src/pkg/core.py", "src/pkg/io.py", "a/util.py", "b/util.py")


def cov(path: str, *states: int, branches: tuple[int, ...] = ()) -> FileCoverage:
    """Line 1 holds the first state; index 0 is the unused line 0."""
    return FileCoverage(path, bytes((N, *states)), array("l", branches))


def report(source: str, *files: FileCoverage, roots: tuple[str, ...] = (),
           has_branches: bool = False) -> Report:
    """A Cobertura report from ``source`` of ``files``."""
    return Report(source, "cobertura", files, roots, has_branches)


def triples(f: FileCoverage) -> list[tuple[int, int, int]]:
    """The branch triples of ``f``."""
    return list(f.branch_triples())


def test_shards_of_one_file_are_unioned() -> None:
    shard1 = report("shard1.xml", cov("src/pkg/core.py", C, M, M, N))
    shard2 = report("shard2.xml", cov("src/pkg/core.py", M, C, M, N, C, M))
    merged = merge([shard1, shard2], PathMapper(REPO))
    core = merged.files["src/pkg/core.py"]
    assert core.lines == bytes((N, C, C, M, N, C, M))
    assert (core.coverable, core.covered) == (5, 3)
    assert merged.unmapped == () and merged.unmapped_files == ()
    assert merged.reports == (shard1, shard2)


def test_two_report_paths_to_one_repository_file_merge() -> None:
    merged = merge([
        report("ci.xml", cov("/home/runner/work/p/p/src/pkg/io.py", C, M)),
        report("local.xml", cov("io.py", M, M, C), roots=("src/pkg",)),
    ], PathMapper(REPO))
    assert list(merged.files) == ["src/pkg/io.py"]
    io = merged.files["src/pkg/io.py"]
    assert io.path == "src/pkg/io.py"
    assert io.lines == bytes((N, C, M, C))


def test_files_are_keyed_and_named_by_repository_path_in_order() -> None:
    merged = merge([report("r.xml", cov("pkg/io.py", C), cov("pkg/core.py", M))],
                   PathMapper(REPO))
    assert list(merged.files) == ["src/pkg/core.py", "src/pkg/io.py"]
    assert [f.path for f in merged.files.values()] == list(merged.files)
    with pytest.raises(TypeError):
        merged.files["x"] = cov("x", C)  # type: ignore[index]


def test_unmapped_files_are_kept_with_the_reason() -> None:
    merged = merge([
        report("one.xml", cov("util.py", C, M), cov("/opt/vendor/lib.py", C),
               cov("util.py", M, M, C)),
        report("two.xml", cov("util.py", M, C)),
    ], PathMapper(REPO, repo_root="/home/me/proj"))
    assert merged.files == {}
    assert merged.unmapped == (
        Unmapped("util.py", "one.xml", "ambiguous: matches a/util.py, b/util.py",
                 ("a/util.py", "b/util.py")),
        Unmapped("/opt/vendor/lib.py", "one.xml", "outside the repository", ()),
        Unmapped("util.py", "two.xml", "ambiguous: matches a/util.py, b/util.py",
                 ("a/util.py", "b/util.py")),
    )
    # Their data is merged by report path, so report-wide totals still count it once.
    data = {f.path: f.lines for f in merged.unmapped_files}
    assert data == {"util.py": bytes((N, C, C, C)), "/opt/vendor/lib.py": bytes((N, C))}


def test_branches_merge_per_line() -> None:
    first = cov("src/pkg/core.py", C, C, C, branches=(2, 1, 2, 3, 0, 2))
    second = cov("pkg/core.py", C, C, C, M, branches=(3, 2, 2, 4, 0, 4, 2, 0, 3))
    merged = merge([report("a.xml", first, has_branches=True), report("b.xml", second)],
                   PathMapper(REPO))
    assert merged.has_branches
    # Line 2: the most covered (1) and the most known (3); lines seen once are kept as they are.
    assert triples(merged.files["src/pkg/core.py"]) == [(2, 1, 3), (3, 2, 2), (4, 0, 4)]


def test_has_branches_only_when_some_report_recorded_them() -> None:
    plain = report("lcov.info", cov("src/pkg/io.py", C))
    assert not merge([plain], PathMapper(REPO)).has_branches
    assert merge([], PathMapper(REPO)).files == {}


def test_union_of_lines_of_different_lengths() -> None:
    longer = cov("x", M, N, C, M, M)
    shorter = cov("y", C, M)
    for a, b in ((longer, shorter), (shorter, longer)):
        both = union(a, b, "z")
        assert both.path == "z"
        assert both.lines == bytes((N, C, M, C, M, M))
    assert union(cov("x"), longer, "x").lines == longer.lines
    assert union(longer, FileCoverage("x", b""), "x").lines == longer.lines


def test_union_adds_up_branch_points_of_one_line_before_comparing() -> None:
    # Two triples for line 5 in one measurement are two branch points: 1 of 2 covered.
    split = cov("x", C, branches=(5, 1, 1, 5, 0, 1))
    whole = cov("x", C, branches=(5, 0, 2, 1, 1, 2))
    assert triples(union(split, whole, "x")) == [(1, 1, 2), (5, 1, 2)]


def test_union_leaves_its_inputs_alone() -> None:
    a = cov("x", C, branches=(1, 1, 2))
    b = cov("x", M)
    both = union(a, b, "x")
    both.branches.append(9)
    assert list(a.branches) == [1, 1, 2] and list(b.branches) == []
    assert list(union(b, a, "x").branches) == [1, 1, 2]


states = st.binary(max_size=60).map(lambda raw: bytes(byte % 3 for byte in raw))
branch_lists = st.lists(st.tuples(st.integers(1, 20), st.integers(0, 4), st.integers(4, 8)),
                        max_size=8)


@given(states, states, branch_lists, branch_lists)
def test_union_agrees_with_a_line_by_line_maximum(
        a: bytes, b: bytes, ab: list[tuple[int, int, int]],
        bb: list[tuple[int, int, int]]) -> None:
    left = FileCoverage("l", a, array("l", [n for t in ab for n in t]))
    right = FileCoverage("r", b, array("l", [n for t in bb for n in t]))
    both = union(left, right, "p")
    padded = zip(a.ljust(len(b), b"\0"), b.ljust(len(a), b"\0"), strict=True)
    assert both.lines == bytes(max(x, y) for x, y in padded)
    expected: dict[int, tuple[int, int]] = {}
    for side in (ab, bb):
        summed: dict[int, tuple[int, int]] = {}
        for line, covered, total in side:
            c, t = summed.get(line, (0, 0))
            summed[line] = (c + covered, t + total)
        for line, (c, t) in summed.items():
            c0, t0 = expected.get(line, (0, 0))
            expected[line] = (max(c, c0), max(t, t0))
    assert triples(both) == [(line, *expected[line]) for line in sorted(expected)]


def test_union_of_a_million_lines_keeps_every_covered_line() -> None:
    rng = random.Random(7)
    a = bytes(rng.choices((N, M, C), k=1_000_000))
    b = bytes(rng.choices((N, M, C), k=1_000_100))
    both = union(FileCoverage("x", a), FileCoverage("x", b), "x")
    assert len(both.lines) == len(b)
    expected = sum(1 for x, y in zip(a, b[:-100], strict=True) if C in (x, y))
    assert both.lines.count(C) == expected + b[-100:].count(C)
