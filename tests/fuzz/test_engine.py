"""The fuzz engine itself: it finds a planted crash and shrinks its input, stops a hang, writes
reproducers from the on-demand script, and the CI runs add up to the promised number of cases."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from gatekeeper.errors import UsageError
from tests.fuzz import (
    mutations,
    run,
    test_casefiles,
    test_check,
    test_codeowners,
    test_coverage,
    test_diffs,
    test_notes,
    test_payloads,
    test_policy,
)
from tests.fuzz.engine import Crash, Stats, Target, attempt, check, fuzz

ROOT = Path(__file__).resolve().parent.parent.parent


def _planted(data: bytes) -> str:
    """Refuses most inputs as a user error, and crashes on any holding two ``!``."""
    if data.count(b"!") >= 2:
        raise KeyError("planted")
    if b"x" in data:
        raise UsageError("no x allowed")
    return "ok"


PLANTED = Target("planted", lambda: [b"hello world", b"a!b", b"xyz"], _planted, (b"!", b"x"))


def test_a_planted_crash_is_found_and_shrunk() -> None:
    stats = fuzz(PLANTED, 300, seed=1)
    assert stats.cases == 300 and {"ok", "UsageError: no x allowed"} <= set(stats.outcomes)
    [crash] = stats.crashes.values()
    assert crash.signature.startswith("KeyError at ") and crash.data == b"!!", crash
    assert "KeyError: 'planted'" in crash.trace


def test_a_hang_is_a_crash() -> None:
    def slow(data: bytes) -> str:
        time.sleep(5 if data else 0)
        return "ok"

    label, crash = attempt(Target("slow", lambda: [b""], slow), b"z", seconds=0.2)
    assert label == "crash" and crash is not None and crash.error.startswith("CaseTimeout")


def test_a_multi_line_message_is_a_crash() -> None:
    def wordy(_data: bytes) -> str:
        raise UsageError("two\nlines")

    assert attempt(Target("wordy", lambda: [b""], wordy), b"")[0] == "crash"


def test_mutations_are_reproducible_and_bounded() -> None:
    seed = b"line one\nline 22\n" * 8
    first = [mutations.mutate(random.Random(7), seed, [seed], (b"tok",)) for _ in range(50)]
    again = [mutations.mutate(random.Random(7), seed, [seed], (b"tok",)) for _ in range(50)]
    assert first == again
    rng = random.Random(3)
    grown = [mutations.mutate(rng, seed, [seed], ()) for _ in range(2_000)]
    assert all(len(g) <= mutations.MAX_INPUT for g in grown)
    assert len(set(grown)) > 1_500  # nearly every mutant is new


def test_check_asserts_the_count_and_both_outcomes() -> None:
    stats = Stats("t", cases=10, outcomes=Counter({"ok": 10}))
    check(stats, 10, refused=False)
    with pytest.raises(AssertionError):
        check(stats, 11, refused=False)  # fewer cases ran than promised
    with pytest.raises(AssertionError):
        check(stats, 10)  # nothing was refused: the inputs never reached an error
    stats.crashes["x"] = Crash("t", "x", "KeyError", "trace", b"")
    with pytest.raises(AssertionError, match="1 crash"):
        check(stats, 10, refused=False)


def test_ci_runs_add_up_to_twenty_thousand_cases() -> None:
    mutational = (test_diffs.CI_DIFF_CASES + test_diffs.CI_RAW_CASES + test_coverage.CI_CASES
                  + test_payloads.CI_CASES + test_codeowners.CI_CASES + test_notes.CI_CASES
                  + test_check.CI_CASES + test_policy.CI_CASES + test_casefiles.CI_CASES)
    assert mutational >= 20_000, mutational
    assert set(run.TARGETS) == {"diff", "raw", "coverage", "payload", "codeowners", "notes",
                                "check", "policy", "casefile"}


def test_the_on_demand_script_reports_rates_and_writes_reproducers(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tests.fuzz.run", "--cases", "400",
                             "--target", "notes", "--target", "raw", "--seed", "3", "--out",
                             str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notes" in result.stdout and "cases/s" in result.stdout
    [total] = [line for line in result.stdout.splitlines() if line.startswith("total ")]
    assert total.split()[1] == "400" and total.endswith("0 distinct crashes"), total
    stats = Stats("planted", cases=1, crashes={"k": Crash("planted", "KeyError at x.py:1",
                                                          "KeyError: 'planted'", "tb", b"!!")})
    run._save(stats, tmp_path / "out")
    [saved] = (tmp_path / "out").glob("planted-*.bin")
    assert saved.read_bytes() == b"!!"
    assert saved.with_suffix(".txt").read_text().startswith("KeyError at x.py:1\n")
