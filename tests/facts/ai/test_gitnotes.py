"""Reading notes on refs/notes/ai and blaming added lines, on real repositories."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gatekeeper.changeset.model import MAX_NOTE_BYTES, NOTES_REF, ChangeSet, LineOrigin
from gatekeeper.facts.ai import gitnotes
from gatekeeper.facts.ai.blame import parse_porcelain
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, changeset, make_repo, numbered

pytestmark = pytest.mark.usefixtures("hermetic_git")

CURSOR = "0123456789abcdef"
CLAUDE = "fedcba9876543210"
AGENTS = {CURSOR: ("cursor", "m-large"), CLAUDE: ("claude", "m-small")}


def authorship(files: dict[str, dict[str, str]],
               agents: dict[str, tuple[str, str]] | None = None, padding: int = 0) -> str:
    """A Git AI authorship log (v3.0.0): for each path, each session's line ranges
    (``padding``: that many more bytes in the metadata)."""
    lines = []
    for path, sessions in files.items():
        lines.append(f'"{path}"' if any(ch.isspace() for ch in path) else path)
        lines += [f"  {session} {ranges}" for session, ranges in sessions.items()]
    prompts = {session: {"agent_id": {"tool": tool, "id": f"s-{session[:4]}", "model": model},
                         "human_author": "Ada Author <ada@example.com>", "messages": [],
                         "total_additions": 0, "total_deletions": 0, "accepted_lines": 0,
                         "overriden_lines": 0}
               for session, (tool, model) in (AGENTS if agents is None else agents).items()}
    meta = {"schema_version": "authorship/3.0.0", "git_ai_version": "1.0.0",
            "base_commit_sha": "0" * 40, "prompts": prompts}
    if padding:
        meta["padding"] = "x" * padding
    return "\n".join(lines) + "\n---\n" + json.dumps(meta, indent=2) + "\n"


def add_note(repo: Repo, commit: str, text: str | bytes) -> None:
    """Attach ``text`` to ``commit`` on refs/notes/ai, as Git AI does."""
    note = repo.path.parent / f"note-{commit[:12]}.txt"
    if isinstance(text, bytes):
        note.write_bytes(text)
    else:
        note.write_text(text, encoding="utf-8")
    repo.git("notes", "--ref=ai", "add", "-f", "-F", str(note), commit)


def show_note(repo: Repo, commit: str) -> bytes:
    """The raw refs/notes/ai note on ``commit``, as git stores it."""
    return repo.git("notes", "--ref=ai", "show", commit).encode("utf-8") + b"\n"


def with_git(repo: Repo) -> GitRepo:
    """``repo`` opened for gatekeeper's git reader."""
    return GitRepo.discover(str(repo.path))


# -- reading notes -----------------------------------------------------------------------------


def test_notes_of_the_wanted_commits_are_read_in_one_pass(repo: Repo) -> None:
    commits = []
    for i in range(4):
        repo.write("a.txt", f"{i}\n")
        commits.append(repo.commit(f"c{i}"))
    add_note(repo, commits[0], authorship({"a.txt": {CURSOR: "1"}}))
    add_note(repo, commits[1], "same text\n")
    add_note(repo, commits[2], "same text\n")  # one blob, two commits
    add_note(repo, commits[3], "not wanted\n")
    repo.git("notes", "add", "-m", "a note on the default ref", commits[1])
    git = with_git(repo)
    notes, too_big = git.read_notes(NOTES_REF, commits[:3], MAX_NOTE_BYTES)
    assert notes == {commits[0]: show_note(repo, commits[0]), commits[1]: b"same text\n",
                     commits[2]: b"same text\n"}
    assert too_big == {}
    assert notes[commits[0]].startswith(b"a.txt\n  0123456789abcdef 1\n---\n")


def test_no_notes_ref_means_no_notes(repo: Repo) -> None:
    repo.write("a.txt", "1\n")
    sha = repo.commit()
    assert with_git(repo).read_notes(NOTES_REF, [sha], MAX_NOTE_BYTES) == ({}, {})


def test_a_note_over_the_limit_is_measured_not_read(repo: Repo) -> None:
    repo.write("a.txt", "1\n")
    small, big = repo.commit("small"), repo.commit("big")
    add_note(repo, small, "x" * 99 + "\n")
    add_note(repo, big, "y" * 100 + "\n")
    notes, too_big = with_git(repo).read_notes(NOTES_REF, [small, big], 100)
    assert notes == {small: b"x" * 99 + b"\n"} and too_big == {big: 101}


# -- blame -------------------------------------------------------------------------------------


def test_blame_gives_commit_path_and_line_of_each_line(repo: Repo) -> None:
    repo.write("keep.txt", "base\n")
    base = repo.commit("base")
    odd = 'we\tird "name".txt'
    repo.write(odd, b"one\r\ntwo\r\n\tthree\r\nfour\n")
    first = repo.commit("crlf lines, a tab at the start of one")
    repo.write(odd, b"one\r\nTWO\r\n\tthree\r\nfour\nfive\n")
    second = repo.commit("edit")
    git = with_git(repo)
    assert list(parse_porcelain(git.blame(second, odd, [(1, 5)], base))) == [
        LineOrigin(1, first, odd, 1), LineOrigin(2, second, odd, 2),
        LineOrigin(3, first, odd, 3), LineOrigin(4, first, odd, 4),
        LineOrigin(5, second, odd, 5)]
    # only the lines asked for, even with ranges out of order and overlapping
    assert [o.line for o in parse_porcelain(git.blame(second, odd, [(5, 5), (1, 2), (2, 2)],
                                                     base))] == [1, 2, 5]


def test_blame_follows_a_rename_and_leaves_out_lines_older_than_the_base(repo: Repo) -> None:
    repo.write("src/old name.py", numbered(3))
    base = repo.commit("base")
    repo.write("src/old name.py", numbered(3) + "added 4\nadded 5\n")
    added = repo.commit("add two lines")
    (repo.path / "lib").mkdir()
    (repo.path / "src/old name.py").rename(repo.path / "lib/nëw name.py")
    repo.write("lib/nëw name.py", numbered(3) + "added 4\nadded 5\nadded 6\n")
    moved = repo.commit("rename and add a line")
    git = with_git(repo)
    assert list(parse_porcelain(git.blame(moved, "lib/nëw name.py", [(1, 6)], base))) == [
        LineOrigin(4, added, "src/old name.py", 4), LineOrigin(5, added, "src/old name.py", 5),
        LineOrigin(6, moved, "lib/nëw name.py", 6)]
    # without a base the whole history counts, the root commit included
    assert list(parse_porcelain(git.blame(moved, "lib/nëw name.py", [(1, 1)]))) == [
        LineOrigin(1, base, "src/old name.py", 1)]


def test_a_commit_seen_again_keeps_its_path(repo: Repo) -> None:
    # git prints a commit's filename only the first time it appears in the output.
    repo.write("seed.txt", "x\n")
    base = repo.commit("base")
    repo.write("f.txt", "a\nb\nc\n")
    first = repo.commit("three lines")
    repo.write("f.txt", "a\nB\nc\n")
    second = repo.commit("middle line")
    origins = list(parse_porcelain(with_git(repo).blame(second, "f.txt", [(1, 3)], base)))
    assert origins == [LineOrigin(1, first, "f.txt", 1), LineOrigin(2, second, "f.txt", 2),
                       LineOrigin(3, first, "f.txt", 3)]


# -- collect -----------------------------------------------------------------------------------


def collected(repo: Repo, base: str) -> ChangeSet:
    """The change set from ``base`` to HEAD with its AI notes collected."""
    git = with_git(repo)
    try:
        return gitnotes.collect(git, changeset(repo, base))
    finally:
        git.close()


def test_collect_reads_notes_and_traces_only_text_files_at_the_head(repo: Repo,
                                                                   tmp_path: Path) -> None:
    repo.write("gone.txt", "bye\n")
    repo.write("link-target.txt", "t\n")
    base = repo.commit("base")
    sub = make_repo(tmp_path / "sub")
    sub.write("s.txt", "s\n")
    sub_head = sub.commit("sub")
    repo.write("text.txt", "one\ntwo\n")
    repo.write("blob.bin", b"\0\1\2")
    (repo.path / "gone.txt").unlink()
    os.symlink("link-target.txt", repo.path / "link")
    repo.git("add", "-A")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sub_head},module")
    noted = repo.commit("everything at once", all=False)
    repo.write("text.txt", "one\ntwo\nthree\n")
    repo.git("add", "text.txt")
    plain = repo.commit("no note", all=False)
    add_note(repo, noted, authorship({"text.txt": {CURSOR: "1-2"}}))
    result = collected(repo, base)
    assert result.notes == {noted: show_note(repo, noted)}
    assert result.origins == {"text.txt": (LineOrigin(1, noted, "text.txt", 1),
                                           LineOrigin(2, noted, "text.txt", 2),
                                           LineOrigin(3, plain, "text.txt", 3))}
    assert {f.path for f in result.files} == {"text.txt", "blob.bin", "gone.txt", "link",
                                             "module"}


def test_many_scattered_lines_are_traced_with_one_range(repo: Repo) -> None:
    count = gitnotes.MAX_RANGES + 1
    repo.write("many.txt", numbered(2 * count + 1))
    base = repo.commit("base")
    lines = numbered(2 * count + 1).splitlines(keepends=True)
    lines[1::2] = [f"changed {n}\n" for n in range(count)]  # every even line at the head
    repo.write("many.txt", "".join(lines))
    changed = repo.commit("scattered edits")
    add_note(repo, changed, authorship({"many.txt": {CURSOR: "2"}}))
    origins = collected(repo, base).origins["many.txt"]
    assert origins == tuple(LineOrigin(n, changed, "many.txt", n)
                            for n in range(2, 2 * count + 1, 2))


def test_collect_without_notes_changes_nothing(repo: Repo) -> None:
    repo.write("a.txt", "1\n")
    base = repo.commit("base")
    repo.write("a.txt", "1\n2\n")
    repo.commit("more")
    repo.git("notes", "add", "-m", "on the default notes ref, not refs/notes/ai", "HEAD")
    plain = changeset(repo, base)
    assert collected(repo, base) == plain and plain.notes == {} and plain.origins == {}


def test_staged_changes_and_diff_files_have_no_commits_to_read(repo: Repo,
                                                               tmp_path: Path) -> None:
    repo.write("a.txt", "1\n")
    head = repo.commit("base")
    add_note(repo, head, authorship({"a.txt": {CURSOR: "1"}}))
    repo.write("a.txt", "1\n2\n")
    repo.git("add", "a.txt")
    patch = tmp_path / "change.diff"
    patch.write_text(repo.git("diff", "--cached") + "\n", encoding="utf-8")
    git = with_git(repo)
    try:
        staged = changeset(repo, staged=True)
        assert gitnotes.collect(git, staged) is staged
        from_file = collect.from_diff_file(str(patch))
        assert gitnotes.collect(git, from_file) is from_file
    finally:
        git.close()


def test_an_oversize_note_is_kept_as_its_size(repo: Repo) -> None:
    repo.write("a.txt", "1\n")
    base = repo.commit("base")
    repo.write("a.txt", "1\n2\n")
    big = repo.commit("big note")
    add_note(repo, big, "a.txt\n  0123456789abcdef 2\n---\n" + " " * MAX_NOTE_BYTES + "{}\n")
    size = int(repo.git("cat-file", "-s", f"{NOTES_REF}:{big}"))
    result = collected(repo, base)
    assert size > MAX_NOTE_BYTES and result.unread_notes == {big: size}
    assert result.notes == {}
    assert set(result.origins) == {"a.txt"}  # traced all the same: another note may need it
