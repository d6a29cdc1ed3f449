"""The GitHub Actions step outputs: ``name=value`` lines for the file GITHUB_OUTPUT names.

The runner reads that file one line at a time: ``name=value`` sets an output to the rest of the
line, and ``name<<DELIMITER`` starts a value that runs to a line holding just the delimiter.
Tier names and owners come from the policy, the change's CODEOWNERS or the platform, so every
value is kept to one line of printable text: with no line break, no following line can become
an output of its own, and no control character reaches a later step.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from gatekeeper.evaluation.verdict import Verdict

NAMES = ("verdict", "exit-code", "effective-lines", "effective-files", "failed-rules",
         "patch-coverage", "total-coverage", "coverage-delta", "review-tier",
         "review-tier-name", "review-approvals", "review-owners", "ai-assisted")
"""The outputs a verdict gives, in the order they are written."""
VALUE_CHARS = 4000
"""A value is cut here: owner lists of a large change must not flood the output file."""


def one_line(text: str) -> str:
    """``text`` without control and format characters (line breaks among them), at most
    VALUE_CHARS long, spaces trimmed."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs",
                                                                     "Zl", "Zp"))
    return kept[:VALUE_CHARS].strip(" ")


def lines(values: Mapping[str, str]) -> str:
    """``values`` as output lines, each value on one line."""
    return "".join(f"{name}={one_line(value)}\n" for name, value in values.items())


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _coverage(verdict: Verdict) -> dict[str, str]:
    coverage = verdict.facts.coverage
    if coverage is None:
        return {}
    head = coverage.total()
    delta = coverage.delta()
    return {"patch-coverage": _percent(coverage.patch().percent),
            "total-coverage": _percent(head.percent if head is not None else None),
            "coverage-delta": "" if delta is None else _percent(delta)}


def _review(verdict: Verdict) -> dict[str, str]:
    decision = verdict.review
    if decision is None:
        return {}
    return {"review-tier": str(decision.number), "review-tier-name": decision.tier.name,
            "review-approvals": str(decision.tier.approvals),
            "review-owners": ", ".join(decision.request)}


def outputs(verdicts: Sequence[Verdict]) -> dict[str, str]:
    """Every output; coverage and the review tier only when one change was checked, as no
    single figure fits several."""
    values = dict.fromkeys(NAMES, "")
    passed = all(v.passed for v in verdicts)
    values["verdict"] = "pass" if passed else "fail"
    values["exit-code"] = str(max((v.exit_code for v in verdicts), default=0))
    values["effective-lines"] = str(sum(v.facts.effective.changed for v in verdicts))
    values["effective-files"] = str(sum(v.facts.effective.files for v in verdicts))
    values["failed-rules"] = str(sum(1 for v in verdicts for r in v.results if r.blocking))
    assisted = any(v.facts.ai is not None and v.facts.ai.assisted for v in verdicts)
    values["ai-assisted"] = "true" if assisted else "false"
    if len(verdicts) == 1:
        values.update(_coverage(verdicts[0]))
        values.update(_review(verdicts[0]))
    return values


def render(verdict: Verdict) -> str:
    """The step outputs of one verdict."""
    return lines(outputs([verdict]))


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """Several checks in one run, or none: fail if any failed, counts summed."""
    return lines(outputs(verdicts))
