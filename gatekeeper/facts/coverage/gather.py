"""Turns the reports a run was given into coverage facts for one change, or says why not."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import ChangeSet, FileStatus
from gatekeeper.common.records import record
from gatekeeper.errors import CoverageMismatchError

if TYPE_CHECKING:  # a run without reports loads none of what reads and measures them
    from gatekeeper.facts.coverage.model import Report
    from gatekeeper.facts.coverage.patch import CoverageFacts
    from gatekeeper.facts.coverage.settings import CoverageSettings

HOOKS = ("pre-push", "pre-commit")
"""Contexts that run on a developer's machine at every push or commit, with no reports."""
LineCounter = Callable[[Sequence[str]], Mapping[str, int]]
"""Head line counts of the repository paths given (those the reports measure)."""


@record
class Reports:
    """The reports of one run, read once: a pre-push run checks several refs against them."""

    head: tuple[Report, ...] = ()
    base: tuple[Report, ...] = ()
    paths: tuple[str, ...] = ()
    """The files they were read from, head's then base's, as given."""

    @property
    def given(self) -> bool:
        """Whether head reports were given; without them there is nothing to measure."""
        return bool(self.head)


def read(head: Sequence[str], base: Sequence[str]) -> Reports:
    """Read every report named; any unreadable one stops the run with its own error."""
    if not head and not base:
        return Reports()
    from gatekeeper.facts.coverage import readers  # expat and json only when reports are given

    if base and not head:
        from gatekeeper.errors import UsageError

        raise UsageError("--coverage-base needs --coverage: a base total alone measures "
                         "nothing", hint="also pass the head's report with --coverage FILE")
    return Reports(tuple(readers.load(p) for p in head), tuple(readers.load(p) for p in base),
                   (*head, *base))


def worktree_files(root: str) -> list[str]:
    """Every file under ``root`` but version-control folders, for a diff read from a file."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".hg", ".svn")]
        rel = os.path.relpath(folder, root)
        found += [f if rel == "." else f"{rel}/{f}".replace(os.sep, "/") for f in files]
    return found


def gather(reports: Reports, settings: CoverageSettings, changeset: ChangeSet,
           repo_files: Iterable[str], repo_root: str | None,
           line_counts: LineCounter, context: str = "local", *, tracked: bool = True,
           judged_by: Sequence[str] = ()) -> tuple[CoverageFacts | None, tuple[str, ...]]:
    """The coverage facts of the change (None without reports), and notes for the verdict.

    ``judged_by`` are the ids of the policy's rules that judge coverage reports. Raises
    ``CoverageMismatchError`` (exit 3) when there are such rules but no report, or when the
    reports do not fit the change, unless ``settings`` let that pass. A hook has no reports
    to give, so there a missing report leaves the coverage rules not applicable (which they
    report) instead of blocking every push.

    ``repo_files`` are the files of the commit checked (``tracked``), and a report among them
    is refused (exit 2) unless the settings allow committed reports; for a diff read from a
    file they are every file on disk, which tells nothing about what is committed.
    """
    if not reports.given:
        if context not in HOOKS:
            _missing(settings, judged_by, changeset)
        return None, ()
    from gatekeeper.facts.coverage.merge import merge
    from gatekeeper.facts.coverage.patch import build
    from gatekeeper.facts.coverage.paths import PathMapper

    head_files = set(repo_files)
    if tracked and repo_root is not None and not settings.allow_committed_reports:
        _refuse_committed(reports, repo_root, head_files, changeset)
    files = {*head_files, *(c.path for c in changeset.files)}
    mapper = PathMapper(files, repo_root=repo_root, source_roots=settings.source_roots,
                        strip_prefixes=settings.strip_prefixes)
    head = merge(reports.head, mapper)
    base = merge(reports.base, mapper) if reports.base else None
    changed = [c.path for c in changeset.files if c.path in head.files]
    facts = build(changeset, head, base, line_counts(changed) if changed else {})
    return facts, _fit(facts, settings, changeset)


def _refuse_committed(reports: Reports, repo_root: str, head_files: set[str],
                      changeset: ChangeSet) -> None:
    # A staged report is as much the change's own as a committed one.
    from gatekeeper.facts.coverage import committed

    staged = (c.path for c in changeset.files if c.status is not FileStatus.DELETED)
    committed.refuse(reports.paths, repo_root, {*head_files, *staged})


def _fit(facts: CoverageFacts, settings: CoverageSettings, changeset: ChangeSet
         ) -> tuple[str, ...]:
    """The notes of reports that do not fit the change; an error unless the settings warn."""
    if facts.problems and settings.mismatch == "error" and not changeset.empty:
        raise CoverageMismatchError(
            "coverage reports do not fit the change: " + "; ".join(facts.problems),
            hint=_hint())
    return tuple(f"coverage: {p}" for p in facts.problems)


def _missing(settings: CoverageSettings, judged_by: Sequence[str], changeset: ChangeSet) -> None:
    if judged_by and settings.missing_report == "error" and not changeset.empty:
        raise CoverageMismatchError(
            f"the policy judges coverage ({', '.join(judged_by)}) but no coverage report was "
            "given", hint="pass the report with --coverage FILE (the action's coverage-files "
            "input), or set coverage.missing_report: skip in the policy")


def _hint() -> str:
    return ("make the report from the commit being checked; if its paths differ from the "
            "repository's, set coverage.source_roots or coverage.strip_prefixes in the policy; "
            "to report this without failing, set coverage.mismatch: warn")
