"""Change sets built by hand for rule tests, and a one-call way to judge a rule against them.

Rule kinds are pure functions of facts, so their unit tests describe the change directly;
the end-to-end tests in tests/policy and tests/test_cli.py run the same rules on real repos.
"""

from __future__ import annotations

import datetime
import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from gatekeeper.changeset.model import (
    ChangeMeta,
    ChangeSet,
    Commit,
    FileChange,
    FileStatus,
    Hunk,
    Revisions,
    Trailer,
)
from gatekeeper.evaluation.evaluate import evaluate
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.facts.ai.provenance import gather
from gatekeeper.facts.ai.settings import AiSettings
from gatekeeper.facts.classify import Classifier, ClassSpec
from gatekeeper.facts.coverage.merge import merge
from gatekeeper.facts.coverage.model import COVERED, MISSED, FileCoverage, Report
from gatekeeper.facts.coverage.patch import build
from gatekeeper.facts.coverage.paths import PathMapper
from gatekeeper.facts.model import Facts, derive
from gatekeeper.policy.model import ComposedPolicy, Policy, PolicyException
from gatekeeper.policy.sources import PolicySource


def change(path: str, added: int = 1, deleted: int = 0,
           status: FileStatus = FileStatus.MODIFIED, old_path: str | None = None) -> FileChange:
    """A changed file with ``added`` and ``deleted`` lines and no hunks."""
    return FileChange(path=path, old_path=old_path, status=status, added=added, deleted=deleted)


def _sha(n: int) -> str:
    # Distinct from the first character on, so short shas in messages differ too.
    return hashlib.sha1(str(n).encode()).hexdigest()


def commit(n: int = 0, subject: str = "", *, trailers: dict[str, str] | None = None,
           author: str = "Ada", email: str = "ada@example.com",
           parents: int = 1) -> Commit:
    """Commit number ``n``, with made-up shas, ``parents`` parents and the given trailers."""
    return Commit(_sha(n), tuple(_sha(n + 1000 + p) for p in range(parents)), author,
                  email, "Cy", "cy@example.com", subject or f"change {n}", "",
                  tuple(Trailer(k, v) for k, v in (trailers or {}).items()))


def facts_of(*files: FileChange, commits: int | list[Commit] = 1,
             labels: tuple[str, ...] = (), target_branch: str | None = "main",
             author: str | None = None, description: str | None = None,
             classes: dict[str, ClassSpec] | None = None, number: int | None = None) -> Facts:
    """The facts derived from a change set of ``files``, commits and request metadata."""
    made = commits if isinstance(commits, list) else [commit(i) for i in range(commits)]
    meta = ChangeMeta(labels=labels, target_branch=target_branch, author=author,
                      description=description, number=number)
    cs = ChangeSet(Revisions(mode="range"), tuple(files), tuple(made), meta=meta)
    return derive(cs, Classifier(classes))


def with_ai(facts: Facts, head: str | None = None, **settings: Any) -> Facts:
    """``facts`` with the AI evidence the detectors find, under the ``ai:`` ``settings``."""
    changeset = facts.changeset
    if head is not None:
        changeset = replace(changeset, revisions=replace(changeset.revisions, head_sha=head))
    ai = gather(changeset, AiSettings.model_validate(settings))
    return replace(facts, changeset=changeset, ai=ai)


def compose(*rules: dict[str, Any], exceptions: list[dict[str, Any]] | None = None,
            classification: dict[str, Any] | None = None) -> ComposedPolicy:
    """A composed policy of ``rules``, ``exceptions`` and ``classification``, validated."""
    policy = Policy.model_validate({"rules": list(rules), "exceptions": exceptions or [],
                                    "classification": classification or {}})
    return ComposedPolicy(tuple(policy.rules), policy.class_specs(),
                          tuple(PolicyException.model_validate(e.model_dump())
                                for e in policy.exceptions), ("test",))


def verdict(policy: ComposedPolicy, facts: Facts,
            today: datetime.date | None = None) -> Verdict:
    """The verdict of ``policy`` on ``facts``, as of ``today``."""
    return evaluate(policy, facts, PolicySource(None, False, "test policy"), today)


def judge(rule: dict[str, Any], facts: Facts, *, today: datetime.date | None = None,
          exceptions: list[dict[str, Any]] | None = None) -> RuleResult:
    """The result of one rule, through the whole framework (conditions, waivers, templates)."""
    rule = {"id": "rule", **rule}
    return verdict(compose(rule, exceptions=exceptions), facts, today).results[0]


def edited(path: str, *ranges: tuple[int, int], status: FileStatus = FileStatus.MODIFIED,
           old_path: str | None = None, deleted: int = 0) -> FileChange:
    """A file change whose added lines are ``ranges`` (inclusive), one hunk per range."""
    hunks = tuple(Hunk(a, 0, a, b - a + 1, ((a, b),), ()) for a, b in ranges)
    added = sum(b - a + 1 for a, b in ranges)
    return FileChange(path=path, old_path=old_path, status=status, added=added,
                      deleted=deleted, hunks=hunks)


def measured(path: str, covered: Iterable[int] = (), missed: Iterable[int] = (),
             branches: Iterable[tuple[int, int, int]] = ()) -> FileCoverage:
    """A report's data for one file: the lines run, the lines not run, branch triples."""
    covered, missed = list(covered), list(missed)
    states = bytearray(max([0, *covered, *missed]) + 1)
    for line in missed:
        states[line] = MISSED
    for line in covered:
        states[line] = COVERED
    return FileCoverage(path, bytes(states), array("l", [n for t in branches for n in t]))


def with_coverage(facts: Facts, head: list[FileCoverage],
                  base: list[FileCoverage] | None = None,
                  line_counts: dict[str, int] | None = None) -> Facts:
    """``facts`` with coverage facts from reports that name repository paths directly."""
    files = [f.path for f in facts.files] + [f.path for f in head] + [f.path for f in base or []]
    mapper = PathMapper(files)
    head_report = merge([Report("head.xml", "cobertura", tuple(head))], mapper)
    base_report = (merge([Report("base.xml", "cobertura", tuple(base))], mapper)
                   if base is not None else None)
    coverage = build(facts.changeset, head_report, base_report, line_counts or {})
    return replace(facts, coverage=coverage)
