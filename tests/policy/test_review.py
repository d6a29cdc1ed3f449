"""The review section across extends: replaced key by key, checked once combined."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.errors import PolicyError
from gatekeeper.policy.compose import compose
from tests.policy.test_compose import put

TIERS = """\
allow_no_rules: true  # review tiers alone: no rule of their own
review:
  tiers:
    - {name: light}
    - {name: deep, approvals: 2}
"""


def test_a_local_file_keeps_the_packs_tiers_and_brings_its_rules(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", TIERS)
    top = put(tmp_path, "top.yml", "extends: base.yml\nreview:\n  rules:\n    - id: auth\n"
              "      tier: deep\n      when: {paths: 'src/auth/**'}\n")
    review = compose(top, "top.yml").review
    assert [t.name for t in review.tiers] == ["light", "deep"]
    assert [r.id for r in review.rules] == ["auth"]


def test_rules_naming_a_tier_no_file_defines_fail_once_combined(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", TIERS)
    top = put(tmp_path, "top.yml", "extends: base.yml\nreview:\n  tiers: [{name: only}]\n"
              "  default: only\n")
    assert compose(top, "top.yml").review.default == "only"
    bad = put(tmp_path, "bad.yml", "extends: base.yml\nreview:\n  default: huge\n")
    with pytest.raises(PolicyError) as info:
        compose(bad, "bad.yml")
    rendered = info.value.render()
    assert "bad.yml" in rendered and "default names tier 'huge'" in rendered
