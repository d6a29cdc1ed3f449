"""The Markdown report: a short summary for a CI job page, such as GitHub's step summary.

Text that can come from the change (paths, commit and pull request text, waiver reasons, ref
names) is shown only inside code spans: the one Markdown construct in which no link, image,
mention, HTML or emphasis is recognised. Line breaks, control and format characters are escaped
(``gatekeeper.common.escape``, as in every text report) so that nothing can end a table row or a
list item early.

``python -m gatekeeper.reporters.markdown REPORT.json`` renders a saved JSON report.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gatekeeper.changeset.model import Revisions
from gatekeeper.common.escape import escape
from gatekeeper.errors import GatekeeperError, UsageError
from gatekeeper.evaluation.verdict import ExceptionNote, RuleResult, Verdict, Waiver
from gatekeeper.reporters.common import details_for, mark, notes_for
from gatekeeper.rules.findings import Detail, Severity, Status

MAX_BYTES = 100_000
"""GitHub drops a step summary over 128 KiB; stay well below it."""
CELL_CHARS = 300
NOTES_PER_RULE = 10
ICONS = {Status.PASS: "✅", Status.FAIL: "❌", Status.WARN: "⚠️", Status.SKIP: "⏭️",
         Status.NOT_APPLICABLE: "🚫", Status.WAIVED: "🟡", Status.EXCEPTED: "🛡️"}
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class Summary:
    """What the Markdown report shows of one verdict, from a Verdict or from a JSON report."""

    passed: bool
    nothing_to_check: bool
    compared: str
    policy: str
    change: str
    results: tuple[RuleResult, ...]
    notes: tuple[str, ...] = ()
    name: str = ""


def plain(text: str, limit: int = CELL_CHARS) -> str:
    """One line of printable text: line breaks, control and format characters (bidi overrides
    among them) escaped as ``\\n`` or ``\\u202e``; cut to ``limit``."""
    flat = escape(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def code(text: str, *, table: bool = False, limit: int = CELL_CHARS) -> str:
    """``text`` as an inline code span that renders literally, in a table cell if ``table``."""
    body = plain(str(text), limit)
    if not body.strip():
        return "_(empty)_"
    if table:
        # A pipe ends a table cell even inside a code span, and a backslash before it may
        # itself be escaped; a look-alike character cannot break the row.
        body = body.replace("|", "\u2223")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * (longest + 1)
    if body[0] in "` " or body[-1] in "` ":
        body = f" {body} "
    return f"{fence}{body}{fence}"


def _totals(files: int, added: int, deleted: int) -> str:
    return f"{files} files, +{added} -{deleted}"


def summary_of(verdict: Verdict) -> Summary:
    facts = verdict.facts
    change = (f"raw {_totals(facts.raw.files, facts.raw.added, facts.raw.deleted)}; effective "
              f"{_totals(facts.effective.files, facts.effective.added, facts.effective.deleted)}")
    if facts.excluded:
        change += " (left out: " + ", ".join(f"{n} {why}" for why, n in facts.excluded) + ")"
    revisions = facts.changeset.revisions
    return Summary(verdict.passed, verdict.nothing_to_check, revisions.describe(),
                   verdict.policy.description, change, verdict.results, verdict.notes,
                   revisions.name)


def _headline(summary: Summary) -> str:
    results = summary.results
    if summary.nothing_to_check:
        return "✅ gatekeeper: PASS — nothing to check (the change set is empty)"
    if summary.passed and not results:  # a gate that checked nothing never says PASS
        return "⏭️ gatekeeper: NOTHING CHECKED — the policy has no rules (allow_no_rules: true)"
    if not summary.passed:
        blocking = sum(1 for r in results if r.blocking)
        return f"❌ gatekeeper: FAIL — {blocking} of {len(results)} rules failed"
    extras = [f"{count} {word}" for status, word in (
        (Status.WARN, "with warnings"), (Status.WAIVED, "waived"), (Status.EXCEPTED, "excepted"),
        (Status.SKIP, "skipped"), (Status.NOT_APPLICABLE, "not applicable"))
        if (count := sum(1 for r in results if r.status is status))]
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"✅ gatekeeper: PASS — {len(results)} rules checked{tail}"


def _icon(result: RuleResult) -> str:
    if result.status is Status.FAIL and not result.enforced:
        return ICONS[Status.WARN]
    return ICONS[result.status]


def _body(summary: Summary) -> list[str]:
    lines = [f"**Compared:** {code(summary.compared, limit=1000)}  ",
             f"**Policy:** {code(summary.policy)}  ",
             f"**Change:** {code(summary.change)}", ""]
    if summary.results:
        lines += ["| status | rule | message |", "| --- | --- | --- |"]
        lines += [f"| {_icon(r)} {mark(r)} | {code(r.rule_id, table=True)} | "
                  f"{code(r.message, table=True)} |" for r in summary.results]
    fixes = []
    for r in summary.results:
        if r.remediation and r.status in (Status.FAIL, Status.WARN):
            fixes.append(f"- {code(r.rule_id)}: {code(r.remediation)}")
            fixes += [f"  - {code(line)}" for line in details_for(r, limit=10)]
    if fixes:
        lines += ["", "**How to fix**", "", *fixes]
    waived = [line for r in summary.results for line in _notes(r)]
    if waived:
        lines += ["", "**Waivers and exceptions**", "", *waived]
    if summary.notes:
        lines += ["", "**Notes**", "", *(f"- {code(note)}" for note in summary.notes)]
    return lines


def _notes(result: RuleResult) -> list[str]:
    notes = notes_for(result)
    shown = [f"- {code(result.rule_id)}: {code(note)}" for note in notes[:NOTES_PER_RULE]]
    if len(notes) > NOTES_PER_RULE:
        shown.append(f"- {code(result.rule_id)}: and {len(notes) - NOTES_PER_RULE} more")
    return shown


def _cap(lines: list[str]) -> str:
    """The lines joined, cut at a line boundary to fit GitHub's step summary."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > MAX_BYTES:
            kept += ["", "_The summary was cut short; the JSON report has everything._"]
            break
        kept.append(line)
    return "\n".join(kept) + "\n"


def render_summaries(summaries: Sequence[Summary], context: str) -> str:
    if not summaries:
        return _cap([f"### ✅ gatekeeper: PASS — nothing to check ({code(context)}: no changes "
                     "to check)"])
    if len(summaries) == 1:
        return _cap([f"### {_headline(summaries[0])}", "", *_body(summaries[0])])
    failed = sum(1 for s in summaries if not s.passed)
    head = (f"❌ gatekeeper: FAIL — {failed} of {len(summaries)} checks failed" if failed
            else f"✅ gatekeeper: PASS — {len(summaries)} checks")
    lines = [f"### {head}"]
    for summary in summaries:
        lines += ["", f"#### {code(summary.name or summary.compared)}: {_headline(summary)}", "",
                  *_body(summary)]
    return _cap(lines)


def render(verdict: Verdict) -> str:
    return render_summaries([summary_of(verdict)], "")


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    return render_summaries([summary_of(v) for v in verdicts], context)


# -- from a saved JSON report (docs/report-format.md) -------------------------------------------


def _result(data: Mapping[str, Any]) -> RuleResult:
    rule_id = str(data["rule_id"])
    waivers = tuple(Waiver(rule_id, str(w["source"]), str(w["reason"]), bool(w["accepted"]),
                           str(w["note"] or "")) for w in data["waivers"])
    exceptions = tuple(ExceptionNote(str(e["reason"]), str(e["expires"]), bool(e["expired"]),
                                     tuple(str(p) for p in e["paths"]), int(e["files"]))
                       for e in data["exceptions"])
    return RuleResult(rule_id, str(data["kind"]), Severity(data["severity"]),
                      Status(data["status"]), str(data["message"]),
                      None if data["remediation"] is None else str(data["remediation"]),
                      enforced=bool(data["enforced"]), waivers=waivers, exceptions=exceptions,
                      details=tuple(Detail(str(d["path"]), tuple((int(a), int(b))
                                                                 for a, b in d["lines"]),
                                           str(d["note"])) for d in data.get("details", ())))


def summary_from_report(report: Mapping[str, Any]) -> Summary:
    totals = report["changeset"]["totals"]
    raw, effective = (_totals(int(t["files"]), int(t["added"]), int(t["deleted"]))
                      for t in (totals["raw"], totals["effective"]))
    change = f"raw {raw}; effective {effective}"
    if totals["excluded"]:
        change += " (left out: " + ", ".join(
            f"{int(n)} {why}" for why, n in sorted(totals["excluded"].items())) + ")"
    rev = report["revisions"]
    revisions = Revisions(
        mode=str(rev["mode"]), base_ref=rev.get("base_ref"), base_sha=rev.get("base_sha"),
        base_reason=str(rev.get("base_reason") or ""), head_ref=rev.get("head_ref"),
        head_sha=rev.get("head_sha"), merge_base=rev.get("merge_base"), source=rev.get("source"),
        head_reason=str(rev.get("head_reason") or ""))
    return Summary(report["verdict"] == "pass", bool(report["nothing_to_check"]),
                   revisions.describe(), str(report["policy"]["description"]), change,
                   tuple(_result(r) for r in report["results"]),
                   tuple(str(n) for n in report["notes"]))


def render_report(document: Mapping[str, Any]) -> str:
    """Markdown for a JSON report, or for a list of them (several pushed refs)."""
    try:
        if document.get("schema") == "gatekeeper-report-list":
            summaries = [summary_from_report(r) for r in document["reports"]]
            return render_summaries(summaries, str(document.get("context", "")))
        if document.get("schema") == "gatekeeper-report":
            return render_summaries([summary_from_report(document)], "")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"not a complete gatekeeper JSON report ({type(exc).__name__}: {exc})",
                         hint="pass a file written by gatekeeper check --json") from exc
    raise UsageError("not a gatekeeper JSON report (no gatekeeper-report schema)",
                     hint="pass a file written by gatekeeper check --json")


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gatekeeper.reporters.markdown REPORT.json", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as handle:
            document = json.load(handle)
        if not isinstance(document, dict):
            raise UsageError("not a gatekeeper JSON report (not a JSON object)")
        sys.stdout.write(render_report(document))
    except (OSError, ValueError) as exc:
        print(f"gatekeeper: error: cannot read {argv[0]}: {exc}", file=sys.stderr)
        return 2
    except GatekeeperError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
