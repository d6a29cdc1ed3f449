"""max-areas: the distinct areas a change touches, against a limit, with a split plan."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus
from gatekeeper.evaluation.verdict import RuleResult
from gatekeeper.rules.findings import Status
from gatekeeper.rules.max_areas import Config
from tests.builders import change, facts_of, judge

AREAS = ["services/*", "libs/*", "apps/*/src"]


def rule(**fields: object) -> dict[str, Any]:
    """A max-areas rule over AREAS, with ``fields``."""
    return {"id": "areas", "kind": "max-areas", "areas": AREAS, **fields}


def values(result: RuleResult) -> dict[str, object]:
    """The values of ``result``, by name."""
    return dict(result.values)


def test_counts_the_shortest_matching_prefix_and_passes_within_the_limit() -> None:
    facts = facts_of(change("services/auth/api/handlers.py"), change("services/auth/models.py"),
                     change("libs/common/util.py"), change("README.md"))
    result = judge(rule(max=2), facts)
    assert result.status is Status.PASS
    assert result.message == ("2 areas touched (max 2): services/auth (2 files), "
                              "libs/common (1 file); 1 file outside any area")
    assert values(result)["names"] == "services/auth, libs/common"
    assert result.remediation is None and result.files == ()


def test_failure_names_areas_and_moves_the_smallest_out() -> None:
    facts = facts_of(
        *(change(f"services/auth/f{i}.py") for i in range(4)),
        change("services/billing/a.py"), change("services/billing/b.py"),
        change("libs/common/util.py"), change("apps/web/src/page.tsx"),
    )
    result = judge(rule(max=2), facts)
    assert result.status is Status.FAIL
    assert result.message == ("change touches 4 areas, more than 2: services/auth (4 files), "
                              "services/billing (2 files), apps/web/src (1 file), "
                              "libs/common (1 file)")
    assert result.remediation == (
        "split the change by area: keep services/auth, services/billing here and move "
        "apps/web/src (1 file), libs/common (1 file) into separate changes, smallest first")
    assert [f.path for f in result.files] == ["apps/web/src/page.tsx", "libs/common/util.py"]
    assert {k: values(result)[k] for k in ("areas", "max", "names")} == {
        "areas": 4, "max": 2, "names": "services/auth, services/billing, apps/web/src, libs/common"}
    assert result.main_check is not None and result.main_check.describe() == "areas 4 > 2"


def test_nested_pattern_names_the_src_folder_not_the_app() -> None:
    facts = facts_of(change("apps/web/src/deep/page.tsx"), change("apps/web/README.md"),
                     change("apps/api/src/main.go"), change("apps/api/src"))
    result = judge(rule(max=1, areas=["apps/*/src"]), facts)
    assert result.status is Status.FAIL
    # a file named exactly like the pattern is itself an area; apps/web/README.md is in none
    assert result.message == ("change touches 2 areas, more than 1: apps/api/src (2 files), "
                              "apps/web/src (1 file); 1 file outside any area")


def test_a_rename_between_areas_touches_both() -> None:
    moved = change("libs/payments/client.py", 0, 0, FileStatus.RENAMED,
                   "services/billing/client.py")
    result = judge(rule(max=1), facts_of(moved))
    assert result.status is Status.FAIL
    assert values(result)["names"] == "libs/payments, services/billing"
    assert result.remediation is not None
    assert result.remediation.endswith(
        "a move between areas touches both (like services/billing/client.py -> "
        "libs/payments/client.py), so make the moves a change of their own")
    # the moved file is listed once even though it sits in both areas
    assert [f.path for f in result.files] == ["libs/payments/client.py"]


def test_a_rename_within_one_area_counts_once() -> None:
    moved = change("services/auth/new.py", 0, 0, FileStatus.RENAMED, "services/auth/old.py")
    result = judge(rule(max=1), facts_of(moved, change("services/auth/x.py")))
    assert result.status is Status.PASS
    assert result.message == "1 area touched (max 1): services/auth (2 files)"


def test_a_rename_out_of_an_area_still_counts_its_old_area() -> None:
    moved = change("archive/old_auth.py", 0, 0, FileStatus.RENAMED, "services/auth/old.py")
    result = judge(rule(max=1), facts_of(moved, change("libs/common/u.py")))
    assert result.status is Status.FAIL
    assert values(result)["names"] == "libs/common, services/auth"


def test_exclude_takes_paths_out_entirely() -> None:
    facts = facts_of(change("services/auth/a.py"), change("libs/common/CHANGELOG.md"),
                     change("docs/notes.md"))
    result = judge(rule(max=1, exclude=["*.md"]), facts)
    assert result.status is Status.PASS
    # excluded files count neither as an area nor as outside one
    assert result.message == "1 area touched (max 1): services/auth (1 file)"


def test_exclude_applies_to_each_path_of_a_rename() -> None:
    moved = change("libs/generated/client.py", 0, 0, FileStatus.RENAMED,
                   "services/billing/client.py")
    facts = facts_of(moved, change("services/billing/x.py"))
    assert judge(rule(max=1), facts).status is Status.FAIL
    result = judge(rule(max=1, exclude=["libs/generated/"]), facts)
    assert result.status is Status.PASS
    assert result.message == "1 area touched (max 1): services/billing (2 files)"


def test_later_negated_pattern_takes_an_area_back_out() -> None:
    facts = facts_of(change("services/shared/x.py"), change("services/auth/y.py"))
    result = judge(rule(max=1, areas=["services/*", "!services/shared"]), facts)
    assert result.status is Status.PASS
    assert result.message == ("1 area touched (max 1): services/auth (1 file); "
                              "1 file outside any area")


def test_folder_only_and_unanchored_patterns() -> None:
    facts = facts_of(change("pkg/a/x.py"), change("pkg/b"), change("deep/tree/module/z.py"))
    folder_only = judge(rule(max=5, areas=["pkg/*/"]), facts)
    # pkg/b is a file, which a pattern ending in / never names
    assert values(folder_only)["names"] == "pkg/a"
    unanchored = judge(rule(max=5, areas=["module"]), facts)
    assert values(unanchored)["names"] == "deep/tree/module"


def test_the_shortest_matching_prefix_wins_over_deeper_ones() -> None:
    facts = facts_of(change("src/vendor/src/x.c"), change("services/auth/api/y.py"))
    result = judge(rule(max=5, areas=["src", "services/**"]), facts)
    assert values(result)["names"] == "services/auth, src"


def test_no_file_in_any_area_passes_and_says_so() -> None:
    result = judge(rule(max=1), facts_of(change("README.md"), change("docs/a.md")))
    assert result.status is Status.PASS
    assert result.message == "no area touched; 2 files outside any area"
    assert values(result)["areas"] == 0


def test_long_lists_are_capped() -> None:
    facts = facts_of(*(change(f"services/s{i:02}/x.py") for i in range(12)))
    result = judge(rule(max=1), facts)
    assert result.message.endswith("services/s07 (1 file) and 4 more")
    assert len(result.files) == 10


def test_templates_use_the_kind_variables() -> None:
    facts = facts_of(change("services/a/x.py"), change("libs/b/y.py"))
    result = judge(rule(max=1, message="{areas} areas > {max}: {names}"), facts)
    assert result.message == "2 areas > 1: libs/b, services/a"


@pytest.mark.parametrize("fields", [
    {"areas": [], "max": 1},
    {"areas": ["services/*"], "max": 0},
    {"areas": ["services/["], "max": 1},
    {"areas": ["services/*"]},
    {"areas": ["services/*"], "max": 1, "message": "{nope}"},
    {"areas": ["services/*"], "max": 1, "limit": 2},
])
def test_invalid_configs_are_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Config.model_validate({"id": "a", "kind": "max-areas", **fields})
