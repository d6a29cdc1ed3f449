"""Which optional facts a composed policy reads: feature flags and code owners."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.facts.needs import Need
from gatekeeper.policy import needs
from gatekeeper.policy.compose import compose
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.rules import RULE_KINDS

TIERS = """\
review:
  tiers:
    - {name: light}
    - {name: deep, approvals: 2, owners: "@org/leads"}
"""
TIERS_ONLY = "allow_no_rules: true  # review tiers alone, no rule\n" + TIERS


def composed(tmp_path: Path, text: str, **others: str) -> ComposedPolicy:
    """The policy ``text`` composed from a real file, with ``others`` beside it to extend."""
    for name, body in others.items():
        (tmp_path / f"{name}.yml").write_text(body, encoding="utf-8")
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return compose(path, "policy.yml")


def test_a_plain_policy_reads_neither(tmp_path: Path) -> None:
    policy = composed(tmp_path, "rules:\n  - {id: size, kind: batch-size, max_files: 5,\n"
                      "     when: {paths: 'src/**'}, unless: {labels: big}}\n" + TIERS)
    assert needs.condition_keys(policy) == {"paths", "labels"}
    assert not needs.flags(policy) and not needs.owners(policy)


def test_flag_guarded_in_a_rule_s_unless_under_any(tmp_path: Path) -> None:
    policy = composed(tmp_path, """\
rules:
  - id: size
    kind: batch-size
    max_files: 5
    unless: {any: [{labels: hotfix}, {all: [{paths: "src/**"}, {flag_guarded: true}]}]}
""")
    assert needs.condition_keys(policy) == {"any", "all", "labels", "paths", "flag_guarded"}
    assert needs.flags(policy) and not needs.owners(policy)


def test_flag_guarded_under_not_in_a_tier_rule(tmp_path: Path) -> None:
    policy = composed(tmp_path, TIERS_ONLY + """\
  rules:
    - {id: unguarded, tier: deep, when: {not: {flag_guarded: true}}}
""")
    assert "flag_guarded" in needs.condition_keys(policy) and needs.flags(policy)
    unless = composed(tmp_path, TIERS_ONLY + """\
  rules:
    - {id: code, tier: deep, when: {paths: "src/**"}, unless: {flag_guarded: false}}
""")
    assert needs.flags(unless)  # false reads the flags as much as true does


def test_flag_guarded_in_a_lowering(tmp_path: Path) -> None:
    policy = composed(tmp_path, TIERS_ONLY + """\
  lower:
    - {id: dark, when: {all: [{labels: dark-launch}, {flag_guarded: true}]}}
""")
    assert needs.flags(policy) and not needs.owners(policy)


def test_inherited_conditions_count_until_their_rule_is_disabled(tmp_path: Path) -> None:
    base = ("rules:\n  - {id: size, kind: batch-size, max_files: 5,\n"
            "     unless: {flag_guarded: true}}\n  - {id: other, kind: batch-size, "
            "max_files: 9}\n")
    assert needs.flags(composed(tmp_path, "extends: [base.yml]\n", base=base))
    off = composed(tmp_path, "extends: [base.yml]\ndisable: [size]\n", base=base)
    assert [r.id for r in off.rules] == ["other"] and not needs.flags(off)


@pytest.mark.skipif("flag-guard" not in RULE_KINDS,
                    reason="the flag-guard rule kind is not registered in "
                           "gatekeeper.rules")
def test_a_flag_guard_rule_reads_flags(tmp_path: Path) -> None:
    policy = composed(tmp_path, "rules:\n  - {id: guard, kind: flag-guard, "
                      "paths: 'src/features/**'}\n")
    assert needs.condition_keys(policy) == frozenset()
    assert needs.flags(policy) and not needs.owners(policy)


def test_a_tier_asking_code_owners_reads_them_unless_switched_off(tmp_path: Path) -> None:
    tiers = TIERS_ONLY.replace('owners: "@org/leads"}', 'owners: "@org/leads", code_owners: true}')
    policy = composed(tmp_path, tiers)
    assert needs.owners(policy) and not needs.flags(policy)
    off = composed(tmp_path, "extends: [base.yml]\ncodeowners: {enabled: false}\n", base=tiers)
    assert off.review.tiers[1].code_owners and not needs.owners(off)


def test_a_code_owners_condition_reads_them_unless_switched_off(tmp_path: Path) -> None:
    rules = ("rules:\n  - {id: size, kind: batch-size, max_files: 5,\n"
             "     when: {any: [{not: {code_owners: '@org/*'}}, {labels: x}]}}\n")
    assert needs.owners(composed(tmp_path, rules))
    assert not needs.owners(composed(tmp_path, rules + "codeowners: {enabled: false}\n"))
    assert not needs.owners(composed(tmp_path, TIERS_ONLY))  # tiers without code_owners


def test_coverage_rules_are_those_whose_kind_reads_the_reports(tmp_path: Path) -> None:
    policy = composed(tmp_path, """\
rules:
  - {id: size, kind: batch-size, max_files: 5, unless: {coverage: {patch_below: 50}}}
  - {id: patch, kind: patch-coverage, min: 80}
  - {id: drop, kind: coverage-delta, max_drop: 1}
""")
    assert needs.coverage_rules(policy) == ("patch", "drop")
    assert Need.COVERAGE in needs.needs(policy)


def test_a_coverage_condition_reads_coverage_but_judges_no_rule_by_it(tmp_path: Path) -> None:
    policy = composed(tmp_path, "rules:\n  - {id: size, kind: batch-size, max_files: 5,\n"
                      "     when: {coverage: {delta_below: -1}}}\n")
    assert needs.needs(policy) == {Need.COVERAGE} and needs.coverage_rules(policy) == ()


def test_every_rule_kind_declares_the_facts_it_reads() -> None:
    reading = {name: kind.needs for name, kind in RULE_KINDS.items() if kind.needs}
    assert reading == {"patch-coverage": {Need.COVERAGE}, "coverage-delta": {Need.COVERAGE},
                       "flag-guard": {Need.FLAGS}, "ai-disclosure": {Need.AI}}
