"""What the fuzzer found, each as its smallest input: fixed findings as regression tests, and
the rest expected to fail until their fix lands (strict, so the fix must remove the mark)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from gatekeeper import policytest
from gatekeeper.codeowners.reader import MAX_LINE, parse
from gatekeeper.errors import PolicyError, UsageError
from gatekeeper.globs import compile_glob

TOO_LONG = "a" * 300
"""A name longer than any file system allows for one path component (255 bytes)."""


def test_a_test_file_naming_a_policy_too_long_for_a_file_name_is_located(tmp_path: Path) -> None:
    """Once an internal error: pathlib raised ENAMETOOLONG where it means "no such file"."""
    path = tmp_path / "p.test.yml"
    path.write_text(f"policy: {TOO_LONG}.yml\ncases: [{{name: a, change: {{}}, verdict: pass}}]\n")
    with pytest.raises(PolicyError, match="policy: cannot find") as caught:
        policytest.load(path)
    assert (caught.value.line, caught.value.column) == (1, 9)


def test_a_test_file_argument_too_long_for_a_file_name_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        policytest.discover((str(tmp_path / f"{TOO_LONG}.test.yml"),))


def _seconds(brackets: int, tries: int) -> float:
    """The fastest of some parses, in GitLab's syntax, of a pattern of unclosed brackets (the
    least disturbed by other work); each try ends differently, as patterns are cached."""
    best = float("inf")
    for number in range(tries):
        text = f"{'[' * brackets}{time.perf_counter_ns()}{number} @a"
        started = time.perf_counter()
        parse(text, syntax="gitlab", source="CODEOWNERS")
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.xfail(strict=True, reason=(
    "codeowners/patterns.py: _segment calls _bracket_end for every '[' that no ']' closes, and "
    "each call scans to the end of the name, so a line of n unclosed brackets takes n^2 steps: "
    "a few seconds a line at the 8,192-character limit, and a 3 MB CODEOWNERS file of such "
    "lines (under the size limit) holds a run for half an hour"))
def test_unclosed_brackets_in_a_codeowners_pattern_take_linear_time() -> None:
    brackets = 3_000
    assert brackets + 40 < MAX_LINE  # a line the reader reads, not one it skips as too long
    # Ten times the text may take ten times as long, and a margin for noise; not a hundred.
    assert _seconds(brackets, 1) < 30 * _seconds(brackets // 10, 5) + 0.02


@pytest.mark.xfail(strict=True, reason=(
    "globs.py copies a bracket expression's '[' into the regular expression unescaped, so "
    "Python warns 'Possible nested set' (a FutureWarning printed on stderr, before "
    "gatekeeper's own output, by validate and check alike), and a later Python may read it "
    "as a nested set and change what the glob matches"))
def test_a_bracket_inside_a_glob_bracket_expression_is_an_ordinary_character() -> None:
    pattern = f"docs/a[[b]{time.perf_counter_ns()}.md"  # a new pattern: compile_glob caches
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glob = compile_glob(pattern)
    assert glob.matches(pattern.replace("[[b]", "["))
