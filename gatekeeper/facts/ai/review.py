"""AI provenance in the PR/MR (labels, description, author login) and in added comments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gatekeeper.changeset.model import AddedComment, ChangeMeta, fold_ranges
from gatekeeper.facts.ai.catalogue import Catalogue
from gatekeeper.facts.ai.detect import (
    Evidence,
    evidence,
    prose_lines,
    shaped_trailer,
    short,
    trailer_evidence,
)
from gatekeeper.facts.ai.entries import MarkerEntry
from gatekeeper.facts.ai.literals import lowered

__all__ = ["detect_comments", "detect_review"]


def _description(text: str, catalogue: Catalogue) -> Iterator[Evidence]:
    """Description entries, trailer-shaped lines and tool footers, outside fenced code."""
    for line in prose_lines(text):
        shaped = shaped_trailer(line, catalogue)
        if shaped:
            yield from trailer_evidence("", catalogue, "description", *shaped)
        line = line.rstrip()
        found = [*catalogue.match_description(line), *catalogue.match_footer(line)]
        yield from evidence("", "description", found, line)


def detect_review(meta: ChangeMeta, catalogue: Catalogue) -> tuple[Evidence, ...]:
    """Every marker of ``catalogue`` in the PR/MR's labels, description and author login."""
    found: list[Evidence] = []
    for label in meta.labels:
        found += evidence("", "label", catalogue.match_label(label), label)
    if meta.description:
        found += _description(meta.description, catalogue)
    if meta.author:
        found += evidence("", "pr-author", catalogue.match_pr_author(meta.author), meta.author)
    unique: dict[tuple[str, str, str], Evidence] = {}
    for item in found:
        unique.setdefault((item.source, item.marker, item.text), item)
    return tuple(unique.values())


COMMENT_BATCH = 4096
"""Comments searched together for the catalogue's literals: a change may keep 200,000 of
them, and their text joined and lowercased whole would double the memory they take."""


def detect_comments(comments: Iterable[AddedComment],
                    catalogue: Catalogue) -> tuple[Evidence, ...]:
    """One Evidence per file and marker, with the lines whose comment matched it."""
    comments = tuple(comments)
    hits: dict[tuple[str, str], tuple[MarkerEntry, list[AddedComment]]] = {}
    for start in range(0, len(comments), COMMENT_BATCH):
        for comment, entry in _matches(comments[start:start + COMMENT_BATCH], catalogue):
            hits.setdefault((comment.path, entry.id), (entry, []))[1].append(comment)
    found = []
    for (path, _), (entry, matched) in hits.items():
        first = min(matched, key=lambda c: c.line)
        found.append(Evidence("comment", "", entry.id, entry.tool, entry.strength,
                              short(first.text), path, fold_ranges(c.line for c in matched)))
    return tuple(found)


def _matches(comments: tuple[AddedComment, ...],
             catalogue: Catalogue) -> Iterator[tuple[AddedComment, MarkerEntry]]:
    """Each comment with each entry it matches. The literals the entries need are sought
    once in all the comments together: most comments hold none, and then none is tried on
    its own."""
    together = "\n".join(comment.text for comment in comments)
    may_match = catalogue.comment_lines(together, lowered(together))
    if may_match is None:
        return
    for comment in comments:
        if may_match(comment.text):
            for entry in catalogue.match_comment(comment.text):
                yield comment, entry
