"""The terminal summary of a replay: counts and dates, would-fail rates per rule, the largest
changes, the review-tier mix, AI-assisted changes, and effective sizes; with --compare, the
changes that newly fail and newly pass per rule."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from gatekeeper.common.escape import escape

LARGEST = 10
LISTED = 10
SUBJECT = 60

Record = dict[str, Any]


def percentile(values: Sequence[int], share: float) -> int | None:
    """The nearest-rank percentile (``share`` from 0 to 1) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[int]) -> float | None:
    """The median of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _label(record: Record) -> str:
    number = f"#{record['number']}" if record.get("number") is not None else "-"
    subject = escape(str(record.get("subject") or ""))
    if len(subject) > SUBJECT:
        subject = subject[: SUBJECT - 3] + "..."
    return f"{str(record['sha'])[:12]}  {number:>7}  {subject}"


def render(repositories: Sequence[dict[str, Any]]) -> str:
    """The summary of every repository's changes, taken together."""
    all_changes: list[Record] = [c for r in repositories for c in r["changes"]]
    judged = [c for c in all_changes if c.get("skipped") is None]
    lines = _head(repositories, all_changes, judged)
    if judged:
        lines += _rules(judged) + _largest(judged) + _tiers(judged) + _ai(judged)
        sizes = [c["effective_lines"] for c in judged]
        lines.append(f"Effective size: median {_number(median(sizes))} lines, p90 "
                     f"{_number(percentile(sizes, 0.9))} lines")
    if any(c.get("compare") is not None for c in judged):
        lines += _compare(judged)
    return "\n".join(lines) + "\n"


def _head(repositories: Sequence[dict[str, Any]], changes: list[Record],
          judged: list[Record]) -> list[str]:
    names = ", ".join(escape(f"{r['name']} ({r['branch']})") for r in repositories)
    dates = sorted(str(c["date"]) for c in changes if c.get("date"))
    span = f", {dates[0][:10]} to {dates[-1][:10]}" if dates else ""
    skipped = len(changes) - len(judged)
    lines = [f"gatekeeper replay: {len(changes)} changes of {names}{span}"
             + (f" ({skipped} skipped)" if skipped else "")]
    policies = sorted({escape(str(r["policy"])) for r in repositories})
    lines.append(f"Policy: {', '.join(policies)}")
    reasons = Counter(str(c["skipped"]).split(":", 1)[0] for c in changes
                      if c.get("skipped") is not None)
    lines += [f"  skipped: {n} x {escape(reason)}" for reason, n in sorted(reasons.items())]
    return lines


def _rules(judged: list[Record]) -> list[str]:
    ids: dict[str, None] = {}
    for change in judged:
        ids.update(dict.fromkeys(change["rules"]))
    lines = ["", "Would fail, per rule:"]
    width = max((len(i) for i in ids), default=4)
    for rule in ids:
        failing = [c for c in judged if c["rules"].get(rule) == "fail"]
        waivable = sum(1 for c in failing if rule in c.get("waivable", ()))
        lines.append(f"  {escape(rule):<{width}}  {len(failing):>5} of {len(judged)} "
                     f"({_share(len(failing), len(judged))}); a waiver could have saved "
                     f"{waivable}")
    return lines


def _largest(judged: list[Record]) -> list[str]:
    largest = sorted(judged, key=lambda c: (-c["effective_lines"], c["date"]))[:LARGEST]
    lines = ["", f"Largest {len(largest)} changes (effective lines):"]
    lines += [f"  {c['effective_lines']:>8,}  {_label(c)}" for c in largest]
    return lines


def _tiers(judged: list[Record]) -> list[str]:
    tiers = Counter((c["tier"]["rank"], c["tier"]["name"]) for c in judged if c.get("tier"))
    if not tiers:
        return ["", "Review tiers: the policy defines none"]
    lines = ["", "Review tiers:"]
    for (rank, name), count in sorted(tiers.items()):
        lines.append(f"  {rank} {escape(str(name)):<12} {count:>5} "
                     f"({_share(count, len(judged))})")
    return lines


def _ai(judged: list[Record]) -> list[str]:
    assisted = [c["effective_lines"] for c in judged if (c.get("ai") or {}).get("assisted")]
    other = [c["effective_lines"] for c in judged if not (c.get("ai") or {}).get("assisted")]
    return ["", f"AI-assisted: {len(assisted)} of {len(judged)} "
            f"({_share(len(assisted), len(judged))}); median effective size "
            f"{_number(median(assisted))} lines AI-assisted, {_number(median(other))} other"]


def _compare(judged: list[Record]) -> list[str]:
    ids: dict[str, None] = {}
    for change in judged:
        ids.update(dict.fromkeys(change["rules"]))
        ids.update(dict.fromkeys((change.get("compare") or {}).get("rules", {})))
    lines = ["", "With the --compare policy, per rule:"]
    for rule in ids:
        newly_failing, newly_passing = newly(judged, rule)
        lines.append(f"  {escape(rule)}: {len(newly_failing)} newly fail, "
                     f"{len(newly_passing)} newly pass")
        lines += [f"    fails:  {_label(c)}" for c in newly_failing[:LISTED]]
        lines += [f"    passes: {_label(c)}" for c in newly_passing[:LISTED]]
    return lines


def newly(judged: list[Record], rule: str) -> tuple[list[Record], list[Record]]:
    """The changes ``rule`` fails under the --compare policy but not under the policy, and
    those it failed under the policy but no longer fails."""
    failing, passing = [], []
    for change in judged:
        before = change["rules"].get(rule) == "fail"
        after = ((change.get("compare") or {}).get("rules") or {}).get(rule) == "fail"
        if after and not before:
            failing.append(change)
        elif before and not after:
            passing.append(change)
    return failing, passing
