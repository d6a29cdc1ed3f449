"""Files the policy leans on are read from the tree the policy came from, not the change."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.errors import PolicyError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.pipeline import trust
from gatekeeper.policy.compose import compose
from gatekeeper.policy.model import ComposedPolicy
from tests.conftest import Repo, move

pytestmark = pytest.mark.usefixtures("hermetic_git")

OWNERS = ".github/CODEOWNERS"


@pytest.fixture
def three_trees(repo: Repo) -> Iterator[tuple[Repo, GitRepo, Revisions]]:
    """CODEOWNERS says @base-team at main, @head-team on the feature branch and @disk-team in
    the uncommitted work tree; the branch also renames src/old.py to src/new.py."""
    repo.write(OWNERS, "* @base-team\n")
    repo.write("src/old.py", "x = 1\n")
    repo.write("base-only.txt", "b\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(OWNERS, "* @head-team\n")
    move(repo, "src/old.py", "src/new.py")
    repo.commit("loosen the owners")
    repo.write(OWNERS, "* @disk-team\n")
    repo.write("disk-only.txt", "d\n")
    opened = GitRepo.discover(str(repo.path))
    revisions = context.resolve(opened, context.Request(base="main", head="feature"))
    yield repo, opened, revisions
    opened.close()


def test_each_tree_reads_its_own_version(three_trees: tuple[Repo, GitRepo, Revisions]) -> None:
    repo, opened, revisions = three_trees
    base = trust.in_repo(opened, revisions, "base")
    head = trust.in_repo(opened, revisions, "head")
    disk = trust.in_repo(opened, revisions, "worktree")
    assert base.read(OWNERS) == b"* @base-team\n"
    assert head.read(OWNERS) == b"* @head-team\n"
    assert disk.read(OWNERS) == b"* @disk-team\n"
    assert base.where == f"the base commit {repo.git('rev-parse', 'main')[:12]}"
    assert head.where == f"the head commit {repo.git('rev-parse', 'feature')[:12]}"
    assert disk.where == "the work tree"
    assert trust.worktree(repo.path).read(OWNERS) == b"* @disk-team\n"


def test_a_missing_file_is_none(three_trees: tuple[Repo, GitRepo, Revisions]) -> None:
    _, opened, revisions = three_trees
    base = trust.in_repo(opened, revisions, "base")
    disk = trust.in_repo(opened, revisions, "worktree")
    assert base.read("nope/CODEOWNERS") is None and disk.read("nope/CODEOWNERS") is None
    assert base.read("disk-only.txt") is None and disk.read("disk-only.txt") == b"d\n"
    assert base.read("base-only.txt") == b"b\n"
    assert disk.read("src") is None  # a folder is no file
    assert disk.read("bad\0name") is None


def test_staged_changes_read_the_work_tree(repo: Repo) -> None:
    repo.write(OWNERS, "* @committed\n")
    repo.commit("base")
    repo.write(OWNERS, "* @on-disk\n")
    opened = GitRepo.discover(str(repo.path))
    try:
        revisions = context.resolve(opened, context.Request(staged=True))
        trusted = trust.in_repo(opened, revisions, "base")
    finally:
        opened.close()
    assert (trusted.where, trusted.read(OWNERS)) == ("the work tree", b"* @on-disk\n")


def test_a_large_work_tree_file_is_read_only_so_far(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * (trust.MAX_BYTES + 10))
    assert len(trust.worktree(tmp_path).read("big") or b"") == trust.MAX_BYTES + 1


def policy_file(tmp_path: Path, text: str) -> ComposedPolicy:
    """The policy ``text``, written to a file and composed."""
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return compose(path, "policy.yml")


OWNED = """\
allow_no_rules: true  # review tiers alone
review:
  tiers:
    - {name: light}
    - {name: owned, code_owners: true}
"""


def changeset_of(opened: GitRepo, revisions: Revisions, policy: ComposedPolicy) -> ChangeSet:
    """The change set of ``revisions``, with the texts ``policy``'s flag rules want."""
    return collect.from_git(opened, revisions, texts=policy.flags.wants)


def test_code_owners_come_from_the_base(three_trees: tuple[Repo, GitRepo, Revisions],
                                        tmp_path: Path) -> None:
    _, opened, revisions = three_trees
    policy = policy_file(tmp_path, OWNED)
    changeset = changeset_of(opened, revisions, policy)
    found = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "base"), "github")
    assert set(found) == {"owners"}
    owners = found["owners"]
    assert (owners.source, owners.syntax) == (OWNERS, "github")
    assert owners.where.startswith("the base commit ")
    assert owners.summary.owners == ("@base-team",)
    # the renamed file counts under both names, as the paths condition sees it
    assert {p.path for p in owners.summary.paths} == {OWNERS, "src/new.py", "src/old.py"}
    head = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "head"), "github")
    assert head["owners"].summary.owners == ("@head-team",)


def test_nothing_is_read_that_the_policy_does_not_judge(
        three_trees: tuple[Repo, GitRepo, Revisions], tmp_path: Path) -> None:
    _, opened, revisions = three_trees
    asked: list[str] = []
    base = trust.in_repo(opened, revisions, "base")

    def read(path: str) -> bytes | None:
        asked.append(path)
        return base.read(path)

    spy = trust.Trusted(read, base.where)
    plain = policy_file(tmp_path, "rules:\n  - {id: size, kind: batch-size, max_files: 5}\n")
    assert trust.facts(plain, changeset_of(opened, revisions, plain), spy, "github") == {}
    off = policy_file(tmp_path, OWNED + "codeowners: {enabled: false}\n")
    assert trust.facts(off, changeset_of(opened, revisions, off), spy, "github") == {}
    assert asked == []


def test_a_named_codeowners_file_is_read_from_the_trusted_tree(
        three_trees: tuple[Repo, GitRepo, Revisions], tmp_path: Path) -> None:
    _, opened, revisions = three_trees
    policy = policy_file(tmp_path, OWNED + "codeowners: {file: disk-only.txt}\n")
    changeset = changeset_of(opened, revisions, policy)
    disk = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "worktree"), "local")
    assert disk["owners"].source == "disk-only.txt"


def test_a_named_codeowners_file_missing_from_the_base_is_an_error(
        three_trees: tuple[Repo, GitRepo, Revisions], tmp_path: Path) -> None:
    _, opened, revisions = three_trees
    policy = policy_file(tmp_path, OWNED + "codeowners: {file: disk-only.txt}\n")
    changeset = changeset_of(opened, revisions, policy)
    with pytest.raises(PolicyError, match=r"codeowners\.file: disk-only\.txt is not in "
                       r"the base commit"):
        trust.facts(policy, changeset, trust.in_repo(opened, revisions, "base"), "local")


FLAGS = """\
flags:
  presets: []
  patterns:
    - {name: mine, regex: 'isOn\\("(?P<key>[\\w-]+)"\\)', extensions: py}
  registry: flags.txt
rules:
  - id: size
    kind: batch-size
    max_files: 50
    unless: {flag_guarded: true}
"""


@pytest.fixture
def flagged(repo: Repo) -> Iterator[tuple[GitRepo, Revisions]]:
    """The base registry knows old-flag; the branch references new-flag and adds it to the
    registry in the same change."""
    repo.write("flags.txt", "old-flag\n")
    repo.write("src/app.py", "x = 1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("flags.txt", "old-flag\nnew-flag\n")
    repo.write("src/app.py", 'x = 1\nif isOn("new-flag"):\n    x = 2\nif isOn("old-flag"):\n'
               "    x = 3\n")
    repo.write("notes.md", 'isOn("md-flag")\n')
    repo.commit("flag it")
    opened = GitRepo.discover(str(repo.path))
    yield opened, context.resolve(opened, context.Request(base="main", head="feature"))
    opened.close()


def test_the_flag_registry_comes_from_the_base(flagged: tuple[GitRepo, Revisions],
                                               tmp_path: Path) -> None:
    opened, revisions = flagged
    policy = policy_file(tmp_path, FLAGS)
    changeset = changeset_of(opened, revisions, policy)
    assert set(changeset.texts) == {"src/app.py"}  # only files a pattern can apply to
    found = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "base"), "github")
    assert set(found) == {"flags"}
    flags = found["flags"]
    assert flags.guarded and flags.guarded_paths == ("src/app.py",)
    assert flags.registry == "flags.txt"
    assert [u.key for u in flags.unknown] == ["new-flag"]  # the change cannot vouch for it
    head = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "head"), "github")
    assert head["flags"].unknown == ()


def test_a_registry_missing_from_the_base_is_an_error(repo: Repo, tmp_path: Path) -> None:
    repo.write("src/app.py", "x = 1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("flags.txt", "new-flag\n")
    repo.write("src/app.py", 'if isOn("new-flag"):\n    x = 1\n')
    repo.commit("bring a registry along")
    policy = policy_file(tmp_path, FLAGS)
    opened = GitRepo.discover(str(repo.path))
    try:
        revisions = context.resolve(opened, context.Request(base="main", head="feature"))
        changeset = changeset_of(opened, revisions, policy)
        with pytest.raises(PolicyError, match=r"flags\.registry: flags\.txt is not in "
                           r"the base commit"):
            trust.facts(policy, changeset, trust.in_repo(opened, revisions, "base"), "github")
        head = trust.facts(policy, changeset, trust.in_repo(opened, revisions, "head"), "github")
        assert head["flags"].unknown == ()
    finally:
        opened.close()


def test_a_range_without_the_commit_asked_for_never_reads_the_change(
        three_trees: tuple[Repo, GitRepo, Revisions]) -> None:
    _, opened, revisions = three_trees
    no_base = dataclasses.replace(revisions, base_sha=None)
    with pytest.raises(PolicyError, match="no base commit to read"):
        trust.in_repo(opened, no_base, "base")
