"""Binary or text, decided from the trusted attributes and the bytes, whatever git is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset import binaries
from gatekeeper.changeset.binaries import Decision
from gatekeeper.changeset.model import ChangeSet
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, by_path, numbered, run_cli

pytestmark = pytest.mark.usefixtures("hermetic_git")

NUL_JS = "// marker \0\n" + "".join(f"export const a{i} = {i};\n" for i in range(30))


@pytest.mark.parametrize(("path", "git_binary", "attrs", "heads", "expected"), [
    ("a.py", True, {}, [b"x = 1\n"], (Decision.TEXT, False)),  # only attributes said binary
    ("a.js", True, {}, [b"// \0\n"], (Decision.TEXT, True)),  # a NUL byte in a source file
    ("a.png", True, {}, [b"\x89PNG\0"], (Decision.KEEP, False)),
    ("a.js", True, {"diff": False}, [b"x\n"], (Decision.KEEP, False)),  # trusted -diff
    ("a.dat", False, {"diff": False}, [b"x\n"], (Decision.BINARY, False)),
    ("a.dat", True, {"diff": True}, [b"\0"], (Decision.TEXT, False)),  # trusted diff: text
    ("a.dat", False, {}, [b"\0"], (Decision.BINARY, False)),  # NUL, no text name
    ("a.py", False, {}, [b"x\n"], (Decision.KEEP, False)),
    ("Makefile", True, {}, [b"a:\n\t\0\n"], (Decision.TEXT, True)),
])
def test_decisions(path: str, git_binary: bool, attrs: dict[str, bool], heads: list[bytes],
                   expected: tuple[Decision, bool]) -> None:
    sizes = [len(h) for h in heads]
    assert binaries.decide(path, git_binary, attrs, heads, sizes) == expected


def test_a_side_past_the_limit_stays_binary() -> None:
    too_big = binaries.MAX_TEXT_BYTES + 1
    assert binaries.decide("a.py", True, {}, [b"x"], [too_big]) == (Decision.TOO_LARGE, False)


def test_text_names() -> None:
    assert binaries.has_text_name("src/App.TSX") and binaries.has_text_name("Dockerfile")
    assert binaries.has_text_name("deploy/.env")
    assert not binaries.has_text_name("logo.png") and not binaries.has_text_name(".py")


def read(repo: Repo, base: str, *, trusted: bool = True, native: bool | None = None,
         monkeypatch: pytest.MonkeyPatch | None = None) -> ChangeSet:
    """The change set from ``base`` to HEAD, attributes read from ``base`` when ``trusted``."""
    git_repo = GitRepo.discover(str(repo.path))
    try:
        if native is not None and monkeypatch is not None:
            monkeypatch.setattr(GitRepo, "reads_attributes_from_trees", lambda self: native)
        revs = context.resolve(git_repo, context.Request(base=base))
        return collect.from_git(git_repo, revs, texts=lambda path: True,
                                attributes_from=revs.base_sha if trusted else None)
    finally:
        git_repo.close()


def test_the_change_cannot_make_its_own_text_binary_or_generated(repo: Repo) -> None:
    repo.write("src/old.py", numbered(10))
    repo.write(".gitattributes", "*.png binary\n")
    base = repo.commit("base")
    repo.write(".gitattributes", "*.py -diff\n*.py linguist-generated\n")
    repo.write("src/new.py", "# flag('x')\n" + numbered(40))
    repo.write("src/old.py", numbered(12))
    repo.commit("hide")
    trusted = by_path(read(repo, base))
    assert (trusted["src/new.py"].added, trusted["src/new.py"].binary) == (41, False)
    assert (trusted["src/old.py"].added, trusted["src/old.py"].deleted) == (2, 0)
    cs = read(repo, base)
    assert cs.attributes.get("src/new.py", {}) == {}
    assert "src/new.py" in cs.texts and cs.attributes_from.startswith("the base commit")
    assert any(c.path == "src/new.py" for c in cs.comments)
    own = by_path(read(repo, base, trusted=False))  # a local run: the author's attributes
    assert own["src/new.py"].binary and own["src/new.py"].added == 0


def test_trusted_binary_stays_binary_when_the_change_says_diff(repo: Repo) -> None:
    repo.write(".gitattributes", "*.dat binary\n")
    repo.write("blob.dat", "a\n")
    base = repo.commit("base")
    repo.write(".gitattributes", "*.dat diff\n")
    repo.write("blob.dat", "# note\n" + numbered(30))
    repo.commit("unhide")
    cs = read(repo, base)
    blob = by_path(cs)["blob.dat"]
    assert (blob.binary, blob.added, blob.deleted, blob.hunks) == (True, 0, 0, ())
    assert blob.size == len("# note\n" + numbered(30))
    assert "blob.dat" not in cs.texts and not any(c.path == "blob.dat" for c in cs.comments)


def test_a_nul_byte_in_a_modified_and_renamed_module_counts_exactly(repo: Repo) -> None:
    repo.write("web/a.js", NUL_JS)
    repo.write("web/b.js", NUL_JS)
    base = repo.commit("base")
    repo.write("web/a.js", NUL_JS + "export const extra = 1;\n")
    (repo.path / "web/b.js").rename(repo.path / "web/c.js")
    repo.write("web/c.js", NUL_JS.replace("a3 = 3", "a3 = 33"))
    repo.commit("edit")
    files = by_path(read(repo, base))
    assert (files["web/a.js"].added, files["web/a.js"].deleted) == (1, 0)
    assert files["web/a.js"].forced_text and not files["web/a.js"].binary
    renamed = files["web/c.js"]
    assert (renamed.old_path, renamed.added, renamed.deleted) == ("web/b.js", 1, 1)


def test_a_module_past_the_text_limit_stays_binary_with_its_size(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    repo.write("big.js", NUL_JS)
    repo.commit("big")
    monkeypatch.setattr(binaries, "MAX_TEXT_BYTES", 100)
    big = by_path(read(repo, base))["big.js"]
    assert (big.binary, big.added, big.size, big.binary_bytes) == (True, 0, len(NUL_JS),
                                                                   len(NUL_JS))


def test_many_files_are_diffed_again_in_batches(repo: Repo,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    for i in range(5):
        repo.write(f"m{i}.js", NUL_JS)
    repo.commit("many")
    monkeypatch.setattr(collect, "REDIFF_BATCH", 2)
    files = read(repo, base).files
    assert [(f.path, f.added, f.forced_text) for f in files] == [
        (f"m{i}.js", 31, True) for i in range(5)]


def test_counts_agree_with_and_without_attr_source(repo: Repo,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(".gitattributes", "*.dat binary\n*.txt diff\n")
    repo.write("keep.txt", "a\n")
    base = repo.commit("base")
    git_repo = GitRepo.discover(str(repo.path))
    supported = git_repo.reads_attributes_from_trees()
    git_repo.close()
    repo.write(".gitattributes", "*.py -diff\n*.dat diff\n*.txt -diff\n")
    repo.write("a.py", numbered(20))
    repo.write("b.dat", numbered(5))
    repo.write("c.js", NUL_JS)
    repo.write("keep.txt", "a\0\n" + numbered(4))
    repo.commit("mixed")
    fallback = read(repo, base, native=False, monkeypatch=monkeypatch)
    rows = {(f.path, f.added, f.deleted, f.binary, f.forced_text) for f in fallback.files}
    assert rows >= {("a.py", 20, 0, False, False), ("b.dat", 0, 0, True, False),
                    ("c.js", 31, 0, False, True), ("keep.txt", 5, 1, False, False)}
    if not supported:
        pytest.skip("git before 2.41 has no --attr-source; the fallback above is what runs")
    native = read(repo, base, native=True, monkeypatch=monkeypatch)
    assert {(f.path, f.added, f.deleted, f.binary, f.forced_text) for f in native.files} == rows


def test_policy_source_base_reads_attributes_from_the_base(repo: Repo, tmp_path: Path) -> None:
    repo.write("README", "x\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write(".gitattributes", "*.py -diff\n")
    repo.write("src/big.py", numbered(450))
    repo.commit("hide")
    own = run_cli("check", "--base", "main", cwd=repo.path)
    assert own.code == 0  # the author's own attributes on the author's machine
    trusted = run_cli("check", "--base", "main", "--policy-source", "base", cwd=repo.path)
    assert trusted.code == 1 and "451" in trusted.stdout, trusted.stdout + trusted.stderr
