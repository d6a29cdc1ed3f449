"""companion-change: when the trigger paths change, one of the required paths must change too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus
from gatekeeper.rules.findings import Status
from tests.builders import change, facts_of, judge
from tests.conftest import make_repo, run_cli


def rule(**extra: object) -> dict[str, Any]:
    """A companion-change rule: migrations need tests, with ``extra``."""
    return {"id": "migrations-need-tests", "kind": "companion-change",
            "paths": ["migrations/**"], "require": ["tests/**"], **extra}


MIGRATION = change("migrations/0002_add_users.py", 30)


def test_passes_when_nothing_triggers() -> None:
    result = judge(rule(), facts_of(change("src/app.py")))
    assert result.status is Status.PASS
    assert result.message == "nothing matched the trigger migrations/**"
    assert dict(result.values)["count"] == 0


def test_passes_naming_the_companion() -> None:
    facts = facts_of(MIGRATION, change("tests/test_migrations.py"), change("src/app.py"))
    result = judge(rule(), facts)
    assert result.status is Status.PASS
    assert result.message == ("migrations/0002_add_users.py changed along with "
                              "tests/test_migrations.py")
    assert [s.path for s in result.files] == ["migrations/0002_add_users.py"]


def test_fails_without_a_companion_listing_triggers_and_the_fix() -> None:
    facts = facts_of(MIGRATION, change("migrations/0003_index.py", 5, 1), change("src/app.py"))
    result = judge(rule(require=["tests/**", "docs/migrations.md"]), facts)
    assert result.status is Status.FAIL
    assert result.message == ("migrations/0002_add_users.py, migrations/0003_index.py changed, "
                              "but nothing matching tests/**, docs/migrations.md did")
    assert result.remediation == "also change one of: tests/**, docs/migrations.md"
    assert [(s.path, s.added, s.deleted) for s in result.files] == [
        ("migrations/0002_add_users.py", 30, 0), ("migrations/0003_index.py", 5, 1)]


def test_any_one_of_the_required_globs_is_enough() -> None:
    facts = facts_of(MIGRATION, change("docs/migrations.md"))
    result = judge(rule(require=["tests/**", "docs/migrations.md"]), facts)
    assert result.status is Status.PASS
    assert result.message.endswith("changed along with docs/migrations.md")


def test_excluded_paths_never_trigger() -> None:
    config = rule(exclude=["migrations/README.md"])
    docs_only = judge(config, facts_of(change("migrations/README.md")))
    assert docs_only.status is Status.PASS
    assert docs_only.message.startswith("nothing matched the trigger")
    both = judge(config, facts_of(change("migrations/README.md"), MIGRATION))
    assert both.status is Status.FAIL
    assert [s.path for s in both.files] == ["migrations/0002_add_users.py"]


def test_companions_never_trigger_themselves() -> None:
    config = rule(paths=["**/*.py"])
    tests_only = judge(config, facts_of(change("tests/test_x.py")))
    assert tests_only.message == "nothing matched the trigger **/*.py"
    mixed = judge(config, facts_of(change("src/x.py"), change("tests/test_x.py")))
    assert mixed.message == "src/x.py changed along with tests/test_x.py"


def test_negation_in_the_trigger_and_in_require() -> None:
    config = rule(paths=["migrations/**", "!migrations/squashed/**"],
                  require=["tests/**", "!tests/fixtures/**"])
    squashed = facts_of(change("migrations/squashed/0001.py"))
    assert judge(config, squashed).status is Status.PASS
    fixture_only = facts_of(MIGRATION, change("tests/fixtures/users.json"))
    assert judge(config, fixture_only).status is Status.FAIL


def test_renames_trigger_from_either_side_and_satisfy_as_companions() -> None:
    moved_out = change("attic/0001.py", 0, 0, FileStatus.RENAMED, "migrations/0001.py")
    result = judge(rule(), facts_of(moved_out))
    assert result.status is Status.FAIL
    assert dict(result.values)["triggered"] == "migrations/0001.py"
    assert result.message.startswith("attic/0001.py (renamed from migrations/0001.py) changed")
    moved_in = change("migrations/0009.py", 2, 0, FileStatus.RENAMED, "drafts/0009.py")
    assert judge(rule(), facts_of(moved_in)).status is Status.FAIL
    test_moved = change("tests/old/test_m.py", 0, 0, FileStatus.RENAMED, "tests/test_m.py")
    assert judge(rule(), facts_of(moved_in, test_moved)).status is Status.PASS


def test_deleting_a_trigger_path_triggers() -> None:
    gone = change("migrations/0001.py", 0, 40, FileStatus.DELETED)
    assert judge(rule(), facts_of(gone)).status is Status.FAIL


def test_message_template_gets_triggered_required_and_count() -> None:
    config = rule(require=["tests/**", "CHANGELOG.md"],
                  message="{count} triggered ({triggered}); need {required}",
                  remediation="touch {required}")
    result = judge(config, facts_of(MIGRATION, change("migrations/0003.py")))
    assert result.message == ("2 triggered (migrations/0002_add_users.py, migrations/0003.py); "
                              "need tests/**, CHANGELOG.md")
    assert result.remediation == "touch tests/**, CHANGELOG.md"


def test_changelog_example_with_an_unless_label() -> None:
    config = {"kind": "companion-change", "paths": "src/**", "require": "CHANGELOG.md",
              "unless": {"labels": "no-changelog"}}
    facts = facts_of(change("src/app.py"))
    assert judge(config, facts).remediation == "also change one of: CHANGELOG.md"
    labelled = facts_of(change("src/app.py"), labels=("No-Changelog",))
    assert judge(config, labelled).status is Status.SKIP
    assert judge(config, facts_of(change("src/app.py"), change("CHANGELOG.md"))).status \
        is Status.PASS


@pytest.mark.parametrize(("extra", "error"), [
    ({"paths": []}, "at least 1 item"),
    ({"require": []}, "at least 1 item"),
    ({"exclude": ["[oops"]}, "unclosed"),
    ({"message": "{matched}"}, r"unknown placeholder \{matched\}"),
])
def test_invalid_config_is_rejected(extra: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        judge(rule(**extra), facts_of(MIGRATION))


def test_require_is_required() -> None:
    config = rule()
    del config["require"]
    with pytest.raises(ValidationError, match="require"):
        judge(config, facts_of(MIGRATION))


CHANGELOG = {"kind": "companion-change", "paths": "src/**", "require": "CHANGELOG.md"}


def test_deleting_the_companion_is_not_changing_it() -> None:
    gone = change("CHANGELOG.md", 0, 40, FileStatus.DELETED)
    result = judge(CHANGELOG, facts_of(change("src/app.py"), gone))
    assert result.status is Status.FAIL
    assert result.message == ("src/app.py changed, but nothing matching CHANGELOG.md did; "
                              "CHANGELOG.md (deleted) does not count, as deleting a companion "
                              "is not changing it (allow_deleted is false)")
    allowed = judge({**CHANGELOG, "allow_deleted": True}, facts_of(change("src/app.py"), gone))
    assert allowed.status is Status.PASS
    assert allowed.message == "src/app.py changed along with CHANGELOG.md (deleted)"


def test_renaming_the_companion_away_counts_as_deleting_it_and_a_copy_source_never_counts(
) -> None:
    away = change("docs/OLD-CHANGELOG.md", 0, 0, FileStatus.RENAMED, "CHANGELOG.md")
    result = judge(CHANGELOG, facts_of(change("src/app.py"), away))
    assert result.status is Status.FAIL
    assert "CHANGELOG.md (renamed to docs/OLD-CHANGELOG.md) does not count" in result.message
    allowed = judge({**CHANGELOG, "allow_deleted": True}, facts_of(change("src/app.py"), away))
    assert allowed.status is Status.PASS
    copied = change("docs/CHANGELOG-copy.md", 0, 0, FileStatus.COPIED, "CHANGELOG.md")
    for config in (CHANGELOG, {**CHANGELOG, "allow_deleted": True}):
        assert judge(config, facts_of(change("src/app.py"), copied)).status is Status.FAIL
    moved_in = change("CHANGELOG.md", 3, 0, FileStatus.RENAMED, "HISTORY.md")
    assert judge(CHANGELOG, facts_of(change("src/app.py"), moved_in)).status is Status.PASS


def test_a_branch_that_deletes_the_changelog_fails_through_the_cli(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write("CHANGELOG.md", "# Changes\n\n- first release\n")
    repo.write("src/app.py", "print('v1')\n")
    repo.write(".gatekeeper.yml", "version: 1\nrules:\n  - id: changelog\n"
               "    kind: companion-change\n    paths: src/**\n    require: CHANGELOG.md\n")
    base = repo.commit("base")
    repo.write("src/app.py", "print('v2')\n")
    (repo.path / "CHANGELOG.md").unlink()
    repo.commit("v2, and no more changelog")
    result = run_cli("check", "--base", base, cwd=repo.path)
    assert result.code == 1, result.stdout + result.stderr
    assert "changed along with" not in result.stdout
    assert "nothing matching CHANGELOG.md did; CHANGELOG.md (deleted) does not count" \
        in result.stdout
