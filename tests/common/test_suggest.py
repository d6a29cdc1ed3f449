"""Hints for mistyped names: the closest known one, or the fallback."""

from __future__ import annotations

from gatekeeper.common.suggest import closest, did_you_mean


def test_the_closest_choice_is_named() -> None:
    assert closest("batch-sise", ["batch-size", "tests-required", "path-rules"]) == "batch-size"
    assert did_you_mean("tets", ["tests", "docs"], "use tests or docs") == "did you mean 'tests'?"


def test_nothing_close_gives_the_fallback() -> None:
    assert closest("zzz", ["batch-size", "tests"]) is None
    assert did_you_mean("zzz", ["batch-size"], "use batch-size") == "use batch-size"
    assert closest("anything", []) is None


def test_the_cutoff_is_the_bar() -> None:
    # "launchdarkly" against "launch": a ratio of 2*6/18 = 0.67.
    assert closest("launchdarkly", ["launch"], cutoff=0.6) == "launch"
    assert closest("launchdarkly", ["launch"], cutoff=0.7) is None
    # Any iterable, consumed once.
    assert closest("flag", iter(["flags", "flog"])) == "flags"
