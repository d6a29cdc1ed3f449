"""Results of evaluating a policy: per-rule results, the review tier and the overall verdict.

Reports read these data types and nothing that judges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gatekeeper.common.records import record
from gatekeeper.errors import EXIT_PASS, EXIT_POLICY_FAILURE
from gatekeeper.facts.model import Facts
from gatekeeper.policy.sources import PolicySource
from gatekeeper.rules.findings import Check, Detail, FileShare, Severity, Status

if TYPE_CHECKING:
    from gatekeeper.facts.ai.detect import Evidence
    from gatekeeper.facts.codeowners.model import RequiredApproval
    from gatekeeper.policy.review import Tier


@record(slots=True)
class Waiver:
    """A request, from a label or a trailer, to let one rule's failure through for this change."""

    rule_id: str
    source: str
    """Where it came from: ``label <name>``, ``trailer in <sha>`` or ``description``."""
    reason: str
    accepted: bool
    note: str = ""
    """Why it was refused, or what it did."""


@record(slots=True)
class ExceptionNote:
    """A policy-level exception that names this rule, and whether it was in force."""

    reason: str
    expires: str
    expired: bool
    paths: tuple[str, ...]
    files: int
    """How many files of the change it took out of the rule's view."""


@record(slots=True)
class TierReason:
    """One rule or lowering that held, and why."""

    id: str
    tier: str
    """The tier the rule raises to, or the tier a lowering lowered to."""
    why: str


@record(slots=True)
class TierDecision:
    """The review tier a change needs, with every rule and lowering that decided it."""

    number: int
    """1 for the lowest tier."""
    tier: Tier
    raised_by: tuple[TierReason, ...]
    """Every rule that held, highest tier first; the first decided the tier."""
    lowered_by: tuple[TierReason, ...] = ()
    before_lowering: str | None = None
    """The tier the rules gave, when a lowering then changed it."""
    evidence: tuple[Evidence, ...] = ()
    """The AI evidence behind rules and lowerings that read it."""
    request: tuple[str, ...] = ()
    """Whom to ask for review: the tier's owners, then (for a tier with ``code_owners``) the
    code owners of the touched files, each once."""
    owner_groups: tuple[RequiredApproval, ...] = ()
    """For a tier with ``code_owners``: the approvals each group of code owners must give
    (CODEOWNERS required sections), and for which paths."""
    codeowners: str | None = None
    """The CODEOWNERS file the code owners came from; None when none was read."""

    @property
    def name(self) -> str:
        """The tier's name."""
        return self.tier.name

    def reasons(self) -> list[str]:
        """Every reason, in words, in the order they were applied."""
        found = [f"{r.id}: raises to {r.tier} ({r.why})" for r in self.raised_by]
        found += [f"{r.id}: lowers to {r.tier} ({r.why})" for r in self.lowered_by]
        return found or [f"no rule raised the change: {self.name} is the default tier"]


@record(slots=True)
class RuleResult:
    """One rule's outcome: its status, message, what it measured and what let it through."""

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
        """Whether the result fails the verdict: a failure of an enforced rule."""
        return self.status is Status.FAIL and self.enforced

    @property
    def waiver(self) -> Waiver | None:
        """The accepted waiver that let the rule through; None when none was accepted."""
        return next((w for w in self.waivers if w.accepted), None)

    @property
    def main_check(self) -> Check | None:
        """The check that decided the result: the first that failed, else the first."""
        for check in self.checks:
            if not check.passed:
                return check
        return self.checks[0] if self.checks else None


@record(slots=True)
class Verdict:
    """The outcome of a policy on one change: every rule's result and the review tier."""

    passed: bool
    results: tuple[RuleResult, ...]
    facts: Facts
    policy: PolicySource
    notes: tuple[str, ...] = ()
    """Things the author should know that belong to no rule, such as a waiver for no rule."""
    review: TierDecision | None = None
    """The review tier the change needs; None when the policy defines no tiers."""
    authors: tuple[str, ...] = ()
    """Who counts as the change's author (the PR or MR author, else each commit's author), as
    the ``author`` condition reads it; empty when nobody is known."""

    @property
    def exit_code(self) -> int:
        """0 when the policy passed, 1 when a rule blocks the change."""
        return EXIT_PASS if self.passed else EXIT_POLICY_FAILURE

    @property
    def nothing_to_check(self) -> bool:
        """Whether the change set has neither files nor commits."""
        return self.facts.empty

    @property
    def no_rules(self) -> bool:
        """The policy has no rules (it set ``allow_no_rules``): nothing was checked."""
        return not self.results

    def count(self, status: Status) -> int:
        """How many rule results have ``status``."""
        return sum(1 for r in self.results if r.status is status)
