"""Runs the stages in order: context, change set, policy, facts, evaluation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
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
    labels: tuple[str, ...] = ()
    target_branch: str | None = None
    author: str | None = None
    description: str | None = None

    def request(self) -> context.Request:
        return context.Request(self.base, self.head, self.staged, self.labels,
                               self.target_branch, self.author, self.description)


def load_changeset(options: CheckOptions) -> tuple[ChangeSet, Path]:
    request = options.request()
    if options.diff_file is not None:
        changeset = collect.from_diff_file(options.diff_file)
        return replace(changeset, meta=context.meta(request, None)), Path(options.repo_path)
    from gatekeeper.gitio import GitRepo

    repo = GitRepo.discover(options.repo_path)
    try:
        revisions = context.resolve(repo, request)
        changeset = collect.from_git(repo, revisions, find_copies=options.find_copies)
    finally:
        repo.close()
    return replace(changeset, meta=context.meta(request, revisions)), Path(repo.root)


def run_check(options: CheckOptions, today: datetime.date | None = None) -> Verdict:
    changeset, root = load_changeset(options)
    policy, source = loader.resolve(options.policy, root)
    derived = facts.derive(changeset, Classifier(policy.class_specs()))
    return evaluate(policy, derived, source, today)
