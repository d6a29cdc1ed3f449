"""Runs the stages in order: context, change set, policy, facts, evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gatekeeper import collect, context, facts
from gatekeeper.changeset import ChangeSet
from gatekeeper.classify import Classifier
from gatekeeper.evaluate import evaluate
from gatekeeper.policy import loader
from gatekeeper.verdict import Verdict


@dataclass(frozen=True)
class CheckOptions:
    repo_path: str = "."
    base: str | None = None
    head: str | None = None
    staged: bool = False
    diff_file: str | None = None
    find_copies: bool = False
    policy: str | None = None


def load_changeset(options: CheckOptions) -> tuple[ChangeSet, Path]:
    if options.diff_file is not None:
        return collect.from_diff_file(options.diff_file), Path(options.repo_path)
    from gatekeeper.gitio import GitRepo

    repo = GitRepo.discover(options.repo_path)
    try:
        revisions = context.resolve(repo, context.Request(options.base, options.head,
                                                          options.staged))
        changeset = collect.from_git(repo, revisions, find_copies=options.find_copies)
    finally:
        repo.close()
    return changeset, Path(repo.root)


def run_check(options: CheckOptions) -> Verdict:
    changeset, root = load_changeset(options)
    policy, source = loader.resolve(options.policy, root)
    derived = facts.derive(changeset, Classifier(policy.class_specs()))
    return evaluate(policy, derived, source)
