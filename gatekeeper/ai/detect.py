"""Commit-level AI provenance detectors: identities, subject, trailers and footers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gatekeeper.ai.catalogue import Catalogue, MarkerEntry, Strength
from gatekeeper.changeset import Commit

__all__ = ["IDENTITY_KEYS", "Evidence", "Strength", "detect_commit", "strongest"]

IDENTITY_KEYS = frozenset({"co-authored-by", "co-developed-by", "assisted-by", "generated-by"})
"""Trailers whose value names someone as ``Name <address>``; coauthor-email entries apply."""
TEXT_LIMIT = 120
# A "Key: value" line. It must start at the margin: indented lines are code or quotations.
_TRAILER_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*?)\s*")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE_ADDRESS = re.compile(r"[^<>\s]+@[^<>\s]+")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One marker found in one commit."""

    source: str
    """Where it was found: identity, subject, trailer (git's trailer block), body or footer."""
    commit: str
    marker: str
    """The id of the catalogue entry that matched."""
    tool: str
    strength: Strength
    text: str
    """What matched, shortened to a line."""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."


def _evidence(commit: Commit, source: str, entries: Iterable[MarkerEntry],
              text: str) -> Iterator[Evidence]:
    for entry in entries:
        yield Evidence(source, commit.sha, entry.id, entry.tool, entry.strength, _short(text))


def _address(value: str) -> str | None:
    """The address in ``Name <address>``, or a bare address."""
    found = _ADDRESS.search(value)
    if found:
        return found.group(1)
    bare = value.strip()
    return bare if _BARE_ADDRESS.fullmatch(bare) else None


def _header(commit: Commit, catalogue: Catalogue) -> Iterator[Evidence]:
    """Evidence in the author, the committer and the subject."""
    people = (("author", commit.author_name, commit.author_email),
              ("committer", commit.committer_name, commit.committer_email))
    for role, name, email in people:
        shown = f"{name} <{email}>"
        yield from _evidence(commit, "identity", catalogue.match_address(role, email), shown)
        yield from _evidence(commit, "identity", catalogue.match_name(role, name), shown)
    yield from _evidence(commit, "subject", catalogue.match_subject(commit.subject),
                         commit.subject)


def _trailer(commit: Commit, catalogue: Catalogue, source: str, key: str,
             value: str) -> Iterator[Evidence]:
    text = f"{key}: {value}"
    if key.lower() in IDENTITY_KEYS:
        address = _address(value)
        if address:
            yield from _evidence(commit, source, catalogue.match_address("coauthor", address),
                                 text)
    yield from _evidence(commit, source, catalogue.match_trailer(key, value), text)


def _prose_lines(body: str) -> Iterator[str]:
    """The body's lines outside fenced code blocks."""
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield line


def _body(commit: Commit, catalogue: Catalogue) -> Iterator[Evidence]:
    """Trailer-shaped lines outside git's trailer block, and tool footers.

    git parses trailers in the last paragraph only, yet squash merges list co-authors
    mid-body and tools put footers above the trailers.
    """
    parsed = {(t.key.lower(), t.value.strip()) for t in commit.trailers}
    wanted = IDENTITY_KEYS | catalogue.trailer_keys
    for line in _prose_lines(commit.body):
        shaped = _TRAILER_LINE.fullmatch(line)
        if shaped:
            key, value = shaped.groups()
            if key.lower() in wanted and (key.lower(), value) not in parsed:
                yield from _trailer(commit, catalogue, "body", key, value)
        yield from _evidence(commit, "footer", catalogue.match_footer(line.rstrip()), line)


def detect_commit(commit: Commit, catalogue: Catalogue) -> tuple[Evidence, ...]:
    """Every marker of ``catalogue`` found in ``commit``, each marker and text once."""
    found: dict[tuple[str, str], Evidence] = {}
    parsed = (ev for trailer in commit.trailers
              for ev in _trailer(commit, catalogue, "trailer", trailer.key, trailer.value))
    for evidence in (*_header(commit, catalogue), *parsed, *_body(commit, catalogue)):
        found.setdefault((evidence.marker, evidence.text), evidence)
    return tuple(found.values())


def strongest(evidence: Iterable[Evidence]) -> Strength | None:
    """The strongest strength among ``evidence``; None when there is none."""
    strengths = [e.strength for e in evidence]
    return min(strengths, key=lambda s: s.rank) if strengths else None
