"""The JUnit XML report: one testcase per rule, valid against the common junit-10 schema.

Every text is escaped (``gatekeeper.common.escape``) before it reaches the XML: a control character,
lone surrogate or noncharacter from a file name or message has no place in XML 1.0, even as a
character reference, and would make the whole report unreadable to the CI that parses it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from junit_xml import TestCase, TestSuite

from gatekeeper.changeset.model import Revisions
from gatekeeper.common.escape import escape, escape_lines
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.facts.model import Facts
from gatekeeper.reporters.common import details_for, evidence_lines, notes_for
from gatekeeper.rules.findings import Status

SUITE = "gatekeeper"
EVIDENCE_PROPERTIES = 50


def _details(result: RuleResult) -> str:
    lines = [result.message]
    lines += [f"{c.name}: measured {c.measured}, limit {c.limit}" for c in result.checks]
    if result.details:
        lines += [f"lines: {line}" for line in details_for(result, limit=200)]
    else:
        lines += [f"file: {s.path} (+{s.added} -{s.deleted})" for s in result.files]
    if result.remediation:
        lines.append(f"fix: {result.remediation}")
    if result.status is Status.FAIL and not result.enforced:
        lines.insert(0, "report-only: this rule does not block (enforce: false)")
    lines += notes_for(result)
    return "\n".join(escape_lines(lines))


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _summary(result: RuleResult) -> str:
    """The one line a failure or a warning shows: what broke, how to fix it, where."""
    summary = result.message
    main = result.main_check
    if result.evidence and result.remediation:
        # The message names the evidence, which says more than a count against zero.
        summary = f"{result.message}; fix: {result.remediation}"
    elif main and result.remediation:
        summary = f"{main.describe()}; fix: {result.remediation}"
    if result.details and not result.evidence:
        summary += "; uncovered: " + "; ".join(details_for(result, limit=5))
    return summary


def _case(result: RuleResult) -> TestCase:
    case = TestCase(name=escape(result.rule_id), classname=escape(f"{SUITE}.{result.kind}"),
                    elapsed_sec=0.0)
    if result.blocking:
        case.add_failure_info(message=escape(_summary(result)), output=_details(result),
                              failure_type="policy")
    elif result.status in (Status.FAIL, Status.WARN):
        # A warning or a report-only failure is a skipped case with its reason: GitLab's test
        # report and the common GitHub JUnit reporters show the text of failure, error and
        # skipped only (a passing case's system-out is dropped), and none of them fails the
        # job for a skip. The prefix keeps it apart from a rule that did not apply.
        prefix = "report-only" if not result.enforced else result.severity.value
        case.add_skipped_info(message=escape(f"{prefix}: {_summary(result)}"),
                              output=_details(result))
    elif result.status in (Status.SKIP, Status.NOT_APPLICABLE):
        case.add_skipped_info(message=escape(result.message))
    else:
        case.stdout = _details(result)
    return case


def _ai_properties(facts: Facts) -> dict[str, str]:
    ai = facts.ai
    if ai is None:
        return {}
    properties = {"ai.assisted": "true" if ai.assisted else "false"}
    if ai.assisted:
        properties["ai.tools"] = ", ".join(ai.tools)
        properties["ai.strength"] = ai.strength.value if ai.strength else ""
        properties["ai.commit_share"] = _number(ai.commit_share)
    if ai.spot_check is not None:
        properties["ai.spot_check"] = "selected" if ai.spot_check.selected else "not selected"
        properties["ai.spot_check.reason"] = ai.spot_check.reason
    for n, line in enumerate(evidence_lines(ai.evidence, limit=EVIDENCE_PROPERTIES), 1):
        properties[f"ai.evidence.{n}"] = line
    return properties


def _review_properties(verdict: Verdict) -> dict[str, str]:
    decision = verdict.review
    if decision is None:
        return {}
    properties = {"review.tier": str(decision.number), "review.tier_name": decision.name,
                  "review.approvals": str(decision.tier.approvals),
                  "review.owners": ", ".join(decision.tier.owners),
                  "review.request": ", ".join(decision.request),
                  "review.code_owners": "true" if decision.tier.code_owners else "false"}
    for n, reason in enumerate(decision.reasons(), 1):
        properties[f"review.reason.{n}"] = reason
    return properties


def _short(sha: str | None) -> str:
    return (sha or "")[:12]


def _target(rev: Revisions) -> str:
    """What a suite checked, so that each suite has its own name: a pushed ref's name, else
    base..head (report mergers join suites of one name, and every run would be one suite)."""
    if rev.name:
        return rev.name
    if rev.mode == "diff-file":
        return f"diff {rev.source}"
    base = _short(rev.base_sha) or rev.base_ref
    if rev.mode == "staged":
        return f"staged on {base or 'the empty tree'}"
    head = _short(rev.head_sha) or rev.head_ref or "HEAD"
    return f"{base}..{head}" if base else head


def _suite(verdict: Verdict) -> ET.Element:
    facts = verdict.facts
    rev = facts.changeset.revisions
    properties = {
        "verdict": "pass" if verdict.passed else "fail",
        "policy": verdict.policy.description,
        "compared": rev.describe(),
        "raw.changed": str(facts.raw.changed),
        "effective.changed": str(facts.effective.changed),
        "effective.files": str(facts.effective.files),
    }
    if facts.coverage is not None:
        patch, head = facts.coverage.patch(), facts.coverage.total()
        delta = facts.coverage.delta()
        properties["coverage.patch"] = _number(patch.percent)
        properties["coverage.total"] = _number(head.percent if head else None)
        properties["coverage.delta"] = _number(delta)
    properties.update(_ai_properties(facts))
    properties.update(_review_properties(verdict))
    name = escape(f"{SUITE}: {_target(rev)}")
    properties = {escape(key): escape(value) for key, value in properties.items()}
    suite = TestSuite(name, [_case(r) for r in verdict.results], properties=properties)
    element: ET.Element = suite.build_xml_doc()
    element.attrib.pop("disabled", None)  # junit_xml adds it; the junit-10 schema has no such
    return element


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """The JUnit XML of several verdicts: one test suite each."""
    suites = [_suite(v) for v in verdicts]
    root = ET.Element("testsuites", {"name": SUITE, "time": "0"})
    # The junit-10 schema has no "skipped" on <testsuites>: each <testsuite> counts its own.
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(e.get(key, "0")) for e in suites)))
    root.extend(suites)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render(verdict: Verdict) -> str:
    """The JUnit XML of one verdict."""
    return render_many([verdict], "")
