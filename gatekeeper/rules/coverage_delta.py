"""coverage-delta: total coverage may not drop by more than a set amount, or fall below a floor.

Total coverage is the share of all coverable lines, in every file of the head's coverage
reports, that the tests ran. The drop compares it with the base's reports, given with
`gatekeeper check --coverage-base FILE`; both totals count the same way, so a file that leaves
the reports changes the total as it would in the coverage tool itself.

Without a base report the drop is unknown: a rule with only `max_drop` is then **not
applicable**, and says so, rather than passing. When the head's reports measure no line at
all, the rule is not applicable either.

Fields (at least one of `max_drop`, `min_total`):

- `max_drop`: the most total coverage may fall, in percentage points (0 allows no drop).
- `min_total`: lowest total coverage of the head, in percent.
- `exclude`: globs of files to leave out of both totals (repository paths; files a report
  lists that match no repository path are compared by their report path).

```yaml
rules:
  - id: no-coverage-drop
    kind: coverage-delta
    max_drop: 0.5
    min_total: 70
```

Template variables: `{head}` and `{base}` (total coverage in percent, `base` empty when
unknown), `{delta}` (head minus base, in percentage points) and `{drop}` (base minus head).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from gatekeeper.common.fields import empty_list
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig
from gatekeeper.rules.findings import Check
from gatekeeper.rules.patch_coverage import NO_REPORT, shown
from gatekeeper.rules.paths import Globs

KIND = "coverage-delta"
NEEDS = frozenset({Need.COVERAGE})
NO_BASE = ("no base coverage report was given (pass --coverage-base FILE), so the change in "
           "total coverage is unknown")


class Config(RuleConfig):
    """Limits how far total coverage may drop from the base, and how low the head's may be."""

    variables: ClassVar[dict[str, str]] = {
        "head": "total coverage of the head, in percent",
        "base": "total coverage of the base, in percent (empty when unknown)",
        "delta": "head minus base, in percentage points",
        "drop": "base minus head, in percentage points",
    }

    kind: Literal["coverage-delta"]
    max_drop: float | None = Field(None, ge=0, le=100, description="The most total coverage "
                                   "may fall, in percentage points.")
    min_total: float | None = Field(None, ge=0, le=100, description="Lowest total coverage of "
                                    "the head, in percent.")
    exclude: Globs = Field(default_factory=empty_list, description="Globs of files to leave out of "
                           "both totals.")

    @model_validator(mode="after")
    def _some_limit(self) -> Config:
        if self.max_drop is None and self.min_total is None:
            raise ValueError("set max_drop, min_total or both")
        return self


def _round(value: float) -> float:
    return round(value, 2)


def evaluate(config: Config, facts: Facts) -> Finding:
    """Judge the head's total coverage against min_total and its drop from the base."""
    coverage = facts.coverage
    if coverage is None:
        return Finding(False, NO_REPORT, applicable=False)
    exclude = PathSet(config.exclude)
    head = coverage.total(False, exclude)
    base = coverage.total(True, exclude)
    if head is None or head.percent is None:
        return Finding(False, "the head's coverage reports measure no line", applicable=False)
    base_percent = base.percent if base is not None else None
    delta = None if base_percent is None else head.percent - base_percent
    values = _values(head.percent, base_percent, delta)
    summary = f"total coverage {shown(head.percent):g}%"
    if base_percent is not None and delta is not None:
        summary += f" ({_round(delta):+g} points from {shown(base_percent):g}%)"
    checks = []
    if config.min_total is not None:
        checks.append(Check("total coverage", shown(head.percent), config.min_total, "%",
                            floor=True))
    if config.max_drop is not None:
        if delta is None:
            if not checks:
                return Finding(False, NO_BASE, values=values, applicable=False)
            summary += "; no base report, so the drop is unknown"
        else:
            checks.append(Check("coverage drop", _round(-delta), config.max_drop, "points"))
    return _judged(summary, checks, values)


def _values(head: float, base: float | None, delta: float | None
            ) -> dict[str, int | float | str]:
    """The template values; those that need a base are empty without one."""
    return {"head": shown(head), "base": "" if base is None else shown(base),
            "delta": "" if delta is None else _round(delta),
            "drop": "" if delta is None else _round(-delta)}


def _judged(summary: str, checks: list[Check], values: dict[str, int | float | str]
            ) -> Finding:
    """The finding of the measured checks: passed, or why not and how to fix it."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return Finding(True, summary, checks=tuple(checks), values=values)
    reasons = [f"below the floor of {c.limit:g}%" if c.floor else
               f"a drop of {c.measured:g} points is more than {c.limit:g}" for c in failed]
    return Finding(False, f"{summary}: " + "; ".join(reasons),
                   remediation="add tests for the code this change adds or leaves untested; "
                   "the patch-coverage details list the changed lines no test runs",
                   checks=tuple(checks), values=values)
