"""Runs the stages in order: context, change set, policy, facts, evaluation."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from gatekeeper import context
from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.context.notes import fetch_notes
from gatekeeper.evaluation.evaluate import evaluate
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts import model as facts
from gatekeeper.facts.ai import gitnotes, provenance
from gatekeeper.facts.classify import POLICY, Classifier, ClassSpec
from gatekeeper.facts.coverage import gather
from gatekeeper.gitread import collect
from gatekeeper.pipeline import trust
from gatekeeper.policy import loader, needs
from gatekeeper.policy.compose import BUILTIN_PREFIX
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource

if TYPE_CHECKING:
    from gatekeeper.facts.coverage.patch import CoverageFacts
    from gatekeeper.gitread.gitio import GitRepo

POLICY_SOURCES = ("base", "head", "worktree")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Outcome:
    """Every verdict of a run (a pre-push hook checks each pushed ref) and its context."""

    verdicts: tuple[Verdict, ...]
    context: str

    @property
    def exit_code(self) -> int:
        return max((v.exit_code for v in self.verdicts), default=0)


def run(options: CheckOptions, today: datetime.date | None = None,
        env: Mapping[str, str] | None = None, stdin: IO[str] | None = None) -> Outcome:
    reports = gather.read(options.coverage, options.coverage_base)
    if options.diff_file is not None:
        if options.policy_source in ("base", "head"):
            from gatekeeper.errors import UsageError

            raise UsageError("--policy-source base or head needs a repository, not --diff-file",
                             hint="use --policy-source worktree")
        root = Path(options.repo_path)
        policy, source = loader.resolve(options.policy, root)
        changeset = collect.from_diff_file(options.diff_file, texts=_texts(policy))
        changeset = replace(changeset, meta=context.meta(options.request, None))
        covered, notes = gather.gather(reports, policy, changeset,
                                       gather.worktree_files(str(root)), str(root.resolve()),
                                       lambda paths: _worktree_lines(root, paths),
                                       tracked=False)
        trusted = trust.worktree(root)
        derived = facts.derive(changeset, classifier_for(policy, source), covered,
                               provenance.gather(changeset, policy.ai),
                               **trust.facts(policy, changeset, trusted, "local"))
        verdict = evaluate(policy, derived, source, today)
        return Outcome((replace(verdict, notes=verdict.notes + notes),), "diff file")
    from gatekeeper.gitread.gitio import GitRepo

    repo = GitRepo.discover(options.repo_path)
    try:
        found = context.detect(repo, options.request, env, stdin)
        verdicts = []
        fetched: tuple[str, ...] | None = None
        for target in found.targets:
            revisions = replace(context.resolve_target(repo, target),
                                context=found.description, name=target.name)
            wanted = options.policy_source or ("base" if found.review else "worktree")
            # --base may narrow a PR's range; its policy still comes from the PR's own base.
            trusted_at = context.policy_revisions(repo, target, revisions)
            policy, source = loader.resolve_in_repo(options.policy, repo, trusted_at, wanted)
            # .gitattributes decide what counts, so they come from where the policy came from
            changeset = collect.from_git(
                repo, revisions, find_copies=options.find_copies, texts=_texts(policy),
                attributes_from=trusted_at.base_sha if wanted == "base" else None)
            if "notes" in policy.ai.detectors:  # the fetch and blame only notes can repay
                if fetched is None:  # once per run, after resolving: see fetch_notes
                    fetched = fetch_notes(repo, found)
                changeset = gitnotes.collect(repo, changeset)
            changeset = replace(changeset, meta=found.meta)
            covered, notes = _coverage(reports, policy, changeset, repo, revisions, found.kind)
            trusted = trust.in_repo(repo, trusted_at, wanted)
            derived = facts.derive(changeset, classifier_for(policy, source), covered,
                                   provenance.gather(changeset, policy.ai),
                                   **trust.facts(policy, changeset, trusted, found.kind))
            verdict = evaluate(policy, derived, source, today)
            if policy.review.approvals.enforce:  # the API clients load only when used
                from gatekeeper.evaluation.review import enforce

                verdict = enforce.apply(verdict, found.api, policy.review.approvals)
            verdicts.append(replace(verdict, notes=verdict.notes + notes + (fetched or ())))
    finally:
        repo.close()
    return Outcome(tuple(verdicts), found.description)


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

    return gather.gather(reports, policy, changeset, files, repo.root, lines, kind)


def _worktree_lines(root: Path, paths: Sequence[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue
        counts[path] = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return counts


def classifier_for(policy: ComposedPolicy, source: PolicySource) -> Classifier:
    """The policy's classes, with the files the policy was read from in the ``policy`` class:
    a change to a file the policy extends changes the policy as much as .gatekeeper.yml does."""
    specs = dict(policy.class_specs())
    own = tuple("/" + _escape(f) for f in source.files
                if not f.startswith(BUILTIN_PREFIX) and not f.startswith(("/", "..")))
    current = specs.get(POLICY, ClassSpec())
    specs[POLICY] = ClassSpec((*own, *current.include), current.builtin)
    return Classifier(specs)


def _escape(path: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\!" else ch for ch in path)


def run_check(options: CheckOptions, today: datetime.date | None = None) -> Verdict:
    """The one verdict of a run that checks one change (every context but pre-push)."""
    outcome = run(options, today)
    if len(outcome.verdicts) != 1:
        raise ValueError(f"expected one verdict, got {len(outcome.verdicts)}")
    return outcome.verdicts[0]
