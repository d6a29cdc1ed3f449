"""The phases every command shares once it has a change set: facts, then the verdict.

``check``, ``explain`` and ``test`` all end here, whichever way their change set was read (a
repository, a diff file, a test case), so the same change under the same policy gets the same
verdict from each of them.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import replace
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import ChangeSet
from gatekeeper.common.records import record
from gatekeeper.evaluation.evaluate import evaluate
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.ai import provenance
from gatekeeper.facts.classify import POLICY, Classifier, ClassSpec
from gatekeeper.facts.model import Facts, derive
from gatekeeper.pipeline import trust
from gatekeeper.policy.compose import BUILTIN_PREFIX
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource

if TYPE_CHECKING:
    from gatekeeper.facts.coverage.patch import CoverageFacts


@record
class Inputs:
    """What the change-set phase hands on: the change, what coverage reports say of it, the
    trusted tree the policy's own files come from, and the platform it runs on."""

    changeset: ChangeSet
    trusted: trust.Trusted
    platform: str
    coverage: CoverageFacts | None = None
    notes: tuple[str, ...] = ()
    """Report notes the earlier phases found (coverage reports, fetches)."""


def classifier_for(policy: ComposedPolicy, source: PolicySource) -> Classifier:
    """The policy's classes, with the files the policy was read from in the ``policy`` class:
    a change to a file the policy extends changes the policy as much as .gatekeeper.yml does."""
    specs = dict(policy.class_specs())
    own = tuple("/" + _escape(f) for f in source.files
                if not f.startswith(BUILTIN_PREFIX) and not f.startswith(("/", "..")))
    current = specs.get(POLICY, ClassSpec())
    specs[POLICY] = ClassSpec((*own, *current.include), current.builtin)
    return _classifier(tuple(sorted(specs.items())))


@functools.lru_cache(maxsize=32)
def _classifier(specs: tuple[tuple[str, ClassSpec], ...]) -> Classifier:
    """One classifier per set of class specs: its globs compile once, not once per change
    (a replay judges hundreds of changes under one policy)."""
    return Classifier(dict(specs))


def _escape(path: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\!" else ch for ch in path)


def facts_of(inputs: Inputs, policy: ComposedPolicy, source: PolicySource) -> Facts:
    """Phase "facts": each file's classes and the facts the policy's rules read."""
    changeset = inputs.changeset
    return derive(changeset, classifier_for(policy, source), inputs.coverage,
                  provenance.gather(changeset, policy.ai),
                  **trust.facts(policy, changeset, inputs.trusted, inputs.platform))


def decide(facts: Facts, policy: ComposedPolicy, source: PolicySource,
           today: datetime.date | None = None) -> Verdict:
    """Phase "verdict": facts and policy to a verdict; pure, it reads nothing else."""
    return evaluate(policy, facts, source, today)


def judge(inputs: Inputs, policy: ComposedPolicy, source: PolicySource,
          today: datetime.date | None = None) -> Verdict:
    """The facts of ``inputs`` and the verdict on them, with the earlier phases' notes."""
    verdict = decide(facts_of(inputs, policy, source), policy, source, today)
    return replace(verdict, notes=verdict.notes + inputs.notes) if inputs.notes else verdict
