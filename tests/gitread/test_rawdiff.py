"""git's raw diff records and path quoting, read by gatekeeper.gitread.rawdiff directly."""

from __future__ import annotations

import os
import subprocess

import pytest

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread import diffparse, rawdiff
from tests.conftest import GIT_ENV, Repo, move, numbered

pytestmark = pytest.mark.usefixtures("hermetic_git")


def raw_z(repo: Repo, *args: str) -> bytes:
    """The output of ``git diff --raw -z`` with ``args`` in ``repo``."""
    return subprocess.run(["git", "diff", "--raw", "-z", "--no-abbrev", *args], cwd=repo.path,
                          capture_output=True, check=True, env={**os.environ, **GIT_ENV}).stdout


def test_octal_escapes_become_utf8_and_c_escapes_their_bytes() -> None:
    assert rawdiff.unquote('"d\\303\\257r/f\\303\\274.txt"') == "dïr/fü.txt"
    assert rawdiff.unquote('"\\346\\227\\245"') == "日"
    assert rawdiff.unquote('"a\\tb\\nc\\"d\\\\e"') == 'a\tb\nc"d\\e'
    assert rawdiff.unquote('"\\a\\b\\v\\f\\r"') == "\a\b\v\f\r"
    assert rawdiff.unquote('"\\377x"') == "\ufffdx"  # a byte that is not UTF-8 on its own
    assert rawdiff.unquote('"\\12"') == "12"  # two digits are no octal escape: the digits stay
    assert rawdiff.unquote("plain name.txt") == "plain name.txt"


def test_quoted_names_git_prints_come_back_unquoted(repo: Repo) -> None:
    names = ["dïr/fü.txt", "tab\there.txt", 'quo"te.txt', "日本.md"]
    for name in names:
        repo.write(name, "x\n")
    repo.git("add", "-A")
    quoted = repo.git("-c", "core.quotePath=true", "diff", "--cached", "--name-only",
                      "4b825dc642cb6eb9a060e54bf8d69288fbee4904").split("\n")
    assert all(q.startswith('"') for q in quoted)
    assert sorted(rawdiff.unquote(q) for q in quoted) == sorted(names)


def test_rename_and_copy_records_carry_both_paths_and_the_score(repo: Repo) -> None:
    repo.write("src/a.txt", numbered(30))
    repo.write("keep.txt", numbered(30, "k"))
    base = repo.commit("base")
    move(repo, "src/a.txt", "dst/ä b.txt")
    repo.write("dst/ä b.txt", numbered(30).replace("line 3\n", "three\n"))
    repo.write("copy.txt", numbered(30, "k"))
    head = repo.commit("head")
    entries = rawdiff.parse_raw_z(raw_z(repo, "-M", "-C", "--find-copies-harder", base, head))
    by_dst = {e.dst: e for e in entries}
    assert set(by_dst) == {"dst/ä b.txt", "copy.txt"}
    moved = by_dst["dst/ä b.txt"]
    assert (moved.status, moved.src, moved.old_mode, moved.new_mode) == (
        "R", "src/a.txt", "100644", "100644")
    assert moved.score is not None and 80 <= moved.score < 100
    assert moved.new_blob == repo.git("rev-parse", f"{head}:dst/ä b.txt")
    copied = by_dst["copy.txt"]
    assert (copied.status, copied.src, copied.score) == ("C", "keep.txt", 100)
    assert diffparse.parse_raw_z is rawdiff.parse_raw_z  # still offered where it was


def test_names_are_decoded_leniently() -> None:
    record = b":100644 100644 " + b"a" * 40 + b" " + b"b" * 40 + b" M\0caf\xe9.txt\0"
    (entry,) = rawdiff.parse_raw_z(record)
    assert entry.src == entry.dst == rawdiff.decode_path(b"caf\xe9.txt") == "caf\ufffd.txt"


@pytest.mark.parametrize(("data", "message"), [
    (b"M\0a.txt\0", "unexpected raw diff record"),
    (b":100644 100644 abc M\0a.txt\0", "malformed raw diff record"),
    (b":100644 100644 abc def MX\0a.txt\0", "malformed raw diff record"),
    (b":100644 100644 abc def \0a.txt\0", "malformed raw diff record"),
    (b":100644 100644 abc def R090\0only-one", "without its paths"),
    (b":100644 100644 abc def M", "without its paths"),
])
def test_malformed_records_raise_our_error(data: bytes, message: str) -> None:
    with pytest.raises(DiffInputError, match=message):
        rawdiff.parse_raw_z(data)


@pytest.mark.parametrize("data", [
    b":100644 100644 abc def M\0",
    b":100644 100644 abc def R090\0only-one\0",
])
def test_a_record_cut_before_its_paths_end_is_an_error(data: bytes) -> None:
    with pytest.raises(DiffInputError, match="without its paths"):
        rawdiff.parse_raw_z(data)
