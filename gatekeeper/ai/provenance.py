"""The AI facts of a change: every piece of evidence, the tools, shares, and the spot check."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from gatekeeper.ai import catalogue
from gatekeeper.ai.attribute import NoteFile, attribute
from gatekeeper.ai.detect import Evidence, Strength, detect_commit, strongest
from gatekeeper.ai.review import detect_comments, detect_review
from gatekeeper.ai.settings import AiSettings, SpotCheckSettings
from gatekeeper.changeset import ChangeSet

BUCKETS = 10_000
"""The draw is a whole number of hundredths of a percent, so reports show it exactly."""


@dataclass(frozen=True, slots=True)
class SpotCheck:
    """Whether the change was picked for a spot check, and the draw that decided it."""

    selected: bool
    percent: float
    key: str
    """What the draw was keyed on: ``PR/MR 42`` or ``commit <sha>``; empty when nothing."""
    draw: float | None
    """Where the change fell, from 0 up to 100; picked when below ``percent``."""
    reason: str


@dataclass(frozen=True, slots=True)
class AiFacts:
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
        return bool(self.evidence)

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(sorted({e.tool for e in self.evidence}))

    @property
    def strength(self) -> Strength | None:
        return strongest(self.evidence)

    @property
    def commit_share(self) -> float | None:
        """Percent of the change's commits with evidence; None without commits."""
        if not self.commits:
            return None
        return 100.0 * self.commits_with_evidence / self.commits

    def at_least(self, strength: Strength) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.strength.rank <= strength.rank)


def draw(key: str, salt: str = "") -> float:
    """A stable number in [0, 100) for ``key``: the same on every run and every machine."""
    digest = hashlib.sha256(f"{salt}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS / (BUCKETS / 100)


def spot_check(settings: SpotCheckSettings, changeset: ChangeSet,
               evidence: tuple[Evidence, ...]) -> SpotCheck:
    percent = settings.percent
    strong = [e for e in evidence if e.strength.rank <= settings.min_strength.rank]
    number, head = changeset.meta.number, changeset.revisions.head_sha
    key = f"PR/MR {number}" if number is not None else (f"commit {head}" if head else "")
    if not strong:
        return SpotCheck(False, percent, key, None,
                         f"no AI evidence {settings.min_strength.value} or stronger")
    if not key:
        return SpotCheck(False, percent, key, None,
                         "nothing to key the draw on (no PR/MR number and no head commit)")
    value = draw(key, settings.salt)
    picked = value < percent
    return SpotCheck(picked, percent, key, value,
                     f"{key} drew {value:g}, {'below' if picked else 'not below'} {percent:g}%")


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
        notes = attribute(changeset)
        found.extend(notes.evidence)
        files, problems = notes.files, notes.problems
    evidence = _dedupe(e for e in found if e.source in wanted)
    with_evidence = {e.commit for e in evidence if e.commit}
    commits = {c.sha for c in changeset.commits}
    check = (spot_check(settings.spot_check, changeset, evidence)
             if settings.spot_check is not None else None)
    return AiFacts(evidence, len(commits), len(with_evidence & commits), files, check, problems)
