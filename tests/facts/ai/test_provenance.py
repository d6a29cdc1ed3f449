"""The AI facts: evidence from every detector, shares, tools, and the deterministic spot check."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.changeset.model import AddedComment
from gatekeeper.facts.ai.spotcheck import draw
from gatekeeper.facts.model import Facts
from tests.builders import change, commit, facts_of, with_ai

CLAUDE = {"Co-authored-by": "Claude <noreply@anthropic.com>"}
HEAD = "9f" * 20


def ai_change(number: int | None = 7, *, evidence: bool = True, **settings: object) -> Facts:
    """Facts of a one-file change, with AI evidence when ``evidence``, under ``settings``."""
    trailers = CLAUDE if evidence else None
    facts = facts_of(change("a.py"), commits=[commit(1, trailers=trailers), commit(2)],
                     number=number)
    return with_ai(facts, head=HEAD, **settings)


def test_the_facts_count_commits_tools_and_strength() -> None:
    ai = ai_change().ai
    assert ai is not None
    assert ai.assisted and ai.tools == ("claude-code",)
    assert ai.strength is not None and ai.strength.value == "co-authored"
    assert (ai.commits, ai.commits_with_evidence, ai.commit_share) == (2, 1, 50.0)


def test_no_evidence_is_not_assisted_and_has_no_strength() -> None:
    ai = ai_change(evidence=False).ai
    assert ai is not None
    assert not ai.assisted and ai.tools == () and ai.strength is None
    assert ai.commit_share == 0.0


def test_detectors_can_be_switched_off() -> None:
    ai = ai_change(detectors=["review", "notes"]).ai
    assert ai is not None and not ai.assisted


def test_a_policy_marker_adds_evidence_and_a_disabled_one_removes_it() -> None:
    marker = {"id": "our-bot", "tool": "our-bot", "kind": "trailer", "key": "X-Our-Bot",
              "strength": "agent-authored", "source": "https://example.com/our-bot"}
    facts = facts_of(change("a.py"), commits=[commit(1, trailers={"X-Our-Bot": "run 5"})])
    ai = with_ai(facts, markers=[marker]).ai
    assert ai is not None and ai.tools == ("our-bot",)
    off = with_ai(ai_change(), disable_markers=["claude-code-coauthor"]).ai
    assert off is not None and not off.assisted


def test_comment_evidence_is_not_tied_to_a_commit() -> None:
    facts = facts_of(change("a.py"), commits=[commit(1)])
    comments = (AddedComment("a.py", 3, "# @ai-generated"),)
    facts = replace(facts, changeset=replace(facts.changeset, comments=comments))
    ai = with_ai(facts).ai
    assert ai is not None and ai.assisted
    assert [(e.source, e.path, e.lines) for e in ai.evidence] == [("comment", "a.py", ((3, 3),))]
    assert ai.commits_with_evidence == 0


def test_the_draw_is_stable_and_spread_evenly() -> None:
    assert draw("PR/MR 7") == draw("PR/MR 7")
    assert draw("PR/MR 7", "salt") != draw("PR/MR 7")
    values = [draw(f"PR/MR {n}") for n in range(10_000)]
    assert all(0 <= v < 100 for v in values)
    picked = sum(v < 30 for v in values)
    assert 2_850 < picked < 3_150  # 30% of 10,000, within about 3 standard deviations


def test_the_spot_check_is_keyed_on_the_number_then_the_head() -> None:
    numbered = ai_change(7, spot_check={"percent": 50}).ai
    assert numbered is not None and numbered.spot_check is not None
    assert numbered.spot_check.key == "PR/MR 7"
    assert numbered.spot_check.draw == draw("PR/MR 7")
    push = ai_change(None, spot_check={"percent": 50}).ai
    assert push is not None and push.spot_check is not None
    assert push.spot_check.key == f"commit {HEAD}"
    assert push.spot_check.selected == (draw(f"commit {HEAD}") < 50)


def test_reruns_agree_and_a_higher_percent_keeps_every_pick() -> None:
    for number in range(1, 60):
        low = ai_change(number, spot_check={"percent": 30}).ai
        again = ai_change(number, spot_check={"percent": 30}).ai
        high = ai_change(number, spot_check={"percent": 60}).ai
        assert low and again and high
        assert low.spot_check == again.spot_check
        assert high.spot_check is not None and low.spot_check is not None
        assert not low.spot_check.selected or high.spot_check.selected


def test_the_salt_changes_which_changes_are_picked() -> None:
    plain = [ai_change(n, spot_check={"percent": 50}).ai for n in range(40)]
    salted = [ai_change(n, spot_check={"percent": 50, "salt": "team-b"}).ai for n in range(40)]
    picks = [a.spot_check.selected for a in plain if a and a.spot_check]
    salted_picks = [a.spot_check.selected for a in salted if a and a.spot_check]
    assert picks != salted_picks


def test_changes_without_evidence_strong_enough_are_never_picked() -> None:
    none = ai_change(evidence=False, spot_check={"percent": 100}).ai
    assert none is not None and none.spot_check is not None
    assert not none.spot_check.selected and "no AI evidence" in none.spot_check.reason
    weak = ai_change(spot_check={"percent": 100, "min_strength": "agent-authored"}).ai
    assert weak is not None and weak.spot_check is not None
    assert not weak.spot_check.selected


def test_a_diff_without_number_or_head_cannot_be_drawn() -> None:
    facts = facts_of(change("a.py"), commits=[commit(1, trailers=CLAUDE)])
    ai = with_ai(facts, spot_check={"percent": 100}).ai
    assert ai is not None and ai.spot_check is not None
    assert not ai.spot_check.selected and "nothing to key" in ai.spot_check.reason


@pytest.mark.parametrize("percent", [0, -5, 100.5])
def test_the_percent_must_be_a_share(percent: float) -> None:
    with pytest.raises(ValueError, match="percent"):
        ai_change(spot_check={"percent": percent})
