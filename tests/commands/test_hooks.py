"""The pre-push hook end to end: installed with the real CLI, run by a real git push."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper.commands import hooks
from tests.conftest import GIT_ENV, Repo, make_repo, run_cli

POLICY = "rules:\n  - {id: small, kind: batch-size, max_effective_lines: 20}\n"
FOREIGN = "#!/bin/sh\necho 'a hook from elsewhere'\n"


@dataclass
class Pushed:
    code: int
    output: str
    """git push's stderr, where the hook's output appears."""


@pytest.fixture
def work(tmp_path: Path) -> Repo:
    """A clone-like work repo: main pushed to a bare origin, a policy of at most 20 lines."""
    origin = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", "-b", "main", str(origin))
    work = make_repo(tmp_path / "work")
    work.write("README.md", "hi\n")
    work.commit("base")
    work.git("remote", "add", "origin", str(origin))
    work.git("push", "-q", "-u", "origin", "main")
    work.write(".git/info/exclude", ".gatekeeper.yml\n")
    work.write(".gatekeeper.yml", POLICY)
    return work


def push(work: Repo, *args: str, env: dict[str, str] | None = None) -> Pushed:
    """Pushes ``work`` to origin with ``args``, through its installed hooks."""
    result = subprocess.run(["git", "push", "origin", *args], cwd=work.path, text=True,
                            capture_output=True, env={**os.environ, **GIT_ENV, **(env or {})},
                            check=False)
    return Pushed(result.returncode, result.stderr)


def remote_sha(work: Repo, ref: str) -> str:
    """The commit ``ref`` points at on origin."""
    return work.git("ls-remote", "origin", ref).split("\t")[0]


def lines(count: int) -> str:
    """Python source of ``count`` lines."""
    return "".join(f"v{i} = {i}\n" for i in range(count))


def install(work: Repo, *args: str) -> str:
    """Runs ``gatekeeper install-hook`` in ``work``, which must succeed; its stdout."""
    result = run_cli("install-hook", *args, cwd=work.path)
    assert result.code == 0, result.stderr
    return result.stdout


def test_install_writes_an_executable_hook_it_can_recognise(work: Repo) -> None:
    out = install(work)
    hook = work.path / ".git" / "hooks" / "pre-push"
    assert out.strip() == f"installed the pre-push hook: {hook}"
    assert hook.stat().st_mode & stat.S_IXUSR
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\n") and hooks.MARKER in text.splitlines()
    assert "--ci pre-push" in text and "-m gatekeeper" in text
    assert install(work).strip() == f"updated gatekeeper's pre-push hook: {hook}"


def test_a_failing_push_is_blocked_and_says_why(work: Repo) -> None:
    install(work)
    before = remote_sha(work, "refs/heads/main")
    work.write("big.py", lines(50))
    work.commit("big")
    pushed = push(work, "main")
    assert pushed.code != 0
    assert remote_sha(work, "refs/heads/main") == before
    assert "gatekeeper: FAIL" in pushed.output and "effective lines 50 > 20" in pushed.output


def test_a_passing_push_goes_through(work: Repo) -> None:
    install(work)
    work.write("small.py", lines(5))
    head = work.commit("small")
    pushed = push(work, "main")
    assert pushed.code == 0, pushed.output
    assert "gatekeeper: PASS" in pushed.output
    assert remote_sha(work, "refs/heads/main") == head


def test_one_failing_ref_blocks_a_push_of_several(work: Repo) -> None:
    install(work)
    work.git("checkout", "-q", "-b", "fine")
    work.write("fine.py", lines(5))
    work.commit("fine")
    work.git("checkout", "-q", "-b", "huge", "main")
    work.write("huge.py", lines(60))
    work.commit("huge")
    pushed = push(work, "fine", "huge")
    assert pushed.code != 0
    assert "== refs/heads/fine ==" in pushed.output and "== refs/heads/huge ==" in pushed.output
    assert "effective lines 60 > 20" in pushed.output
    assert remote_sha(work, "refs/heads/fine") == "" and remote_sha(work, "refs/heads/huge") == ""


def test_a_new_branch_is_checked_from_where_it_leaves_main(work: Repo) -> None:
    install(work)
    work.write("main.py", lines(15))
    work.commit("on main")
    assert push(work, "main").code == 0
    work.git("checkout", "-q", "-b", "topic")
    work.write("topic.py", lines(15))  # 30 lines with main's commit, 15 without
    head = work.commit("topic")
    pushed = push(work, "-u", "topic")
    assert pushed.code == 0, pushed.output
    assert "refs/heads/topic is judged from its merge base with origin/main" in pushed.output
    assert remote_sha(work, "refs/heads/topic") == head


def test_a_deletion_and_an_up_to_date_push_pass(work: Repo) -> None:
    work.git("branch", "old")
    work.git("push", "-q", "origin", "old")
    install(work)
    pushed = push(work, "--delete", "old")
    assert pushed.code == 0, pushed.output
    assert "nothing to check (pre-push hook to origin, deleting refs/heads/old" in pushed.output
    assert remote_sha(work, "refs/heads/old") == ""
    assert push(work, "main").code == 0


def test_a_foreign_hook_is_replaced_only_with_force(work: Repo) -> None:
    hook = work.path / ".git" / "hooks" / "pre-push"
    hook.write_text(FOREIGN)
    refused = run_cli("install-hook", cwd=work.path)
    assert refused.code == 2
    assert refused.stderr.strip() == (f"gatekeeper: error: {hook} exists and was not installed "
                                      "by gatekeeper (fix: look at it first; gatekeeper "
                                      "install-hook --force replaces it)")
    assert hook.read_text() == FOREIGN
    assert install(work, "--force").strip() == (f"replaced the existing pre-push hook "
                                                f"(--force): {hook}")
    assert hooks.MARKER in hook.read_text()


def test_uninstall_removes_only_its_own_hook(work: Repo) -> None:
    hook = work.path / ".git" / "hooks" / "pre-push"
    result = run_cli("uninstall-hook", cwd=work.path)
    assert (result.code, result.stdout.strip()) == (0, f"no pre-push hook at {hook}, nothing "
                                                       "to remove")
    install(work)
    result = run_cli("uninstall-hook", cwd=work.path)
    assert result.stdout.strip() == f"removed gatekeeper's pre-push hook: {hook}"
    assert not hook.exists()
    hook.write_text(FOREIGN)
    result = run_cli("uninstall-hook", cwd=work.path)
    assert result.code == 0
    assert result.stdout.strip() == f"{hook} was not installed by gatekeeper; left it alone"
    assert hook.read_text() == FOREIGN


def test_core_hooks_path_is_where_the_hook_goes(work: Repo) -> None:
    work.git("config", "core.hooksPath", ".githooks")
    work.write(".git/info/exclude", ".gatekeeper.yml\n.githooks/\n")
    out = install(work)
    assert out.strip() == f"installed the pre-push hook: {work.path / '.githooks' / 'pre-push'}"
    assert not (work.path / ".git" / "hooks" / "pre-push").exists()
    work.write("big.py", lines(50))
    work.commit("big")
    pushed = push(work, "main")
    assert pushed.code != 0 and "effective lines 50 > 20" in pushed.output


def test_a_linked_worktree_shares_the_main_hook(work: Repo, tmp_path: Path) -> None:
    work.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    result = run_cli("install-hook", cwd=tmp_path / "side")
    assert result.code == 0, result.stderr
    assert (work.path / ".git" / "hooks" / "pre-push").is_file()


def test_a_hook_whose_python_is_gone_blocks_with_the_remedy(work: Repo,
                                                            hermetic_git: None) -> None:
    hooks.install(str(work.path), python=str(work.path / "gone" / "python"))
    work.write("small.py", lines(2))
    work.commit("small")
    pushed = push(work, "main")
    assert pushed.code != 0
    assert "gone/python is gone, so the push was not checked" in pushed.output
    assert "gatekeeper install-hook" in pushed.output and "--no-verify" in pushed.output


def test_outside_a_repository_install_fails_in_one_line(tmp_path: Path) -> None:
    result = run_cli("install-hook", cwd=tmp_path)
    assert result.code == 3 and "is not inside a git work tree" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_first_push_to_an_empty_remote_checks_the_whole_history(tmp_path: Path) -> None:
    """With none of the branch on the remote there is no base: every file counts as new."""
    origin = tmp_path / "empty.git"
    Repo(tmp_path).git("init", "-q", "--bare", "-b", "main", str(origin))
    work = make_repo(tmp_path / "fresh")
    work.git("remote", "add", "origin", str(origin))
    work.write(".git/info/exclude", ".gatekeeper.yml\n")
    work.write(".gatekeeper.yml", POLICY)
    work.write("small.py", lines(5))
    work.commit("small")
    install(work)
    allowed = push(work, "main")
    assert allowed.code == 0, allowed.output
    assert "no base" in allowed.output and "PASS" in allowed.output
    work.git("checkout", "-q", "--orphan", "other")
    work.write("big.py", lines(50))
    work.commit("big, on an unrelated history")
    blocked = push(work, "other")
    assert blocked.code != 0 and "batch-size" not in blocked.output
    assert "effective lines" in blocked.output and "Traceback" not in blocked.output
    assert remote_sha(work, "refs/heads/other") == ""


# -- a branch is judged as its pull request will be --------------------------------------------


def two_pushes(work: Repo, branch: str, size: int, *, env: dict[str, str] | None = None,
               ) -> tuple[Pushed, Pushed]:
    """Two commits of ``size`` lines each on ``branch``, each pushed on its own."""
    if branch != "main":
        work.git("checkout", "-q", "-b", branch)
    work.write(f"{branch}_one.py", lines(size))
    work.commit("first half")
    first = push(work, "-u", branch, env=env)
    work.write(f"{branch}_two.py", lines(size))
    work.commit("second half")
    return first, push(work, branch, env=env)


def test_two_small_pushes_of_a_branch_cannot_pass_a_change_too_big_for_its_pull_request(
        work: Repo) -> None:
    install(work)
    first, second = two_pushes(work, "topic", 15)  # 30 lines in all, over the limit of 20
    assert first.code == 0, first.output
    assert "refs/heads/topic is judged from its merge base with origin/main" in first.output
    assert second.code != 0, second.output
    assert "effective lines 30 > 20" in second.output
    assert "(origin/main, as origin/HEAD is not set here)" in second.output
    assert remote_sha(work, "refs/heads/topic") == work.git("rev-parse", "topic~1")


def test_the_remote_head_names_the_default_branch(work: Repo) -> None:
    work.git("push", "-q", "origin", "main:develop")
    work.git("remote", "set-head", "origin", "develop")
    work.git("checkout", "-q", "-b", "topic", "origin/develop")
    install(work)
    work.write("topic.py", lines(5))
    work.commit("topic")
    pushed = push(work, "topic")
    assert pushed.code == 0, pushed.output
    assert ("judged from its merge base with origin/develop (origin/HEAD), as a pull request "
            "into it will be") in pushed.output


def test_pushes_to_the_default_branch_are_judged_one_at_a_time(work: Repo) -> None:
    install(work)
    first, second = two_pushes(work, "main", 15)
    assert (first.code, second.code) == (0, 0), second.output
    assert "refs/heads/main on origin before the push" in second.output


@pytest.mark.parametrize("how", ["git config", "environment"])
def test_the_setting_judges_each_push_on_its_own(work: Repo, how: str) -> None:
    install(work)
    env = {"GATEKEEPER_PUSH_RANGE": "push"} if how == "environment" else None
    if how == "git config":
        work.git("config", "gatekeeper.pushRange", "push")
    first, second = two_pushes(work, "topic", 15, env=env)
    assert (first.code, second.code) == (0, 0), second.output
    assert "refs/heads/topic on origin before the push" in second.output
    assert "merge base with origin/main" not in second.output


def test_a_setting_that_is_neither_is_refused(work: Repo) -> None:
    install(work)
    work.git("config", "gatekeeper.pushRange", "sometimes")
    work.git("checkout", "-q", "-b", "topic")
    work.write("topic.py", lines(2))
    work.commit("topic")
    pushed = push(work, "topic")
    assert pushed.code != 0
    assert ("gatekeeper: error: git config gatekeeper.pushRange is 'sometimes', not one of "
            "branch, push") in pushed.output
    assert remote_sha(work, "refs/heads/topic") == ""
