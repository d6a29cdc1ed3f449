"""The built-in packs: their policy test cases, and extends of a pack on a real repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Repo, run_cli

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
TESTED_PACKS = ("recommended", "strict", "ai-aware", "tiered-review")


def test_every_case_under_policies_passes() -> None:
    files = sorted(POLICIES.rglob("*.test.yml"))
    for pack in TESTED_PACKS:
        assert POLICIES / f"{pack}.test.yml" in files
    result = run_cli("test", "-v", str(POLICIES))
    assert result.code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].endswith(f" in {len(files)} files, 0 failed")
    for pack in TESTED_PACKS:
        ran = [line for line in lines if line.startswith("ok    ")
               and f"/policies/{pack}.test.yml :: " in line]
        assert len(ran) >= 10, pack


def test_test_files_are_not_offered_as_packs(tmp_path: Path) -> None:
    policy = tmp_path / "team.yml"
    policy.write_text("version: 1\nextends: [gatekeeper:strict.test]\n", encoding="utf-8")
    result = run_cli("validate", str(policy))
    assert result.code == 2
    assert "no built-in pack 'gatekeeper:strict.test'" in result.stderr


def strict_repo(repo: Repo) -> None:
    """main with a .gatekeeper.yml that extends strict, and a tested change on a branch."""
    repo.write(".gatekeeper.yml", "version: 1\nextends: [gatekeeper:strict]\n")
    repo.write("README.md", "# shop\n")
    repo.commit("chore: base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/orders/export.py", "def export():\n    return []\n")
    repo.write("tests/test_export.py", "def test_export():\n    assert True\n")
    repo.git("add", "-A")


def check(repo: Repo, *labels: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON report of ``gatekeeper check`` against main with ``labels``."""
    args = ["check", "--base", "main", "--format", "json"]
    for label in labels:
        args += ["--label", label]
    result = run_cli(*args, cwd=repo.path)
    assert result.code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return result.code, report


def statuses(report: dict[str, Any]) -> dict[str, str]:
    """Each rule's id to its status in ``report``."""
    return {r["rule_id"]: r["status"] for r in report["results"]}


def test_extending_strict_requires_sign_off(repo: Repo) -> None:
    strict_repo(repo)
    repo.git("commit", "-q", "-m", "feat(orders): export orders")
    code, report = check(repo)
    assert report["policy"]["files"] == ["gatekeeper:recommended", "gatekeeper:strict",
                                         ".gatekeeper.yml"]
    assert code == 1 and statuses(report) == {
        "batch-size": "pass", "no-secrets": "pass", "pipeline-changes": "pass",
        "tests-with-source": "pass", "commit-hygiene": "fail"}
    hygiene = report["results"][-1]
    assert hygiene["blocking"] and "no Signed-off-by" in hygiene["message"]
    repo.git("commit", "-q", "--amend", "--no-edit", "-s")
    code, report = check(repo)
    assert code == 0 and set(statuses(report).values()) == {"pass"}


def test_extending_strict_blocks_pipeline_changes_without_the_label(repo: Repo) -> None:
    strict_repo(repo)
    repo.write(".github/workflows/ci.yml", "on: pull_request\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-s", "-m", "ci: run the tests on pull requests")
    code, report = check(repo)
    assert code == 1 and statuses(report)["pipeline-changes"] == "fail"
    code, report = check(repo, "ci-change-reviewed")
    assert code == 0 and statuses(report)["pipeline-changes"] == "pass"


def test_test_fixture_keys_are_excepted_by_the_repositorys_own_policy(repo: Repo) -> None:
    repo.write(".gatekeeper.yml", "version: 1\nextends: [gatekeeper:recommended]\n")
    repo.write("README.md", "# client\n")
    repo.commit("chore: base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("tests/certs/server.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n")
    repo.write("tests/certs/server.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n")
    repo.commit("test: a throwaway certificate for the TLS tests")
    code, report = check(repo)
    (refused,) = [r for r in report["results"] if r["rule_id"] == "no-secrets"]
    assert code == 1 and refused["status"] == "fail"
    assert "except their folder in .gatekeeper.yml" in refused["remediation"]
    repo.git("checkout", "-q", "main")
    repo.write(".gatekeeper.yml", "version: 1\nextends: [gatekeeper:recommended]\n"
               "exceptions:\n  - rule: no-secrets\n    paths: [\"tests/certs/**\"]\n"
               "    reason: throwaway keys for the TLS tests, never used elsewhere\n"
               "    expires: 2099-12-31\n")
    repo.commit("chore: except the test certificates")
    repo.git("checkout", "-q", "feature")
    repo.git("rebase", "-q", "main")
    code, report = check(repo)
    assert code == 0 and statuses(report)["no-secrets"] == "excepted"
    repo.write("deploy/prod.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n")
    repo.commit("ops: the production key")  # outside the excepted folder: refused again
    code, report = check(repo)
    assert code == 1 and statuses(report)["no-secrets"] == "fail"
