"""The spot check's draw holds against the change's author: an amend or a force push does not
draw again, two repositories draw apart, and a secret salt changes the draw and never shows."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.context import identity
from gatekeeper.facts.ai.spotcheck import draw, salt_id
from gatekeeper.reporters import FORMATS
from tests.builders import change, commit, facts_of, with_ai
from tests.conftest import GIT_ENV, Repo, make_repo, run_cli, with_origin
from tests.context.test_github import checkout, github_env, pr_payload, push_payload

POLICY = """\
version: 1
ai:
  spot_check: {percent: 50}
rules:
  - {id: size, kind: batch-size, max_effective_lines: 1000}
"""
CLAUDE = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
TRAILER = {"Co-authored-by": "Claude <noreply@anthropic.com>"}
SALT = "5f0c8e1d2b7a4c96e3f18a0d7b2c5e94a1f6d3b8c0e7a2f5d9b4c1e8a6f3d0b7"
FIXED_DATES = {"GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
               "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z"}


def feature_branch(tmp_path: Path) -> Repo:
    """A clone with main on a bare origin, the policy kept out of git, and an AI-assisted
    commit on the branch feature."""
    work, _ = with_origin(tmp_path)
    work.write(".git/info/exclude", ".gatekeeper.yml\n")
    work.write(".gatekeeper.yml", POLICY)
    work.git("checkout", "-q", "-b", "feature")
    work.write("app.py", "x = 0\n")
    work.commit("feat: app" + CLAUDE)
    return work


def spot(work: Repo, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The ai.spot_check object of ``gatekeeper check --format json`` in ``work``."""
    result = run_cli("check", "--base", "main", "--format", "json", *args, cwd=work.path,
                     env=env)
    assert result.code in (0, 1), result.stderr
    check: dict[str, Any] = json.loads(result.stdout)["ai"]["spot_check"]
    return check


def test_five_amends_of_a_commit_on_a_branch_draw_the_same(tmp_path: Path) -> None:
    work = feature_branch(tmp_path)
    base = work.git("rev-parse", "main")
    heads, draws = set(), []
    for n in range(5):
        work.write("app.py", f"x = {n + 1}\n")
        work.git("commit", "-q", "-a", "--amend", "-m", f"feat: app, take {n}" + CLAUDE)
        heads.add(work.head())
        found = spot(work)
        draws.append((found["key"], found["draw"]))
    assert len(heads) == 5
    origin = (tmp_path / "origin.git").as_posix().removesuffix(".git")
    assert set(draws) == {(f"file:{origin} branch feature from {base}", draws[0][1])}


def test_amends_pushed_with_force_through_the_pre_push_hook_draw_the_same(tmp_path: Path
                                                                         ) -> None:
    work = feature_branch(tmp_path)
    assert run_cli("install-hook", cwd=work.path).code == 0
    lines = set()
    for n in range(5):
        work.write("app.py", f"x = {n + 1}\n")
        work.git("commit", "-q", "-a", "--amend", "-m", f"feat: app, take {n}" + CLAUDE)
        pushed = subprocess.run(["git", "push", "-f", "origin", "feature"], cwd=work.path,
                                text=True, capture_output=True, check=False,
                                env={**os.environ, **GIT_ENV})
        assert pushed.returncode == 0, pushed.stderr
        [line] = [ln for ln in pushed.stderr.splitlines() if "spot check" in ln]
        lines.add(line.strip())
    [line] = lines
    assert re.search(r"branch feature from [0-9a-f]{12} in file:\S+ \(the URL of the remote "
                     r"origin\) drew [0-9.]+, (not )?below 50% \(no secret salt\)", line)


def test_amends_force_pushed_to_github_draw_the_same(tmp_path: Path) -> None:
    seed = make_repo(tmp_path / "seed")
    seed.write(".gatekeeper.yml", POLICY)
    main = seed.commit("base")
    seed.git("checkout", "-q", "-b", "feature")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", str(bare))
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    before, keys = main, set()
    for n in range(3):
        seed.write("app.py", f"x = {n}\n")
        seed.git("add", "-A")
        seed.git("commit", "-q", *(["--amend"] if n else []), "-m", f"feat: {n}" + CLAUDE)
        seed.git("push", "-q", "-f", bare.as_uri(), "main", "feature")
        after = seed.head()
        payload = push_payload("refs/heads/feature", before, after) | {"forced": n > 0}
        work = checkout(bare.as_uri(), tmp_path / f"work{n}", after, "refs/remotes/origin/feature")
        env = github_env(tmp_path, "push", payload)
        result = run_cli("check", "--format", "json", cwd=work.path, env=env)
        assert result.code in (0, 1), result.stderr
        found = json.loads(result.stdout)["ai"]["spot_check"]
        keys.add((found["key"], found["draw"]))
        before = after
    assert keys == {(f"github.com/octo/repo branch feature from {main}",
                     draw(f"github.com/octo/repo branch feature from {main}"))}


def pull_request_checkout(tmp_path: Path) -> tuple[Repo, dict[str, Any]]:
    """A depth-1 checkout of pull request #7 whose base holds the policy, and its payload."""
    seed = make_repo(tmp_path / "seed")
    seed.write(".gatekeeper.yml", POLICY)
    base = seed.commit("base")
    seed.git("checkout", "-q", "-b", "feature")
    seed.write("app.py", "x = 1\n")
    head = seed.commit("feat: app" + CLAUDE)
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    work = checkout(bare.as_uri(), tmp_path / "work", head, "refs/remotes/pull/7/head")
    return work, pr_payload(head, base)


@pytest.mark.parametrize("repository", ["octo/repo", "Other-Org/Repo"])
def test_a_pull_request_is_keyed_on_its_repository_and_number(tmp_path: Path,
                                                              repository: str) -> None:
    work, payload = pull_request_checkout(tmp_path)
    env = github_env(tmp_path, "pull_request", payload, GITHUB_REPOSITORY=repository,
                     GITHUB_SERVER_URL="https://github.com")
    result = run_cli("check", "--format", "json", cwd=work.path, env=env)
    assert result.code in (0, 1), result.stderr
    found = json.loads(result.stdout)["ai"]["spot_check"]
    key = f"github.com/{repository.lower()} PR/MR 7"
    assert (found["key"], found["draw"]) == (key, draw(key))
    assert found["keyed_on"] == f"PR/MR 7 of github.com/{repository.lower()} (GITHUB_REPOSITORY)"


def test_a_forks_merge_request_is_keyed_on_the_project_its_number_belongs_to(tmp_path: Path
                                                                          ) -> None:
    work = feature_branch(tmp_path)
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_COMMIT_SHA": work.head(), "CI_MERGE_REQUEST_IID": "7",
           "CI_MERGE_REQUEST_EVENT_TYPE": "detached", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_PROJECT_ID": "2", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "2",
           "CI_MERGE_REQUEST_PROJECT_ID": "1", "CI_PROJECT_PATH": "someone/App",
           "CI_MERGE_REQUEST_PROJECT_PATH": "Group/App", "CI_SERVER_HOST": "gitlab.example.com",
           "CI_MERGE_REQUEST_DIFF_BASE_SHA": work.git("rev-parse", "main")}
    result = run_cli("check", "--policy-source", "worktree", "--format", "json",
                     cwd=work.path, env=env)
    assert result.code in (0, 1), result.stderr
    found = json.loads(result.stdout)["ai"]["spot_check"]
    assert found["key"] == "gitlab.example.com/group/app PR/MR 7"
    assert found["keyed_on"].endswith("(CI_MERGE_REQUEST_PROJECT_PATH)")
    # Its branch pipeline in the fork is keyed on the fork and the branch.
    branch = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature",
              "CI_COMMIT_SHA": work.head(), "CI_DEFAULT_BRANCH": "main",
              "CI_PROJECT_PATH": "someone/App", "CI_SERVER_HOST": "gitlab.example.com"}
    found = spot(work, env=branch)
    assert found["key"] == ("gitlab.example.com/someone/app branch feature from "
                            + work.git("rev-parse", "main"))


def test_two_repositories_with_the_same_numbers_and_salt_draw_independently() -> None:
    def picks(repository: str) -> list[bool]:
        found = []
        for number in range(1, 201):
            facts = facts_of(change("a.py"), commits=[commit(1, trailers=TRAILER)],
                             number=number)
            meta = replace(facts.changeset.meta, repository=repository)
            facts = replace(facts, changeset=replace(facts.changeset, meta=meta))
            check = with_ai(facts, spot_check={"percent": 50, "salt": "team"}).ai
            assert check is not None and check.spot_check is not None
            found.append(check.spot_check.selected)
        return found

    first, second = picks("github.com/acme/app"), picks("github.com/acme/api")
    agree = sum(a == b for a, b in zip(first, second, strict=True))
    # Independent fair draws agree about 100 times in 200; a key without the repository
    # makes them agree 200 times.
    assert 70 < agree < 130
    assert 70 < sum(first) < 130 and 70 < sum(second) < 130


def salted_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The feature branch with fixed dates and a public remote URL, so its key is the same on
    every run and the draws compared below are known to differ."""
    for name, value in FIXED_DATES.items():
        monkeypatch.setenv(name, value)
    work = feature_branch(tmp_path)
    work.git("remote", "set-url", "origin", "https://ci:hunter2@github.com/Acme/App.git")
    return work


def test_the_secret_salt_changes_the_draw(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    work = salted_branch(tmp_path, monkeypatch)
    plain = spot(work)
    salted = spot(work, env={identity.SALT_VARIABLE: SALT})
    assert plain["key"] == salted["key"] and plain["key"].startswith(
        "github.com/acme/app branch feature from ")
    assert plain["salt_id"] is None and "(no secret salt)" in plain["reason"]
    assert plain["draw"] == draw(plain["key"])
    assert salted["draw"] == draw(salted["key"], secret=SALT.encode()) != plain["draw"]
    assert salted["salt_id"] == salt_id(SALT.encode())
    assert f"(secret salt {salted['salt_id']})" in salted["reason"]


def test_the_secret_salt_never_shows_in_any_format(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    work = salted_branch(tmp_path, monkeypatch)
    output = tmp_path / "github_output"
    for form in sorted(FORMATS):
        command = ["explain"] if form == "explain" else ["check", "--format", form]
        result = run_cli(*command, "--base", "main", cwd=work.path,
                         env={identity.SALT_VARIABLE: SALT, "GITHUB_OUTPUT": str(output)})
        assert result.code in (0, 1), result.stderr
        shown = result.stdout + result.stderr + (output.read_text() if output.exists() else "")
        for piece in (SALT, SALT[:16], SALT[-16:], "hunter2"):
            assert piece not in shown, form
        # The formats that show the spot check show it keyed with the salt's fingerprint; the
        # annotation, SARIF and Code Quality formats carry failing rules only.
        assert form in ("dotenv", "github-output", "markdown", "github", "sarif",
                        "codequality") or \
            salt_id(SALT.encode()) in result.stdout, form


def test_a_salt_too_short_to_stay_secret_is_refused_without_showing_it(tmp_path: Path) -> None:
    work = feature_branch(tmp_path)
    result = run_cli("check", "--base", "main", cwd=work.path,
                     env={identity.SALT_VARIABLE: "correct horse"})
    assert result.code == 2
    assert result.stderr.startswith("gatekeeper: error: GATEKEEPER_SPOT_CHECK_SALT is set but "
                                    "shorter than 32 characters")
    assert "openssl rand" in result.stderr and "correct horse" not in result.stderr


def test_a_detached_head_says_an_amend_draws_again(tmp_path: Path) -> None:
    work = feature_branch(tmp_path)
    work.git("checkout", "-q", "--detach")
    found = spot(work)
    assert found["key"].endswith(f"commit {work.head()}")
    assert "so an amend draws again" in found["keyed_on"]


@pytest.mark.parametrize("url", [
    "https://github.com/Acme/App.git", "https://x-access-token:secret@github.com/acme/app",
    "git@github.com:acme/app.git", "ssh://git@github.com:22/acme/app.git/",
    "http://GitHub.com:8080/acme/app"])
def test_remote_urls_name_the_repository_without_credentials(url: str) -> None:
    assert identity.normalise(url) == "github.com/acme/app"


def test_a_local_remote_keeps_its_path() -> None:
    assert identity.normalise("/srv/git/App.git") == "file:/srv/git/App"
    assert identity.normalise("file:///srv/git/App.git/") == "file:/srv/git/App"
