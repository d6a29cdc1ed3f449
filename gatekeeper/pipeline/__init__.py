"""Runs the phases in order: context, change set, policy, coverage, facts, verdict, and the
sticky comment after it.

The context phase and the start of the first change's ``git diff`` need only light modules;
the later phases (``phases``: the policy model, rules, facts) are imported while git runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import field, replace
from typing import IO, TYPE_CHECKING

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.common.records import record
from gatekeeper.context.model import Context, Target
from gatekeeper.facts.coverage import gather
from gatekeeper.gitread import collect

if TYPE_CHECKING:
    from gatekeeper.evaluation.verdict import Verdict
    from gatekeeper.gitread.gitio import GitRepo

POLICY_SOURCES = ("base", "head", "worktree")


@record
class CheckOptions:
    """What to check (``request``, resolved by the context layer) and how."""

    repo_path: str = "."
    request: context.Request = field(default_factory=context.Request)
    diff_file: str | None = None
    find_copies: bool = False
    policy: str | None = None
    policy_source: str | None = None
    """``base``, ``head`` or ``worktree``; None reads from the base for a PR or MR."""
    coverage: tuple[str, ...] = ()
    """Coverage reports of the head; several are merged (shards, monorepo packages)."""
    coverage_base: tuple[str, ...] = ()
    """Coverage reports of the base, for the change in total coverage."""
    comment: bool = False
    """Write the report as the sticky comment on the pull or merge request."""


@record
class Outcome:
    """Every verdict of a run (a pre-push hook checks each pushed ref) and its context."""

    verdicts: tuple[Verdict, ...]
    context: str

    @property
    def exit_code(self) -> int:
        """The worst exit code of the verdicts; 0 when no target needed checking."""
        return max((v.exit_code for v in self.verdicts), default=0)


@record
class Early:
    """What the context phase settles for one target before the policy is read: its
    revisions, the revisions the policy is read at, from which tree (``wanted``), and its
    ``git diff`` when already started."""

    revisions: Revisions
    trusted_at: Revisions
    wanted: str
    """``base``, ``head`` or ``worktree``: where the policy and .gitattributes are read."""
    started: collect.Started | None = None

    @property
    def attributes_from(self) -> str | None:
        """The trusted commit whose .gitattributes decide what counts: where the policy came
        from, when that is the base."""
        return self.trusted_at.base_sha if self.wanted == "base" else None


def run(options: CheckOptions, today: datetime.date | None = None,
        env: Mapping[str, str] | None = None, stdin: IO[str] | None = None) -> Outcome:
    """Phase "context" picks where the change comes from; each change then goes through the
    change set, policy and coverage phases to :func:`judge.judge`, the one chain to a verdict."""
    reports = gather.read(options.coverage, options.coverage_base)
    if options.diff_file is not None:
        from gatekeeper.pipeline import phases

        return Outcome((phases.from_diff_file(options.diff_file, options, reports, today),),
                       "diff file")
    from gatekeeper.gitread.gitio import GitRepo

    repo = GitRepo.discover(options.repo_path)
    started: list[collect.Started] = []
    try:
        found = context.detect(repo, options.request, env, stdin)
        fetched: list[tuple[str, ...]] = []  # the notes fetch, once per run: see fetch_notes
        verdicts = tuple(_verdicts(repo, found, options, reports, fetched, started, today))
    finally:
        for diff in started:  # unread when a phase failed before the change set
            diff.abandon()
        repo.close()
    return Outcome(verdicts, found.description)


def _verdicts(repo: GitRepo, found: Context, options: CheckOptions, reports: gather.Reports,
              fetched: list[tuple[str, ...]], started: list[collect.Started],
              today: datetime.date | None) -> Iterator[Verdict]:
    """Each target's verdict; the first target's diff starts before the later phases load."""
    for number, target in enumerate(found.targets):
        early = _early(repo, found, target, options, start=number == 0)
        if early.started is not None:
            started.append(early.started)
        from gatekeeper.pipeline import phases

        yield phases.from_target(repo, found, early, options, reports, fetched, today)


def _early(repo: GitRepo, found: Context, target: Target, options: CheckOptions, *,
           start: bool) -> Early:
    """The context phase's part of one target, and with ``start`` its diff started."""
    revisions = replace(context.resolve_target(repo, target),
                        context=found.description, name=target.name)
    wanted = options.policy_source or ("base" if found.review else "worktree")
    # --base may narrow a PR's range; its policy still comes from the PR's own base.
    early = Early(revisions, context.policy_revisions(repo, target, revisions), wanted)
    if not start:
        return early
    # .gitattributes decide what counts, so they come from where the policy came from
    return replace(early, started=collect.start(repo, revisions, find_copies=options.find_copies,
                                                attributes_from=early.attributes_from))


def run_check(options: CheckOptions, today: datetime.date | None = None) -> Verdict:
    """The one verdict of a run that checks one change (every context but pre-push)."""
    outcome = run(options, today)
    if len(outcome.verdicts) != 1:
        raise ValueError(f"expected one verdict, got {len(outcome.verdicts)}")
    return outcome.verdicts[0]
