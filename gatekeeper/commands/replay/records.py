"""The replay document (JSON, format ``gatekeeper-replay`` version 1) and its CSV form.

One record per change: the facts totals, each rule's status, the tier and the AI strength.
The HTML report and ``--merge`` read the same document. CSV cells are guarded against
spreadsheet formula injection: subjects and author names come from the history.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from gatekeeper import __version__
from gatekeeper.commands.replay.history import Change

FORMAT = "gatekeeper-replay"
VERSION = 1
NOTES = (
    "labels and descriptions are not in git: conditions on them see none, and waivers by "
    "label cannot apply",
    "coverage rules are not applicable: no coverage report is given for past changes",
)
FIXED_COLUMNS = ("repository", "sha", "base", "kind", "number", "author", "date", "skipped",
                 "effective_lines", "effective_files", "raw_lines", "raw_files", "verdict",
                 "tier", "tier_name", "ai_assisted", "ai_strength")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def skipped_record(change: Change, reason: str) -> dict[str, Any]:
    """The record of a change that was not judged, and why."""
    return {**_identity(change), "skipped": reason, "effective_lines": None,
            "effective_files": None, "raw_lines": None, "raw_files": None, "verdict": None,
            "rules": {}, "waivable": [], "tier": None, "ai": None, "compare": None}


def judged_record(change: Change, facts: dict[str, Any], outcome: dict[str, Any],
                  compare: dict[str, Any] | None) -> dict[str, Any]:
    """The record of a judged change: its facts, the policy's outcome, and --compare's."""
    other = None if compare is None else {
        "verdict": compare["verdict"], "rules": compare["rules"], "tier": compare["tier"]}
    return {**_identity(change), "skipped": None, **{k: facts[k] for k in (
        "effective_lines", "effective_files", "raw_lines", "raw_files")},
        "verdict": outcome["verdict"], "rules": outcome["rules"],
        "waivable": outcome["waivable"], "tier": outcome["tier"], "ai": facts["ai"],
        "compare": other}


def _identity(change: Change) -> dict[str, Any]:
    return {"sha": change.sha, "base": change.base, "kind": change.kind,
            "number": change.number, "author": change.author, "date": change.date,
            "subject": change.subject}


def document(repositories: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The whole document around its repositories."""
    return {"format": FORMAT, "version": VERSION, "gatekeeper": __version__,
            "repositories": list(repositories)}


def dumps(doc: dict[str, Any]) -> str:
    """The document as JSON text; a lone surrogate (undecodable bytes in a message) is
    written as its escape, so the file is always valid UTF-8."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _cell(value: Any) -> str:
    """One CSV cell: text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = _SURROGATE.sub("\ufffd", str(value))
    return "'" + text if text.startswith(_FORMULA) else text


def _rule_ids(records: Iterable[dict[str, Any]], field: str) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        rules = record["rules"] if field == "rules" else (record.get("compare") or {}).get(
            "rules", {})
        seen.update(dict.fromkeys(rules))
    return list(seen)


def csv_text(doc: dict[str, Any]) -> str:
    """One row per change over every repository, with a column per rule (and per compared
    rule)."""
    rows = [(repo["name"], record) for repo in doc["repositories"] for record in repo["changes"]]
    rules = _rule_ids((r for _, r in rows), "rules")
    compared = _rule_ids((r for _, r in rows), "compare")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *(f"rule:{r}" for r in rules),
                     *(f"compare:{r}" for r in compared)])
    for name, record in rows:
        tier = record.get("tier") or {}
        ai = record.get("ai") or {}
        fixed = [name, *(record[k] for k in FIXED_COLUMNS[1:13]), tier.get("rank"),
                 tier.get("name"), ai.get("assisted"), ai.get("strength")]
        other = (record.get("compare") or {}).get("rules", {})
        writer.writerow([_cell(v) for v in (*fixed, *(record["rules"].get(r) for r in rules),
                                            *(other.get(r) for r in compared))])
    return out.getvalue()
