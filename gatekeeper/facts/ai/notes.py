"""Parses Git AI authorship logs (the notes on refs/notes/ai): which lines each AI session wrote.

The format, Git AI Standard v3.0.0: an attestation section, a line of exactly ``---``, then a
JSON metadata section. The attestation section lists file paths (quoted when they hold
whitespace) at the start of a line, each followed by lines indented two spaces holding a
session hash and line ranges (``  d9978a8723e02b52 1-4,9,12``). The metadata's ``prompts``
maps each hash to its ``agent_id`` (``tool``, ``id``, ``model``). Line numbers are those of the
file in the commit the note is attached to.

Notes come from the remote, so they are untrusted: a note that does not parse is reported as
malformed and gives no evidence, and sizes are bounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import field

from gatekeeper.changeset.model import MAX_NOTE_BYTES
from gatekeeper.common.records import record

SCHEMA = "authorship/3.0.0"
MAX_LINE = 10_000_000
_HASH = re.compile(r"[0-9a-f]{7}|[0-9a-f]{16}")
# ASCII digits: \d takes any script's digits, and int() refuses more than 4,300 of them.
_RANGES = re.compile(r"[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*")
_MAX_DIGITS = len(str(MAX_LINE))

LineRange = tuple[int, int]


class NoteError(ValueError):
    """A note that is not a Git AI authorship log; ``line`` is the note's line at fault."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@record(slots=True)
class Agent:
    """The AI behind a session, from the metadata's ``agent_id``: tool, model and agent id."""

    tool: str
    model: str = ""
    session: str = ""


@record(slots=True)
class Attribution:
    """Lines of one file that one AI session wrote, in the commit the note is on."""

    path: str
    session: str
    lines: tuple[LineRange, ...]

    def count(self) -> int:
        """How many lines of the file the session wrote."""
        return sum(last - first + 1 for first, last in self.lines)


@record
class AuthorshipLog:
    """One parsed note: the lines each session wrote, and the agent behind each session."""

    attributions: tuple[Attribution, ...]
    agents: Mapping[str, Agent] = field(default_factory=dict)
    """Session hash to the agent behind it; a hash the metadata lacks maps to no agent."""
    schema: str = ""

    def agent(self, session: str) -> Agent | None:
        """The agent behind ``session``; None when the metadata does not name one."""
        return self.agents.get(session)

    def lines_of(self, path: str) -> set[int]:
        """Every line of ``path`` any session wrote."""
        found: set[int] = set()
        for entry in self.attributions:
            if entry.path == path:
                for first, last in entry.lines:
                    found.update(range(first, last + 1))
        return found

    @property
    def tools(self) -> tuple[str, ...]:
        """The named tools of the sessions that wrote lines, sorted."""
        used = {e.session for e in self.attributions}
        return tuple(sorted({a.tool for s, a in self.agents.items() if s in used and a.tool}))


def parse(data: bytes) -> AuthorshipLog:
    """The authorship log in a note; NoteError when it is not one."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(f"note larger than {MAX_NOTE_BYTES >> 20} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError("note is not UTF-8") from exc
    lines = text.split("\n")
    try:
        divider = lines.index("---")
    except ValueError:
        raise NoteError("no '---' line between attestation and metadata") from None
    attributions = _attestations(lines[:divider])
    agents, schema = _metadata("\n".join(lines[divider + 1:]))
    return AuthorshipLog(attributions, agents, schema)


def _attestations(lines: list[str]) -> tuple[Attribution, ...]:
    found: list[Attribution] = []
    path: str | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not line.startswith(" "):
            path = _path(line, number)
            continue
        if path is None or not line.startswith("  ") or line[2:3].isspace():
            raise NoteError(f"attestation line {number} belongs to no file", number)
        session, _, spec = line[2:].partition(" ")
        if not _HASH.fullmatch(session) or not _RANGES.fullmatch(spec):
            raise NoteError(f"attestation line {number} is not '<hash> <ranges>'", number)
        found.append(Attribution(path, session, _ranges(spec, number)))
    return tuple(found)


def _path(line: str, number: int) -> str:
    if line.startswith('"'):
        if len(line) < 2 or not line.endswith('"'):
            raise NoteError(f"attestation line {number}: unterminated quoted path", number)
        return line[1:-1]
    return line


def _ranges(spec: str, number: int) -> tuple[LineRange, ...]:
    found = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        # More digits than MAX_LINE has is out of range: int() would refuse thousands of them.
        too_long = max(len(first), len(last)) > _MAX_DIGITS
        low, high = (0, 0) if too_long else (int(first), int(last or first))
        if not 0 < low <= high <= MAX_LINE:
            shown = part if len(part) <= 24 else part[:21] + "..."
            raise NoteError(f"attestation line {number}: bad line range {shown}", number)
        found.append((low, high))
    return tuple(found)


def _metadata(text: str) -> tuple[dict[str, Agent], str]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NoteError("metadata is not JSON") from exc
    if not isinstance(document, dict):
        raise NoteError("metadata is not a JSON object")
    schema = document.get("schema_version")
    prompts = document.get("prompts", {})
    if not isinstance(prompts, dict):
        raise NoteError("metadata prompts is not an object")
    agents = {}
    for session, entry in prompts.items():
        agent = entry.get("agent_id") if isinstance(entry, dict) else None
        if isinstance(agent, dict):
            agents[str(session)] = Agent(_text(agent.get("tool")), _text(agent.get("model")),
                                         _text(agent.get("id")))
    return agents, schema if isinstance(schema, str) else ""


def _text(value: object) -> str:
    return value[:200] if isinstance(value, str) else ""
