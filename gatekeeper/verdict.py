"""Results of evaluating a policy against facts: per-rule results and the overall verdict."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gatekeeper.errors import EXIT_PASS, EXIT_POLICY_FAILURE
from gatekeeper.facts import Facts

if TYPE_CHECKING:
    from gatekeeper.ai.detect import Evidence
    from gatekeeper.review.assign import TierDecision


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    """The rule's limit was exceeded but its severity is warning or notice."""
    SKIP = "skip"
    """The rule did not apply: its conditions did not hold, or the change set was empty."""
    NOT_APPLICABLE = "not-applicable"
    """The rule applied but had nothing to measure, such as no coverable changed line.
    Never a pass: a coverage rule with no coverable line is not 100%."""
    WAIVED = "waived"
    """The rule did not pass, and a waiver with a reason was accepted for this change."""
    EXCEPTED = "excepted"
    """The rule did not pass, and a policy exception that has not expired covers it."""


def _number(value: int | float) -> str:
    """30.0 reads as 30; a count stays as it is, however large."""
    return f"{value:.10g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True, slots=True)
class Check:
    """One measured value against one limit."""

    name: str
    measured: int | float
    limit: int | float
    unit: str = ""
    floor: bool = False
    """The limit is a minimum (coverage) rather than a maximum (size)."""

    @property
    def passed(self) -> bool:
        return self.measured >= self.limit if self.floor else self.measured <= self.limit

    def describe(self) -> str:
        ops = (">=", "<") if self.floor else ("<=", ">")
        op = ops[0] if self.passed else ops[1]
        return f"{self.name} {_number(self.measured)} {op} {_number(self.limit)}"


@dataclass(frozen=True, slots=True)
class Detail:
    """Lines of one file that a result points at, such as uncovered changed lines."""

    path: str
    lines: tuple[tuple[int, int], ...]
    """Inclusive ``(first, last)`` ranges."""
    note: str = ""

    def describe(self, limit: int = 12) -> str:
        """``path:3-5,9 (note)``, with at most ``limit`` ranges spelled out."""
        shown = [f"{a}-{b}" if b != a else str(a) for a, b in self.lines[:limit]]
        if len(self.lines) > limit:
            shown.append(f"and {len(self.lines) - limit} more ranges")
        where = f"{self.path}:{','.join(shown)}" if shown else self.path
        return f"{where} ({self.note})" if self.note else where


@dataclass(frozen=True, slots=True)
class FileShare:
    """A file that drove a result, with what it contributed."""

    path: str
    added: int
    deleted: int


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
class PolicySource:
    path: str | None
    builtin: bool
    description: str
    files: tuple[str, ...] = ()
    """Every file the policy was composed from, packs and extends first."""


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
