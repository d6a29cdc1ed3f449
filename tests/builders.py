"""Change sets built by hand for rule tests, and a one-call way to judge a rule against them.

Rule kinds are pure functions of facts, so their unit tests describe the change directly;
the end-to-end tests in tests/policy and tests/test_cli.py run the same rules on real repos.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from gatekeeper.changeset import (
    ChangeMeta,
    ChangeSet,
    Commit,
    FileChange,
    FileStatus,
    Revisions,
    Trailer,
)
from gatekeeper.classify import Classifier, ClassSpec
from gatekeeper.evaluate import evaluate
from gatekeeper.facts import Facts, derive
from gatekeeper.policy.model import ComposedPolicy, Policy, PolicyException
from gatekeeper.verdict import PolicySource, RuleResult, Verdict


def change(path: str, added: int = 1, deleted: int = 0,
           status: FileStatus = FileStatus.MODIFIED, old_path: str | None = None) -> FileChange:
    return FileChange(path=path, old_path=old_path, status=status, added=added, deleted=deleted)


def _sha(n: int) -> str:
    # Distinct from the first character on, so short shas in messages differ too.
    return hashlib.sha1(str(n).encode()).hexdigest()


def commit(n: int = 0, subject: str = "", *, trailers: dict[str, str] | None = None,
           author: str = "Ada", email: str = "ada@example.com",
           parents: int = 1) -> Commit:
    return Commit(_sha(n), tuple(_sha(n + 1000 + p) for p in range(parents)), author,
                  email, "Cy", "cy@example.com", subject or f"change {n}", "",
                  tuple(Trailer(k, v) for k, v in (trailers or {}).items()))


def facts_of(*files: FileChange, commits: int | list[Commit] = 1,
             labels: tuple[str, ...] = (), target_branch: str | None = "main",
             author: str | None = None, description: str | None = None,
             classes: dict[str, ClassSpec] | None = None) -> Facts:
    made = commits if isinstance(commits, list) else [commit(i) for i in range(commits)]
    meta = ChangeMeta(labels=labels, target_branch=target_branch, author=author,
                      description=description)
    cs = ChangeSet(Revisions(mode="range"), tuple(files), tuple(made), meta=meta)
    return derive(cs, Classifier(classes))


def compose(*rules: dict[str, Any], exceptions: list[dict[str, Any]] | None = None,
            classification: dict[str, Any] | None = None) -> ComposedPolicy:
    policy = Policy.model_validate({"rules": list(rules), "exceptions": exceptions or [],
                                    "classification": classification or {}})
    return ComposedPolicy(tuple(policy.rules), policy.class_specs(),
                          tuple(PolicyException.model_validate(e.model_dump())
                                for e in policy.exceptions), ("test",))


def verdict(policy: ComposedPolicy, facts: Facts,
            today: datetime.date | None = None) -> Verdict:
    return evaluate(policy, facts, PolicySource(None, False, "test policy"), today)


def judge(rule: dict[str, Any], facts: Facts, *, today: datetime.date | None = None,
          exceptions: list[dict[str, Any]] | None = None) -> RuleResult:
    """The result of one rule, through the whole framework (conditions, waivers, templates)."""
    rule = {"id": "rule", **rule}
    return verdict(compose(rule, exceptions=exceptions), facts, today).results[0]
