"""The pre-commit framework's context, driven by the environment variables it exports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gatekeeper import context
from gatekeeper.context.model import Context, Request
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, run_cli, with_origin

ZERO = "0" * 40
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path: Path, hermetic_git: None) -> Repo:
    """main pushed to a bare origin and tracking it; a topic branch with two commits on top."""
    work, _ = with_origin(tmp_path, track=True)
    work.git("checkout", "-q", "-b", "topic")
    for name in ("a", "b"):
        work.write(f"{name}.py", f"{name} = 1\n")
        work.commit(name)
    return work


def detect(work: Repo, env: dict[str, str], ci: str | None = None, base: str | None = None,
           head: str | None = None) -> Context:
    """The context detected in ``work`` under ``env`` for ``ci``, ``base`` and ``head``."""
    repo = GitRepo.discover(str(work.path))
    try:
        return context.detect(repo, Request(base=base, head=head, ci=ci), env)
    finally:
        repo.close()


def push_env(work: Repo, **extra: str) -> dict[str, str]:
    """What pre-commit exports at the pre-push stage for an update of topic."""
    return {"PRE_COMMIT_FROM_REF": work.git("rev-parse", "main"),
            "PRE_COMMIT_TO_REF": work.head(), "PRE_COMMIT_REMOTE_NAME": "origin",
            "PRE_COMMIT_REMOTE_URL": "../origin.git",
            "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/topic",
            "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic", **extra}


def test_the_range_pre_commit_exports_is_checked(work: Repo) -> None:
    env = push_env(work)
    found = detect(work, env)  # recognised from the environment, without --ci
    assert found.kind == "pre-commit"
    assert found.description == "pre-commit framework, pushing to origin"
    [target] = found.targets
    assert (target.base, target.head) == (env["PRE_COMMIT_FROM_REF"], env["PRE_COMMIT_TO_REF"])
    assert target.base_reason == "PRE_COMMIT_FROM_REF, set by the pre-commit framework"
    assert target.name == "refs/heads/topic" and found.meta.target_branch == "topic"


def test_the_older_variable_names_still_work(work: Repo) -> None:
    main, head = work.git("rev-parse", "main"), work.head()
    found = detect(work, {"PRE_COMMIT_ORIGIN": main, "PRE_COMMIT_SOURCE": head},
                   ci="pre-commit")
    [target] = found.targets
    assert (target.base, target.head) == (main, head)
    assert target.head_reason == "PRE_COMMIT_SOURCE, set by the pre-commit framework"


@pytest.mark.parametrize("from_ref", ["", ZERO])
def test_without_a_from_ref_a_push_starts_where_it_leaves_the_remote(work: Repo,
                                                                     from_ref: str) -> None:
    env = push_env(work, PRE_COMMIT_FROM_REF=from_ref)
    if not from_ref:
        del env["PRE_COMMIT_FROM_REF"], env["PRE_COMMIT_TO_REF"]
    [target] = detect(work, env, ci="pre-commit").targets
    main = work.git("rev-parse", "main")
    assert target.base == main
    missing = "PRE_COMMIT_FROM_REF is all zeros" if from_ref else "no PRE_COMMIT_FROM_REF"
    assert target.base_reason == (f"{missing}; it leaves origin's history at {main[:12]} "
                                  "(2 new commits)")
    if not from_ref:  # no TO either, as pre-commit does for a history that starts at a root
        assert target.head == "refs/heads/topic"
        assert target.head_reason == "PRE_COMMIT_LOCAL_BRANCH (no PRE_COMMIT_TO_REF was set)"


def test_without_any_range_the_local_default_base_is_used(work: Repo) -> None:
    work.git("branch", "-q", "--set-upstream-to=origin/main")
    [target] = detect(work, {}, ci="pre-commit").targets
    assert (target.base, target.head) == ("origin/main", "HEAD")
    assert target.base_reason == "the upstream of the current branch; no PRE_COMMIT_FROM_REF"
    assert target.head_reason == "the checked-out commit (no PRE_COMMIT_TO_REF was set)"


def test_nothing_to_check_when_deleting_or_when_the_remote_has_it_all(work: Repo) -> None:
    deleting = detect(work, push_env(work, PRE_COMMIT_TO_REF=ZERO))
    assert deleting.targets == ()
    assert "PRE_COMMIT_TO_REF is all zeros: a deletion" in deleting.description
    work.git("push", "-q", "origin", "topic")
    env = push_env(work, PRE_COMMIT_FROM_REF=ZERO)
    pushed = detect(work, env)
    assert pushed.targets == ()
    assert "every commit of" in pushed.description


def test_the_command_line_wins_over_the_environment(work: Repo) -> None:
    [target] = detect(work, push_env(work), ci="pre-commit", base="HEAD~1", head="HEAD").targets
    assert (target.base, target.base_reason) == ("HEAD~1", "given with --base")
    assert (target.head, target.head_reason) == ("HEAD", "given with --head")


def test_the_check_command_in_the_pre_commit_environment(work: Repo) -> None:
    work.write(".gatekeeper.yml", "rules:\n  - {id: tiny, kind: batch-size, "
                                  "max_effective_lines: 1}\n")
    work.write(".git/info/exclude", ".gatekeeper.yml\n")
    result = run_cli("check", "--ci", "pre-commit", cwd=work.path, env=push_env(work))
    assert result.code == 1
    assert "effective lines 2 > 1" in result.stdout


def test_the_hook_manifest_runs_at_pre_push() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "gatekeeper" and hook["entry"] == "gatekeeper check --ci pre-commit"
    assert hook["stages"] == ["pre-push"] and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
