"""AI lines at the head from Git AI notes, traced through later edits and renames."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper.changeset.model import (
    MAX_NOTE_BYTES,
    ChangeSet,
    Commit,
    FileChange,
    FileStatus,
    Hunk,
    LineOrigin,
    Revisions,
)
from gatekeeper.errors import LocatedError
from gatekeeper.facts.ai import gitnotes
from gatekeeper.facts.ai.attribute import NoteFacts, NoteFile, attribute
from gatekeeper.facts.ai.detect import TEXT_LIMIT, Evidence, Strength
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import GIT_ENV, Repo, changeset, make_repo, move
from tests.facts.ai.test_gitnotes import CLAUDE, CURSOR, add_note, authorship

pytestmark = pytest.mark.usefixtures("hermetic_git")

STRANGER = "aaaaaaaaaaaaaaaa"
"""A session the metadata does not describe."""
CALC = "lib/calc tool.py"
README = "docs/read me.md"


@dataclass(frozen=True)
class History:
    """A feature branch with notes: see make_history for what each commit does."""

    repo: Repo
    base: str
    wrote_calc: str
    wrote_readme: str
    rewrote: str
    renamed: str
    oversize: str
    wrote_scratch: str
    dropped_scratch: str


def make_history(root: Path) -> History:
    """A repository at ``root`` whose feature branch carries git-ai notes to attribute."""
    repo = make_repo(root)
    repo.write("app.py", "".join(f"base {i}\n" for i in range(1, 6)))
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/calc.py", "".join(f"calc {i}\n" for i in range(1, 11)))
    wrote_calc = repo.commit("calc: cursor wrote 1-6, claude 9-10, a person 7-8")
    add_note(repo, wrote_calc, authorship({"src/calc.py": {CURSOR: "1-6", CLAUDE: "9-10"}}))
    repo.write(README, "# Read me\n\nIt adds.\nIt subtracts.\n")
    repo.write("app.py", "".join(f"base {i}\n" for i in range(1, 6)) + "human 6\nhuman 7\n")
    wrote_readme = repo.commit("readme by claude, app.py by a person")
    add_note(repo, wrote_readme, authorship({README: {CLAUDE: "1-4"}}))
    lines = [f"calc {i}\n" for i in range(1, 11)]
    lines[1:3] = ["rewritten 2\n", "rewritten 3\n"]
    repo.write("src/calc.py", "".join(lines))
    rewrote = repo.commit("a person rewrites calc lines 2-3; no note")
    move(repo, "src/calc.py", CALC)
    repo.write(CALC, "".join(lines) + "calc 11\n")
    renamed = repo.commit("rename calc, and a session the note does not describe adds a line")
    add_note(repo, renamed, authorship({CALC: {STRANGER: "11"}}, agents={}))
    repo.write("notes.txt", "one\n")
    repo.commit("a file no note describes")
    repo.write("big.txt", "big\n")
    oversize = repo.commit("oversize note")
    add_note(repo, oversize, authorship({"big.txt": {CURSOR: "1"}}, padding=MAX_NOTE_BYTES))
    repo.write("scratch.py", "s1\ns2\ns3\n")
    wrote_scratch = repo.commit("scratch by cursor")
    add_note(repo, wrote_scratch, authorship({"scratch.py": {CURSOR: "1-3"}}))
    (repo.path / "scratch.py").unlink()
    dropped_scratch = repo.commit("scratch removed")
    return History(repo, base, wrote_calc, wrote_readme, rewrote, renamed, oversize,
                   wrote_scratch, dropped_scratch)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """The noted history, built once for the module."""
    return make_history(tmp_path_factory.mktemp("notes") / "repo")


@pytest.fixture(scope="module")
def facts(history: History) -> tuple[ChangeSet, NoteFacts]:
    """The change set of the history and the note facts read from it."""
    with pytest.MonkeyPatch.context() as patch:  # hermetic_git, for a module-scoped fixture
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        git = GitRepo.discover(str(history.repo.path))
        try:
            found = gitnotes.collect(git, changeset(history.repo, history.base))
        finally:
            git.close()
    return found, attribute(found)


def note(history: History, sha: str, tool: str, text: str, path: str,
         lines: tuple[tuple[int, int], ...]) -> Evidence:
    """The evidence a git-ai note of ``tool`` on ``sha`` gives for ``lines`` of ``path``."""
    return Evidence("note", sha, "git-ai-note", tool, Strength.CO_AUTHORED, text, path, lines)


def test_lines_are_attributed_where_they_are_at_the_head(history: History,
                                                         facts: tuple[ChangeSet, NoteFacts]
                                                         ) -> None:
    _, result = facts
    assert result.files == (
        NoteFile("app.py", 2, (), ()),
        NoteFile("big.txt", 1, (), ()),
        NoteFile(README, 4, ((1, 4),), ("claude",)),
        NoteFile(CALC, 11, ((1, 1), (4, 6), (9, 11)), ("claude", "cursor", "unknown")),
        NoteFile("notes.txt", 1, (), ()),
    )
    calc = result.files[3]
    assert calc.ai == 7 and calc.share == pytest.approx(700 / 11)
    assert result.files[0].share == 0


def test_evidence_per_commit_file_and_tool(history: History,
                                           facts: tuple[ChangeSet, NoteFacts]) -> None:
    _, result = facts
    # in the order of the change set's commits, newest first
    assert result.commits == (history.wrote_scratch, history.renamed, history.wrote_readme,
                              history.wrote_calc)
    assert result.evidence == (
        note(history, history.wrote_scratch, "cursor",
             "3 lines by cursor (m-large); none survive at the head", "scratch.py", ()),
        note(history, history.renamed, "unknown", "1 line by unknown", CALC, ((11, 11),)),
        note(history, history.wrote_readme, "claude", "4 lines by claude (m-small)", README,
             ((1, 4),)),
        note(history, history.wrote_calc, "claude", "2 lines by claude (m-small)", CALC,
             ((9, 10),)),
        note(history, history.wrote_calc, "cursor", "4 lines by cursor (m-large)", CALC,
             ((1, 1), (4, 6))),
    )
    assert result.evidence[-1].where() == (
        f"note on commit {history.wrote_calc[:12]} for {CALC}:1,4-6")


def test_an_oversize_note_is_a_problem_not_evidence(history: History,
                                                   facts: tuple[ChangeSet, NoteFacts]) -> None:
    found, result = facts
    size = found.unread_notes[history.oversize]
    assert size > MAX_NOTE_BYTES and history.oversize not in found.notes
    assert result.problems == (
        f"the note on commit {history.oversize[:12]} was not read: it is {size} bytes, over the "
        "limit of 8 MiB",
    )
    assert not any(e.commit == history.oversize for e in result.evidence)
    assert history.rewrote not in found.notes and history.dropped_scratch not in found.notes


def test_a_later_rewrite_takes_the_lines_away(history: History,
                                              facts: tuple[ChangeSet, NoteFacts]) -> None:
    found, _ = facts
    by_line = {o.line: o for o in found.origins[CALC]}
    assert by_line[2].commit == by_line[3].commit == history.rewrote
    assert by_line[1] == LineOrigin(1, history.wrote_calc, "src/calc.py", 1)
    assert by_line[11] == LineOrigin(11, history.renamed, CALC, 11)


# -- hand-built change sets: the rules on their own ---------------------------------------


def commit(n: int) -> Commit:
    """Commit number ``n``, with a made-up sha."""
    return Commit(f"{n + 1:x}" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com",
                  f"change {n}", "")


def edited(path: str, added: int) -> FileChange:
    """An added file whose first ``added`` lines are new."""
    hunks = (Hunk(1, 0, 1, added, ((1, added),), ()),) if added else ()
    return FileChange(path, None, FileStatus.ADDED, added, 0, hunks=hunks)


def built(notes: dict[str, bytes], origins: dict[str, tuple[LineOrigin, ...]],
          *files: tuple[str, int]) -> ChangeSet:
    """A change set of three commits and the ``files``, with ``notes`` and line ``origins``."""
    commits = tuple(commit(n) for n in range(3))
    changes = tuple(edited(path, added) for path, added in files)
    return ChangeSet(Revisions(mode="range"), changes, commits, notes=notes, origins=origins)


def test_a_line_claimed_by_two_sessions_counts_once_for_the_first() -> None:
    sha = commit(0).sha
    log = authorship({"a.py": {CLAUDE: "2-3", CURSOR: "1-2"}}).encode()
    origins = {"a.py": tuple(LineOrigin(n, sha, "a.py", n) for n in (1, 2, 3))}
    result = attribute(built({sha: log}, origins, ("a.py", 3)))
    assert [(e.tool, e.lines) for e in result.evidence] == [("claude", ((2, 3),)),
                                                            ("cursor", ((1, 1),))]
    assert result.files == (NoteFile("a.py", 3, ((1, 3),), ("claude", "cursor")),)


def test_only_traced_files_are_listed_and_no_added_lines_has_no_share() -> None:
    sha = commit(1).sha
    log = authorship({"a.py": {CURSOR: "1"}}).encode()
    result = attribute(built({sha: log}, {"a.py": (), "empty.py": ()}, ("a.py", 1),
                             ("empty.py", 0), ("untraced.py", 4)))
    assert [f.path for f in result.files] == ["a.py", "empty.py"]
    assert result.files[1].share is None and result.files[0].share == 0
    assert [e.text for e in result.evidence] == [
        "1 line by cursor (m-large); none survive at the head"]


def test_text_from_a_note_is_made_printable_and_kept_short() -> None:
    sha = commit(2).sha
    agents = {CURSOR: ("evil\n::error::tool", "m" * 300)}
    log = authorship({"a.py": {CURSOR: "1-2"}, "gone\r.py": {CURSOR: "1"}}, agents).encode()
    origins: dict[str, tuple[LineOrigin, ...]] = {
        "a.py": (LineOrigin(1, sha, "a.py", 1), LineOrigin(2, sha, "a.py", 2))}
    result = attribute(built({sha: log}, origins, ("a.py", 2)))
    kept, gone = result.evidence
    assert kept.tool == "evil ::error::tool" and kept.lines == ((1, 2),)
    assert len(kept.text) == TEXT_LIMIT and kept.text.endswith("...")
    assert gone.path == "gone .py" and gone.text.endswith("...; none survive at the head")
    assert len(gone.text) == TEXT_LIMIT


def test_notes_on_unknown_commits_come_after_the_change_commits() -> None:
    outside, inside = "f" * 40, commit(2).sha
    log = authorship({"a.py": {CURSOR: "1"}}).encode()
    result = attribute(built({outside: log, inside: log}, {}))
    assert result.commits == (inside, outside)
    assert attribute(built({}, {})) == NoteFacts()


@pytest.mark.parametrize(("text", "line", "why"), [
    (f"notes.txt\n  {CURSOR} 1\n", None, "no '---' line between attestation and metadata"),
    (f"a.py\n  {CURSOR} 1\n  {CURSOR} 7-3\n---\n{{}}", 3, "attestation line 3: bad line range"),
])
def test_a_malformed_note_is_a_located_input_error(text: str, line: int | None,
                                                   why: str) -> None:
    sha = commit(1).sha
    with pytest.raises(LocatedError, match=why) as caught:
        attribute(built({sha: text.encode()}, {}, ("a.py", 1)))
    assert (caught.value.file, caught.value.line) == (f"refs/notes/ai@{sha[:12]}", line)
    assert caught.value.exit_code == 2
    assert f"git notes --ref=refs/notes/ai remove {sha[:12]}" in (caught.value.hint or "")
