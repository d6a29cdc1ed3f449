"""The body's candidate lines, found by one search of the whole body, give exactly the evidence
that looking at every prose line gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.model import Commit
from gatekeeper.facts.ai import detect
from gatekeeper.facts.ai.catalogue import load

CATALOGUE = load()
WITH_OWN = load([{"id": "team-bot", "tool": "teambot", "kind": "footer",
                  "strength": "agent-authored",
                  "pattern": r"^ran by team\s?bot$", "source": "https://example.com/teambot"},
                 {"id": "free-footer", "tool": "free", "kind": "footer", "strength": "assisted",
                  "pattern": r"\w+ assisted", "source": "https://example.com/free"}])

_LINES = st.sampled_from([
    "Fix the parser", "", "   ", "Co-authored-by: Claude <noreply@anthropic.com>",
    "co-authored-by:Claude <noreply@anthropic.com>", "  Co-authored-by: Claude <x@anthropic.com>",
    "Assisted-by: Copilot", "Made-with: Cursor", "Generated-by: aider", "Claude-Session: abc",
    "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    "Generated with Claude Code", "https://claude.ai/code/session_0123abc",
    "Made with [Cursor](https://cursor.com)", "ran by team bot", "RAN BY TEAMBOT",
    "Devin run: https://app.devin.ai/sessions/abc123", "```", "~~~", "key: value",
    "Signed-off-by: Ada <ada@example.com>", "x" * 1100 + " Generated with Claude Code",
    "Reviewed:", "bot assisted", "café: crème", "K\u212aY: value",
])
_BREAKS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\u2028"])


def _commit(body: str) -> Commit:
    return Commit("c" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com",
                  "Subject", body, ())


def _every_line(body: str, keys: bool, footers: bool, catalogue: object) -> object:
    return detect.prose_lines(body)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_LINES, _BREAKS), max_size=12), st.booleans())
def test_candidate_lines_give_what_every_line_gives(lines: list[tuple[str, str]],
                                                    own: bool) -> None:
    body = "".join(text + brk for text, brk in lines)
    catalogue = WITH_OWN if own else CATALOGUE
    found = detect.detect_commit(_commit(body), catalogue)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(detect, "_candidates", _every_line)
        assert detect.detect_commit(_commit(body), catalogue) == found


def test_a_plain_body_is_searched_once_not_line_by_line() -> None:
    body = "Fix it\n\nMore words here.\n\nCo-authored-by: Claude <noreply@anthropic.com>\n" \
           "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"
    lines = detect._candidates(body, True, True, CATALOGUE)
    assert lines == ["Co-authored-by: Claude <noreply@anthropic.com>",
                     "🤖 Generated with [Claude Code](https://claude.com/claude-code)"]
    fenced = "```\nGenerated with Claude Code\n```\n"
    assert list(detect._candidates(fenced, True, True, CATALOGUE)) == [
        line for line in detect.prose_lines(fenced)]
