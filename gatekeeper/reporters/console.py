"""The console report: the verdict first, then each rule with its measure, drivers and fix."""

from __future__ import annotations

from gatekeeper.facts import Facts, Totals
from gatekeeper.verdict import RuleResult, Status, Verdict

MARKS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.WARN: "WARN", Status.SKIP: "SKIP"}


def _totals(t: Totals) -> str:
    return f"{t.files} files, +{t.added} -{t.deleted}"


def _change_line(facts: Facts) -> str:
    text = f"raw {_totals(facts.raw)}; effective {_totals(facts.effective)}"
    if facts.excluded:
        text += " (left out: " + ", ".join(f"{n} {reason}" for reason, n in facts.excluded) + ")"
    return text


def _headline(verdict: Verdict) -> str:
    if verdict.nothing_to_check:
        return "gatekeeper: PASS - nothing to check (the change set is empty)"
    failed, warned = verdict.count(Status.FAIL), verdict.count(Status.WARN)
    total = len(verdict.results)
    if not verdict.passed:
        return f"gatekeeper: FAIL - {failed} of {total} rules failed"
    extra = f", {warned} with warnings" if warned else ""
    return f"gatekeeper: PASS - {total} rules passed{extra}"


def _result(result: RuleResult) -> list[str]:
    mark, severity = MARKS[result.status], result.severity.value
    lines = [f"{mark}  {result.rule_id} [{severity}]  {result.message}"]
    if result.status in (Status.FAIL, Status.WARN):
        for share in result.files:
            lines.append(f"      {share.path} (+{share.added} -{share.deleted})")
        if result.remediation:
            lines.append(f"      fix: {result.remediation}")
    return lines


def render(verdict: Verdict) -> str:
    facts = verdict.facts
    lines = [
        _headline(verdict),
        f"  compared: {facts.changeset.revisions.describe()}",
        f"  policy:   {verdict.policy.description}",
        f"  change:   {_change_line(facts)}",
        "",
    ]
    for result in verdict.results:
        lines += _result(result)
    return "\n".join(lines) + "\n"
