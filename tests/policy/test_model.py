"""The policy model: what a section a file leaves out defaults to, and what that costs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import BaseModel

from gatekeeper.facts.ai.settings import AiSettings
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.facts.coverage.settings import CoverageSettings
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.policy.model import PolicySections, ReportSettings
from gatekeeper.policy.review import ApprovalSettings, ReviewSettings

SECTIONS = [CoverageSettings, AiSettings, ReviewSettings, FlagSettings, CodeOwnersSettings,
            ReportSettings, ApprovalSettings]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda model: model.__name__)
def test_a_left_out_section_is_what_validating_nothing_gives(section: type[BaseModel]) -> None:
    # The default is built without validating (see PolicySections); it must be the same.
    made, validated = section.model_construct(), section.model_validate({})
    assert made == validated and repr(made) == repr(validated)
    assert made.model_fields_set == validated.model_fields_set == set()
    assert made.model_dump() == validated.model_dump()


def test_every_section_a_file_leaves_out_is_the_default() -> None:
    left_out = PolicySections.model_construct()  # every section from its default factory
    for name, model in (("coverage", CoverageSettings), ("ai", AiSettings),
                        ("review", ReviewSettings), ("flags", FlagSettings),
                        ("codeowners", CodeOwnersSettings), ("report", ReportSettings)):
        assert getattr(left_out, name) == model.model_validate({}), name


# A fresh interpreter validates the built-in default policy, which writes no review section,
# then says whether the review section's own validator was built by then.
PROBE = """
from gatekeeper.policy.resolver import builtin_policy_dir
from gatekeeper.policy.compose import compose
from gatekeeper.policy.review import ReviewSettings
policy = compose(builtin_policy_dir() / "default.yml", "gatekeeper:default")
built = ReviewSettings.__pydantic_complete__
print(built, policy.review == ReviewSettings.model_validate({}))
"""


def test_a_policy_without_a_review_section_builds_no_validator_for_it() -> None:
    # The policy's own validator holds every section's schema already; building a section's
    # validator again for its default took about 7 ms of every run.
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True"]
