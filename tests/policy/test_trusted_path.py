"""--policy is a path in the trusted tree: read from the base commit, never through the work tree.

A pull request controls its work tree, symlinks included; the path named with --policy is
folded lexically against the repository root, and symlinks are followed only as the base
commit records them, a bounded number of hops.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gatekeeper.errors import PolicyError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.policy import sources
from gatekeeper.policy.sources import TreeSource
from tests.conftest import Repo, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload

STRICT = "rules:\n  - {id: size, kind: batch-size, max_effective_lines: 5}\n"
BIG = "".join(f"x{i} = {i}\n" for i in range(300))


def base_with_policy(repo: Repo, policy_at: str = "ci/gatekeeper.yml") -> None:
    """main: a strict policy at ``policy_at`` and an empty package file."""
    repo.write(policy_at, STRICT)
    repo.write("src/pkg/__init__.py", "")
    repo.commit("base")


def symlink(repo: Repo, name: str, target: str) -> None:
    """Makes ``name`` a symbolic link to ``target``, replacing what was there."""
    path = repo.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    os.symlink(target, path)


def pull_request(tmp_path: Path, seed: Repo) -> tuple[Repo, dict[str, str]]:
    """The seed's feature branch as a pull request into main, checked out at depth 1 from a
    bare origin, with the variables GitHub Actions sets."""
    head, base = seed.head(), seed.git("rev-parse", "main")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    work = checkout(bare.as_uri(), tmp_path / "work", head, "refs/remotes/pull/7/head")
    return work, github_env(tmp_path, "pull_request", pr_payload(head, base))


def test_a_policy_path_made_a_symlink_by_the_change_reads_the_base_file(tmp_path: Path) -> None:
    """The change points ci/gatekeeper.yml at an empty file the base has; the base's policy
    at that path still judges it (the old code read the empty file: PASS - 0 rules)."""
    seed = make_repo(tmp_path / "seed")
    base_with_policy(seed)
    seed.git("checkout", "-q", "-b", "feature")
    seed.write("src/app.py", BIG)
    symlink(seed, "ci/gatekeeper.yml", "../src/pkg/__init__.py")
    seed.commit("feat: app; the policy now points at an empty file")
    work, env = pull_request(tmp_path, seed)
    assert (work.path / "ci/gatekeeper.yml").is_symlink()
    result = run_cli("check", "--policy", "ci/gatekeeper.yml", cwd=work.path, env=env)
    assert result.code == 1, result.stdout + result.stderr
    assert result.stdout.startswith("gatekeeper: FAIL - 1 of 1 rules failed")
    assert "policy ci/gatekeeper.yml from the base commit" in result.stdout


def test_a_folder_made_a_symlink_by_the_change_is_not_followed(repo: Repo) -> None:
    """ci/ becomes a link to a folder whose gatekeeper.yml says nothing; the base's
    ci/gatekeeper.yml is read all the same."""
    base_with_policy(repo)
    repo.write("src/pkg/gatekeeper.yml", "# nothing\n")
    repo.commit("an empty decoy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", BIG)
    (repo.path / "ci/gatekeeper.yml").unlink()
    (repo.path / "ci").rmdir()
    symlink(repo, "ci", "src/pkg")
    repo.commit("feat")
    result = run_cli("check", "--base", "main", "--policy-source", "base", "--policy",
                     "ci/gatekeeper.yml", cwd=repo.path)
    assert result.code == 1, result.stdout + result.stderr
    assert "policy ci/gatekeeper.yml from the base commit" in result.stdout


def test_dot_dot_is_folded_as_written_and_may_not_leave_the_repository(repo: Repo) -> None:
    base_with_policy(repo)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", BIG)
    symlink(repo, "up", "src/pkg")  # up/.. is src/ on disk, but the root lexically
    repo.commit("feat")
    folded = run_cli("check", "--base", "main", "--policy-source", "base", "--policy",
                     "up/../ci/gatekeeper.yml", cwd=repo.path)
    assert folded.code == 1, folded.stdout + folded.stderr
    assert "policy ci/gatekeeper.yml from the base commit" in folded.stdout
    outside = run_cli("check", "--base", "main", "--policy-source", "base", "--policy",
                      "ci/../../gatekeeper.yml", cwd=repo.path)
    assert outside.code == 2
    assert outside.stderr.splitlines() == [
        "ci/../../gatekeeper.yml: a policy read from a commit must be inside the repository "
        "(fix: name a file under the repository root, or use --policy-source worktree)"]


def test_a_symlink_the_base_commit_records_is_followed_in_that_commit(repo: Repo) -> None:
    repo.write("policies/team.yml", STRICT)
    symlink(repo, "ci/gatekeeper.yml", "../policies/team.yml")
    repo.write("src/pkg/__init__.py", "")
    repo.commit("base: the policy path is a link to the team's policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", BIG)
    symlink(repo, "ci/gatekeeper.yml", "../src/pkg/__init__.py")  # re-pointed by the change
    repo.write("policies/team.yml", "rules:\n  - {id: size, kind: batch-size}\n")
    repo.commit("feat")
    result = run_cli("check", "--base", "main", "--policy-source", "base", "--policy",
                     "ci/gatekeeper.yml", "--format", "json", cwd=repo.path)
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["results"][0]["checks"][0]["limit"] == 5


def tree_of(repo: Repo) -> TreeSource:
    """The policy source of ``repo``'s HEAD tree."""
    git = GitRepo.discover(str(repo.path))
    return TreeSource("base", repo.head(), git.read_blob, git.entry_mode)


def test_links_in_a_commit_resolve_within_it(repo: Repo, hermetic_git: None) -> None:
    repo.write("policies/team.yml", STRICT)
    symlink(repo, "a.yml", "policies/team.yml")
    symlink(repo, "b.yml", "a.yml")
    symlink(repo, "dir", "policies")
    symlink(repo, "nested/c.yml", "../dir/../dir/team.yml")
    symlink(repo, "folder.yml", "policies")
    repo.commit("links")
    tree = tree_of(repo)
    assert tree.resolve("policies/team.yml") == "policies/team.yml"
    assert tree.read("b.yml") == STRICT.encode()
    assert tree.resolve("dir/team.yml") == "policies/team.yml"
    assert tree.resolve("nested/c.yml") == "policies/team.yml"
    assert tree.resolve("missing.yml") is None
    assert tree.resolve("folder.yml") is None  # a folder is not a policy file


@pytest.mark.parametrize(("links", "problem"), [
    ({"p.yml": "../outside.yml"}, "leads out of the repository"),
    ({"p.yml": "/etc/hostname"}, "leads out of the repository"),
    ({"p.yml": "q.yml", "q.yml": "p.yml"}, f"more than {sources.MAX_LINKS} symlinks"),
    ({"p.yml": "gone.yml"}, "leads to gone.yml, which the commit lacks"),
])
def test_a_link_that_leaves_loops_or_dangles_is_an_error(
        repo: Repo, hermetic_git: None, links: dict[str, str], problem: str) -> None:
    repo.write("README.md", "hi\n")
    for name, target in links.items():
        symlink(repo, name, target)
    repo.commit("links")
    with pytest.raises(PolicyError) as info:
        tree_of(repo).read("p.yml")
    assert problem in info.value.message and info.value.file == "p.yml"
    assert "a symlink in the base commit" in info.value.message


def test_a_chain_of_links_is_followed_only_so_far(repo: Repo, hermetic_git: None) -> None:
    repo.write("policy.yml", STRICT)
    previous = "policy.yml"
    for hop in range(sources.MAX_LINKS + 1):
        symlink(repo, f"l{hop}.yml", previous)
        previous = f"l{hop}.yml"
    repo.commit("a long chain")
    tree = tree_of(repo)
    assert tree.read(f"l{sources.MAX_LINKS - 1}.yml") == STRICT.encode()
    with pytest.raises(PolicyError):
        tree.read(f"l{sources.MAX_LINKS}.yml")


def test_extends_through_a_symlink_reads_the_base_tree(repo: Repo) -> None:
    repo.write("shared/base.yml", STRICT)
    symlink(repo, "ci/base.yml", "../shared/base.yml")
    repo.write(".gatekeeper.yml", "extends: [ci/base.yml]\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", BIG)
    symlink(repo, "ci/base.yml", "../README.md")
    repo.write("README.md", "rules:\n  - {id: size, kind: batch-size}\n")
    repo.commit("feat")
    result = run_cli("check", "--base", "main", "--policy-source", "base", cwd=repo.path)
    assert result.code == 1, result.stdout + result.stderr
