"""The phases after the context: change set, policy, coverage, facts and verdict, for one
change. They import the policy model and every rule, so ``run`` loads them only once the
change's ``git diff`` is running."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper import context
from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.context.model import Context
from gatekeeper.context.notes import fetch_notes
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.ai import gitnotes
from gatekeeper.facts.coverage import gather
from gatekeeper.gitread import collect
from gatekeeper.pipeline import judge, trust
from gatekeeper.policy import needs, resolver
from gatekeeper.policy.model import ComposedPolicy

if TYPE_CHECKING:
    from gatekeeper.facts.coverage.patch import CoverageFacts
    from gatekeeper.gitread.gitio import GitRepo
    from gatekeeper.pipeline import CheckOptions, Early


def from_diff_file(diff_file: str, options: CheckOptions, reports: gather.Reports,
                   today: datetime.date | None) -> Verdict:
    """The verdict on the change a diff file describes (``--diff-file``), judged in the
    work tree."""
    if options.policy_source in ("base", "head"):
        from gatekeeper.errors import UsageError

        raise UsageError("--policy-source base or head needs a repository, not --diff-file",
                         hint="use --policy-source worktree")
    root = Path(options.repo_path)
    policy, source = resolver.resolve(options.policy, root)
    changeset = collect.from_diff_file(diff_file, texts=_texts(policy))
    changeset = replace(changeset, meta=context.meta(options.request, None))
    covered, notes = gather.gather(reports, policy.coverage, changeset,
                                   gather.worktree_files(str(root)), str(root.resolve()),
                                   lambda paths: _worktree_lines(root, paths), tracked=False,
                                   judged_by=needs.coverage_rules(policy))
    inputs = judge.Inputs(changeset, trust.worktree(root), "local", covered, notes)
    return judge.judge(inputs, policy, source, today)


def from_target(repo: GitRepo, found: Context, early: Early, options: CheckOptions,
                reports: gather.Reports, fetched: list[tuple[str, ...]],
                today: datetime.date | None) -> Verdict:
    """The verdict on one target, whose revisions the context phase resolved (``early``)."""
    revisions, trusted_at, wanted = early.revisions, early.trusted_at, early.wanted
    policy, source = resolver.resolve_in_repo(options.policy, repo, trusted_at, wanted)
    changeset = collect.from_git(
        repo, revisions, find_copies=options.find_copies, texts=_texts(policy),
        attributes_from=early.attributes_from, started=early.started)
    if "notes" in policy.ai.detectors:  # the fetch and blame only notes can repay
        if not fetched:  # once per run, after resolving: see fetch_notes
            fetched.append(fetch_notes(repo, found))
        changeset = gitnotes.collect(repo, changeset)
    changeset = replace(changeset, meta=found.meta)
    covered, notes = _coverage(reports, policy, changeset, repo, revisions, found.kind)
    inputs = judge.Inputs(changeset, trust.in_repo(repo, trusted_at, wanted), found.kind,
                          covered, notes + (fetched[0] if fetched else ()))
    verdict = judge.judge(inputs, policy, source, today)
    if changeset.empty and found.kind == "local" and revisions.mode == "range":
        verdict = replace(verdict, notes=(*verdict.notes, _nothing_here(revisions)))
    if policy.review.approvals.enforce:  # the API clients load only when used
        from gatekeeper.evaluation.review import enforce

        verdict = enforce.apply(verdict, found.api, policy.review.approvals)
    if options.comment or policy.report.comment == "required":  # a sink, after the verdict
        from gatekeeper.pipeline import comment

        verdict = comment.apply(verdict, found.api, options.comment, policy.report)
    return verdict


def _nothing_here(revisions: Revisions) -> str:
    """What a first run on a fresh clone needs to hear: why nothing was compared, and how to
    compare something."""
    base = revisions.base_ref or "the base"
    return (f"{revisions.head_ref or 'HEAD'} has no commits beyond {base}, so there was nothing "
            "to compare; to check something, pass --base REV (--base HEAD~1 checks the last "
            "commit), --staged for what is staged, or commit on a branch first")


def _texts(policy: ComposedPolicy) -> collect.Wants | None:
    """Which files' line text the change set keeps: only what the flag scan will read."""
    return policy.flags.wants if needs.flags(policy) else None


def _coverage(reports: gather.Reports, policy: ComposedPolicy, changeset: ChangeSet,
              repo: GitRepo, revisions: Revisions, kind: str
              ) -> tuple[CoverageFacts | None, tuple[str, ...]]:
    # Staged changes live in the index (":path"); a range's head is its commit.
    head = revisions.head_sha
    prefix = f"{head}:" if head else ":"
    files = repo.list_files(head or "HEAD") if reports.given else []

    def lines(paths: Sequence[str]) -> dict[str, int]:
        counts = repo.line_counts([prefix + p for p in paths])
        return {spec[len(prefix):]: n for spec, n in counts.items()}

    return gather.gather(reports, policy.coverage, changeset, files, repo.root, lines, kind,
                         judged_by=needs.coverage_rules(policy))


def _worktree_lines(root: Path, paths: Sequence[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue
        counts[path] = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return counts
