"""Git AI authorship logs on refs/notes/ai: parsed from notes written in the documented format."""

from __future__ import annotations

import json

import pytest

from gatekeeper.facts.ai.notes import NoteError, parse

META = {
    "schema_version": "authorship/3.0.0",
    "base_commit_sha": "0" * 40,
    "prompts": {
        "0123456789abcdef": {"agent_id": {"tool": "cursor", "id": "s-1", "model": "m-large"},
                             "messages": [], "total_additions": 6, "total_deletions": 0,
                             "accepted_lines": 6, "overriden_lines": 0},
        "fedcba9876543210": {"agent_id": {"tool": "claude", "id": "s-2", "model": "m-small"},
                             "messages": []},
    },
}


def note(attestation: str, meta: object = META) -> bytes:
    """A git-ai note: the ``attestation`` lines, then ``meta`` as JSON."""
    return (attestation + "---\n" + json.dumps(meta, indent=2) + "\n").encode("utf-8")


def test_files_sessions_and_ranges_are_read() -> None:
    log = parse(note("src/app.py\n  0123456789abcdef 1-4,9,12-13\n  fedcba9876543210 20\n"
                     '"docs/read me.md"\n  fedcba9876543210 2-3\n'))
    assert [(a.path, a.session, a.lines) for a in log.attributions] == [
        ("src/app.py", "0123456789abcdef", ((1, 4), (9, 9), (12, 13))),
        ("src/app.py", "fedcba9876543210", ((20, 20),)),
        ("docs/read me.md", "fedcba9876543210", ((2, 3),)),
    ]
    assert log.lines_of("src/app.py") == {1, 2, 3, 4, 9, 12, 13, 20}
    assert log.attributions[0].count() == 7
    assert log.agent("0123456789abcdef") is not None
    assert log.agent("0123456789abcdef").tool == "cursor"  # type: ignore[union-attr]
    assert log.tools == ("claude", "cursor")
    assert log.schema == "authorship/3.0.0"


def test_short_hashes_from_earlier_versions_are_accepted() -> None:
    log = parse(note("a.py\n  abc1234 5\n", {"schema_version": "authorship/2.0.0",
                                              "prompts": {}}))
    assert log.attributions[0].session == "abc1234"
    assert log.agent("abc1234") is None and log.tools == ()


@pytest.mark.parametrize(("text", "why"), [
    ("a.py\n  0123456789abcdef 1-4\n", "no '---'"),
    ("  0123456789abcdef 1\n---\n{}", "belongs to no file"),
    ("a.py\n  0123456789abcdef 4-1\n---\n{}", "bad line range"),
    ("a.py\n  0123456789abcdef 0\n---\n{}", "bad line range"),
    ("a.py\n  zz 1\n---\n{}", "not '<hash> <ranges>'"),
    ("a.py\n  0123456789abcdef 1, 2\n---\n{}", "not '<hash> <ranges>'"),
    ('"a.py\n  0123456789abcdef 1\n---\n{}', "unterminated"),
    ("a.py\n  0123456789abcdef 1\n---\nnot json", "not JSON"),
    ("a.py\n  0123456789abcdef 1\n---\n[1]", "not a JSON object"),
    ("a.py\n  0123456789abcdef 99999999999\n---\n{}", "bad line range"),
])
def test_malformed_notes_are_refused(text: str, why: str) -> None:
    with pytest.raises(NoteError, match=why):
        parse(text.encode("utf-8"))


def test_non_utf8_and_oversized_notes_are_refused() -> None:
    with pytest.raises(NoteError, match="UTF-8"):
        parse(b"\xff\xfe---\n{}")
    with pytest.raises(NoteError, match="larger than"):
        parse(b"a" * (9 << 20))
