"""Review tiers: the highest tier a rule raises the change to, lowerings and their floor."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.evaluation.review.assign import assign
from gatekeeper.evaluation.verdict import TierDecision
from gatekeeper.facts.codeowners.facts import gather
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.facts.model import Facts
from gatekeeper.policy.review import ReviewSettings
from tests.builders import change, commit, facts_of, with_ai

TIERS = [{"name": "light", "approvals": 1},
         {"name": "standard", "approvals": 1, "code_owners": True},
         {"name": "deep", "approvals": 2, "owners": ["@acme/security"]}]
RULES = [
    {"id": "security", "tier": "deep", "when": {"paths": ["src/auth/**"]},
     "reason": "security-sensitive code"},
    {"id": "pipeline", "tier": "deep", "when": {"classes": "ci-config"}},
    {"id": "source", "tier": "standard", "when": {"paths": "src/**"}},
    {"id": "large", "tier": "standard", "when": {"size": {"measure": "effective_lines",
                                                         "over": 400}}},
    {"id": "large-ai", "tier": "deep",
     "when": {"all": [{"ai": {"min_strength": "co-authored"}},
                      {"size": {"measure": "effective_lines", "over": 200}}]}},
]
GUARDED = {"id": "dark-launch", "by": 1, "floor": "standard",
           "when": {"labels": "behind-flag"}, "reason": "ships behind a flag"}
CLAUDE = {"Co-authored-by": "Claude <noreply@anthropic.com>"}


def settings(**extra: Any) -> ReviewSettings:
    """The review settings of TIERS and RULES, with ``extra`` settings."""
    return ReviewSettings.model_validate({"tiers": TIERS, "rules": RULES, **extra})


def decide(facts: Facts, **extra: Any) -> TierDecision:
    """The tier decision of those settings on ``facts``; there must be one."""
    decision = assign(settings(**extra), facts)
    assert decision is not None
    return decision


def test_docs_only_gets_the_lowest_tier() -> None:
    decision = decide(facts_of(change("docs/guide.md", 30)))
    assert (decision.number, decision.name) == (1, "light")
    assert decision.raised_by == ()
    assert decision.reasons() == ["no rule raised the change: light is the default tier"]


def test_security_paths_get_the_top_tier_and_every_reason_is_listed() -> None:
    decision = decide(facts_of(change("src/auth/login.py", 20), change("src/app.py", 5)))
    assert (decision.number, decision.name, decision.tier.approvals) == (3, "deep", 2)
    assert decision.tier.owners == ["@acme/security"]
    assert [r.id for r in decision.raised_by] == ["security", "source"]
    assert decision.reasons()[0].startswith("security: raises to deep (security-sensitive code;")
    assert "src/auth/login.py" in decision.reasons()[0]


def test_touching_ci_config_raises_the_tier() -> None:
    decision = decide(facts_of(change(".github/workflows/ci.yml", 3)))
    assert decision.name == "deep" and decision.raised_by[0].id == "pipeline"


def test_a_large_ai_assisted_change_is_raised() -> None:
    files = (change("lib/report.py", 250),)
    plain = decide(facts_of(*files))
    assisted = decide(with_ai(facts_of(*files, commits=[commit(1, trailers=CLAUDE)])))
    assert plain.name == "light"
    assert assisted.name == "deep" and assisted.raised_by[0].id == "large-ai"
    assert [e.marker for e in assisted.evidence] == ["claude-code-coauthor"]


def test_the_spot_check_raises_a_sampled_change() -> None:
    rules = [{"id": "spot-check", "tier": "deep", "when": {"ai": {"spot_check": True}}}]
    facts = facts_of(change("lib/a.py", 10), commits=[commit(1, trailers=CLAUDE)], number=12)
    picked = with_ai(facts, spot_check={"percent": 100})
    skipped = with_ai(facts, spot_check={"percent": 100, "min_strength": "agent-authored"})
    assert decide(picked, rules=rules).name == "deep"
    assert decide(skipped, rules=rules).name == "light"


def test_a_flag_guarded_change_is_lowered_but_not_below_the_floor() -> None:
    security = decide(facts_of(change("src/auth/login.py", 20), labels=("behind-flag",)),
                      lower=[GUARDED])
    assert security.name == "standard" and security.before_lowering == "deep"
    assert security.lowered_by[0].why.startswith("ships behind a flag; label behind-flag")
    source = decide(facts_of(change("src/app.py", 20), labels=("behind-flag",)),
                    lower=[GUARDED])
    assert source.name == "standard" and source.before_lowering is None
    assert "already at its floor" in source.lowered_by[0].why


def test_a_lowering_never_raises_a_change_below_its_floor() -> None:
    decision = decide(facts_of(change("docs/a.md", 2), labels=("behind-flag",)),
                      lower=[GUARDED])
    assert decision.name == "light"


def test_lowerings_add_up_down_to_the_lowest_tier_by_default() -> None:
    lower = [{"id": "a", "when": {"labels": "x"}}, {"id": "b", "by": 2, "when": {"labels": "y"}}]
    decision = decide(facts_of(change("src/auth/a.py", 1), labels=("x", "y")), lower=lower)
    assert decision.name == "light" and [r.tier for r in decision.lowered_by] == ["standard",
                                                                                  "light"]


def test_the_default_tier_applies_when_no_rule_does() -> None:
    assert decide(facts_of(change("docs/a.md", 1)), default="standard").name == "standard"


def test_unless_keeps_a_rule_from_raising() -> None:
    rules = [{"id": "source", "tier": "deep", "when": {"paths": "src/**"},
              "unless": {"labels": "trivial"}}]
    facts = facts_of(change("src/a.py", 1), labels=("trivial",))
    assert decide(facts, rules=rules).name == "light"


def test_no_tiers_means_no_decision() -> None:
    assert assign(ReviewSettings.model_validate({}), facts_of(change("a.py"))) is None


@pytest.mark.parametrize(("review", "error"), [
    ({"tiers": TIERS, "rules": [{"id": "r", "tier": "huge", "when": {"paths": "a"}}]},
     "rule r names tier 'huge'"),
    ({"tiers": TIERS, "lower": [{"id": "l", "floor": "mid", "when": {"paths": "a"}}]},
     "lowering l names tier 'mid'"),
    ({"rules": [{"id": "r", "tier": "deep", "when": {"paths": "a"}}]}, "need tiers"),
])
def test_tiers_named_nowhere_are_a_problem_once_composed(review: dict[str, Any],
                                                         error: str) -> None:
    problem = ReviewSettings.model_validate(review).problem()
    assert problem is not None and error in problem
    assert settings().problem() is None


@pytest.mark.parametrize(("review", "error"), [
    ({"tiers": [*TIERS, {"name": "light"}]}, "unique"),
    ({"tiers": [{"name": "x", "owners": ["security-team"]}]}, "owners"),
    ({"tiers": TIERS, "lower": [{"id": "l", "by": 0, "when": {"paths": "a"}}]}, "by"),
])
def test_bad_review_sections_are_refused(review: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ReviewSettings.model_validate(review)


# -- whom a tier asks for review: its owners, then the code owners of the touched files --------

GITLAB_OWNERS = """\
* @acme/devs

[Security][2] @acme/security
src/auth/

^[Docs] @writers
*.md
"""


def owned(facts: Facts, text: str | None, syntax: str = "gitlab") -> Facts:
    """``facts`` with the code owners ``text`` (a CODEOWNERS file) gives its touched files."""
    files = {"CODEOWNERS": text.encode()} if text is not None else {}
    found = gather(CodeOwnersSettings.model_validate({"syntax": syntax}), "local", files.get,
                   "the base commit abc", [f.path for f in facts.files])
    return replace(facts, owners=found)


def test_a_code_owners_tier_asks_its_owners_then_the_code_owners() -> None:
    tiers = [{"name": "light"},
             {"name": "deep", "code_owners": True,
              "owners": ["@acme/leads", "@acme/security", "@acme/leads"]}]
    rules = [{"id": "auth", "tier": "deep", "when": {"paths": "src/auth/**"}}]
    facts = owned(facts_of(change("src/auth/login.py"), change("README.md")), GITLAB_OWNERS)
    decision = assign(ReviewSettings.model_validate({"tiers": tiers, "rules": rules}), facts)
    assert decision is not None and decision.name == "deep"
    assert decision.request == ("@acme/leads", "@acme/security", "@acme/devs", "@writers")
    groups = [(g.section, g.owners, g.approvals, g.paths) for g in decision.owner_groups]
    assert groups == [(None, ("@acme/devs",), 1, ("src/auth/login.py", "README.md")),
                      ("Security", ("@acme/security",), 2, ("src/auth/login.py",))]
    assert decision.codeowners == "CODEOWNERS"


def test_a_tier_without_code_owners_ignores_codeowners() -> None:
    facts = owned(facts_of(change("src/auth/login.py")), GITLAB_OWNERS)
    assert facts.owners is not None and facts.owners.summary.owners
    decision = decide(facts)  # deep: owners @acme/security, no code_owners
    assert decision.name == "deep" and not decision.tier.code_owners
    assert (decision.request, decision.owner_groups) == (("@acme/security",), ())
    assert decision.codeowners == "CODEOWNERS"  # read all the same, for the report


def test_a_code_owners_tier_without_a_codeowners_file() -> None:
    facts = owned(facts_of(change("src/app.py")), None)
    assert facts.owners is None
    decision = decide(facts)  # standard: code_owners, no owners of its own
    assert decision.name == "standard" and decision.tier.code_owners
    assert (decision.request, decision.owner_groups, decision.codeowners) == ((), (), None)
    light = decide(facts_of(change("docs/a.md")))
    assert (light.request, light.owner_groups, light.codeowners) == ((), (), None)


def test_code_owners_without_required_sections_are_asked_but_form_no_group() -> None:
    facts = owned(facts_of(change("src/app.py"), change("guide.md")),
                  "^[Docs] @writers\n*.md\n\n^[Code] @coders\nsrc/\n")
    decision = decide(facts)  # standard
    assert decision.request == ("@coders", "@writers")  # in the order of the touched files
    assert decision.owner_groups == ()


def test_owners_differing_only_in_case_are_asked_once() -> None:
    tiers = [{"name": "deep", "code_owners": True, "owners": ["@Acme/Security"]}]
    facts = owned(facts_of(change("src/auth/login.py")), "src/auth/ @acme/security @bob\n",
                  syntax="github")
    decision = assign(ReviewSettings.model_validate({"tiers": tiers}), facts)
    assert decision is not None
    assert decision.request == ("@Acme/Security", "@bob")
