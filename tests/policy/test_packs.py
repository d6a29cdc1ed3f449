"""The built-in packs: their policy test cases, and extends of a pack on a real repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gatekeeper.policy.compose import builtin_packs, compose
from gatekeeper.policy.document import parse_yaml
from gatekeeper.policy.loader import load_twin, validate
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


def _packs() -> list[Path]:
    return [POLICIES / f"{name}.yml" for name in builtin_packs()]


def test_each_pack_s_json_twin_reads_as_its_yaml() -> None:
    """A check reads a shipped pack from its twin: the same data, and each value and key at
    the line and column the YAML reader finds, so a message pointing into a pack is the
    same either way."""
    assert {p.stem for p in _packs()} >= {"default", *TESTED_PACKS}
    for pack in _packs():
        data, walk = parse_yaml(pack.read_text(encoding="utf-8"), pack.name)
        policy, places = load_twin(pack.with_suffix(".json").read_bytes(), pack.name)
        assert json.loads(pack.with_suffix(".json").read_bytes())["data"] == data
        assert (places.values, places.keys) == (walk.values, walk.keys), pack.name
        assert policy == validate(data, walk)
    synced = subprocess.run([sys.executable, str(ROOT / "docs" / "sync_packs.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert synced.returncode == 0, synced.stderr


def test_a_pack_is_read_without_the_yaml_parser_and_a_team_policy_with_it(
        tmp_path: Path) -> None:
    team = tmp_path / "team.yml"
    team.write_text("version: 1\nextends: [gatekeeper:recommended]\n", encoding="utf-8")
    probe = ("import sys; from gatekeeper.policy.compose import compose; "
             "from gatekeeper.policy.loader import builtin_policy_dir; "
             "p = compose(builtin_policy_dir() / 'default.yml', 'gatekeeper:default'); "
             "print(len(p.rules), 'yaml' in sys.modules); "
             f"p = compose(__import__('pathlib').Path({str(team)!r}), 'team.yml'); "
             "print(len(p.rules), 'yaml' in sys.modules, p.files)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "1 False"
    recommended = compose(POLICIES / "recommended.yml", "gatekeeper:recommended")
    assert out[1] == f"{len(recommended.rules)} True ('gatekeeper:recommended', 'team.yml')"


def test_a_pack_s_own_error_points_into_its_yaml_through_the_twin(tmp_path: Path) -> None:
    """A policy that disables a rule a pack does not have is told so at its own line; a
    rule of the pack, once the twin is read, is where the YAML says (checked on default's
    one rule)."""
    policy, places = load_twin((POLICIES / "default.json").read_bytes(), "gatekeeper:default")
    lines = (POLICIES / "default.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "id: batch-size" in text)
    assert places.values[("rules", 0, "id")] == (line, lines[line - 1].index("batch-size") + 1)
    assert [r.id for r in policy.rules] == ["batch-size"]
    team = tmp_path / "team.yml"
    team.write_text("version: 1\nextends: [gatekeeper:default]\ndisable: [nope]\n",
                    encoding="utf-8")
    result = run_cli("validate", str(team))
    assert result.code == 2
    assert "team.yml:3:" in result.stderr and "no inherited rule 'nope'" in result.stderr
