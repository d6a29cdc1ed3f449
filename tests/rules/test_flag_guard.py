"""flag-guard: new code in guarded paths needs a flag reference, per file or per change."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileChange, FileStatus, FileText
from gatekeeper.evaluation.verdict import RuleResult
from gatekeeper.facts.classify import Classifier
from gatekeeper.facts.flags.facts import gather
from gatekeeper.facts.flags.registry import Registry
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.facts.model import Facts, derive
from gatekeeper.rules.findings import Status
from gatekeeper.rules.flag_guard import Config
from tests.builders import judge
from tests.facts.flags.test_facts import LD, changeset, edit

Edit = tuple[FileChange, FileText]
REGISTRY = Registry("flags.yml", frozenset({"new-checkout", "dark-mode"}))


def rule(**fields: Any) -> dict[str, Any]:
    """A flag-guard rule on src/**, with ``fields``."""
    return {"kind": "flag-guard", "paths": ["src/**"], **fields}


def facts(*edits: Edit, registry: Registry | None = None, unscanned: tuple[str, ...] = (),
          scanned: bool = True) -> Facts:
    """Facts of the ``edits``, with their flags scanned when ``scanned``."""
    change = changeset(*edits, unscanned=unscanned)
    flags = gather(change, FlagSettings.model_validate({}), registry) if scanned else None
    return derive(change, Classifier(), flags=flags)


def lines(count: int, first: str = "work()") -> list[str]:
    """``count`` lines of code, the first ``first``."""
    return [first] + [f"step{n}()" for n in range(1, count)]


def flagged(path: str, count: int, key: str = "new-checkout", start: int = 1) -> Edit:
    """``count`` added lines at ``start``, the first of which checks the flag ``key``."""
    return edit(path, {start: lines(count, f"if ({LD.format(key)}) {{")})


def plain(path: str, count: int, start: int = 1) -> Edit:
    """An edit of ``count`` unguarded lines of ``path`` from line ``start``."""
    return edit(path, {start: lines(count)})


def run(config: dict[str, Any], found: Facts) -> RuleResult:
    """The result of ``config`` on ``found``."""
    return judge(config, found)


def test_a_matching_file_with_a_flag_passes() -> None:
    result = run(rule(), facts(flagged("src/a.ts", 3), plain("docs/b.ts", 9)))
    assert result.status is Status.PASS
    assert result.message == ("every file matching paths that adds lines references a flag: "
                              "src/a.ts (new-checkout)")
    assert [f.path for f in result.files] == ["src/a.ts"]


def test_a_matching_file_without_a_flag_fails_with_its_added_lines() -> None:
    result = run(rule(), facts(flagged("src/a.ts", 2),
                               edit("src/b.ts", {4: lines(2), 20: lines(1)})))
    assert result.status is Status.FAIL
    assert result.message == ("1 file adds lines without a feature flag: "
                              "src/b.ts (3 added lines, no flag)")
    [detail] = result.details
    assert (detail.path, detail.lines) == ("src/b.ts", ((4, 5), (20, 20)))
    assert detail.note == "3 added lines, no flag"
    assert result.remediation is not None
    assert "put the new code in src/b.ts behind a feature flag check" in result.remediation
    assert "raise added_over or narrow paths" in result.remediation
    assert dict(result.values)["unguarded"] == "src/b.ts"
    assert [(c.name, c.measured) for c in result.checks] == [("files without a flag", 1)]


@pytest.mark.parametrize(("added", "status"), [(3, Status.PASS), (4, Status.FAIL)])
def test_a_file_needs_a_flag_only_above_added_over(added: int, status: Status) -> None:
    result = run(rule(added_over=3), facts(plain("src/a.py", added)))
    assert result.status is status
    if status is Status.PASS:
        assert result.message == "no file matching paths adds more than 3 lines"


@pytest.mark.parametrize(("second", "status"), [(2, Status.PASS), (3, Status.FAIL)])
def test_scope_change_sums_the_matching_files(second: int, status: Status) -> None:
    found = facts(plain("src/a.py", 2), plain("src/b.py", second), plain("lib/c.py", 50))
    result = run(rule(scope="change", added_over=4), found)
    assert result.status is status
    if status is Status.PASS:
        assert result.message == "4 lines added in files matching paths, not more than 4"
    else:
        assert result.message.startswith("5 lines added in files matching paths, over 4, and "
                                         "no added line references a feature flag: src/a.py")
        assert [d.path for d in result.details] == ["src/a.py", "src/b.py"]
        assert result.checks[0].measured == 5 and result.checks[0].limit == 4


def test_scope_change_takes_a_flag_anywhere_in_the_change() -> None:
    found = facts(plain("src/a.py", 8), flagged("lib/toggles.ts", 2, "dark-mode"))
    assert run(rule(), found).status is Status.FAIL
    result = run(rule(scope="change"), found)
    assert result.status is Status.PASS
    assert result.message == ("8 lines added in files matching paths, and the change "
                              "references a flag: lib/toggles.ts (dark-mode)")


def test_generated_vendored_and_lock_files_neither_need_nor_give_a_flag() -> None:
    found = facts(plain("src/vendor/lib.ts", 40), plain("src/app.min.js", 40),
                  plain("src/package-lock.json", 40), flagged("vendor/sdk.ts", 3))
    assert run(rule(paths=["**"]), found).message == "no file matching paths adds lines"
    with_code = facts(plain("src/app.ts", 2), flagged("vendor/sdk.ts", 3))
    assert run(rule(scope="change"), with_code).status is Status.FAIL


def test_a_pure_rename_needs_no_flag_but_an_edited_one_does() -> None:
    moved = FileChange("src/new.ts", "src/old.ts", FileStatus.RENAMED, 0, 0, similarity=100)
    assert run(rule(), facts((moved, FileText()))).status is Status.PASS
    edited = edit("src/new.ts", {7: lines(2)}, status=FileStatus.RENAMED,
                  old_path="src/old.ts")
    result = run(rule(), facts(edited))
    assert result.status is Status.FAIL and result.details[0].path == "src/new.ts"


def test_deleted_files_need_no_flag_and_their_flags_are_cleanups() -> None:
    deleted = edit("src/old.ts", None, {1: [LD.format("old-banner"), "more()"]},
                   status=FileStatus.DELETED)
    removed_call = edit("src/a.ts", {3: [LD.format("new-checkout")]},
                        {3: [LD.format("legacy-search")]})
    result = run(rule(), facts(deleted, removed_call))
    assert result.status is Status.PASS
    assert result.message.endswith("; cleans up flags: legacy-search, old-banner")
    assert dict(result.values)["cleanups"] == "legacy-search, old-banner"


def test_cleanups_are_named_on_failure_too() -> None:
    found = facts(edit("src/a.ts", {3: ["plain()"]}, {3: [LD.format("legacy")]}))
    result = run(rule(), found)
    assert result.status is Status.FAIL
    assert result.message.endswith("; cleans up flags: legacy")


def test_an_unknown_key_fails_with_a_suggestion_and_guards_nothing() -> None:
    result = run(rule(), facts(flagged("src/a.ts", 3, "new-chekout"), registry=REGISTRY))
    assert result.status is Status.FAIL
    assert result.message == (
        "1 file adds lines without a feature flag: src/a.ts (3 added lines, only "
        "unknown keys: new-chekout); flag keys not in the registry flags.yml: new-chekout "
        "(did you mean new-checkout?)")
    assert result.remediation is not None
    assert result.remediation.endswith("fix the misspelt keys, or add new keys to flags.yml")
    assert [(c.name, c.measured) for c in result.checks] == [
        ("files without a flag", 1), ("unknown flag keys", 1)]
    assert result.details[-1].note == "unknown flag key new-chekout (did you mean new-checkout?)"
    assert dict(result.values)["unknown_keys"] == "new-chekout"


def test_an_unknown_key_beside_a_known_one_still_fails() -> None:
    found = facts(edit("src/a.ts", {1: [LD.format("dark-mode"), LD.format("brand-new")]}),
                  registry=REGISTRY)
    result = run(rule(), found)
    assert result.status is Status.FAIL
    assert result.message == "flag keys not in the registry flags.yml: brand-new"


def test_unknown_keys_can_be_ignored() -> None:
    found = facts(flagged("src/a.ts", 3, "new-chekout"), registry=REGISTRY)
    result = run(rule(unknown_keys="ignore"), found)
    assert result.status is Status.PASS
    assert [c.name for c in result.checks] == ["files without a flag"]


def test_scope_decides_where_unknown_keys_are_checked() -> None:
    found = facts(flagged("src/a.ts", 3), flagged("lib/b.ts", 1, "brand-new"),
                  registry=REGISTRY)
    assert run(rule(), found).status is Status.PASS
    result = run(rule(scope="change"), found)
    assert result.status is Status.FAIL
    assert result.message == "flag keys not in the registry flags.yml: brand-new"


def test_an_unscanned_file_fails_rather_than_passing_unread() -> None:
    found = facts(plain("src/huge.ts", 9000), flagged("src/a.ts", 2), unscanned=("src/huge.ts",))
    result = run(rule(), found)
    assert result.status is Status.FAIL
    assert result.details[0].note == "not scanned: the change has too much changed text"
    assert result.remediation == ("split the change into smaller ones so that its text can "
                                  "be scanned")
    below = run(rule(added_over=9000), found)
    assert below.status is Status.PASS


def test_scope_change_fails_on_an_unscanned_file_only_without_a_flag() -> None:
    huge = plain("src/huge.ts", 9000)
    assert run(rule(scope="change"), facts(huge, flagged("src/a.ts", 2),
                                           unscanned=("src/huge.ts",))).status is Status.PASS
    result = run(rule(scope="change"), facts(huge, plain("src/a.ts", 2),
                                             unscanned=("src/huge.ts",)))
    assert result.status is Status.FAIL
    assert [d.note for d in result.details] == [
        "2 added lines, no flag in the change",
        "not scanned: the change has too much changed text"]


def test_without_a_scan_the_rule_is_not_applicable() -> None:
    result = run(rule(), facts(plain("src/a.ts", 5), scanned=False))
    assert result.status is Status.NOT_APPLICABLE
    assert result.message == ("not applicable: feature flags were not scanned, so no file "
                              "could be checked for a flag reference")


def test_templates_read_the_measured_values() -> None:
    found = facts(plain("src/a.ts", 5), plain("src/b.ts", 1))
    result = run(rule(added_over=1, message="{unguarded} add {added} lines, over {added_over}",
                      remediation="flag {paths}"), found)
    assert result.message == "src/a.ts add 6 lines, over 1"
    assert result.remediation == "flag src/a.ts"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"paths": []}, "at least 1 item"),
    ({"added_over": -1}, "greater than or equal to 0"),
    ({"scope": "repo"}, "'file' or 'change'"),
    ({"unknown_keys": "warn"}, "'fail' or 'ignore'"),
    ({"message": "{nope}"}, "unknown placeholder {nope}"),
])
def test_config_errors(fields: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        Config.model_validate({"id": "r", **rule(**fields)})
