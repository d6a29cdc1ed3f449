"""The rule framework: skips, severity, report-only rules, templates and policy exceptions."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any, cast

import pytest
from pydantic import ValidationError

from gatekeeper.facts.model import Facts
from gatekeeper.rules import RULE_KINDS
from gatekeeper.rules.base import Finding, render_template
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, compose, facts_of, judge, verdict

SMALL = {"kind": "batch-size", "max_effective_lines": 100}
BIG = facts_of(change("src/app.py", 150), change("legacy/old.py", 300))
TODAY = datetime.date(2026, 6, 1)


def test_empty_change_set_skips_every_rule() -> None:
    result = judge(SMALL, facts_of(commits=0))
    assert result.status is Status.SKIP and "nothing to check" in result.message


def test_when_and_unless_skip_with_the_reason() -> None:
    skipped = judge({**SMALL, "when": {"paths": "web/**"}}, BIG)
    assert skipped.status is Status.SKIP
    assert skipped.message == "skipped: when: no path matched ['web/**']"
    assert skipped.condition == "when: no path matched ['web/**']"
    labelled = facts_of(change("src/app.py", 500), labels=("large-change-approved",))
    unless = judge({**SMALL, "unless": {"labels": "large-change-approved"}}, labelled)
    assert unless.status is Status.SKIP and "large-change-approved" in unless.message
    applies = judge({**SMALL, "when": {"paths": "src/**"}}, BIG)
    assert applies.status is Status.FAIL and cast(str, applies.condition).startswith(
        "when: paths")


@pytest.mark.parametrize(("severity", "status", "blocking"), [
    ("error", Status.FAIL, True), ("warning", Status.WARN, False),
    ("notice", Status.WARN, False)])
def test_severity_decides_whether_a_failure_blocks(severity: str, status: Status,
                                                   blocking: bool) -> None:
    result = judge({**SMALL, "severity": severity}, BIG)
    assert result.status is status and result.blocking is blocking


def test_report_only_rule_fails_without_failing_the_verdict() -> None:
    policy = compose({"id": "new-rule", **SMALL, "enforce": False})
    outcome = verdict(policy, BIG)
    (result,) = outcome.results
    assert result.status is Status.FAIL and not result.enforced and not result.blocking
    assert outcome.passed and outcome.exit_code == 0
    enforced = verdict(compose({"id": "new-rule", **SMALL}), BIG)
    assert not enforced.passed and enforced.exit_code == 1


def test_message_and_remediation_templates_use_measured_values() -> None:
    rule = {**SMALL, "message": "{effective_lines} lines is over {max_effective_lines} "
            "({rule_id})", "remediation": "split {paths} {{now}}"}
    result = judge(rule, BIG)
    assert result.message == "450 lines is over 100 (rule)"
    assert result.remediation == "split legacy/old.py, src/app.py {now}"
    assert dict(result.values)["effective_lines"] == 450
    passing = judge({**rule, "max_effective_lines": 1000}, BIG)
    assert passing.message.startswith("450 effective lines")  # templates speak on failure


def test_unknown_placeholder_is_a_policy_error() -> None:
    with pytest.raises(ValidationError, match=r"unknown placeholder \{lines\}"):
        judge({**SMALL, "message": "too big: {lines}"}, BIG)


def test_render_template_formats_floats_and_keeps_escaped_braces() -> None:
    assert render_template("{a} {b} {{c}} {missing}", {"a": 0.5, "b": 3}) == "0.5 3 {c} "


def exception(expires: str, paths: list[str] | None = None) -> dict[str, object]:
    """A policy exception to ``rule`` for ``paths``, expiring on ``expires``."""
    return {"rule": "rule", "paths": paths or [], "reason": "rewrite tracked in #12",
            "expires": expires}


def test_path_exception_sets_files_aside_until_it_expires() -> None:
    rule = {**SMALL, "max_effective_lines": 200}
    live = judge(rule, BIG, today=TODAY, exceptions=[exception("2026-06-01", ["legacy/**"])])
    assert live.status is Status.EXCEPTED
    assert "excepted until 2026-06-01: rewrite tracked in #12" in live.message
    (note,) = live.exceptions
    assert note.files == 1 and not note.expired and note.paths == ("legacy/**",)
    expired = judge(rule, BIG, today=TODAY + datetime.timedelta(days=1),
                    exceptions=[exception("2026-06-01", ["legacy/**"])])
    assert expired.status is Status.FAIL and expired.exceptions[0].expired
    assert expired.checks[0].measured == 450


def test_exception_that_is_not_needed_leaves_a_pass() -> None:
    rule = {**SMALL, "max_effective_lines": 1000}
    result = judge(rule, BIG, today=TODAY, exceptions=[exception("2027-01-01", ["legacy/**"])])
    assert result.status is Status.PASS and result.exceptions[0].files == 1


def test_exception_without_paths_covers_the_whole_rule() -> None:
    result = judge(SMALL, BIG, today=TODAY, exceptions=[exception("2027-01-01")])
    assert result.status is Status.EXCEPTED and result.exceptions[0].paths == ()
    assert not verdict(compose({"id": "rule", **SMALL},
                               exceptions=[exception("2020-01-01")]), BIG, TODAY).passed


def test_exception_needs_a_reason_and_a_date() -> None:
    with pytest.raises(ValidationError):
        compose({"id": "rule", **SMALL}, exceptions=[{"rule": "rule", "reason": "",
                                                      "expires": "2027-01-01"}])
    with pytest.raises(ValidationError):
        compose({"id": "rule", **SMALL}, exceptions=[{"rule": "rule", "reason": "x"}])


@pytest.mark.parametrize(("limit", "paths", "seen", "status"), [
    (200, None, [2], Status.FAIL),  # no exception: judged once, on the whole change
    (200, ["legacy/**"], [1, 2], Status.EXCEPTED),  # passes only without legacy/: judged twice
    (100, ["legacy/**"], [1], Status.FAIL),  # fails even without legacy/: once
    (200, ["web/**"], [2], Status.FAIL),  # sets nothing aside: once
    (1000, ["legacy/**"], [1, 2], Status.PASS),  # passes either way: the whole change tells
])
def test_a_rule_is_judged_again_only_when_an_exception_set_files_aside(
        monkeypatch: pytest.MonkeyPatch, limit: int, paths: list[str] | None, seen: list[int],
        status: Status) -> None:
    kind = RULE_KINDS["batch-size"]
    judged: list[int] = []

    def counting(config: Any, facts: Facts) -> Finding:
        judged.append(len(facts.files))
        return kind.evaluate(config, facts)

    monkeypatch.setitem(RULE_KINDS, "batch-size", replace(kind, evaluate=counting))
    found = [exception("2027-01-01", paths)] if paths else []
    result = judge({**SMALL, "max_effective_lines": limit}, BIG, today=TODAY, exceptions=found)
    assert (judged, result.status) == (seen, status)


def test_the_verdict_names_the_authors_for_the_reports() -> None:
    people = facts_of(change("a.py"), commits=[commit(1, author="Bo"), commit(2, author="Al")])
    assert verdict(compose({"id": "rule", **SMALL}), people).authors == ("Al", "Bo")
    assert verdict(compose({"id": "rule", **SMALL}),
                   facts_of(change("a.py"), author="octocat")).authors == ("octocat",)
