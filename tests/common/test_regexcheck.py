"""Policy regular expressions that can take super-linear time are refused when the policy is
loaded (`gatekeeper validate`, exit 2, file:line), before any change text reaches them."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gatekeeper.changeset.model import Commit
from gatekeeper.common.regexcheck import problem
from gatekeeper.facts.ai.catalogue import builtin_entries
from gatekeeper.rules import commits
from tests.conftest import make_repo, run_cli

EXPONENTIAL = [
    r"^(\w+\s?)*$",  # 18 s on a 29-character subject
    r"(a+)+b", r"(a|a)*b", r"^(a|b|ab)*c$", r"^(\w+\.\w+)*$", r"(\s*\w+)*$", r"(?:a*)*b",
    r"(x+x+)+y", r"^(\d+)*$", r"(?:a?b?)*c", r"(?=(a+)+b)x", r"(?i)(?:k|K\w)+z",
    r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(.*,){12}x",
]
POLYNOMIAL = [
    r"\w+\s?\w+!", r".*foo.*bar", r"\w*\s*\w*!", r"\s*(.*?)\s*$", r"[a-z]+x[a-z]+y",
    r"^\d+\d+$", r"a.*a.*a.*b",
]
ACCEPTED = [
    r"^(feat|fix)(\(.+\))?!?: ",
    r"^(feat|fix|docs|refactor|perf|test|build|ci|chore)(\([\w.-]+\))?!?: \S",
    r"^(feat|fix)(\(.+\))?: .+$", r"^[a-z]+(-[a-z]+)*$", r"(?:\d+,)*\d+", r'(?:[^"\\]|\\.)*',
    r"[^<>@\s]+@[^<>\s]+", r"(?:\d{1,3}\.){3}\d{1,3}", r"Co-authored-by:.*claude",
    r"^\s*#\s*TODO", r"""getFlag\(\s*['"](?P<key>[\w.-]+)['"]""", r"^\[(?P<key>[A-Z]+-\d+)\]",
    r"(ab|ac)*d", r"^v\d+\.\d+\.\d+(-rc\.\d+)?$", r"^.{1,72}$", r"^[A-Z][^\n]*[^.]$",
    r"(\w|\d)+x", r"^(Merge|Revert) ", r"\bai[ -]assisted\b", r"^\W{0,3}generated with",
]


@pytest.mark.parametrize("pattern", EXPONENTIAL)
def test_a_repeated_part_with_two_ways_to_match_is_refused(pattern: str) -> None:
    assert "exponential time" in (problem(pattern) or "")


@pytest.mark.parametrize("pattern", POLYNOMIAL)
def test_repeated_parts_reading_the_same_text_in_a_row_are_refused(pattern: str) -> None:
    assert "power of the text's length" in (problem(pattern) or "")


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_common_safe_patterns_are_accepted(pattern: str) -> None:
    assert problem(pattern) is None


def test_every_built_in_ai_marker_passes_the_check() -> None:
    """The catalogue is not checked in each run (it is the package's own): it is here."""
    patterns = [p for e in builtin_entries() for p in (e.pattern, e.exclude) if p]
    assert len(patterns) > 30
    assert [p for p in patterns if problem(p) is not None] == []


SLOW = """
import re, sys, time
pattern, text = sys.argv[1], sys.argv[2]
start = time.perf_counter()
re.search(pattern, text)
print(time.perf_counter() - start)
"""


@pytest.mark.parametrize(("pattern", "text"), [
    (r"^(\w+\s?)*$", "a" * 30 + "!"), (r"^(a|b|ab)*c$", "ab" * 30), (r"\w*\s*\w*!", "a" * 3000),
])
def test_what_is_refused_is_really_slow(pattern: str, text: str) -> None:
    """The refused forms are no false alarm: each takes minutes on a short text (measured:
    about a second for 22 characters with the first two, each more character doubling it, and
    three seconds for 1,024 with the third, growing with the cube)."""
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", SLOW, pattern, text], capture_output=True,
                       timeout=1)


def validate(tmp_path: Path, policy: str) -> tuple[int, str]:
    """Exit code and stderr of ``gatekeeper validate`` on ``policy`` in a new repository."""
    repo = make_repo(tmp_path / "repo")
    repo.write(".gatekeeper.yml", textwrap.dedent(policy))
    result = run_cli("validate", cwd=repo.path)
    return result.code, result.stderr


@pytest.mark.parametrize(("policy", "where"), [
    ("""\
     version: 1
     rules:
       - id: hygiene
         kind: commits
         subject_pattern: '^(\\w+\\s?)*$'
     """, ".gatekeeper.yml:5:"),
    ("""\
     version: 1
     flags:
       patterns:
         - name: ours
           regex: 'flag\\((?P<key>(\\w+\\.?)+)\\)'
     """, ".gatekeeper.yml:5:"),
    ("""\
     version: 1
     ai:
       markers:
         - id: team-footer
           tool: team
           kind: footer
           strength: assisted
           source: https://example.com/markers
           pattern: '.*assisted.*by.*ai'
     """, ".gatekeeper.yml:"),
])
def test_validate_refuses_a_slow_policy_pattern_with_its_place(tmp_path: Path, policy: str,
                                                               where: str) -> None:
    code, stderr = validate(tmp_path, policy)
    assert code == 2, stderr
    assert stderr.startswith(where) and " is refused: " in stderr, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def subject(text: str) -> Commit:
    """A commit whose message is ``text``."""
    return Commit("a" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com", text, "")


def test_a_subject_past_the_limit_does_not_match() -> None:
    """subject_pattern is matched against subjects of at most MATCHED_SUBJECT characters."""
    config = commits.Config.model_validate(
        {"id": "hygiene", "kind": "commits", "subject_pattern": "^fix"})
    short = subject("fix: " + "a" * (commits.MATCHED_SUBJECT - 5))
    long = subject("fix: " + "a" * commits.MATCHED_SUBJECT)
    assert commits.inspect(short, config) is None
    bad = commits.inspect(long, config)
    assert bad is not None and bad.subject == (
        f"subject longer than {commits.MATCHED_SUBJECT} characters, not matched against "
        "subject_pattern",)
    assert re.search("^fix", long.subject)  # the limit, not the pattern, turned it down
