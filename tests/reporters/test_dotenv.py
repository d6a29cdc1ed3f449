"""The dotenv report: GitLab's line format, hostile tier and owner text, no tier, size limits."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.evaluation.verdict import TierDecision, Verdict
from gatekeeper.policy.review import ReviewSettings, Tier
from gatekeeper.reporters import render_all, renderer
from gatekeeper.reporters.dotenv import LIMIT, NAME_LIMIT
from tests.builders import change, commit, compose, facts_of, verdict, with_ai
from tests.conftest import Repo, run_cli

KEYS = ["GATEKEEPER_RESULT", "GATEKEEPER_REVIEW_TIER", "GATEKEEPER_REVIEW_TIER_NAME",
        "GATEKEEPER_REVIEW_APPROVALS", "GATEKEEPER_REVIEW_OWNERS", "GATEKEEPER_AI_ASSISTED"]
REVIEW = {"tiers": [{"name": "light", "approvals": 1},
                    {"name": "deep review", "approvals": 2,
                     "owners": ["@acme/leads", "@octocat"]}],
          "rules": [{"id": "large", "tier": "deep review",
                     "when": {"size": {"measure": "effective_lines", "over": 30}}}]}
SIZE = {"kind": "batch-size", "max_effective_lines": 100}
# Only characters that read the same to GitLab, to the dotenv gem and to shells: a line break
# would start another variable, `#` a comment, a quote or `$` a different value.
SAFE_VALUE = re.compile(r"[\w .@/+,-]*")
HOSTILE_OWNERS = ("@a\nGATEKEEPER_RESULT=pass", "@b\rGATEKEEPER_RESULT=pass",
                  "@c\u2028GATEKEEPER_INJECTED=1", "x$CI_JOB_TOKEN@example.com",
                  "#ops@example.com", "'@quoted'", "@d, @e", "\x1b[31m@red", " @spaced ")


def parse(text: str) -> dict[str, str]:
    """The report as GitLab reads it: one ``KEY=value`` a line, split at the first ``=``,
    stripped; an empty line, a line without ``=`` or a bad key is an error there."""
    assert text.endswith("\n")
    found: dict[str, str] = {}
    for line in text[:-1].split("\n"):
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z0-9_]+", key.strip()), line
        assert SAFE_VALUE.fullmatch(value) and value == value.strip(), line
        assert key not in found
        found[key] = value
    assert len(text.encode("utf-8")) < 5 * 1024
    return found


def judged(lines: int = 40, review: dict[str, Any] | None = None, *, limit: int = 100,
           **facts: Any) -> Verdict:
    """The verdict of a size limit of ``limit`` lines on a change of ``lines`` lines."""
    policy = replace(compose({"id": "size", **SIZE, "max_effective_lines": limit}),
                     review=ReviewSettings.model_validate(review or {}))
    return verdict(policy, facts_of(change("src/app.py", lines), **facts))


def with_decision(base: Verdict, tier: Tier, request: tuple[str, ...] = ()) -> Verdict:
    """``base`` with a tier 2 decision of ``tier``, requesting ``request``."""
    return replace(base, review=TierDecision(2, tier, (), request=request))


def test_the_review_tier_becomes_variables() -> None:
    text = renderer("dotenv")(judged(review=REVIEW))
    assert text == ("GATEKEEPER_RESULT=pass\n"
                    "GATEKEEPER_REVIEW_TIER=2\n"
                    "GATEKEEPER_REVIEW_TIER_NAME=deep review\n"
                    "GATEKEEPER_REVIEW_APPROVALS=2\n"
                    "GATEKEEPER_REVIEW_OWNERS=@acme/leads, @octocat\n"
                    "GATEKEEPER_AI_ASSISTED=false\n")
    assert list(parse(text)) == KEYS


def test_without_tiers_the_review_variables_are_empty() -> None:
    found = parse(renderer("dotenv")(judged(limit=10)))
    assert found == {"GATEKEEPER_RESULT": "fail", "GATEKEEPER_REVIEW_TIER": "",
                     "GATEKEEPER_REVIEW_TIER_NAME": "", "GATEKEEPER_REVIEW_APPROVALS": "",
                     "GATEKEEPER_REVIEW_OWNERS": "", "GATEKEEPER_AI_ASSISTED": "false"}


def test_the_lowest_tier_without_owners() -> None:
    found = parse(renderer("dotenv")(judged(5, REVIEW)))
    assert (found["GATEKEEPER_REVIEW_TIER"], found["GATEKEEPER_REVIEW_TIER_NAME"]) == ("1", "light")
    assert (found["GATEKEEPER_REVIEW_APPROVALS"], found["GATEKEEPER_REVIEW_OWNERS"]) == ("1", "")


def test_ai_assisted_follows_the_evidence() -> None:
    claude = commit(1, trailers={"Co-authored-by": "Claude <noreply@anthropic.com>"})
    facts = with_ai(facts_of(change("src/app.py", 5), commits=[claude]))
    policy = compose({"id": "size", **SIZE})
    found = parse(renderer("dotenv")(verdict(policy, facts)))
    assert found["GATEKEEPER_AI_ASSISTED"] == "true"


def test_the_owners_to_request_come_first_and_each_once() -> None:
    tier = Tier(name="deep", approvals=2, owners=["@acme/leads"], code_owners=True)
    shown = with_decision(judged(), tier, ("@acme/leads", "@alice", "@acme/leads", "bob@x.org"))
    found = parse(renderer("dotenv")(shown))
    assert found["GATEKEEPER_REVIEW_OWNERS"] == "@acme/leads, @alice, bob@x.org"


def test_hostile_tier_and_owner_text_cannot_add_or_change_a_variable() -> None:
    # model_construct skips the policy's checks, as text from a CODEOWNERS file or an
    # older policy might.
    tier = Tier.model_construct(name="deep\nGATEKEEPER_RESULT=pass #\r'x'$HOME`id`",
                                approvals=2, owners=[], code_owners=True, description=None)
    text = renderer("dotenv")(with_decision(judged(limit=10), tier, HOSTILE_OWNERS))
    found = parse(text)
    assert list(found) == KEYS and text.count("\n") == len(KEYS)
    assert found["GATEKEEPER_RESULT"] == "fail"
    assert found["GATEKEEPER_REVIEW_TIER_NAME"] == "deep_GATEKEEPER_RESULT_pass ___x__HOME_id_"
    assert found["GATEKEEPER_REVIEW_OWNERS"].split(", ") == [
        "@a_GATEKEEPER_RESULT_pass", "@b_GATEKEEPER_RESULT_pass", "@c_GATEKEEPER_INJECTED_1",
        "x_CI_JOB_TOKEN@example.com", "_ops@example.com", "_@quoted_", "@d__@e", "__31m@red",
        "_@spaced_"]


def test_many_owners_are_cut_at_a_whole_owner_within_the_size_limit() -> None:
    owners = tuple(f"@org/team-{n:04d}-{'x' * 20}" for n in range(1000))
    text = renderer("dotenv")(with_decision(judged(), Tier(name="deep", approvals=2), owners))
    found = parse(text)
    assert len(text.encode("utf-8")) <= LIMIT
    kept = found["GATEKEEPER_REVIEW_OWNERS"].split(", ")
    assert 100 < len(kept) < 1000 and kept == list(owners[:len(kept)])
    assert len((text + ", " + owners[len(kept)]).encode("utf-8")) > LIMIT


def test_a_long_tier_name_is_cut_between_characters() -> None:
    tier = Tier.model_construct(name="é" * 500, approvals=1, owners=[], code_owners=False,
                                description=None)
    found = parse(renderer("dotenv")(with_decision(judged(), tier)))
    name = found["GATEKEEPER_REVIEW_TIER_NAME"]
    assert name == "é" * (NAME_LIMIT // 2)


def test_one_owner_too_long_for_the_report_is_left_out() -> None:
    owners = ("@" + "y" * LIMIT, "@next")
    found = parse(renderer("dotenv")(with_decision(judged(), Tier(name="deep"), owners)))
    assert found["GATEKEEPER_REVIEW_OWNERS"] == ""


@pytest.mark.parametrize(("verdicts", "result"), [((True, False), "fail"), ((True, True), "pass"),
                                                  ((), "pass")])
def test_several_checks_give_one_result_and_no_tier(verdicts: tuple[bool, ...],
                                                    result: str) -> None:
    made = [judged(40 if ok else 200, REVIEW) for ok in verdicts]
    found = parse(render_all("dotenv", made, "pre-push"))
    assert found["GATEKEEPER_RESULT"] == result
    assert found["GATEKEEPER_REVIEW_TIER"] == found["GATEKEEPER_REVIEW_OWNERS"] == ""
    assert list(found) == KEYS


def test_the_cli_writes_the_report_and_prints_it(repo: Repo, tmp_path: Path) -> None:
    repo.write(".gatekeeper.yml", "rules:\n  - {id: size, kind: batch-size, "
               "max_effective_lines: 100}\nreview:\n  tiers:\n    - {name: light}\n"
               "    - {name: deep, approvals: 2, owners: ['@acme/leads']}\n  rules:\n"
               "    - {id: big, tier: deep, when: {paths: 'src/**'}}\n")
    base = repo.commit("base")
    repo.write("src/app.py", "x = 1\n")
    repo.commit("feat: app")
    target = tmp_path / "gatekeeper.env"
    run = run_cli("check", "--base", base, "--format", "dotenv", "--dotenv", str(target),
                  cwd=repo.path)
    assert run.code == 0, run.stderr
    assert target.read_text(encoding="utf-8") == run.stdout
    found = parse(run.stdout)
    assert (found["GATEKEEPER_REVIEW_TIER"], found["GATEKEEPER_REVIEW_TIER_NAME"],
            found["GATEKEEPER_REVIEW_OWNERS"]) == ("2", "deep", "@acme/leads")
