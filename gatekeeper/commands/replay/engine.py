"""Judges each change of the history as ``gatekeeper check --base <base> --head <head>`` would
in this repository: the same change set, metadata, trusted tree and policy, through
``pipeline.judge.judge``, the one chain from a change set to a verdict.

Coverage rules have no reports to read for past changes, so they judge no coverage (as in a
hook, where no report is given) instead of stopping the run.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from gatekeeper.changeset.model import ChangeMeta, ChangeSet
from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.ai import gitnotes
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.pipeline import judge, trust
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource
from gatekeeper.rules.findings import Status

PLATFORM = "local"


@record
class Judged:
    """A policy with what it reads besides the change: its source and the trusted tree."""

    policy: ComposedPolicy
    source: PolicySource
    trusted: trust.Trusted

    @property
    def wants_notes(self) -> bool:
        """Whether the policy reads Git AI notes, which the change set then carries."""
        return "notes" in self.policy.ai.detectors

    def verdict(self, changeset: ChangeSet, today: datetime.date | None = None) -> Verdict:
        """The verdict ``check`` gives on ``changeset`` (whose metadata is set)."""
        inputs = judge.Inputs(changeset, self.trusted, PLATFORM)
        verdict = judge.judge(inputs, self.policy, self.source, today)
        if self.policy.review.approvals.enforce:  # skipped outside a PR, as check does
            from gatekeeper.evaluation.review import enforce

            verdict = enforce.apply(verdict, None, self.policy.review.approvals)
        return verdict

    def waivable(self) -> frozenset[str]:
        """The ids of the rules a change could waive (the rule has a ``waivers`` block)."""
        return frozenset(r.id for r in self.policy.rules if r.waivers is not None)


def prepare(repo: GitRepo, changeset: ChangeSet, meta: ChangeMeta,
            policies: tuple[Judged, ...], notes: bool = True) -> ChangeSet:
    """The change set as check hands it to the facts phase: with the Git AI notes of its
    commits when a policy reads them, and the run's metadata. ``notes`` False says the
    repository has no notes ref, so there are none to read."""
    if notes and any(p.wants_notes for p in policies):
        changeset = gitnotes.collect(repo, changeset)
    return replace(changeset, meta=meta)


def overall(verdict: Verdict) -> str:
    """check's own word for the verdict: fail, warn (passed with warnings or report-only
    failures), not-applicable (nothing to check, or no rules), else pass."""
    if not verdict.passed:
        return "fail"
    if verdict.nothing_to_check or verdict.no_rules:
        return "not-applicable"
    if verdict.count(Status.WARN) or verdict.count(Status.FAIL):
        return "warn"
    return "pass"


def outcome(verdict: Verdict, waivable: frozenset[str]) -> dict[str, Any]:
    """What a record keeps of one verdict: the word, each rule's status, the tier."""
    return {
        "verdict": overall(verdict),
        "rules": {r.rule_id: r.status.value for r in verdict.results},
        "waivable": [r.rule_id for r in verdict.results
                     if r.status is Status.FAIL and r.rule_id in waivable],
        "tier": (None if verdict.review is None
                 else {"rank": verdict.review.number, "name": verdict.review.name}),
    }


def facts_of(verdict: Verdict) -> dict[str, Any]:
    """The sizes and AI facts of a verdict's change, as a record keeps them."""
    facts = verdict.facts
    ai = facts.ai
    strength = ai.strength.value if ai is not None and ai.strength is not None else "none"
    return {
        "effective_lines": facts.effective.changed, "effective_files": facts.effective.files,
        "raw_lines": facts.raw.changed, "raw_files": facts.raw.files,
        "ai": {"assisted": bool(ai and ai.assisted), "strength": strength},
    }
