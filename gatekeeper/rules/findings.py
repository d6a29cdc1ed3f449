"""What a rule's judgement is made of: severities, statuses, checks, details and the files
that drove it. Rules build them; the verdict carries them to the reports."""

from __future__ import annotations

import enum

from gatekeeper.common.records import record


class Severity(str, enum.Enum):
    """How much a rule's failure counts: error fails the check; warning and notice only report."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


class Status(str, enum.Enum):
    """A rule's outcome in the verdict, once severity, waivers and exceptions are applied."""

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


@record(slots=True)
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
        """Whether ``measured`` is within ``limit``: at least it for a floor, else at most it."""
        return self.measured >= self.limit if self.floor else self.measured <= self.limit

    def describe(self) -> str:
        """The check in words with the operator it met or broke, such as ``files 25 > 20``."""
        ops = (">=", "<") if self.floor else ("<=", ">")
        op = ops[0] if self.passed else ops[1]
        return f"{self.name} {_number(self.measured)} {op} {_number(self.limit)}"


@record(slots=True)
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


@record(slots=True)
class FileShare:
    """A file that drove a result, with what it contributed."""

    path: str
    added: int
    deleted: int
