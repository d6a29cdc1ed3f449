"""Fuzz Git AI notes (refs/notes/ai): any note parses into an authorship log or is refused as
malformed, and attributing a change's lines with it never fails."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.model import (
    ChangeSet,
    Commit,
    FileChange,
    FileStatus,
    Hunk,
    LineOrigin,
    Revisions,
)
from gatekeeper.facts.ai.attribute import attribute
from gatekeeper.facts.ai.notes import MAX_LINE, NoteError, parse
from tests.fuzz.engine import HYPOTHESIS, Target, check, fuzz

CI_CASES = 3_500
CI_PROPERTY_CASES = 200
SHA = "c" * 40
SESSIONS = ("d9978a8723e02b52", "aaaaaaaaaaaaaaaa", "1234567")
TOKENS = (b"\n---\n", b"---", b"  ", b"  d9978a8723e02b52 ", b"  1234567 ", b"1-4", b"1-4,9,12",
          b"0", b"10000000", b"10000001", b"99999999999", b"9" * 5000, b"4-2", b"-", b",",
          b'"src/with space.py"', b'"', b'{"schema_version": "authorship/3.0.0"}', b'"prompts"',
          b'"agent_id"', b'"tool"', b'"model"', b'"id"', b"null", b"[]", b"{}", b"\\u0000",
          b"\\u202e", b"src/calc.py\n", b"lib/calc tool.py")


def note(files: dict[str, dict[str, str]], tool: str = "cursor") -> bytes:
    """A Git AI authorship log: per path, each session's line ranges."""
    lines = []
    for path, sessions in files.items():
        lines.append(f'"{path}"' if any(ch.isspace() for ch in path) else path)
        lines += [f"  {session} {ranges}" for session, ranges in sessions.items()]
    prompts = {s: {"agent_id": {"tool": tool, "id": f"s-{s[:4]}", "model": "m-large"},
                   "messages": [], "total_additions": 3} for s in SESSIONS}
    meta = {"schema_version": "authorship/3.0.0", "git_ai_version": "1.0.0", "prompts": prompts}
    return ("\n".join(lines) + "\n---\n" + json.dumps(meta, indent=2) + "\n").encode()


def _change(data: bytes) -> ChangeSet:
    """A change whose added lines of two files trace back to the commit holding the note."""
    files = (FileChange("src/calc.py", None, FileStatus.ADDED, 20, 0,
                        hunks=(Hunk(0, 0, 1, 20, ((1, 20),), ()),)),
             FileChange("lib/calc tool.py", "lib/old.py", FileStatus.RENAMED, 5, 0,
                        hunks=(Hunk(3, 0, 4, 5, ((4, 8),), ()),)))
    origins = {"src/calc.py": tuple(LineOrigin(n, SHA, "src/calc.py", n) for n in range(1, 21)),
               "lib/calc tool.py": tuple(LineOrigin(n, SHA, "lib/old.py", n * 3)
                                         for n in range(4, 9))}
    commit = Commit(SHA, ("p" * 40,), "Ada", "ada@example.com", "Ada", "ada@example.com",
                    "feat: calc", "")
    return ChangeSet(Revisions(mode="range"), files, (commit,), notes={SHA: data},
                     origins=origins)


def _run(data: bytes) -> str:
    log = parse(data)  # a malformed note is refused here, as the attribution would report it
    facts = attribute(_change(data))
    assert not facts.problems, facts.problems
    for found in facts.files:
        assert 0 <= found.ai <= found.added, found
    for evidence in facts.evidence:
        assert evidence.text.isprintable() and evidence.path.isprintable(), evidence
    return "attributed" if any(f.ai for f in facts.files) else (
        "log" if log.attributions else "empty")


SEEDS = (note({"src/calc.py": {SESSIONS[0]: "1-6", SESSIONS[1]: "9-10"}}),
         note({"lib/old.py": {SESSIONS[2]: "12-15,21"}, "src/calc.py": {SESSIONS[0]: "20"}}),
         note({"gone.py": {SESSIONS[0]: "1-3"}}, tool="claude\u202e\n"), b"\n---\n{}")


def generate(rng: random.Random) -> bytes:
    """A random git-ai note, with odd paths and tool names among ordinary ones."""
    ranges = ",".join(f"{a}-{a + rng.randint(0, 5)}" for a in sorted(rng.sample(range(1, 60), 3)))
    path = rng.choice(("src/calc.py", "lib/old.py", "x y.py", "src/calc.py\t"))
    return note({path: {rng.choice(SESSIONS): ranges}}, tool=rng.choice(("cursor", "", "a\x00b")))


TARGET = Target("notes", lambda: SEEDS, _run, TOKENS, generate, refusals=(NoteError,))


def test_mutated_notes_are_read_or_refused() -> None:
    stats = fuzz(TARGET, CI_CASES, seed=1)
    check(stats, CI_CASES)
    assert {"attributed", "log"} <= set(stats.outcomes), stats.outcomes


RANGES = st.lists(st.tuples(st.integers(1, MAX_LINE), st.integers(0, 50)), min_size=1,
                  max_size=4).map(lambda pairs: [(a, min(MAX_LINE, a + n)) for a, n in pairs])


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,5}(/[a-z ]{1,5}){0,2}\.py", fullmatch=True),
                       st.dictionaries(st.sampled_from(SESSIONS), RANGES, min_size=1, max_size=2),
                       min_size=1, max_size=3))
def test_a_note_reads_back_exactly(files: dict[str, dict[str, list[tuple[int, int]]]]) -> None:
    """Every path, session and range a well-formed note lists comes back as written, up to the
    highest line number allowed."""
    text = {path: {s: ",".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)
                   for s, ranges in sessions.items()} for path, sessions in files.items()}
    log = parse(note(text))
    assert [(a.path, a.session, list(a.lines)) for a in log.attributions] == [
        (path, s, ranges) for path, sessions in files.items() for s, ranges in sessions.items()]
    assert log.tools == ("cursor",)
