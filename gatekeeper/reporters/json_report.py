"""The JSON report, format version 1 (documented in docs/report-format.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gatekeeper import __version__
from gatekeeper.changeset.model import Commit, Hunk
from gatekeeper.evaluation.verdict import RuleResult, TierDecision, Verdict
from gatekeeper.facts.ai.detect import Evidence
from gatekeeper.facts.ai.provenance import AiFacts
from gatekeeper.facts.coverage.patch import CoverageFacts, FilePatch, Tally
from gatekeeper.facts.model import FileFacts, Totals
from gatekeeper.reporters import jsontext

if TYPE_CHECKING:
    from gatekeeper.facts.flags.facts import FlagFacts

SCHEMA = "gatekeeper-report"
VERSION = 1


def _totals(t: Totals) -> dict[str, int]:
    return {"files": t.files, "added": t.added, "deleted": t.deleted, "changed": t.changed}


def _hunk(h: Hunk) -> dict[str, Any]:
    return {"old_start": h.old_start, "old_count": h.old_count, "new_start": h.new_start,
            "new_count": h.new_count, "added": h.added, "removed": h.removed}  # JSON arrays


def _file(f: FileFacts) -> dict[str, Any]:
    c = f.change
    return {
        "path": c.path, "old_path": c.old_path, "status": c.status.value, "added": c.added,
        "deleted": c.deleted, "binary": c.binary, "kind": c.kind.value,
        "old_mode": c.old_mode, "new_mode": c.new_mode,
        "classification": sorted(f.classes), "effective": f.effective,
        "excluded_by": f.excluded_by, "hunks": [_hunk(h) for h in c.hunks],
        "size": c.size, "binary_bytes": c.binary_bytes, "forced_text": c.forced_text,
    }


def _commit(c: Commit) -> dict[str, Any]:
    return {
        "sha": c.sha, "parents": list(c.parents),
        "author": {"name": c.author_name, "email": c.author_email},
        "committer": {"name": c.committer_name, "email": c.committer_email},
        "subject": c.subject, "body": c.body,
        "trailers": [{"key": t.key, "value": t.value} for t in c.trailers],
    }


def _result(r: RuleResult) -> dict[str, Any]:
    main = r.main_check
    return {
        "rule_id": r.rule_id, "kind": r.kind, "severity": r.severity.value,
        "status": r.status.value, "message": r.message, "remediation": r.remediation,
        "measured": main.measured if main else None, "limit": main.limit if main else None,
        "checks": [{"name": c.name, "measured": c.measured, "limit": c.limit, "unit": c.unit,
                    "passed": c.passed} for c in r.checks],
        "files": [{"path": s.path, "added": s.added, "deleted": s.deleted} for s in r.files],
        "details": [{"path": d.path, "lines": [list(x) for x in d.lines], "note": d.note}
                    for d in r.details],
        "enforced": r.enforced, "blocking": r.blocking, "description": r.description,
        "condition": r.condition, "values": dict(r.values),
        "waivers": [{"source": w.source, "reason": w.reason, "accepted": w.accepted,
                     "note": w.note} for w in r.waivers],
        "exceptions": [{"paths": list(e.paths), "reason": e.reason, "expires": e.expires,
                        "expired": e.expired, "files": e.files} for e in r.exceptions],
        "evidence": [_evidence(e) for e in r.evidence],
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"source": e.source, "where": e.where(), "commit": e.commit or None,
            "path": e.path or None, "lines": [list(r) for r in e.lines], "marker": e.marker,
            "tool": e.tool, "strength": e.strength.value, "text": e.text}


def _ai(ai: AiFacts | None) -> dict[str, Any] | None:
    if ai is None:
        return None
    check = ai.spot_check
    return {
        "assisted": ai.assisted, "tools": list(ai.tools),
        "strength": ai.strength.value if ai.strength else None,
        "commits": ai.commits, "commits_with_evidence": ai.commits_with_evidence,
        "commit_share": ai.commit_share,
        "evidence": [_evidence(e) for e in ai.evidence],
        "files": [{"path": f.path, "added": f.added, "ai_lines": [list(r) for r in f.ai_lines],
                   "share": f.share, "tools": list(f.tools)} for f in ai.files],
        "spot_check": None if check is None else {
            "selected": check.selected, "percent": check.percent, "key": check.key,
            "keyed_on": check.keyed_on, "salt_id": check.salt_id, "draw": check.draw,
            "reason": check.reason},
        "problems": list(ai.problems),
    }


def _flags(flags: FlagFacts | None) -> dict[str, Any] | None:
    if flags is None:
        return None
    return {
        "presets": list(flags.presets), "registry": flags.registry,
        "files": [{"path": f.path, "added": list(f.added), "introduced": list(f.introduced),
                   "referenced": list(f.referenced), "removed": list(f.removed),
                   "unknown_added": f.unknown_added, "unknown_removed": f.unknown_removed}
                  for f in flags.files],
        "cleanups": list(flags.cleanups),
        "unknown_keys": [{"key": u.key, "suggestion": u.suggestion} for u in flags.unknown],
        "unscanned": list(flags.unscanned),
    }


def _review(decision: TierDecision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    tier = decision.tier
    return {
        "tier": decision.number, "name": tier.name, "approvals": tier.approvals,
        "owners": list(tier.owners), "code_owners": tier.code_owners,
        "before_lowering": decision.before_lowering,
        "raised_by": [{"id": r.id, "tier": r.tier, "why": r.why} for r in decision.raised_by],
        "lowered_by": [{"id": r.id, "tier": r.tier, "why": r.why} for r in decision.lowered_by],
        "reasons": decision.reasons(),
        "request": list(decision.request),
        "codeowners": decision.codeowners,
        "owner_groups": [{"section": g.section, "owners": list(g.owners),
                          "approvals": g.approvals, "paths": list(g.paths)}
                         for g in decision.owner_groups],
        "evidence": [_evidence(e) for e in decision.evidence],
    }


def _tally(t: Tally | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"coverable": t.coverable, "covered": t.covered, "percent": t.percent,
            "branches": {"total": t.branches, "covered": t.branches_covered,
                         "percent": t.branch_percent}}


def _patch_file(f: FilePatch) -> dict[str, Any]:
    return {"path": f.path, "changed_lines": [list(r) for r in f.changed],
            "covered_lines": [list(r) for r in f.covered],
            "uncovered_lines": [list(r) for r in f.uncovered], "changed": f.changed_lines,
            "in_report": f.in_report, **(_tally(f.tally) or {})}


def _coverage(c: CoverageFacts | None) -> dict[str, Any] | None:
    if c is None:
        return None
    patch = c.patch()
    return {
        "patch": {"changed": sum(f.changed_lines for f in c.files), **(_tally(patch) or {}),
                  "files": [_patch_file(f) for f in c.files]},
        "total": {"head": _tally(c.total()), "base": _tally(c.total(True)), "delta": c.delta()},
        "reports": [{"path": r.source, "format": r.format, "role": r.role, "files": r.files,
                     "mapped": r.mapped} for r in c.reports],
        "unmapped": [{"report_path": m.report_path, "report": m.report, "reason": m.reason,
                      "candidates": list(m.candidates)} for m in c.unmapped],
        "problems": list(c.problems),
        "has_branches": c.has_branches,
    }


def report(verdict: Verdict) -> dict[str, Any]:
    """The JSON report document of one verdict, as a dict ready to dump (schema ``SCHEMA``)."""
    return _document(verdict, [_file(f) for f in verdict.facts.files])


def _document(verdict: Verdict, files: object) -> dict[str, Any]:
    """``report``, with ``files`` standing for the changed files' records."""
    facts = verdict.facts
    rev = facts.changeset.revisions
    meta = facts.changeset.meta
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "gatekeeper_version": __version__,
        "verdict": "pass" if verdict.passed else "fail",
        "exit_code": verdict.exit_code,
        "nothing_to_check": verdict.nothing_to_check,
        "policy": {"path": verdict.policy.path, "builtin": verdict.policy.builtin,
                   "description": verdict.policy.description,
                   "files": list(verdict.policy.files)},
        "notes": list(verdict.notes),
        "change": {"labels": list(meta.labels), "target_branch": meta.target_branch,
                   "author": meta.author, "number": meta.number, "title": meta.title,
                   "draft": meta.draft},
        "revisions": {"mode": rev.mode, "base_ref": rev.base_ref, "base_sha": rev.base_sha,
                      "base_reason": rev.base_reason, "head_ref": rev.head_ref,
                      "head_sha": rev.head_sha, "merge_base": rev.merge_base,
                      "source": rev.source, "head_reason": rev.head_reason,
                      "context": rev.context, "name": rev.name},
        "results": [_result(r) for r in verdict.results],
        "changeset": {
            "totals": {"raw": _totals(facts.raw), "effective": _totals(facts.effective),
                       "excluded": dict(facts.excluded)},
            "touches": facts.touches,
            "files": files,
            "commits": [_commit(c) for c in facts.changeset.commits],
        },
        "coverage": _coverage(facts.coverage),
        "ai": _ai(facts.ai),
        "flags": _flags(facts.flags),
        "review": _review(verdict.review),
    }


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_utf8(text: str) -> str:
    """Compact JSON ``text`` made valid UTF-8: a lone surrogate (from JSON escapes in an event
    payload, or from undecodable bytes in an environment variable) is written as its
    ``\\uXXXX`` escape, which reads back as the same string, instead of failing the write."""
    if text.isascii():  # known without a look at the text: no surrogate can be in it
        return text
    try:
        text.encode("utf-8")  # a C loop that stops at the first surrogate, if any
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def _encoded(verdict: Verdict) -> jsontext.Encoded:
    """``report(verdict)`` as JSON text; its changed files, most of a large report, are
    written as text of their own rather than built as dicts for the encoder."""
    return jsontext.joined(_document(verdict, jsontext.file_records(verdict.facts.files)))


def render(verdict: Verdict) -> str:
    """The JSON report of one verdict, on one line."""
    # Compact: reports of large change sets list many hunks, and indenting makes the
    # encoder several times slower. Pipe through `jq .` to read it.
    return _valid_utf8(jsontext.text_of(_encoded(verdict), "\n"))


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """Several checks in one run (a push of several refs): a list of reports."""
    passed = all(v.passed for v in verdicts)
    document = {"schema": f"{SCHEMA}-list", "version": VERSION, "context": context,
                "verdict": "pass" if passed else "fail",
                "exit_code": max((v.exit_code for v in verdicts), default=0),
                "reports": jsontext.list_of(map(_encoded, verdicts))}
    return _valid_utf8(jsontext.text_of(jsontext.joined(document), "\n"))
