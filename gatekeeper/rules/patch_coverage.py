"""patch-coverage: the changed lines must be covered by tests, overall and file by file.

Patch coverage is the share of changed coverable lines that the tests ran. Changed lines are
the lines the change adds or edits; a renamed or moved file counts only its edited lines, so
moved code is never new code. Coverable lines are those a coverage report measures: blank
lines, comments and declarations are not. Reports come from `gatekeeper check --coverage FILE`
(Cobertura, LCOV, JaCoCo or coverage.py JSON; see "Coverage" above).

`min` judges the whole change. `min_file` judges each file on its own, so one untested file
cannot hide behind well-tested ones: a change of 200 covered lines in one file and 20
uncovered lines in another is 91% overall, and 0% for the second file. `min_branches` judges
the branches on changed lines, where the report has branch data.

When no changed line is coverable (only docs changed, or no changed file is in the report),
the rule is **not applicable**: it reports that, and never 100%. A changed file the reports do
not list is left out and named in the report.

Fields (at least one of `min`, `min_file`, `min_branches`):

- `min`: lowest patch coverage of the whole change, in percent (0-100).
- `min_file`: lowest patch coverage of each changed file, in percent.
- `min_file_lines`: a file is judged on its own only with at least this many changed
  coverable lines (default 1, every file).
- `min_branches`: lowest coverage of the branches on changed lines, in percent; not
  applicable when the report has no branch data.
- `exclude`: globs of changed files to leave out, such as generated code or test helpers.

```yaml
rules:
  - id: tested-changes
    kind: patch-coverage
    min: 80
    min_file: 50
    exclude: ["**/migrations/**"]
```

Template variables: `{percent}` (patch coverage, two decimals), `{covered}` and `{coverable}`
(changed lines), `{uncovered}` (uncovered changed lines, as `path:lines`), `{failing_files}`
(files below `min_file`, comma-separated) and `{min}`.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from gatekeeper.common.fields import empty_list
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.coverage.patch import FilePatch, Tally
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, shares
from gatekeeper.rules.findings import Check, Detail
from gatekeeper.rules.paths import Globs, sample

KIND = "patch-coverage"
NEEDS = frozenset({Need.COVERAGE})
Percent = float
NO_REPORT = "no coverage report was given (pass --coverage FILE)"


class Config(RuleConfig):
    """Sets floors for the test coverage of changed lines: overall, per file and of branches."""

    variables: ClassVar[dict[str, str]] = {
        "percent": "patch coverage, in percent",
        "covered": "changed lines covered",
        "coverable": "changed coverable lines",
        "uncovered": "uncovered changed lines as path:lines, semicolon-separated",
        "failing_files": "files below min_file, comma-separated",
        "min": "the min setting",
    }

    kind: Literal["patch-coverage"]
    min: Percent | None = Field(None, ge=0, le=100, description="Lowest patch coverage of the "
                                "whole change, in percent.")
    min_file: Percent | None = Field(None, ge=0, le=100, description="Lowest patch coverage of "
                                     "each changed file, in percent.")
    min_file_lines: int = Field(1, ge=1, description="Judge a file on its own only with at "
                                "least this many changed coverable lines.")
    min_branches: Percent | None = Field(None, ge=0, le=100, description="Lowest coverage of "
                                         "the branches on changed lines, in percent.")
    exclude: Globs = Field(default_factory=empty_list,
                           description="Globs of changed files to leave out.")

    @model_validator(mode="after")
    def _some_floor(self) -> Config:
        if self.min is None and self.min_file is None and self.min_branches is None:
            raise ValueError("set at least one of min, min_file, min_branches")
        return self


def shown(value: float) -> float:
    """Two decimals, rounded down, so a shown value never passes a floor the real one fails."""
    return math.floor(value * 100) / 100


def selected(config_exclude: list[str], facts: Facts) -> list[FilePatch]:
    """The changed files the rule judges: those still in view (after exceptions), not excluded."""
    if facts.coverage is None:
        return []
    excluded = PathSet(config_exclude)
    in_view = {f.path for f in facts.files}
    return [f for f in facts.coverage.files if f.path in in_view and not excluded.matches(f.path)]


def details(files: list[FilePatch]) -> tuple[Detail, ...]:
    """The uncovered changed lines of each file that has some, noted with its coverage."""
    return tuple(Detail(f.path, f.uncovered, _note(f)) for f in files if f.uncovered)


def _note(f: FilePatch) -> str:
    p = f.percent
    return (f"{f.tally.covered} of {f.tally.coverable} changed lines covered"
            + (f", {shown(p):g}%" if p is not None else ""))


def not_measured(files: list[FilePatch]) -> str:
    """Why nothing was measured: the changed lines and files, and those not in the report."""
    lines = sum(f.changed_lines for f in files)
    missing = [f.path for f in files if not f.in_report]
    text = f"no changed line is coverable ({lines} changed lines in {len(files)} files"
    if missing:
        text += f"; not in the report: {sample(missing)}"
    return text + ")"


def evaluate(config: Config, facts: Facts) -> Finding:
    """Judge the coverage of changed lines against the floors; not applicable if unmeasured."""
    if facts.coverage is None:
        return Finding(False, NO_REPORT, applicable=False)
    files = selected(config.exclude, facts)
    tally = sum((f.tally for f in files), Tally())
    if tally.percent is None:
        return Finding(False, not_measured(files), applicable=False)
    checks, failing = _checks(config, files, tally)
    if checks is None:
        return Finding(False, "the report has no branch data for the changed lines",
                       applicable=False)
    uncovered = details(files)
    values = _values(config, tally.percent, tally, uncovered, failing)
    summary = (f"patch coverage {shown(tally.percent):g}% ({tally.covered} of {tally.coverable} "
               f"changed lines in {_measured(files)} files)")
    failed = [c for c in checks if not c.passed]
    if not failed:
        return Finding(True, summary, checks=tuple(checks), values=values, details=uncovered)
    drivers = {f.path for f in (failing or files) if f.uncovered}
    return Finding(
        passed=False,
        message=f"{summary}: " + "; ".join(_reasons(config, failed, failing)),
        remediation=_remediation(uncovered),
        checks=tuple(checks),
        files=shares(f for f in facts.files if f.path in drivers),
        values=values,
        details=uncovered,
    )


def _measured(files: list[FilePatch]) -> int:
    """How many of the files have a changed coverable line."""
    return sum(1 for f in files if f.tally.coverable)


def _values(config: Config, percent: float, tally: Tally, uncovered: tuple[Detail, ...],
            failing: list[FilePatch]) -> dict[str, int | float | str]:
    """The template values of a measured patch coverage."""
    return {
        "percent": shown(percent), "covered": tally.covered,
        "coverable": tally.coverable, "min": config.min if config.min is not None else "",
        "uncovered": "; ".join(d.describe(limit=1000) for d in uncovered),
        "failing_files": ", ".join(f.path for f in failing)}


def _remediation(uncovered: tuple[Detail, ...]) -> str:
    """Add tests, starting with the first uncovered lines."""
    return ("add tests that run the uncovered changed lines"
            + (f", starting with {uncovered[0].describe(limit=4)}" if uncovered else ""))


def _reasons(config: Config, failed: list[Check], failing: list[FilePatch]) -> list[str]:
    """Why the rule failed: each floor missed, the file floor with the files below it."""
    reasons = [f"{c.name} {c.measured:g}% is below {c.limit:g}%" for c in failed
               if c.name != "file coverage"]
    if failing:
        reasons.append(f"{len(failing)} files below {config.min_file:g}%: "
                       + sample([f"{f.path} {shown(f.percent or 0):g}%" for f in failing]))
    return reasons


def _checks(config: Config, files: list[FilePatch], tally: Tally
            ) -> tuple[list[Check] | None, list[FilePatch]]:
    """The floors' checks and the files below min_file; None when branch coverage is the only
    floor set and the report has no branch data."""
    checks: list[Check] = []
    assert tally.percent is not None
    if config.min is not None:
        checks.append(Check("patch coverage", shown(tally.percent), config.min, "%", floor=True))
    failing: list[FilePatch] = []
    if config.min_file is not None:
        failing = _file_floor(config, config.min_file, files, checks)
    if config.min_branches is not None:
        if tally.branch_percent is None:
            if not checks:
                return None, []
        else:
            checks.append(Check("branch coverage", shown(tally.branch_percent),
                                config.min_branches, "%", floor=True))
    return checks, failing


def _file_floor(config: Config, floor: Percent, files: list[FilePatch],
                checks: list[Check]) -> list[FilePatch]:
    """The files judged on their own that fall below ``floor``; adds the lowest's check."""
    judged = [f for f in files if f.tally.coverable >= config.min_file_lines]
    lowest = min((f.percent or 0 for f in judged), default=100.0)
    if judged:
        checks.append(Check("file coverage", shown(lowest), floor, "%", floor=True))
    return [f for f in judged if (f.percent or 0) < floor]
