"""Commit-level AI provenance detectors: identities, subject, trailers and footers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from gatekeeper.changeset.model import Commit, LineRange
from gatekeeper.common.records import record
from gatekeeper.facts.ai.catalogue import Catalogue, Worded, remember
from gatekeeper.facts.ai.entries import MarkerEntry, Strength
from gatekeeper.facts.ai.literals import Finder, lowered

__all__ = ["IDENTITY_KEYS", "Evidence", "Strength", "detect_commit", "evidence", "prose_lines",
           "shaped_trailer", "short", "strongest", "trailer_evidence"]

IDENTITY_KEYS = frozenset({"co-authored-by", "co-developed-by", "assisted-by", "generated-by"})
"""Trailers whose value names someone as ``Name <address>``; coauthor-email entries apply."""
TEXT_LIMIT = 120
LINE_LIMIT = 1024
"""Characters of a line of a message or description, and of a trailer value, that markers are
looked for in: a pattern searched for in a line may take time growing with the square of its
length (a policy's \\w+ assisted takes 20 ms on a line of 1,024 letters)."""
MESSAGE_LIMIT = 64 << 10
"""Characters of a commit message's body or a PR/MR description that are looked at: GitHub's
limit for a description. Git's trailer block is read whole, wherever it is."""
# The start of a "Key: value" line. It must start at the margin: indented lines are code or
# quotations. The value is taken with string methods: the pattern that also matched it took
# time growing with the square of the line.
_TRAILER_KEY = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")
# "<address>" and a bare address: one run of characters each, so no backtracking; whether it
# holds an "@" inside is asked afterwards (see _is_address).
_ANGLED = re.compile(r"<\s*([^<>\s]+)\s*>")
_TOKEN = re.compile(r"[^<>\s]+")


@record(slots=True)
class Evidence:
    """One marker found in one commit."""

    source: str
    """Where it was found: identity, subject, trailer (git's trailer block), body, footer,
    pr-author, label, description, comment (an added line) or note (refs/notes/ai)."""
    commit: str
    """The commit it was found in or attached to; empty for a label or the description."""
    marker: str
    """The id of the catalogue entry that matched."""
    tool: str
    strength: Strength
    text: str
    """What matched, shortened to a line."""
    path: str = ""
    """The file, for a comment in an added line or a note's attribution."""
    lines: tuple[LineRange, ...] = ()
    """The file's lines at the head it points at."""

    def where(self) -> str:
        """Where it was found, in words: ``commit 1a2b3c4d5e6f trailer``, ``src/a.py:3-9``."""
        spots = ",".join(f"{a}-{b}" if b != a else str(a) for a, b in self.lines[:8])
        if len(self.lines) > 8:
            spots += ",..."
        place = f"{self.path}:{spots}" if spots else self.path
        if self.source == "note":
            return f"note on commit {self.commit[:12]} for {place}"
        if self.source == "comment":
            return f"comment at {place}"
        if self.source in ("label", "description", "pr-author"):
            return {"label": "label", "description": "PR/MR description",
                    "pr-author": "PR/MR author"}[self.source]
        return f"commit {self.commit[:12]} {self.source}"

    def describe(self) -> str:
        """The evidence in words, as every report and the ``ai`` condition word it."""
        return f"{self.where()}: {self.text} ({self.tool}, {self.strength.value})"


def short(text: str) -> str:
    """``text`` on one line, cut to TEXT_LIMIT characters."""
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."


def evidence(sha: str, source: str, entries: Iterable[MarkerEntry],
             text: str) -> list[Evidence]:
    """One Evidence per entry; ``sha`` is empty for what a review platform holds."""
    text = short(text)
    return [Evidence(source, sha, entry.id, entry.tool, entry.strength, text)
            for entry in entries]


def _address(value: str) -> str | None:
    """The address in ``Name <address>`` (the first such), or a bare address."""
    for angled in _ANGLED.finditer(value):
        if _is_address(angled.group(1)):
            return angled.group(1)
    bare = value.strip()
    return bare if _TOKEN.fullmatch(bare) and _is_address(bare) else None


def _is_address(token: str) -> bool:
    """Whether a run of characters has an "@" with something on either side."""
    return "@" in token[1:-1]


def _header(commit: Commit, catalogue: Catalogue) -> list[Evidence]:
    """Evidence in the author, the committer and the subject."""
    # A history has few people: each author and committer pair is looked up once.
    known = catalogue.remembered.people
    people = (commit.author_name, commit.author_email, commit.committer_name,
              commit.committer_email)
    worded = known.get(people)
    if worded is None:
        worded = remember(known, people, _people(catalogue, *people))
    # Most people match nothing, and a comprehension costs a call even over nothing.
    found = [Evidence("identity", commit.sha, entry.id, entry.tool, entry.strength, text)
             for marks, text in worded for entry in marks] if worded else []
    subject = catalogue.match_subject(commit.subject)
    if subject:
        found += evidence(commit.sha, "subject", subject, commit.subject)
    return found


def _people(catalogue: Catalogue, author: str, author_email: str, committer: str,
            committer_email: str) -> tuple[Worded, ...]:
    """The entries an author and a committer match, each worded ``name <address>``."""
    found = []
    for role, name, email in (("author", author, author_email),
                              ("committer", committer, committer_email)):
        marks = catalogue.match_identity(role, name, email)
        if marks:  # most people: nothing to word
            found.append((marks, short(f"{name} <{email}>")))
    return tuple(found)


def trailer_evidence(sha: str, catalogue: Catalogue, source: str, key: str,
                     value: str) -> list[Evidence]:
    """Evidence in one ``key: value`` trailer: its key, and the address of identity keys."""
    value = value[:LINE_LIMIT]
    # A history repeats its trailers (the same co-authors, the same tools).
    known = catalogue.remembered.trailers
    worded = known.get((key, value))
    if worded is None:
        worded = remember(known, (key, value), _trailer_marks(catalogue, key, value))
    marks, text = worded
    return [Evidence(source, sha, entry.id, entry.tool, entry.strength, text)
            for entry in marks] if marks else []


def _trailer_marks(catalogue: Catalogue, key: str, value: str) -> Worded:
    """The entries one trailer names, and its text as evidence words it."""
    marks: list[MarkerEntry] = []
    if key.lower() in IDENTITY_KEYS:
        address = _address(value)
        if address:
            marks += catalogue.match_address("coauthor", address)
    marks += catalogue.match_trailer(key, value)
    return tuple(marks), short(f"{key}: {value}") if marks else ""


def prose_lines(body: str) -> list[str]:
    """The lines of a message or description outside fenced code blocks, within the limits
    (MESSAGE_LIMIT, and LINE_LIMIT for each line)."""
    lines = body[:MESSAGE_LIMIT].splitlines()
    if "```" not in body and "~~~" not in body:  # no fence, as in most messages
        # No line of a body within LINE_LIMIT can be longer: most are, and need no cut.
        return lines if len(body) <= LINE_LIMIT else [line[:LINE_LIMIT] for line in lines]
    fenced = False
    prose = []
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            prose.append(line[:LINE_LIMIT])
    return prose


def shaped_trailer(line: str, catalogue: Catalogue) -> tuple[str, str] | None:
    """``(key, value)`` when ``line`` looks like a trailer some entry or identity key wants."""
    shaped = _TRAILER_KEY.match(line)
    value = line[shaped.end():].rstrip() if shaped else ""
    # As "(\S.*?)\s*" would: a value that starts with no space and holds no line break.
    if shaped is None or not value or value[0].isspace() or "\n" in value:
        return None
    key = shaped.group(1)
    wanted = key.lower() in IDENTITY_KEYS or key.lower() in catalogue.trailer_keys
    return (key, value) if wanted else None


def _body(commit: Commit, catalogue: Catalogue) -> list[Evidence]:
    """Trailer-shaped lines outside git's trailer block, and tool footers.

    git parses trailers in the last paragraph only, yet squash merges list co-authors
    mid-body and tools put footers above the trailers.
    """
    body = commit.body[:MESSAGE_LIMIT]
    if not body:  # a one-line message, as most are
        return []
    # Two searches of the whole body, lowercased once, rule out most messages before any
    # line is looked at; a footer is then looked for only in lines holding its literals.
    low = lowered(body)
    keys = (catalogue.remembered.key_finder or _key_finder(catalogue)).search_lowered(body, low)
    footers = catalogue.footer_lines(body, low)
    if not keys and footers is None:
        return []
    return _in_lines(commit, catalogue, prose_lines(body), keys, footers)


def _in_lines(commit: Commit, catalogue: Catalogue, lines: Iterable[str], keys: bool,
              footers: Callable[[str], bool] | None) -> list[Evidence]:
    """Evidence in ``lines`` of ``commit``'s body: trailer-shaped lines when ``keys`` (some
    wanted key is in the body), and lines passing ``footers`` that a footer entry finds."""
    found: list[Evidence] = []
    parsed: set[tuple[str, str]] | None = None
    # Most trailer-shaped lines are git's own trailers, written "Key: value": as
    # shaped_trailer would read them, each is one git parsed (and so no evidence of the body).
    written = {f"{t.key}: {t.value}" for t in commit.trailers} if keys else ()
    for line in lines:
        shaped = shaped_trailer(line, catalogue) \
            if keys and ":" in line and line not in written else None
        if shaped:
            if parsed is None:
                parsed = {(t.key.lower(), t.value.strip()) for t in commit.trailers}
            if (shaped[0].lower(), shaped[1]) not in parsed:
                found += trailer_evidence(commit.sha, catalogue, "body", *shaped)
        marks = catalogue.match_footer(line.rstrip()) \
            if footers is not None and footers(line) else None
        if marks:
            found += evidence(commit.sha, "footer", marks, line)
    return found


def _key_finder(catalogue: Catalogue) -> Finder:
    """Finds every line ``shaped_trailer`` could accept, and more: a wanted key anywhere.
    Built once per catalogue, and kept with it."""
    finder = catalogue.remembered.key_finder = Finder(IDENTITY_KEYS | catalogue.trailer_keys)
    return finder


def detect_commit(commit: Commit, catalogue: Catalogue) -> tuple[Evidence, ...]:
    """Every marker of ``catalogue`` found in ``commit``, each marker and text once."""
    items = _header(commit, catalogue)
    for trailer in commit.trailers:
        items += trailer_evidence(commit.sha, catalogue, "trailer", trailer.key, trailer.value)
    items += _body(commit, catalogue)
    if len(items) < 2:  # most commits: nothing to tell apart
        return tuple(items)
    found: dict[tuple[str, str], Evidence] = {}
    for item in items:
        found.setdefault((item.marker, item.text), item)
    return tuple(found.values())


def strongest(evidence: Iterable[Evidence]) -> Strength | None:
    """The strongest strength among ``evidence``; None when there is none."""
    strengths = [e.strength for e in evidence]
    return min(strengths, key=lambda s: s.rank) if strengths else None
