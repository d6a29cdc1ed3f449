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


def detect_comments(comments: Iterable[AddedComment],
                    catalogue: Catalogue) -> tuple[Evidence, ...]:
    """One Evidence per file and marker, with the lines whose comment matched it."""
    comments = tuple(comments)
    if not comments:  # as in most small changes: the literals need not even be worked out
        return ()
    # The literals the entries need are sought once in all comments together: a change's
    # thousands of comments mostly hold none, and then no comment is tried on its own.
    together = "\n".join(comment.text for comment in comments)
    may_match = catalogue.comment_lines(together, lowered(together))
    if may_match is None:
        return ()
    hits: dict[tuple[str, str], tuple[MarkerEntry, list[AddedComment]]] = {}
    for comment in comments:
        if not may_match(comment.text):
            continue
        for entry in catalogue.match_comment(comment.text):
            hits.setdefault((comment.path, entry.id), (entry, []))[1].append(comment)
    found = []
    for (path, _), (entry, matched) in hits.items():
        first = min(matched, key=lambda c: c.line)
        found.append(Evidence("comment", "", entry.id, entry.tool, entry.strength,
                              short(first.text), path, fold_ranges(c.line for c in matched)))
    return tuple(found)
