"""forbidden-paths: any touched path matching the globs fails, renames and deletions included."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus, Revisions
from gatekeeper.facts.model import Facts
from gatekeeper.rules.findings import Status
from tests.builders import change, facts_of, judge


def rule(*paths: str, **extra: object) -> dict[str, Any]:
    """A forbidden-paths rule on ``paths``, with ``extra``."""
    return {"id": "forbidden", "kind": "forbidden-paths", "paths": list(paths), **extra}


def test_passes_when_no_path_matches() -> None:
    result = judge(rule("secrets/**", "*.pem"), facts_of(change("src/app.py"), change("README")))
    assert result.status is Status.PASS
    assert result.message == "no touched path matches secrets/**, *.pem"
    assert result.files == ()
    assert result.remediation is None
    assert dict(result.values)["count"] == 0


def test_fails_naming_each_offending_file() -> None:
    facts = facts_of(change("src/app.py"), change("secrets/prod.env", 3, 1),
                     change("deploy/tls/server.pem", 20))
    result = judge(rule("secrets/**", "*.pem"), facts)
    assert result.status is Status.FAIL
    assert result.message == "2 forbidden files touched: secrets/prod.env, deploy/tls/server.pem"
    assert [(s.path, s.added, s.deleted) for s in result.files] == [
        ("secrets/prod.env", 3, 1), ("deploy/tls/server.pem", 20, 0)]
    assert result.main_check is not None
    assert (result.main_check.measured, result.main_check.limit) == (2, 0)


@pytest.mark.parametrize("status", [FileStatus.ADDED, FileStatus.MODIFIED, FileStatus.MODE_ONLY])
def test_additions_edits_and_mode_changes_count(status: FileStatus) -> None:
    facts = facts_of(change("secrets/key", 0, 0, status))
    result = judge(rule("secrets/"), facts)
    assert result.status is Status.FAIL
    assert [s.path for s in result.files] == ["secrets/key"]


def test_deleting_a_forbidden_file_is_allowed_unless_deletions_count() -> None:
    facts = facts_of(change("secrets/key", 0, 4, FileStatus.DELETED))
    assert judge(rule("secrets/"), facts).status is Status.PASS
    strict = judge({**rule("secrets/"), "deletions": True}, facts)
    assert strict.status is Status.FAIL and [s.path for s in strict.files] == ["secrets/key"]


def test_generated_and_vendored_files_count_too() -> None:
    facts = facts_of(change("vendor/lib/secrets.json", 500), change("package-lock.json", 900))
    assert facts.effective.files == 0
    result = judge(rule("secrets.json", "package-lock.json"), facts)
    assert result.status is Status.FAIL
    assert dict(result.values)["count"] == 2


def test_a_rename_out_of_a_forbidden_path_fails_on_the_old_path() -> None:
    facts = facts_of(change("public/key.pem", 0, 0, FileStatus.RENAMED, "secrets/key.pem"))
    result = judge(rule("secrets/**"), facts)
    assert result.status is Status.FAIL
    assert result.message == ("1 forbidden file touched: public/key.pem "
                              "(renamed from secrets/key.pem)")
    assert dict(result.values)["matched"] == "secrets/key.pem"
    # Undoing a rename needs both of its paths restored.
    assert result.remediation is not None
    assert "-- public/key.pem secrets/key.pem`" in result.remediation


def test_a_rename_or_copy_into_a_forbidden_path_fails_on_the_new_path() -> None:
    facts = facts_of(change("secrets/a", 0, 0, FileStatus.RENAMED, "notes/a"),
                     change("secrets/b", 0, 0, FileStatus.COPIED, "notes/b"))
    result = judge(rule("secrets/**"), facts)
    assert result.status is Status.FAIL
    assert dict(result.values)["matched"] == "secrets/a, secrets/b"
    assert "secrets/b (copied from notes/b)" in result.message


def test_negation_lets_a_path_back_in() -> None:
    paths = ("*.pem", "!tests/fixtures/*.pem")
    allowed = judge(rule(*paths), facts_of(change("tests/fixtures/fake.pem")))
    assert allowed.status is Status.PASS
    refused = judge(rule(*paths), facts_of(change("tests/fixtures/fake.pem"),
                                           change("tests/real.pem")))
    assert refused.status is Status.FAIL
    assert [s.path for s in refused.files] == ["tests/real.pem"]


def test_message_template_gets_matched_and_count() -> None:
    facts = facts_of(change("secrets/a"), change("secrets/b"), change("src/c.py"))
    result = judge(rule("secrets/**", message="{count} off-limits: {matched} ({rule_id})",
                        remediation="ask #security about {matched}"), facts)
    assert result.message == "2 off-limits: secrets/a, secrets/b (forbidden)"
    assert result.remediation == "ask #security about secrets/a, secrets/b"


def test_long_lists_are_sampled_in_the_message_but_all_files_are_listed() -> None:
    facts = facts_of(*(change(f"secrets/{i}.env") for i in range(8)))
    result = judge(rule("secrets/**"), facts)
    assert result.message.endswith("secrets/4.env and 3 more")
    assert len(result.files) == 8
    assert cast(str, dict(result.values)["matched"]).count(",") == 7


def with_revisions(facts: Facts, revisions: Revisions) -> Facts:
    """``facts`` with its change set's revisions replaced by ``revisions``."""
    return replace(facts, changeset=replace(facts.changeset, revisions=revisions))


def test_remediation_restores_from_the_merge_base_or_unstages() -> None:
    facts = facts_of(change("secrets/my key.env"))
    ranged = with_revisions(facts, Revisions("range", "origin/main", merge_base="ab" * 20))
    assert judge(rule("secrets/**"), ranged).remediation == (
        "take these files out of the change: restore them from the base with "
        "`git restore --source=abababababab --staged --worktree -- 'secrets/my key.env'` "
        "and commit")
    staged = with_revisions(facts, Revisions("staged", "HEAD"))
    assert judge(rule("secrets/**"), staged).remediation == (
        "take these files out of the change: unstage them with "
        "`git restore --staged -- 'secrets/my key.env'`")
    unknown = judge(rule("secrets/**"), facts).remediation
    assert unknown is not None and "--source=<base> " in unknown


def test_a_single_glob_may_be_written_bare() -> None:
    result = judge({"kind": "forbidden-paths", "paths": "*.key"}, facts_of(change("a/b.key")))
    assert result.status is Status.FAIL


@pytest.mark.parametrize(("paths", "error"), [
    ([], "at least 1 item"),
    (["secrets/[x"], "unclosed"),
    ([""], "empty glob"),
])
def test_invalid_paths_are_rejected(paths: list[str], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        judge(rule(*paths), facts_of(change("a")))


def test_paths_are_required_and_unknown_placeholders_rejected() -> None:
    with pytest.raises(ValidationError, match="paths"):
        judge({"kind": "forbidden-paths"}, facts_of(change("a")))
    with pytest.raises(ValidationError, match=r"unknown placeholder \{files\}"):
        judge(rule("a", message="{files}"), facts_of(change("a")))
