"""Wording that several report formats share, so a waiver reads the same everywhere."""

from __future__ import annotations

from gatekeeper.verdict import RuleResult, Status

MARKS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.WARN: "WARN", Status.SKIP: "SKIP",
         Status.WAIVED: "WAIVED", Status.EXCEPTED: "EXCEPTED"}


def mark(result: RuleResult) -> str:
    text = MARKS[result.status]
    if not result.enforced and result.status in (Status.FAIL, Status.WARN):
        text += " (report-only)"
    return text


def notes_for(result: RuleResult) -> list[str]:
    """Waivers, exceptions and refusals: the lines every format shows with their reasons."""
    lines = []
    for waiver in result.waivers:
        if waiver.accepted:
            lines.append(f"waived by {waiver.source}: {waiver.reason}"
                         + (f" ({waiver.note})" if waiver.note else ""))
        else:
            lines.append(f"waiver refused ({waiver.source}): {waiver.note}")
    for note in result.exceptions:
        paths = ", ".join(note.paths) or "the whole rule"
        if note.expired:
            lines.append(f"exception for {paths} expired on {note.expires} and no longer "
                         f"applies: {note.reason}")
        else:
            lines.append(f"exception for {paths} until {note.expires} ({note.files} files "
                         f"set aside): {note.reason}")
    return lines
