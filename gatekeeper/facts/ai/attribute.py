"""Which added lines the Git AI notes of a change set attribute to AI tools, file by file.

A line at the head is the AI's when the commit ``git blame`` traces it to has a note whose
attestation for the line's path there includes the line's number there. Lines a later commit
rewrote trace to that commit instead, so they no longer count. Pure: it reads only the notes
and origins already in the change set.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import field

from gatekeeper.changeset.model import MAX_NOTE_BYTES, NOTES_REF, ChangeSet, LineRange
from gatekeeper.common.records import record
from gatekeeper.errors import LocatedError
from gatekeeper.facts.ai.detect import TEXT_LIMIT, Evidence, Strength
from gatekeeper.facts.ai.notes import AuthorshipLog, NoteError, parse

MARKER = "git-ai-note"
UNKNOWN_TOOL = "unknown"


@record(slots=True)
class NoteFile:
    """One changed file: how many lines it adds and which of them the notes give to AI."""

    path: str
    added: int
    ai_lines: tuple[LineRange, ...]
    tools: tuple[str, ...]

    @property
    def ai(self) -> int:
        """How many of the file's added lines the notes attribute to AI."""
        return sum(last - first + 1 for first, last in self.ai_lines)

    @property
    def share(self) -> float | None:
        """The AI's share of the added lines, in percent; None when the file adds none."""
        return 100.0 * self.ai / self.added if self.added else None


@record(slots=True)
class NoteFacts:
    """What the Git AI notes say of a change: AI lines per file, evidence, unusable notes."""

    files: tuple[NoteFile, ...] = ()
    """The changed files whose added lines were traced, in the change set's order."""
    evidence: tuple[Evidence, ...] = ()
    problems: tuple[str, ...] = ()
    """Notes that could not be used, each naming its commit and why."""
    commits: tuple[str, ...] = ()
    """The commits with a valid note."""


@record(slots=True)
class _Hit:
    """A head line that a note attributes to a tool."""

    commit: str
    path: str
    line: int
    note_path: str
    tool: str
    model: str


@record(frozen=False)
class _Group:
    lines: list[LineRange] = field(default_factory=list)
    models: set[str] = field(default_factory=set)


def attribute(changeset: ChangeSet) -> NoteFacts:
    """Trace added lines to the notes of the commits they come from; LocatedError for a bad note."""
    logs, problems = _parse_notes(changeset)
    hits = _hits(changeset, logs)
    order = {sha: i for i, sha in enumerate(logs)}
    evidence = sorted((*_surviving(hits), *_vanished(logs, hits)),
                      key=lambda e: (order[e.commit], not e.lines, e.path, e.tool))
    return NoteFacts(_files(changeset, hits), tuple(evidence), tuple(problems), tuple(logs))


def _parse_notes(changeset: ChangeSet) -> tuple[dict[str, AuthorshipLog], list[str]]:
    """The notes by commit, in the order of the change's commits, and the notes too large to
    read; LocatedError for a note that is not an authorship log."""
    known = [c.sha for c in changeset.commits if c.sha in changeset.notes]
    others = sorted(set(changeset.notes) - set(known))
    logs: dict[str, AuthorshipLog] = {}
    problems = [f"the note on commit {sha[:12]} was not read: it is {size} bytes, over the "
                f"limit of {MAX_NOTE_BYTES >> 20} MiB"
                for sha, size in changeset.unread_notes.items()]
    for sha in (*known, *others):
        data = changeset.notes[sha]
        try:
            logs[sha] = parse(data)
        except NoteError as exc:
            # Bad input, as a malformed policy or report is: it fails the run and says where.
            raise LocatedError(
                f"the note on commit {sha[:12]} is not a Git AI authorship log: {exc}",
                file=f"{NOTES_REF}@{sha[:12]}", line=exc.line,
                hint=f"correct the note, or remove it with 'git notes --ref={NOTES_REF} remove "
                     f"{sha[:12]}' and push {NOTES_REF}") from None
    return logs, problems


def _hits(changeset: ChangeSet, logs: dict[str, AuthorshipLog]) -> list[_Hit]:
    # (commit, path there) -> (line there, head path, head line), sorted for range lookups.
    traced: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
    for head_path, origins in changeset.origins.items():
        for origin in origins:
            if origin.commit in logs:
                traced.setdefault((origin.commit, origin.path), []).append(
                    (origin.original_line, head_path, origin.line))
    hits: list[_Hit] = []
    for (commit, path), lines in traced.items():
        lines.sort()
        numbers = [line for line, _, _ in lines]
        taken: set[int] = set()
        log = logs[commit]
        for entry in log.attributions:
            if entry.path != path:
                continue
            tool, model = _agent(log, entry.session)
            for first, last in entry.lines:
                for i in range(bisect_left(numbers, first), bisect_right(numbers, last)):
                    if i not in taken:  # the first session to claim a line keeps it
                        taken.add(i)
                        hits.append(_Hit(commit, lines[i][1], lines[i][2], path, tool, model))
    return hits


def _agent(log: AuthorshipLog, session: str) -> tuple[str, str]:
    agent = log.agent(session)
    if agent is None:
        return UNKNOWN_TOOL, ""
    return _clean(agent.tool) or UNKNOWN_TOOL, _clean(agent.model)


def _clean(text: str) -> str:
    """Text from a note, made safe to print on one line."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _surviving(hits: list[_Hit]) -> list[Evidence]:
    groups: dict[tuple[str, str, str], _Group] = {}
    for hit in hits:
        group = groups.setdefault((hit.commit, hit.path, hit.tool), _Group())
        group.lines.append((hit.line, hit.line))
        group.models.add(hit.model)
    found = []
    for (commit, path, tool), group in groups.items():
        lines = _merge(group.lines)
        text = _describe(_count(lines), tool, group.models)
        found.append(Evidence("note", commit, MARKER, tool, Strength.CO_AUTHORED, text, path,
                              lines))
    return found


def _vanished(logs: dict[str, AuthorshipLog], hits: list[_Hit]) -> list[Evidence]:
    """Evidence for what notes attribute but no line at the head still holds."""
    survived = {(hit.commit, hit.note_path, hit.tool) for hit in hits}
    found = []
    for commit, log in logs.items():
        groups: dict[tuple[str, str], _Group] = {}
        for entry in log.attributions:
            tool, model = _agent(log, entry.session)
            if (commit, entry.path, tool) not in survived:
                group = groups.setdefault((entry.path, tool), _Group())
                group.lines += entry.lines
                group.models.add(model)
        for (path, tool), group in groups.items():
            text = _describe(_count(_merge(group.lines)), tool, group.models,
                             "; none survive at the head")
            found.append(Evidence("note", commit, MARKER, tool, Strength.CO_AUTHORED, text,
                                  _clean(path)))
    return found


def _files(changeset: ChangeSet, hits: list[_Hit]) -> tuple[NoteFile, ...]:
    lines: dict[str, list[LineRange]] = {}
    tools: dict[str, set[str]] = {}
    for hit in hits:
        lines.setdefault(hit.path, []).append((hit.line, hit.line))
        tools.setdefault(hit.path, set()).add(hit.tool)
    return tuple(NoteFile(f.path, f.added, _merge(lines.get(f.path, ())),
                          tuple(sorted(tools.get(f.path, ()))))
                 for f in changeset.files if f.path in changeset.origins)


def _describe(count: int, tool: str, models: set[str], tail: str = "") -> str:
    """``12 lines by cursor (m-large)`` and ``tail``, within the length of a line of text."""
    shown = ", ".join(sorted(m for m in models if m))
    text = f"{count} line{'' if count == 1 else 's'} by {tool}" + (f" ({shown})" if shown else "")
    room = TEXT_LIMIT - len(tail)
    return (text if len(text) <= room else text[: room - 3] + "...") + tail


def _merge(ranges: Iterable[LineRange]) -> tuple[LineRange, ...]:
    """``ranges`` sorted, with overlapping and adjacent ones joined."""
    merged: list[LineRange] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


def _count(ranges: Iterable[LineRange]) -> int:
    return sum(last - first + 1 for first, last in ranges)
