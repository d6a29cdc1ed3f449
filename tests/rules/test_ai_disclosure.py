"""ai-disclosure: evidence without the declaration the policy asks for fails, naming it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import AddedComment, Commit
from gatekeeper.evaluation.verdict import RuleResult
from gatekeeper.facts.model import Facts
from gatekeeper.rules.ai_disclosure import Config
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, facts_of, judge, with_ai
from tests.conftest import make_repo, run_cli

CLAUDE = {"Co-authored-by": "Claude <noreply@anthropic.com>"}
DECLARED = {"Assisted-by": "Claude:claude-opus-4-5"}
COPILOT_AGENT = "198982749+Copilot@users.noreply.github.com"


def rule(**fields: Any) -> dict[str, Any]:
    """An ai-disclosure rule asking for Assisted-by, with ``fields``."""
    return {"kind": "ai-disclosure", "trailers": ["Assisted-by"], **fields}


def facts(*commits: Commit, labels: tuple[str, ...] = (),
          comments: tuple[AddedComment, ...] = ()) -> Facts:
    """Facts of a change of ``commits``, ``labels`` and added ``comments``, AI detected."""
    made = facts_of(change("src/app.py", 12), commits=list(commits), labels=labels)
    made = replace(made, changeset=replace(made.changeset, comments=comments))
    return with_ai(made)


def run(config: dict[str, Any], found: Facts) -> RuleResult:
    """The result of ``config`` on ``found``."""
    return judge(config, found)


def test_no_evidence_passes() -> None:
    result = run(rule(), facts(commit(1), commit(2)))
    assert result.status is Status.PASS
    assert result.message == "no AI evidence assisted or stronger"


def test_undeclared_evidence_fails_and_names_it() -> None:
    result = run(rule(), facts(commit(1, trailers=CLAUDE), commit(2)))
    assert result.status is Status.FAIL
    assert "AI evidence without the `Assisted-by:` trailer" in result.message
    assert "trailer: Co-authored-by: Claude <noreply@anthropic.com>" in result.message
    assert "(claude-code, co-authored)" in result.message
    assert "--trailer 'Assisted-by: claude-code'" in (result.remediation or "")
    assert [e.marker for e in result.evidence] == ["claude-code-coauthor"]


def test_a_trailer_on_any_commit_declares_the_change() -> None:
    found = facts(commit(1, trailers=CLAUDE), commit(2, trailers=DECLARED))
    result = run(rule(), found)
    assert result.status is Status.PASS
    assert "declared with the `Assisted-by:` trailer" in result.message


def test_per_commit_needs_the_trailer_on_each_commit_with_evidence() -> None:
    found = facts(commit(1, trailers=CLAUDE), commit(2, trailers=DECLARED))
    result = run(rule(per_commit=True), found)
    assert result.status is Status.FAIL
    assert found.changeset.commits[0].sha[:12] in result.message
    both = facts(commit(1, trailers={**CLAUDE, **DECLARED}))
    assert run(rule(per_commit=True), both).status is Status.PASS


def test_a_label_declares_the_change() -> None:
    found = facts(commit(1, trailers=CLAUDE), labels=("AI-Assisted",))
    assert run(rule(labels=["ai-assisted"]), found).status is Status.PASS
    assert run(rule(labels=["ai-generated"]), found).status is Status.FAIL


def test_the_declaration_itself_is_not_undeclared_evidence() -> None:
    result = run(rule(), facts(commit(1, trailers=DECLARED)))
    assert result.status is Status.PASS


def test_min_strength_leaves_weaker_evidence_alone() -> None:
    suggestion = {"Co-authored-by": "copilot-pull-request-reviewer[bot] "
                  "<175728472+Copilot@users.noreply.github.com>"}
    found = facts(commit(1, trailers=suggestion))
    assert found.ai is not None and found.ai.assisted
    assert run(rule(), found).status is Status.PASS
    assert run(rule(min_strength="suggestion-accepted"), found).status is Status.FAIL


def test_agent_identities_need_declaring_too() -> None:
    agent = replace(commit(1), author_name="Copilot", author_email=COPILOT_AGENT)
    result = run(rule(), facts(agent))
    assert result.status is Status.FAIL
    assert "identity" in result.message and "agent-authored" in result.message


def test_comments_in_added_lines_point_at_the_lines() -> None:
    comments = (AddedComment("src/app.py", 4, "# @ai-generated"),
                AddedComment("src/app.py", 5, "# @ai-generated"))
    result = run(rule(), facts(commit(1), comments=comments))
    assert result.status is Status.FAIL
    assert "comment at src/app.py:4-5" in result.message
    assert [(d.path, d.lines) for d in result.details] == [("src/app.py", ((4, 5),))]


def test_sources_narrow_what_needs_declaring() -> None:
    found = facts(commit(1, trailers=CLAUDE))
    assert run(rule(sources=["comment", "note"]), found).status is Status.PASS
    assert run(rule(sources="trailer"), found).status is Status.FAIL


def test_the_message_template_can_use_the_counts() -> None:
    found = facts(commit(1, trailers=CLAUDE), commit(2, trailers={"Made-with": "Cursor"}))
    result = run(rule(message="{undeclared} undeclared ({tools}); use {declaration}"), found)
    assert result.message == ("2 undeclared (claude-code, cursor); use the `Assisted-by:` "
                              "trailer")


@pytest.mark.parametrize(("fields", "error"), [
    ({"trailers": []}, "give trailers, labels or both"),
    ({"trailers": [], "labels": ["ai"], "per_commit": True}, "per_commit needs trailers"),
    ({"trailers": ["Assisted by"]}, "pattern"),
    ({"min_strength": "weak"}, "min_strength"),
])
def test_bad_configs_are_refused(fields: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        Config.model_validate({"id": "r", **rule(**fields)})


def test_evidence_too_weak_or_from_other_sources_is_named_never_called_none() -> None:
    found = facts(commit(1, trailers=CLAUDE))
    weaker = run(rule(min_strength="agent-authored"), found)
    assert weaker.status is Status.PASS
    assert "no AI evidence" not in weaker.message
    assert weaker.message == ("nothing to declare: 1 piece of AI evidence (co-authored, from "
                              "trailer), none of it agent-authored or stronger")
    elsewhere = run(rule(sources=["comment", "note"]), found)
    assert elsewhere.message == ("nothing to declare: 1 piece of AI evidence (co-authored, "
                                 "from trailer), none of it assisted or stronger from comment, "
                                 "note")


def test_one_declared_piece_is_one_piece() -> None:
    result = run(rule(), facts(commit(1, trailers=DECLARED)))
    assert result.message == "1 piece of AI evidence, declared with the `Assisted-by:` trailer"


def test_the_report_never_says_no_evidence_under_a_header_that_shows_some(
        tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write("README.md", "hi\n")
    repo.write(".gatekeeper.yml", "version: 1\nrules:\n  - id: disclose\n"
               "    kind: ai-disclosure\n    trailers: [Assisted-by]\n"
               "    min_strength: agent-authored\n")
    base = repo.commit("base")
    repo.write("src/app.py", "print('hi')\n")
    repo.commit("add app\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    result = run_cli("check", "--base", base, cwd=repo.path)
    assert result.code == 0, result.stdout + result.stderr
    assert "ai:       co-authored (claude-code)" in result.stdout
    assert "no AI evidence" not in result.stdout
    # A passing rule takes one line on the console; --verbose has its whole message.
    verbose = run_cli("check", "--base", base, "--verbose", cwd=repo.path).stdout
    assert "no AI evidence" not in verbose
    assert "nothing to declare: 1 piece of AI evidence (co-authored, from trailer)" in verbose
