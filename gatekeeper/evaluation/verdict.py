"""Results of evaluating a policy against facts: per-rule results and the overall verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gatekeeper.errors import EXIT_PASS, EXIT_POLICY_FAILURE
from gatekeeper.facts.model import Facts
from gatekeeper.policy.sources import PolicySource
from gatekeeper.rules.findings import Check, Detail, FileShare, Severity, Status

if TYPE_CHECKING:
    from gatekeeper.evaluation.review.assign import TierDecision
    from gatekeeper.facts.ai.detect import Evidence


@dataclass(frozen=True, slots=True)
class Waiver:
    """A request, from a label or a trailer, to let one rule's failure through for this change."""

    rule_id: str
    source: str
    """Where it came from: ``label <name>``, ``trailer in <sha>`` or ``description``."""
    reason: str
    accepted: bool
    note: str = ""
    """Why it was refused, or what it did."""


@dataclass(frozen=True, slots=True)
class ExceptionNote:
    """A policy-level exception that names this rule, and whether it was in force."""

    reason: str
    expires: str
    expired: bool
    paths: tuple[str, ...]
    files: int
    """How many files of the change it took out of the rule's view."""


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule_id: str
    kind: str
    severity: Severity
    status: Status
    message: str
    remediation: str | None = None
    checks: tuple[Check, ...] = ()
    files: tuple[FileShare, ...] = ()
    enforced: bool = True
    """False for a rule rolled out with ``enforce: false``: it reports but never blocks."""
    description: str | None = None
    condition: str | None = None
    """Why the rule applied or was skipped, from its ``when`` and ``unless``."""
    values: tuple[tuple[str, int | float | str], ...] = ()
    """The measured values the message templates can use, in a stable order."""
    waivers: tuple[Waiver, ...] = ()
    exceptions: tuple[ExceptionNote, ...] = ()
    details: tuple[Detail, ...] = ()
    """Lines the result points at, per file (uncovered changed lines, for coverage)."""
    evidence: tuple[Evidence, ...] = ()
    """The AI evidence behind the result: what an ai condition matched, or what a rule
    judged."""

    @property
    def blocking(self) -> bool:
        return self.status is Status.FAIL and self.enforced

    @property
    def waiver(self) -> Waiver | None:
        return next((w for w in self.waivers if w.accepted), None)

    @property
    def main_check(self) -> Check | None:
        """The check that decided the result: the first that failed, else the first."""
        for check in self.checks:
            if not check.passed:
                return check
        return self.checks[0] if self.checks else None


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    results: tuple[RuleResult, ...]
    facts: Facts
    policy: PolicySource
    notes: tuple[str, ...] = ()
    """Things the author should know that belong to no rule, such as a waiver for no rule."""
    review: TierDecision | None = None
    """The review tier the change needs; None when the policy defines no tiers."""

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_POLICY_FAILURE

    @property
    def nothing_to_check(self) -> bool:
        return self.facts.empty

    @property
    def no_rules(self) -> bool:
        """The policy has no rules (it set ``allow_no_rules``): nothing was checked."""
        return not self.results

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)
