"""Which added diff lines hold a comment, and the budgets that cap what the parser keeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from gatekeeper.common.records import record
from gatekeeper.gitread.patchfile import PatchFile
from gatekeeper.lexing.syntax import comment_leaders

MAX_COMMENT_CHARS = 240
"""An added comment line is kept up to this many characters."""
_COMMENT_BYTES = 4 * MAX_COMMENT_CHARS
# Comment leaders at the start of a line, from the one table of comment syntax; a comment
# after code starts with " #", "//", "/*" or "<!--" (see keep_comment).
_LEADERS = tuple(leader.encode() for leader in comment_leaders())

# The sieve, a cheap first test that the diff parser runs inline on every added line (a call
# per line would cost more than the test): the first byte after "+" and indentation is in
# SIEVE_LEADS, or the line holds one of SIEVE_MARKS, which trailing comment marks start with.
# It must let through every line keep_comment keeps.
SIEVE_LEADS = frozenset(leader[:1] for leader in _LEADERS)
SIEVE_MARKS = b"#/<"


@record(frozen=False, slots=True)
class CommentBudget:
    """How many more added comment lines may be kept; one budget spans a whole change set."""

    left: int
    dropped: int = 0
    """Comment lines seen after the budget ran out."""


@record(frozen=False, slots=True)
class TextBudget:
    """Which files' added and removed line text to keep (for the feature-flag scan), and how
    many more bytes of it; one budget spans a whole change set."""

    wants: Callable[[str], bool]
    """Whether a file, by its path, may hold what the text is kept for."""
    left: int
    over: list[str] = field(default_factory=list)
    """Wanted files whose text was dropped because the budget ran out."""


def keep_comment(budget: CommentBudget, line: bytes) -> str | None:
    """The stripped text of added ``line`` (with its "+") if it really holds a comment and
    ``budget`` has room, cut to MAX_COMMENT_CHARS; None otherwise. Only lines the sieve let
    through need to be passed."""
    body = line[1:].strip()
    if not body.startswith(_LEADERS) and b"//" not in body and b" #" not in body \
            and b"/*" not in body and b"<!--" not in body:
        return None
    if budget.left <= 0:
        budget.dropped += 1
        return None
    budget.left -= 1
    if len(body) > _COMMENT_BYTES:
        cut = _COMMENT_BYTES
        while body[cut] & 0xC0 == 0x80:  # not inside a UTF-8 sequence
            cut -= 1
        body = body[:cut]
    text = body.decode("utf-8", errors="replace")
    if len(text) > MAX_COMMENT_CHARS:
        text = text[:MAX_COMMENT_CHARS].rstrip()
    return text


def start_text(current: PatchFile, budget: TextBudget) -> None:
    """At a file's first hunk: keep its text if the budget wants the file and has room."""
    current.text_decided = True
    path = current.new_path or current.old_path or ""
    if budget.wants(path):
        if budget.left > 0:
            current.added_text, current.removed_text = bytearray(), bytearray()
        else:
            budget.over.append(path)


def charge_text(current: PatchFile, budget: TextBudget) -> None:
    """End the kept text with a newline (a file's last line may lack one), and drop the
    file's text once the change set's budget is spent; run after each hunk."""
    for kept in (current.added_text, current.removed_text):
        if kept and not kept.endswith(b"\n"):
            kept += b"\n"
    used = len(current.added_text or b"") + len(current.removed_text or b"")
    if used - current.text_charged > budget.left:
        budget.over.append(current.new_path or current.old_path or "")
        budget.left = 0
        current.added_text = current.removed_text = None
        return
    budget.left -= used - current.text_charged
    current.text_charged = used
