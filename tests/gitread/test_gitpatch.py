"""git's own patch output read by section (``gitpatch``), the output read ahead of the parser
(``prefetch``), .gitattributes found with one listing, and the heads kept of changed files."""

from __future__ import annotations

import io
import os
import subprocess
import threading

import pytest

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread import blobprobe, diffparse, gitpatch, prefetch
from gatekeeper.gitread.comments import CommentBudget
from gatekeeper.gitread.gitdiff import _split_raw_section
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.patchfile import PatchFile
from tests.conftest import Repo, by_path, changeset, git_numstat, numbered

pytestmark = pytest.mark.usefixtures("hermetic_git")

DIFF_OPTIONS = ("--raw", "-z", "-p", "-M", "--no-abbrev", "--full-index", "--no-color",
                "--src-prefix=a/", "--dst-prefix=b/", "--unified=3")


def sections(repo: Repo, base: str, head: str) -> tuple[list[diffparse.RawEntry],
                                                         list[PatchFile], list[PatchFile]]:
    """git's output for ``base..head`` read both ways: the raw records, then the sections as
    ``gitpatch`` and as the general ``diffparse`` read them."""
    out = subprocess.run(["git", "diff", *DIFF_OPTIONS, base, head], cwd=repo.path,
                         capture_output=True, check=True).stdout
    raw, first = _split_raw_section(io.BufferedReader(io.BytesIO(out)))
    rest = out[out.index(first) + len(first):] if first else b""
    lines = [first, *io.BytesIO(rest)] if first else []
    entries = diffparse.parse_raw_z(raw)
    fast = list(gitpatch.git_sections(iter(lines), gitpatch.section_names(entries),
                                      comments=CommentBudget(100)))
    general = list(diffparse.parse_patch(iter(lines), comments=CommentBudget(100)))
    return entries, fast, general


def test_sections_agree_with_the_general_parser(repo: Repo) -> None:
    repo.write("edit.py", numbered(40))
    repo.write("gone.txt", numbered(5))
    repo.write("moved.txt", numbered(30))
    repo.write("pic.bin", b"\0\1\2" * 10)
    repo.write("kind", "a file\n")
    base = repo.commit("base")
    repo.write("edit.py", numbered(40).replace("line 3\n", "# line three\n")
               .replace("line 30\n", "") + "+++ not a header\n-- nor this\n")
    (repo.path / "gone.txt").unlink()
    os.rename(repo.path / "moved.txt", repo.path / "was moved.txt")
    repo.write("pic.bin", b"\0\3\2" * 10)
    repo.write("new\nline.txt", "diff --git a/x b/x\n@@ -1 +1 @@\n")
    (repo.path / "kind").unlink()
    os.symlink("edit.py", repo.path / "kind")  # a type change: two sections, one record
    head = repo.commit("change")
    entries, fast, general = sections(repo, base, head)
    assert len(fast) == len(general) == len(entries) + 1
    for mine, theirs in zip(fast, general, strict=True):
        assert (mine.added, mine.deleted, mine.binary, mine.hunks, mine.comments) == \
            (theirs.added, theirs.deleted, theirs.binary, theirs.hunks, theirs.comments)
    named = [p.header_new for p in fast]
    assert named == list(gitpatch.section_names(entries))
    assert "new\nline.txt" in named and named.count("kind") == 2
    assert any(p.binary for p in fast)


def test_a_hunk_before_any_section_is_an_error() -> None:
    with pytest.raises(DiffInputError, match="before any file section"):
        list(gitpatch.git_sections(iter([b"@@ -1 +1 @@\n", b"-a\n", b"+b\n"]), iter(())))
    with pytest.raises(DiffInputError, match="text before the first file section"):
        list(gitpatch.git_sections(iter([b"stray\n"]), iter(())))


def test_the_change_set_of_many_kinds_of_change_matches_numstat(repo: Repo) -> None:
    for i in range(30):
        repo.write(f"d{i % 4}/f{i}.txt", numbered(12, f"f{i}"))
    base = repo.commit("base")
    for i in range(0, 30, 2):
        repo.write(f"d{i % 4}/f{i}.txt", numbered(12, f"f{i}").replace("3\n", "three\n"))
    repo.write("d1/added.txt", numbered(7))
    head = repo.commit("edit")
    files = by_path(changeset(repo, base, head))
    counted, _ = git_numstat(repo, base, head)
    assert {(p, f.added, f.deleted) for p, f in files.items()} == counted


def test_prefetch_hands_over_every_byte_and_its_end() -> None:
    data = bytes(range(256)) * 5000
    reader = io.BufferedReader(prefetch.Prefetch(io.BufferedReader(io.BytesIO(data)),
                                                 chunk=1000, ahead=3000))
    assert b"".join(iter(lambda: reader.read(777), b"")) == data


def test_prefetch_stops_while_its_queue_is_full() -> None:
    source = io.BufferedReader(io.BytesIO(b"x" * 100_000))
    ahead = prefetch.Prefetch(source, chunk=10, ahead=20)
    done = threading.Event()

    def stop() -> None:
        ahead.stop()
        done.set()

    threading.Thread(target=stop, daemon=True).start()
    assert done.wait(10)  # the thread, blocked on a full queue, let go
    assert source.tell() < 100_000


def test_one_listing_finds_every_gitattributes(repo: Repo) -> None:
    repo.write(".gitattributes", "*.gen linguist-generated\n")
    repo.write("a b/.gitattributes", "*.x binary\n")
    repo.write("deep/er/.gitattributes", "*.y -diff\n")
    repo.write("deep/not.gitattributes", "x\n")
    head = repo.commit("attributes")
    git = GitRepo.discover(str(repo.path))
    try:
        found = {".gitattributes", "a b/.gitattributes", "deep/er/.gitattributes"}
        assert set(git.attribute_files(head)) == found
        assert set(git.attribute_files("")) == found  # the index
        os.environ["GIT_LITERAL_PATHSPECS"] = "1"  # magic stays on all the same
        try:
            assert set(git.attribute_files(head)) == found
        finally:
            del os.environ["GIT_LITERAL_PATHSPECS"]
    finally:
        git.close()


def test_heads_keep_only_what_the_binary_and_banner_tests_read() -> None:
    plain = blobprobe._head(b"x = 1\n" * 2000, 12_000)
    assert plain == blobprobe.Head(False, b"", 12_000)
    late_nul = blobprobe._head(b"a" * 7999 + b"\0", 9000)
    assert late_nul.nul and late_nul.header == b""
    assert not blobprobe._head(b"a" * 8000 + b"\0", 9000).nul  # past git's 8000 bytes
    banner = b"// Code generated by x. DO NOT EDIT.\n" + b"y\n" * 5000
    assert blobprobe._head(banner, len(banner)).header == banner[:blobprobe.HEADER_BYTES]


def test_new_contents_are_read_while_the_diff_streams(repo: Repo) -> None:
    repo.write("keep.txt", "same\n")
    base = repo.commit("base")
    for i in range(50):
        repo.write(f"src/m{i}.py", f"# @generated\nvalue = {i}\n" if i == 7 else f"v = {i}\n")
    head = repo.commit("add")
    result = changeset(repo, base, head)
    assert set(result.headers) == {"src/m7.py"}  # only a header that may hold a banner
    sizes = {f.path: f.size for f in result.files}
    assert sizes["src/m3.py"] == len("v = 3\n") and sizes["src/m42.py"] == len("v = 42\n")
