"""What the fuzzer found, each as its smallest input: fixed findings as regression tests, and
the rest expected to fail until their fix lands (strict, so the fix must remove the mark)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from gatekeeper.commands import policytest
from gatekeeper.common.globs import compile_glob
from gatekeeper.errors import PolicyError, UsageError
from gatekeeper.facts.codeowners import patterns
from gatekeeper.facts.codeowners.reader import MAX_LINE, parse

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


def test_unclosed_brackets_in_a_codeowners_pattern_are_scanned_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each unclosed '[' once scanned to the end of the name, so a line of n of them took n^2
    steps: a 3 MB CODEOWNERS file of such lines held a run for half an hour. The first scan
    that finds no ']' now ends the search for the rest of the name."""
    scans: list[int] = []

    def counted(text: str, start: int) -> int | None:
        scans.append(start)
        return bracket_end(text, start)

    bracket_end = patterns._bracket_end
    monkeypatch.setattr(patterns, "_bracket_end", counted)
    brackets = 3_000
    assert brackets + 40 < MAX_LINE  # a line the reader reads, not one it skips as too long
    text = f"{'[' * brackets}{time.perf_counter_ns()} @a"  # a new pattern: patterns are cached
    rule = parse(text, syntax="gitlab", source="CODEOWNERS").rules[0]
    assert scans == [0]
    assert rule.owners == ("@a",) and rule.matches(text.split()[0])


def test_a_bracket_inside_a_codeowners_bracket_expression_is_a_member() -> None:
    rule = parse(f"a[b[c]{time.perf_counter_ns()} @a", syntax="gitlab",
                 source="CODEOWNERS").rules[0]
    assert all(rule.matches(rule.pattern.replace("[b[c]", ch)) for ch in "b[c")
    assert not rule.matches(rule.pattern)


def test_a_bracket_inside_a_glob_bracket_expression_is_an_ordinary_character() -> None:
    """Once copied into the regular expression unescaped: Python warned 'Possible nested set'
    on stderr, and a later Python may read it as a nested set."""
    pattern = f"docs/a[[b]{time.perf_counter_ns()}.md"  # a new pattern: compile_glob caches
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glob = compile_glob(pattern)
    assert glob.matches(pattern.replace("[[b]", "["))
