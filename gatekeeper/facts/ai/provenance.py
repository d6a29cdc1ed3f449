"""The AI facts of a change: every piece of evidence, the tools, shares, and the spot check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import ChangeSet
from gatekeeper.common.records import record
from gatekeeper.facts.ai import catalogue
from gatekeeper.facts.ai.detect import Evidence, Strength, detect_commit, strongest
from gatekeeper.facts.ai.review import detect_comments, detect_review
from gatekeeper.facts.ai.settings import AiSettings

if TYPE_CHECKING:  # loaded when a change has notes, or the policy asks for a spot check
    from gatekeeper.facts.ai.attribute import NoteFile
    from gatekeeper.facts.ai.spotcheck import SpotCheck


@record(slots=True)
class AiFacts:
    """The AI evidence of a change, with commit counts, per-file note lines and the spot check."""

    evidence: tuple[Evidence, ...]
    commits: int
    """Commits in the change (merges included)."""
    commits_with_evidence: int
    files: tuple[NoteFile, ...] = ()
    """Per file, the added lines notes attribute to AI, where notes exist."""
    spot_check: SpotCheck | None = None
    problems: tuple[str, ...] = ()
    """Evidence that could not be read (a malformed note), for the report."""

    @property
    def assisted(self) -> bool:
        """Whether any detector found AI evidence in the change."""
        return bool(self.evidence)

    @property
    def tools(self) -> tuple[str, ...]:
        """The tools the evidence names, sorted, each once."""
        return tuple(sorted({e.tool for e in self.evidence}))

    @property
    def strength(self) -> Strength | None:
        """The strongest strength among the evidence; None when there is none."""
        return strongest(self.evidence)

    @property
    def commit_share(self) -> float | None:
        """Percent of the change's commits with evidence; None without commits."""
        if not self.commits:
            return None
        return 100.0 * self.commits_with_evidence / self.commits

    def at_least(self, strength: Strength) -> tuple[Evidence, ...]:
        """The evidence as strong as ``strength`` or stronger."""
        return tuple(e for e in self.evidence if e.strength.rank <= strength.rank)


def _dedupe(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    seen: dict[tuple[str, str, str, str, str], Evidence] = {}
    for item in evidence:
        seen.setdefault((item.source, item.commit, item.marker, item.path, item.text), item)
    return tuple(seen.values())


def gather(changeset: ChangeSet, settings: AiSettings) -> AiFacts:
    """Runs the detectors the settings choose over the change set."""
    markers = catalogue.load(settings.markers, settings.disable_markers)
    wanted = settings.sources()
    found: list[Evidence] = []
    if "commits" in settings.detectors:
        for commit in changeset.commits:
            found.extend(detect_commit(commit, markers))
    if "review" in settings.detectors:
        found.extend(detect_review(changeset.meta, markers))
    if "comments" in settings.detectors:
        found.extend(detect_comments(changeset.comments, markers))
    files: tuple[NoteFile, ...] = ()
    problems: tuple[str, ...] = ()
    if "notes" in settings.detectors and (changeset.notes or changeset.unread_notes):
        from gatekeeper.facts.ai.attribute import attribute

        notes = attribute(changeset)
        found.extend(notes.evidence)
        files, problems = notes.files, notes.problems
    evidence = _dedupe(e for e in found if e.source in wanted)
    with_evidence = {e.commit for e in evidence if e.commit}
    commits = {c.sha for c in changeset.commits}
    check = None
    if settings.spot_check is not None:
        from gatekeeper.facts.ai.spotcheck import spot_check

        check = spot_check(settings.spot_check, changeset, evidence)
    return AiFacts(evidence, len(commits), len(with_evidence & commits), files, check, problems)
