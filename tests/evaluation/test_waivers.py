"""Per-change waivers: labels and Gatekeeper-Waive lines, accepted only with a reason."""

from __future__ import annotations

from gatekeeper.changeset.model import ChangeSet, Commit
from gatekeeper.evaluation.waivers import requests
from gatekeeper.reporters import renderer
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, compose, facts_of, judge, verdict

RULE = {"id": "batch-size", "kind": "batch-size", "max_effective_lines": 10}
BY_LABEL = {**RULE, "waivers": {"labels": ["large-change-approved"]}}
BY_TRAILER = {**RULE, "waivers": {"trailer": True}}


def waive(value: str, n: int = 1) -> Commit:
    """Commit number ``n`` with a Gatekeeper-Waive trailer of ``value``."""
    return commit(n, trailers={"Gatekeeper-Waive": value})


def test_requests_come_from_trailers_and_the_description() -> None:
    facts = facts_of(change("a.py"), commits=[waive("Batch-Size: one-off import"),
                                              waive("other-rule", 2)],
                     description="Intro\n  gatekeeper-waive: docs: typo fixes only\nend")
    found = requests(facts.changeset)
    assert [(r.rule_id, r.reason) for r in found] == [
        ("batch-size", "one-off import"), ("other-rule", ""), ("docs", "typo fixes only")]
    assert found[0].source.startswith("trailer in ") and found[2].source == "the description"


def test_label_with_a_reason_waives() -> None:
    facts = facts_of(change("a.py", 50), labels=("large-change-approved",),
                     commits=[waive("batch-size: generated fixtures, reviewed by Bo")])
    result = judge(BY_LABEL, facts)
    assert result.status is Status.WAIVED and not result.blocking
    assert result.waiver is not None
    assert result.waiver.source == "label large-change-approved"
    assert result.waiver.reason == "generated fixtures, reviewed by Bo"


def test_label_without_a_reason_is_refused() -> None:
    facts = facts_of(change("a.py", 50), labels=("large-change-approved",))
    result = judge(BY_LABEL, facts)
    assert result.status is Status.FAIL and result.waiver is None
    (refused,) = result.waivers
    assert not refused.accepted and "no reason was given" in refused.note
    assert "Gatekeeper-Waive: batch-size: <reason>" in refused.note


def test_trailer_alone_waives_only_when_the_rule_allows_it() -> None:
    facts = facts_of(change("a.py", 50), commits=[waive("batch-size: vendored SDK bump")])
    assert judge(BY_TRAILER, facts).status is Status.WAIVED
    by_label_only = judge(BY_LABEL, facts)
    assert by_label_only.status is Status.FAIL
    assert by_label_only.waivers[0].note == ("this rule is waived only with label "
                                             "large-change-approved")
    no_waivers = judge(RULE, facts)
    assert no_waivers.status is Status.FAIL
    assert no_waivers.waivers[0].note == "this rule does not allow waivers"


def test_trailer_without_a_reason_is_refused() -> None:
    for value in ("batch-size", "batch-size:", "batch-size:   "):
        result = judge(BY_TRAILER, facts_of(change("a.py", 50), commits=[waive(value)]))
        assert result.status is Status.FAIL, value
        assert "a waiver needs a reason" in result.waivers[0].note


def test_waiver_for_a_passing_rule_changes_nothing() -> None:
    facts = facts_of(change("a.py", 5), commits=[waive("batch-size: just in case")])
    result = judge(BY_TRAILER, facts)
    assert result.status is Status.PASS and result.waivers == ()


def test_warning_rules_can_be_waived_too() -> None:
    facts = facts_of(change("a.py", 50), commits=[waive("batch-size: known")])
    assert judge({**BY_TRAILER, "severity": "warning"}, facts).status is Status.WAIVED


def test_waiver_for_an_unknown_rule_is_a_note_on_the_verdict() -> None:
    facts = facts_of(change("a.py", 5), commits=[waive("batch-sise: typo")])
    outcome = verdict(compose(BY_TRAILER), facts)
    assert outcome.notes and "'batch-sise'" in outcome.notes[0]


def test_every_report_shows_the_waiver_and_its_reason() -> None:
    facts = facts_of(change("a.py", 50), commits=[waive("batch-size: approved in RFC 7")])
    outcome = verdict(compose(BY_TRAILER), facts)
    assert outcome.passed
    assert "WAIVED  batch-size" in renderer("console")(outcome)
    assert "approved in RFC 7" in renderer("console")(outcome)
    assert "approved in RFC 7" in renderer("junit")(outcome)
    assert "approved in RFC 7" in renderer("explain")(outcome)
    assert '"reason":"approved in RFC 7"' in renderer("json")(outcome)
    assert '"status":"waived"' in renderer("json")(outcome)


def test_no_waiver_lines_without_commits_or_description() -> None:
    assert requests(ChangeSet(facts_of().changeset.revisions, ())) == []
