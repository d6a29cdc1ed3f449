"""The example policies in policies/examples, checked end to end on real git repositories."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import Repo, numbered, run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "policies" / "examples"
NAMES = {
    "small-batches", "payments-limit", "migrations-need-tests", "changelog",
    "protect-ci-and-policy", "service-areas", "commit-hygiene", "generated-code",
    "legacy-exception", "report-only-rollout",
}
SIGNED = "Signed-off-by: Ada Author <ada@example.com>"

Report = dict[str, Any]


def start(repo: Repo, files: dict[str, str] | None = None) -> None:
    """A main branch with one base commit, and a feature branch checked out on top of it."""
    repo.write("README.md", "# shop\n")
    for path, text in (files or {}).items():
        repo.write(path, text)
    repo.commit("chore: base")
    repo.git("checkout", "-q", "-b", "feature")


def change(repo: Repo, files: dict[str, str], message: str = "feat: change") -> None:
    """Writes ``files`` and commits them with ``message``."""
    for path, text in files.items():
        repo.write(path, text)
    repo.commit(message)


def check(repo: Repo, policy: str | Path, *labels: str) -> tuple[int, Report]:
    """Run ``gatekeeper check`` against main with ``policy`` (an example's name, or a path)."""
    path = policy if isinstance(policy, Path) else EXAMPLES / f"{policy}.yml"
    args = ["check", "--base", "main", "--policy", str(path), "--format", "json"]
    for label in labels:
        args += ["--label", label]
    result = run_cli(*args, cwd=repo.path)
    assert result.code in (0, 1), result.stderr
    report: Report = json.loads(result.stdout)
    assert report["exit_code"] == result.code
    return result.code, report


def rule(report: Report, rule_id: str) -> dict[str, Any]:
    """The one result of rule ``rule_id`` in ``report``."""
    found = [r for r in report["results"] if r["rule_id"] == rule_id]
    assert len(found) == 1, report["results"]
    result: dict[str, Any] = found[0]
    return result


def statuses(report: Report) -> dict[str, str]:
    """Each rule's id to its status in ``report``."""
    return {r["rule_id"]: r["status"] for r in report["results"]}


# -- the set of examples and their test cases ----------------------------------------------


def test_there_are_exactly_the_ten_examples_each_explained_and_tested() -> None:
    policies = {p.name[: -len(".yml")] for p in EXAMPLES.glob("*.yml")
                if not p.name.endswith(".test.yml")}
    tests = {p.name[: -len(".test.yml")] for p in EXAMPLES.glob("*.test.yml")}
    assert policies == NAMES
    assert tests == NAMES
    for name in NAMES:
        text = (EXAMPLES / f"{name}.yml").read_text(encoding="utf-8")
        header = text.split("\nversion:")[0].splitlines()
        assert len(header) >= 3 and all(line.startswith("#") for line in header), name


def test_every_example_test_file_passes_and_shows_both_outcomes() -> None:
    expected = 0
    for path in EXAMPLES.glob("*.test.yml"):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        outcomes = {status for case in cases for status in case.get("expect", {}).values()}
        outcomes |= {case["verdict"] for case in cases if "verdict" in case}
        assert {"pass", "fail"} <= outcomes, path.name
        expected += len(cases)
    result = run_cli("test", str(EXAMPLES))
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout == f"{expected} cases in {len(NAMES)} files, 0 failed\n"


# -- 1. small-batches ------------------------------------------------------------------------


def test_small_batches_passes_a_small_change_and_fails_a_large_one(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/app.py": numbered(400)})
    code, report = check(repo, "small-batches")
    assert code == 0 and statuses(report) == {"batch-size": "pass"}
    change(repo, {"src/util.py": "x = 1\n"})
    code, report = check(repo, "small-batches")
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail" and result["blocking"]
    assert (result["measured"], result["limit"]) == (401, 400)


def test_small_batches_counts_files(repo: Repo) -> None:
    start(repo)
    change(repo, {f"src/mod{i:02}.py": "x = 1\n" for i in range(21)})
    code, report = check(repo, "small-batches")
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail"
    failed = [c for c in result["checks"] if not c["passed"]]
    assert [(c["name"], c["measured"], c["limit"]) for c in failed] == [("files", 21, 20)]


def test_small_batches_skips_docs_only_changes(repo: Repo) -> None:
    start(repo)
    change(repo, {"docs/guide.md": numbered(900), "CHANGELOG.md": "- more docs\n"},
           "docs: write the guide")
    code, report = check(repo, "small-batches")
    assert code == 0 and rule(report, "batch-size")["status"] == "skip"
    change(repo, {"src/app.py": "x = 1\n"})  # one line of code: the docs count again
    code, report = check(repo, "small-batches")
    assert code == 1 and rule(report, "batch-size")["status"] == "fail"


def test_small_batches_waiver_needs_the_label_and_a_trailer_reason(repo: Repo) -> None:
    start(repo)
    repo.write("src/tariffs.py", numbered(1200))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "feat: import tariff tables",
             "-m", "Gatekeeper-Waive: batch-size: one-off import of the 2024 tariff tables")
    code, report = check(repo, "small-batches")  # the reason alone is not enough
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail"
    assert [(w["accepted"], w["note"]) for w in result["waivers"]] == [
        (False, "this rule is waived only with label large-change-approved")]
    code, report = check(repo, "small-batches", "large-change-approved")
    result = rule(report, "batch-size")
    assert code == 0 and result["status"] == "waived" and not result["blocking"]
    waiver = result["waivers"][0]
    assert waiver["accepted"] and waiver["source"] == "label large-change-approved"
    assert waiver["reason"] == "one-off import of the 2024 tariff tables"


def test_small_batches_label_without_a_reason_is_refused(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/tariffs.py": numbered(1200)})
    code, report = check(repo, "small-batches", "large-change-approved")
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail"
    assert not result["waivers"][0]["accepted"]
    assert "no reason was given" in result["waivers"][0]["note"]


# -- 2. payments-limit -----------------------------------------------------------------------


def test_payments_limit_counts_payments_and_the_rest_apart(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/payments/charge.py": numbered(150), "src/catalog/items.py": numbered(400)})
    code, report = check(repo, "payments-limit")
    assert code == 0 and rule(report, "batch-size")["status"] == "pass"
    change(repo, {"src/payments/refund.py": "amount = 0\n"})
    code, report = check(repo, "payments-limit")
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail"
    failed = [(c["name"], c["measured"], c["limit"]) for c in result["checks"] if not c["passed"]]
    assert failed == [("effective lines in src/payments/**", 151, 150)]
    assert {f["path"] for f in result["files"]} == {"src/payments/charge.py",
                                                    "src/payments/refund.py"}


def test_payments_limit_keeps_400_lines_for_the_rest(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/catalog/items.py": numbered(401)})
    code, report = check(repo, "payments-limit")
    result = rule(report, "batch-size")
    assert code == 1 and (result["measured"], result["limit"]) == (401, 400)


# -- 3. migrations-need-tests ----------------------------------------------------------------


def test_migrations_need_tests(repo: Repo) -> None:
    start(repo, {"tests/test_db.py": "def test_db(): pass\n"})
    change(repo, {"migrations/0042_due_date.sql": "ALTER TABLE invoices ADD due date;\n"})
    code, report = check(repo, "migrations-need-tests")
    result = rule(report, "migrations-need-tests")
    assert code == 1 and result["status"] == "fail"
    assert [f["path"] for f in result["files"]] == ["migrations/0042_due_date.sql"]
    change(repo, {"tests/test_db.py": "def test_db(): pass\ndef test_due_date(): pass\n"},
           "test: cover the due date migration")
    code, report = check(repo, "migrations-need-tests")
    assert code == 0 and rule(report, "migrations-need-tests")["status"] == "pass"


def test_migrations_readme_does_not_trigger(repo: Repo) -> None:
    start(repo)
    change(repo, {"migrations/README.md": "Run with make migrate.\n"}, "docs: migrations")
    code, report = check(repo, "migrations-need-tests")
    result = rule(report, "migrations-need-tests")
    assert code == 0 and result["status"] == "pass" and result["files"] == []


# -- 4. changelog ----------------------------------------------------------------------------


def test_changelog_is_required_for_source_changes(repo: Repo) -> None:
    start(repo, {"CHANGELOG.md": "# Changelog\n"})
    change(repo, {"src/orders.py": "def export(): ...\n", "docs/CHANGELOG.md": "docs only\n"})
    code, report = check(repo, "changelog")
    result = rule(report, "changelog")
    assert code == 1 and result["status"] == "fail"
    assert result["message"] == "1 source files changed (src/orders.py) but CHANGELOG.md did not"
    code, report = check(repo, "changelog", "no-changelog")
    assert code == 0 and rule(report, "changelog")["status"] == "skip"
    change(repo, {"CHANGELOG.md": "# Changelog\n- Export orders\n"}, "docs: changelog")
    code, report = check(repo, "changelog")
    assert code == 0 and rule(report, "changelog")["status"] == "pass"


# -- 5. protect-ci-and-policy ----------------------------------------------------------------


def test_workflow_changes_need_the_label(repo: Repo) -> None:
    start(repo, {".github/workflows/ci.yml": "on: push\n"})
    change(repo, {".github/workflows/ci.yml": "on: [push, pull_request]\n"}, "ci: run on PRs")
    code, report = check(repo, "protect-ci-and-policy")
    result = rule(report, "protect-ci-and-policy")
    assert code == 1 and result["status"] == "fail" and result["blocking"]
    assert result["values"]["matched"] == ".github/workflows/ci.yml"
    code, report = check(repo, "protect-ci-and-policy", "CI-Change-Reviewed")
    result = rule(report, "protect-ci-and-policy")
    assert code == 0 and result["status"] == "pass"
    assert result["message"].endswith("allowed by label CI-Change-Reviewed")


def test_policy_changes_need_the_label(repo: Repo) -> None:
    start(repo, {".gatekeeper.yml": "version: 1\n"})
    change(repo, {".gatekeeper.yml": "version: 1\nrules: []\n",
                  ".gatekeeper/team.yml": "version: 1\n"}, "chore: loosen the gate")
    code, report = check(repo, "protect-ci-and-policy")
    result = rule(report, "protect-ci-and-policy")
    assert code == 1 and result["status"] == "fail"
    assert {f["path"] for f in result["files"]} == {".gatekeeper.yml", ".gatekeeper/team.yml"}


def test_other_changes_are_not_restricted(repo: Repo) -> None:
    start(repo)
    change(repo, {".github/CODEOWNERS": "* @shop/owners\n", "src/app.py": "x = 1\n"})
    code, report = check(repo, "protect-ci-and-policy")
    assert code == 0 and rule(report, "protect-ci-and-policy")["status"] == "pass"


# -- 6. service-areas ------------------------------------------------------------------------


def test_service_areas(repo: Repo) -> None:
    start(repo)
    change(repo, {"services/auth/api/login.py": "x = 1\n", "services/billing/tax.py": "x = 1\n",
                  "services/search/index.py": "x = 1\n", "libs/http/client.py": "x = 1\n"})
    code, report = check(repo, "service-areas")
    result = rule(report, "service-areas")
    assert code == 0 and result["status"] == "pass" and result["values"]["areas"] == 3
    change(repo, {"services/notify/email.py": "x = 1\n"})
    code, report = check(repo, "service-areas")
    result = rule(report, "service-areas")
    assert code == 1 and result["status"] == "fail"
    assert (result["measured"], result["limit"]) == (4, 3)
    assert set(result["values"]["names"].split(", ")) == {
        "services/auth", "services/billing", "services/search", "services/notify"}


# -- 7. commit-hygiene -----------------------------------------------------------------------


def test_commit_hygiene_passes_signed_conventional_commits(repo: Repo) -> None:
    start(repo)
    repo.write("src/app.py", "x = 1\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-s", "-m", "feat(api): add order export")
    repo.write("src/app.py", "x = 2\n")
    repo.git("commit", "-q", "-s", "-a", "-m", "fix!: reject negative quantities")
    code, report = check(repo, "commit-hygiene")
    result = rule(report, "commit-hygiene")
    assert code == 0 and result["status"] == "pass"
    trailers = report["changeset"]["commits"][0]["trailers"]
    assert {"key": "Signed-off-by", "value": "Cy Committer <cy@example.com>"} in trailers


def test_commit_hygiene_fails_unsigned_commits_and_bad_subjects(repo: Repo) -> None:
    start(repo)
    repo.write("src/app.py", "x = 1\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "feat: add order export")
    code, report = check(repo, "commit-hygiene")
    result = rule(report, "commit-hygiene")
    assert code == 1 and result["status"] == "fail"
    assert result["values"]["problems"] == "1 commit without Signed-off-by"
    assert "git commit --amend --no-edit -s" in result["remediation"]
    repo.git("commit", "-q", "--amend", "--no-edit", "-s")
    repo.write("src/app.py", "x = 2\n")
    repo.git("commit", "-q", "-s", "-a", "-m", "Fixed the export")
    code, report = check(repo, "commit-hygiene")
    result = rule(report, "commit-hygiene")
    assert code == 1 and result["status"] == "fail"
    assert result["values"]["problems"] == "1 commit with a bad subject"
    assert '"Fixed the export" (subject does not match subject_pattern)' in result["message"]


# -- 8. generated-code -----------------------------------------------------------------------


def test_generated_code_leaves_the_effective_totals(repo: Repo) -> None:
    start(repo)
    change(repo, {"api/v1/orders.proto": numbered(40, "field"),
                  "api/v1/orders.pb.go": numbered(2400, "// pb"),
                  "web/src/__snapshots__/Table.test.tsx.snap": numbered(1500, "snap"),
                  "api/v1/server.go": numbered(300, "// go")})
    code, report = check(repo, "generated-code")
    result = rule(report, "batch-size")
    assert code == 0 and result["status"] == "pass" and result["measured"] == 340
    files = {f["path"]: f for f in report["changeset"]["files"]}
    for path in ("api/v1/orders.pb.go", "web/src/__snapshots__/Table.test.tsx.snap"):
        assert "generated" in files[path]["classification"] and not files[path]["effective"]
    assert files["api/v1/server.go"]["effective"]
    assert report["changeset"]["totals"]["effective"]["files"] == 2
    change(repo, {"api/v1/handlers.go": numbered(61, "// go")})
    code, report = check(repo, "generated-code")
    result = rule(report, "batch-size")
    assert code == 1 and (result["measured"], result["limit"]) == (401, 400)


# -- 9. legacy-exception ---------------------------------------------------------------------


def with_expiry(tmp_path: Path, day: datetime.date) -> Path:
    """A copy of the legacy-exception example whose exception expires at the end of ``day``."""
    text = (EXAMPLES / "legacy-exception.yml").read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(\s*expires:) \d{4}-\d{2}-\d{2}$", rf"\1 {day.isoformat()}",
                          text)
    assert count == 1
    target = tmp_path / f"legacy-{day.isoformat()}.yml"
    target.write_text(text, encoding="utf-8")
    return target


def test_legacy_exception_holds_until_it_expires(repo: Repo, tmp_path: Path) -> None:
    start(repo, {"legacy/billing.py": numbered(1800)})
    (repo.path / "legacy" / "billing.py").unlink()
    change(repo, {"src/billing/invoice.py": numbered(40)}, "refactor: drop legacy billing")
    today = datetime.datetime.now(datetime.timezone.utc).date()  # exceptions expire in UTC

    code, report = check(repo, with_expiry(tmp_path, today + datetime.timedelta(days=30)))
    result = rule(report, "batch-size")
    assert code == 0 and result["status"] == "excepted" and not result["blocking"]
    [exception] = result["exceptions"]
    assert not exception["expired"] and exception["paths"] == ["legacy/**"]
    assert exception["files"] == 1 and exception["reason"].startswith("legacy/ is being removed")
    assert "excepted until" in result["message"]

    code, report = check(repo, with_expiry(tmp_path, today - datetime.timedelta(days=1)))
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail" and result["blocking"]
    [exception] = result["exceptions"]
    assert exception["expired"] and exception["files"] == 0
    assert result["measured"] == 1840


def test_legacy_exception_does_not_cover_the_rest_of_the_change(repo: Repo,
                                                                tmp_path: Path) -> None:
    start(repo, {"legacy/billing.py": numbered(1800)})
    (repo.path / "legacy" / "billing.py").unlink()
    change(repo, {"src/billing/invoice.py": numbered(401)})
    today = datetime.datetime.now(datetime.timezone.utc).date()
    code, report = check(repo, with_expiry(tmp_path, today + datetime.timedelta(days=30)))
    result = rule(report, "batch-size")
    assert code == 1 and result["status"] == "fail" and result["measured"] == 401
    assert not result["exceptions"][0]["expired"]


# -- 10. report-only-rollout -----------------------------------------------------------------


def test_report_only_rule_reports_without_failing(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/app.py": numbered(30)}, "feat: add order export")
    change(repo, {"src/app.py": numbered(31)}, "wip")
    code, report = check(repo, "report-only-rollout")
    subjects = rule(report, "commit-subjects")
    assert code == 0 and report["verdict"] == "pass"
    assert rule(report, "batch-size")["status"] == "pass"
    assert subjects["status"] == "fail" and not subjects["enforced"]
    assert not subjects["blocking"] and '"wip"' in subjects["message"]


def test_report_only_rollout_still_enforces_the_batch_limit(repo: Repo) -> None:
    start(repo)
    change(repo, {"src/app.py": numbered(401)}, "feat: add order export")
    code, report = check(repo, "report-only-rollout")
    assert code == 1 and statuses(report) == {"batch-size": "fail", "commit-subjects": "pass"}
    assert rule(report, "batch-size")["blocking"] and rule(report, "batch-size")["enforced"]
