"""A policy left with no rules is an error everywhere, unless it says allow_no_rules: true.

A gate with no rules passes every change; that must be a decision written in the policy,
never the result of an empty file, a wrong path or one disable too many.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE, PolicyError
from gatekeeper.policy import loader
from gatekeeper.policy.compose import builtin_packs, compose
from gatekeeper.policy.schema import policy_schema
from tests.conftest import Repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload

HINT = ("(fix: add rules or extend a pack such as gatekeeper:recommended; to check nothing on "
        "purpose, set allow_no_rules: true)")
TWO = ("rules:\n  - {id: a, kind: batch-size, max_files: 1}\n"
       "  - {id: b, kind: batch-size, max_commits: 1}\n")


def error_of(tmp_path: Path, text: str, **others: str) -> PolicyError:
    """The usage error composing ``text``, next to the files ``others``, raises."""
    for name, body in others.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "policy.yml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        compose(tmp_path / "policy.yml", "policy.yml")
    assert info.value.exit_code == EXIT_USAGE
    return info.value


@pytest.mark.parametrize(("text", "where"), [
    ("", (1, 1)),
    ("# nothing yet\n", (1, 1)),
    ("version: 1\n", (1, 1)),
    ("version: 1\nrules: []\n", (2, 1)),
    ("version: 1\ncoverage: {mismatch: warn}\nrules: []\n", (3, 1)),
])
def test_a_policy_without_rules_is_an_error_at_its_rules(
        tmp_path: Path, text: str, where: tuple[int, int]) -> None:
    error = error_of(tmp_path, text)
    assert error.message == "the policy has no rules, so it would check nothing"
    assert (error.file, error.line, error.column) == ("policy.yml", *where)
    assert error.render() == (f"policy.yml:{where[0]}:{where[1]}: the policy has no rules, so "
                              f"it would check nothing {HINT}")


def test_disabling_every_inherited_rule_is_an_error_at_the_disable(tmp_path: Path) -> None:
    error = error_of(tmp_path, "extends: [base.yml]\nversion: 1\ndisable: [a, b]\n",
                     **{"base.yml": TWO})
    assert error.message == "every rule is disabled, so the policy would check nothing"
    assert (error.file, error.line) == ("policy.yml", 3)
    kept = compose(tmp_path / "base.yml", "base.yml")
    assert [r.id for r in kept.rules] == ["a", "b"]
    (tmp_path / "one.yml").write_text("extends: [base.yml]\ndisable: [a]\n", encoding="utf-8")
    assert [r.id for r in compose(tmp_path / "one.yml", "one.yml").rules] == ["b"]


def test_an_extended_file_without_rules_is_fine_when_the_result_has_some(tmp_path: Path) -> None:
    (tmp_path / "settings.yml").write_text("coverage: {mismatch: warn}\n", encoding="utf-8")
    (tmp_path / "policy.yml").write_text("extends: [settings.yml]\n" + TWO, encoding="utf-8")
    policy = compose(tmp_path / "policy.yml", "policy.yml")
    assert len(policy.rules) == 2 and not policy.allow_no_rules


@pytest.mark.parametrize("text", [
    "rules: []\nallow_no_rules: true\n",
    "allow_no_rules: true\n",
    "extends: [base.yml]\ndisable: [a, b]\nallow_no_rules: true\n",
])
def test_allow_no_rules_accepts_a_policy_that_checks_nothing(tmp_path: Path, text: str) -> None:
    (tmp_path / "base.yml").write_text(TWO, encoding="utf-8")
    (tmp_path / "policy.yml").write_text(text, encoding="utf-8")
    policy = compose(tmp_path / "policy.yml", "policy.yml")
    assert policy.rules == () and policy.allow_no_rules


def test_enforced_approvals_are_a_check_of_their_own(tmp_path: Path) -> None:
    """A policy that only enforces review approvals adds a result that can fail."""
    (tmp_path / "policy.yml").write_text(
        "review:\n  tiers: [{name: light, approvals: 1}]\n  approvals: {enforce: true}\n",
        encoding="utf-8")
    policy = compose(tmp_path / "policy.yml", "policy.yml")
    assert policy.rules == () and policy.review.approvals.enforce
    error = error_of(tmp_path, "review:\n  tiers: [{name: light, approvals: 1}]\n")
    assert error.message == "the policy has no rules, so it would check nothing"


def test_the_opt_in_is_a_documented_boolean_in_the_schema(tmp_path: Path) -> None:
    field = policy_schema()["properties"]["allow_no_rules"]
    assert field["type"] == "boolean" and field["default"] is False
    error = error_of(tmp_path, "rules: []\nallow_no_rules: yes please\n")
    assert error.line == 2 and "allow_no_rules" in error.message
    error = error_of(tmp_path, "rules: []\nallow_empty: true\n")
    assert "unknown key 'allow_empty'" in error.message


def test_a_later_file_can_take_the_opt_in_back(tmp_path: Path) -> None:
    error = error_of(tmp_path, "extends: [open.yml]\nallow_no_rules: false\n",
                     **{"open.yml": "allow_no_rules: true\n"})
    assert error.message == "the policy has no rules, so it would check nothing"


def test_every_built_in_pack_has_rules() -> None:
    for name in builtin_packs():
        pack = compose(loader.builtin_policy_dir() / f"{name}.yml", f"gatekeeper:{name}")
        assert pack.rules and not pack.allow_no_rules, name


# -- every command that reads a policy ------------------------------------------------------


def small_change(repo: Repo, policy: str) -> None:
    """Commits ``policy`` on main and a one-file change on a feature branch."""
    repo.write(".gatekeeper.yml", policy)
    repo.write("README.md", "hi\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", "x = 1\n")
    repo.commit("feat")


def assert_refused(result_code: int, stderr: str, where: str) -> None:
    """Asserts the policy at ``where`` was refused for having no rules."""
    assert result_code == EXIT_USAGE, stderr
    assert stderr.splitlines() == [
        f"{where}: the policy has no rules, so it would check nothing {HINT}"]


@pytest.mark.parametrize("command", ["check", "explain"])
@pytest.mark.parametrize("source", ["worktree", "base", "head"])
def test_check_and_explain_refuse_an_empty_policy(repo: Repo, command: str, source: str) -> None:
    small_change(repo, "version: 1\n")
    result = run_cli(command, "--base", "main", "--policy-source", source, cwd=repo.path)
    assert_refused(result.code, result.stderr, ".gatekeeper.yml:1:1")
    assert "PASS" not in result.stdout


def test_validate_and_test_refuse_an_empty_policy(tmp_path: Path) -> None:
    (tmp_path / "team.yml").write_text("rules: []\n", encoding="utf-8")
    result = run_cli("validate", "team.yml", cwd=tmp_path)
    assert_refused(result.code, result.stderr, "team.yml:1:1")
    (tmp_path / "team.test.yml").write_text(
        "cases:\n  - name: anything\n    change: {files: [{path: a.py, added: 1}]}\n"
        "    verdict: pass\n", encoding="utf-8")
    result = run_cli("test", "team.test.yml", cwd=tmp_path)
    assert_refused(result.code, result.stderr, "team.yml:1:1")


def test_an_empty_policy_at_the_base_of_a_pull_request_is_refused(tmp_path: Path) -> None:
    seed = Repo(tmp_path / "seed")
    seed.path.mkdir()
    seed.git("init", "-q", "-b", "main")
    small_change(seed, "# rules to come\n")
    head, base = seed.head(), seed.git("rev-parse", "main")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    work = checkout(bare.as_uri(), tmp_path / "work", head, "refs/remotes/pull/7/head")
    env = github_env(tmp_path, "pull_request", pr_payload(head, base))
    result = run_cli("check", cwd=work.path, env=env)
    assert_refused(result.code, result.stderr, ".gatekeeper.yml:1:1")


def test_with_the_opt_in_the_run_says_it_checked_nothing(repo: Repo) -> None:
    small_change(repo, "rules: []\nallow_no_rules: true  # this repository is not gated yet\n")
    result = run_cli("check", "--base", "main", cwd=repo.path)
    assert result.code == 0, result.stderr
    assert ("the policy has no rules (allow_no_rules: true), so nothing was checked"
            in result.stdout)
    # Checking nothing is never a PASS, in the console or in the job summary.
    assert result.stdout.startswith("gatekeeper: NOTHING CHECKED - the policy has no rules")
    assert "PASS" not in result.stdout
    summary = run_cli("check", "--base", "main", "--format", "markdown", cwd=repo.path)
    assert "NOTHING CHECKED" in summary.stdout and "PASS" not in summary.stdout
    result = run_cli("validate", cwd=repo.path)
    assert result.code == 0 and result.stdout == ".gatekeeper.yml: ok, 0 rules, 0 exceptions\n"
