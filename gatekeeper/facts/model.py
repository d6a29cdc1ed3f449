"""Derives the facts rules judge: each file's classes, and raw and effective totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import ChangeSet, FileChange
from gatekeeper.common.globs import PathSet
from gatekeeper.common.records import record
from gatekeeper.facts.classify import REVIEW_EXCLUDED, SENSITIVE, Classifier

if TYPE_CHECKING:
    from gatekeeper.facts.ai.provenance import AiFacts
    from gatekeeper.facts.codeowners.facts import OwnerFacts
    from gatekeeper.facts.coverage.patch import CoverageFacts
    from gatekeeper.facts.flags.facts import FlagFacts

RENAME = "rename"


@record(slots=True)
class FileFacts:
    """One changed file with its classes, and why it leaves the effective totals, if it does."""

    change: FileChange
    classes: frozenset[str]
    excluded_by: str | None
    """Why the file leaves the effective totals (a class, or ``rename``), or None."""

    @property
    def path(self) -> str:
        """The file's path in the change (for a rename, the new one)."""
        return self.change.path

    @property
    def effective(self) -> bool:
        """Whether the file counts in the effective totals (no class or rename excludes it)."""
        return self.excluded_by is None

    @property
    def touched(self) -> tuple[str, ...]:
        """The paths the change touches: the path and, for a rename or copy, the old one."""
        old = self.change.old_path
        return (self.path, old) if old and old != self.path else (self.path,)


@record(slots=True)
class Totals:
    """Counts over some changed files: how many, and their added and deleted lines."""

    files: int
    added: int
    deleted: int

    @property
    def changed(self) -> int:
        """Added plus deleted lines."""
        return self.added + self.deleted

    @classmethod
    def of(cls, files: list[FileFacts]) -> Totals:
        """Count ``files`` and sum their added and deleted lines."""
        return cls(len(files), sum(f.change.added for f in files),
                   sum(f.change.deleted for f in files))


@record(slots=True)
class Facts:
    """Everything rules judge of a change: per-file classes, raw and effective totals, sources."""

    changeset: ChangeSet
    files: tuple[FileFacts, ...]
    raw: Totals
    effective: Totals
    excluded: tuple[tuple[str, int], ...]
    """How many files each reason took out of the effective totals."""
    coverage: CoverageFacts | None = None
    """What coverage reports say of the change; None when no report was given."""
    ai: AiFacts | None = None
    """The AI provenance evidence; None when it was not gathered (a hand-built change)."""
    flags: FlagFacts | None = None
    """Feature-flag references per file; None when the policy does not scan for flags."""
    owners: OwnerFacts | None = None
    """The code owners of the touched files; None when no CODEOWNERS file was read."""

    @property
    def empty(self) -> bool:
        """Whether the change set has neither files nor commits."""
        return self.changeset.empty

    @property
    def touches(self) -> dict[str, bool]:
        """Whether the change touches policy files, .gitattributes, CODEOWNERS, CI config."""
        return {name: any(name in f.classes for f in self.files) for name in SENSITIVE}

    @property
    def effective_files(self) -> tuple[FileFacts, ...]:
        """The files that count in the effective totals, in change order."""
        return tuple(f for f in self.files if f.effective)


def _exclusion(change: FileChange, classes: frozenset[str]) -> str | None:
    for name in REVIEW_EXCLUDED:
        if name in classes:
            return name
    return RENAME if change.is_pure_rename else None


def _summarise(changeset: ChangeSet, files: list[FileFacts],
               coverage: CoverageFacts | None = None, ai: AiFacts | None = None) -> Facts:
    effective = [f for f in files if f.effective]
    reasons = Counter(f.excluded_by for f in files if f.excluded_by)
    return Facts(
        changeset=changeset,
        files=tuple(files),
        raw=Totals.of(files),
        effective=Totals.of(effective),
        excluded=tuple(sorted(reasons.items())),
        coverage=coverage,
        ai=ai,
    )


def without(facts: Facts, paths: PathSet) -> tuple[Facts, int]:
    """The facts with the files ``paths`` match taken out, and how many were taken."""
    kept = [f for f in facts.files if not any(paths.matches(p) for p in f.touched)]
    view = _summarise(facts.changeset, kept, facts.coverage, facts.ai)
    return replace(view, flags=facts.flags, owners=facts.owners), len(facts.files) - len(kept)


def derive(changeset: ChangeSet, classifier: Classifier,
           coverage: CoverageFacts | None = None, ai: AiFacts | None = None, *,
           flags: FlagFacts | None = None, owners: OwnerFacts | None = None) -> Facts:
    """Classify and total each file of the change; the fact sources are attached as given."""
    files = []
    for change in changeset.files:
        attributes = changeset.attributes.get(change.path, {})
        classes = classifier.classify(change.path, attributes, changeset.headers.get(change.path))
        files.append(FileFacts(change, classes, _exclusion(change, classes)))
    return replace(_summarise(changeset, files, coverage, ai), flags=flags, owners=owners)
