"""The ai condition: strength, tools, sources, commit share and the spot check, with reasons."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.conditions.model import Condition, holds
from gatekeeper.facts.model import Facts
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, facts_of, judge, with_ai

CLAUDE = {"Co-authored-by": "Claude Opus 4.5 <noreply@anthropic.com>"}
ASSISTED = {"Assisted-by": "Gemini:gemini-2.5-pro"}


def change_with(*trailers: dict[str, str], plain: int = 0, **settings: Any) -> Facts:
    """Facts of a change whose commits carry ``trailers``, and ``plain`` ones without."""
    commits = [commit(n, trailers=t) for n, t in enumerate(trailers)]
    commits += [commit(100 + n) for n in range(plain)]
    return with_ai(facts_of(change("src/app.py", 40), commits=commits), head="ab" * 20,
                   **settings)


def check(condition: dict[str, Any], facts: Facts) -> tuple[bool, str]:
    """Whether ``condition`` holds on ``facts``, and why."""
    return holds(Condition.model_validate(condition), facts)


def test_true_holds_on_any_evidence_and_names_it() -> None:
    ok, why = check({"ai": True}, change_with(CLAUDE))
    assert ok
    assert "Co-authored-by: Claude Opus 4.5 <noreply@anthropic.com>" in why
    assert "claude-code, co-authored" in why


def test_true_does_not_hold_without_evidence_and_false_does() -> None:
    plain = change_with(plain=2)
    assert check({"ai": True}, plain) == (False, "no AI evidence")
    assert check({"ai": False}, plain)[0]
    assert not check({"ai": False}, change_with(CLAUDE))[0]


@pytest.mark.parametrize(("strength", "expected"), [
    ("suggestion-accepted", True), ("assisted", True), ("co-authored", False),
    ("agent-authored", False),
])
def test_min_strength_counts_only_evidence_that_strong(strength: str, expected: bool) -> None:
    ok, why = check({"ai": {"min_strength": strength}}, change_with(ASSISTED))
    assert ok is expected
    if not expected:
        assert f"{strength} or stronger" in why


def test_tools_and_sources_narrow_the_evidence() -> None:
    facts = change_with(CLAUDE, ASSISTED)
    assert check({"ai": {"tools": "claude-code"}}, facts)[0]
    assert not check({"ai": {"tools": ["copilot", "cursor"]}}, facts)[0]
    assert check({"ai": {"sources": "trailer"}}, facts)[0]
    ok, why = check({"ai": {"sources": ["note", "comment"]}}, facts)
    assert not ok and why == "no AI evidence in note or comment"


def test_commit_share_counts_commits_with_matching_evidence() -> None:
    facts = change_with(CLAUDE, plain=3)
    ok, why = check({"ai": {"min_commit_share": 25}}, facts)
    assert ok and "1 of 4 commits (25%) carry it, at least 25%" in why
    ok, why = check({"ai": {"min_commit_share": 26}}, facts)
    assert not ok and "under 26%" in why


def test_spot_check_needs_the_policy_to_sample() -> None:
    ok, why = check({"ai": {"spot_check": True}}, change_with(CLAUDE))
    assert not ok and "sets no ai.spot_check" in why


def test_spot_check_reads_the_pick() -> None:
    always = change_with(CLAUDE, spot_check={"percent": 100})
    ok, why = check({"ai": {"spot_check": True}}, always)
    assert ok and "below 100%" in why
    assert not check({"ai": {"spot_check": False}}, always)[0]


@pytest.mark.parametrize("bad", [{"ai": {"min_strength": "strong"}}, {"ai": {"tool": "x"}},
                                 {"ai": {"min_commit_share": 101}}, {"ai": "yes"},
                                 {"ai": {"sources": ["commit"]}}])
def test_bad_ai_conditions_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate(bad)


def test_a_rule_applied_by_ai_evidence_reports_that_evidence() -> None:
    facts = change_with(CLAUDE, plain=1)
    result = judge({"kind": "batch-size", "max_effective_lines": 10, "when": {"ai": True}}, facts)
    assert result.status is Status.FAIL
    assert [e.marker for e in result.evidence] == ["claude-code-coauthor"]
    assert "Co-authored-by: Claude" in (result.condition or "")


def test_a_rule_skipped_because_of_ai_evidence_reports_it_too() -> None:
    facts = change_with(ASSISTED)
    result = judge({"kind": "batch-size", "max_effective_lines": 10, "unless": {"ai": True}}, facts)
    assert result.status is Status.SKIP
    assert [e.marker for e in result.evidence] == ["assisted-by"]


def test_nested_conditions_gather_the_evidence_of_every_ai_key() -> None:
    facts = change_with(CLAUDE, ASSISTED)
    condition = {"any": [{"ai": {"tools": "claude-code"}},
                         {"not": {"ai": {"tools": "disclosure", "min_strength": "co-authored"}}}]}
    result = judge({"kind": "batch-size", "max_effective_lines": 10, "when": condition}, facts)
    assert {e.marker for e in result.evidence} == {"claude-code-coauthor"}


def test_rules_without_ai_conditions_carry_no_evidence() -> None:
    result = judge({"kind": "batch-size", "max_effective_lines": 10}, change_with(CLAUDE))
    assert result.evidence == ()
