"""Results of evaluating a policy against facts: per-rule results and the overall verdict."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gatekeeper.errors import EXIT_PASS, EXIT_POLICY_FAILURE
from gatekeeper.facts import Facts


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


@dataclass(frozen=True, slots=True)
class Check:
    """One measured value against one limit."""

    name: str
    measured: int | float
    limit: int | float
    unit: str = ""

    @property
    def passed(self) -> bool:
        return self.measured <= self.limit

    def describe(self) -> str:
        op = "<=" if self.passed else ">"
        return f"{self.name} {self.measured} {op} {self.limit}"


@dataclass(frozen=True, slots=True)
class FileShare:
    """A file that drove a result, with what it contributed."""

    path: str
    added: int
    deleted: int


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


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    results: tuple[RuleResult, ...]
    facts: Facts
    policy: PolicySource

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_POLICY_FAILURE

    @property
    def nothing_to_check(self) -> bool:
        return self.facts.empty

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)
