"""Where the policy is read from: the base commit, the head commit or the work tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.errors import EXIT_USAGE
from tests.conftest import GIT_ENV, Repo, make_repo, run_cli

STRICT = "rules:\n  - {id: size, kind: batch-size, max_effective_lines: 5}\n"
LOOSE = "rules:\n  - {id: size, kind: batch-size, max_effective_lines: 5000}\n"


def weakening_branch(repo: Repo) -> None:
    """main has a strict policy; the feature branch adds code and loosens the policy."""
    repo.write(".gatekeeper.yml", STRICT)
    repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", "".join(f"x{i} = {i}\n" for i in range(40)))
    repo.write(".gatekeeper.yml", LOOSE)
    repo.commit("feat: app, and a looser policy")


def check(repo: Repo, *args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON report of ``gatekeeper check`` against main with ``args``."""
    result = run_cli("check", "--base", "main", "--format", "json", *args, cwd=repo.path)
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def test_policy_from_the_base_cannot_be_loosened_by_the_change(repo: Repo) -> None:
    weakening_branch(repo)
    code, report = check(repo, "--policy-source", "base")
    assert code == 1
    policy = report["policy"]
    assert isinstance(policy, dict) and "from the base commit" in str(policy["description"])
    code, report = check(repo, "--policy-source", "head")
    assert code == 0 and "from the head commit" in str(report["policy"]["description"])
    code, report = check(repo)  # a local run reads the work tree
    assert code == 0 and "from the work tree" in str(report["policy"]["description"])


def test_the_change_records_that_it_touches_the_policy(repo: Repo) -> None:
    weakening_branch(repo)
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.write(".gitattributes", "*.pb.go linguist-generated\n")
    repo.commit("ci")
    _, report = check(repo, "--policy-source", "base")
    touches = report["changeset"]["touches"]
    assert touches == {"policy": True, "gitattributes": True, "codeowners": False,
                       "ci-config": True}


def test_extends_are_read_from_the_same_commit(repo: Repo) -> None:
    repo.write("policy/base.yml", STRICT)
    repo.write(".gatekeeper.yml", "extends: [policy/base.yml]\n")
    repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("policy/base.yml", LOOSE)  # weakening the inherited file is caught too
    repo.write("src/app.py", "".join(f"x{i} = {i}\n" for i in range(40)))
    repo.commit("feat")
    code, report = check(repo, "--policy-source", "base")
    assert code == 1 and report["policy"]["files"] == ["policy/base.yml", ".gatekeeper.yml"]
    files = {f["path"]: f["classification"] for f in report["changeset"]["files"]}
    assert "policy" in files["policy/base.yml"]  # a file the policy extends is a policy file


def test_no_policy_at_the_base_falls_back_to_the_default_and_says_so(repo: Repo) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("init")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(".gatekeeper.yml", LOOSE)
    repo.commit("add a policy")
    _, report = check(repo, "--policy-source", "base")
    assert "built-in default policy (no .gatekeeper.yml in the base commit" in str(
        report["policy"]["description"])


def test_a_commit_tree_has_no_outside(repo: Repo, tmp_path: Path) -> None:
    repo.write(".gatekeeper.yml", "extends: [../../etc/policy.yml]\n")
    repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("a.py", "x = 1\n")
    repo.commit("feat")
    result = run_cli("check", "--base", "main", "--policy-source", "base", cwd=repo.path)
    assert result.code == 2
    assert result.stderr.startswith(".gatekeeper.yml:1:11: extends: cannot find")
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(STRICT)
    result = run_cli("check", "--base", "main", "--policy-source", "base", "--policy",
                     str(outside), cwd=repo.path)
    assert result.code == 2 and "must be inside the repository" in result.stderr


def test_policy_source_needs_a_repository_for_commits(tmp_path: Path) -> None:
    diff = tmp_path / "x.diff"
    diff.write_text("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    result = run_cli("check", "--diff-file", str(diff), "--policy-source", "base",
                     cwd=tmp_path)
    assert result.code == 2 and "--policy-source worktree" in result.stderr


def test_a_pull_request_is_judged_by_the_base_policy_by_default(tmp_path: Path) -> None:
    """In GitHub Actions, a PR that loosens .gatekeeper.yml still meets the target's policy."""
    from tests.context.test_github import checkout, github_env, pr_payload

    seed = Repo(tmp_path / "seed")
    seed.path.mkdir()
    seed.git("init", "-q", "-b", "main")
    weakening_branch(seed)
    head, base = seed.head(), seed.git("rev-parse", "main")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    work = checkout(bare.as_uri(), tmp_path / "work", head, "refs/remotes/pull/7/head")
    env = github_env(tmp_path, "pull_request", pr_payload(head, base))
    result = run_cli("check", "--format", "json", cwd=work.path, env=env)
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["policy"]["description"].startswith("policy .gatekeeper.yml from the base")
    assert report["changeset"]["touches"]["policy"] is True
    loosened = run_cli("check", "--policy-source", "head", "--format", "json", cwd=work.path,
                       env=env)
    assert loosened.code == 0, loosened.stderr


# -- a policy file that is there but cannot be read ------------------------------------------

NOBODY = "65534"


def _as_other_user(folder: Path) -> list[str] | None:
    """The command prefix that runs gatekeeper as a user who cannot read a mode-000 file: the
    current one, or for root (who reads anything) nobody through setpriv; None if neither."""
    if os.geteuid() != 0:
        return [sys.executable, "-m", "gatekeeper"]
    if shutil.which("setpriv") is None:
        return None
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
              sys.executable, "-m", "gatekeeper"]
    probe = subprocess.run([*prefix, "--version"], cwd=folder, capture_output=True)
    return prefix if probe.returncode == 0 else None


def test_a_policy_that_cannot_be_read_says_permission_denied() -> None:
    folder = Path(tempfile.mkdtemp())  # not pytest's tmp_path, which only its owner may enter
    try:
        folder.chmod(0o755)
        repo = make_repo(folder / "repo")
        repo.write(".gatekeeper.yml", STRICT)
        repo.write("strict.yml", STRICT)
        repo.write("extends.yml", "extends: [strict.yml]\n")
        repo.commit("policies")
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(folder)], check=True)
        prefix = _as_other_user(folder)
        if prefix is None:
            pytest.skip("no way to run as a user that a mode-000 file keeps out")
        for name in (".gatekeeper.yml", "strict.yml"):
            (repo.path / name).chmod(0)
        env = {**os.environ, **GIT_ENV, "HOME": str(folder)}
        runs = {"strict.yml": ("validate", "strict.yml"),
                ".gatekeeper.yml": ("check", "--base", "HEAD")}
        for shown, args in [*runs.items(), ("strict.yml", ("validate", "extends.yml"))]:
            result = subprocess.run([*prefix, *args], cwd=repo.path, env=env,
                                    capture_output=True, text=True)
            assert result.returncode == EXIT_USAGE, result.stderr
            assert result.stderr == (f"{shown}: cannot read policy: Permission denied (fix: "
                                     "give the user gatekeeper runs as read access to it)\n")
    finally:
        shutil.rmtree(folder)
