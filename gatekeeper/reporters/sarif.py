"""The SARIF 2.1.0 report, for GitHub code scanning and any other SARIF viewer.

Every rule of the policy is a ``tool.driver.rules`` entry; every rule that failed, warned, or
was waived or excepted is a result with at least one physical location, since GitHub drops a
result without one. GitHub's documented upload limits are honoured by cutting the least
important results first, and the run says what was cut.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from gatekeeper import __version__
from gatekeeper.common.escape import escape
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.policy.sources import PolicySource
from gatekeeper.reporters.common import notes_for
from gatekeeper.rules.findings import Severity, Status

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
"""The ``id`` the OASIS schema gives itself."""
SRCROOT = "%SRCROOT%"
POLICY_FILENAME = ".gatekeeper.yml"
"""Where a result with no file of its own points when the policy has no repository path (the
built-in default, or a file outside the repository); the policy layer's name, repeated here
because reporters read only the verdict."""
FINGERPRINT = "gatekeeperRuleLocation/v1"

# GitHub's documented limits for a SARIF upload ("SARIF support for code scanning").
MAX_RUNS = 20
MAX_RULES = 25_000
MAX_RESULTS = 5_000
"""GitHub accepts 25,000 results a run but shows only 5,000: cutting here keeps the choice of
which ones ours (blocking failures first) rather than GitHub's."""
MAX_LOCATIONS = 100
"""GitHub accepts 1,000 locations a result but shows only 100."""
MAX_BYTES = 10_000_000
"""GitHub refuses an upload over 10 MB. That limit is on the gzip-compressed file; keeping the
file itself under it leaves room for any way it is sent."""
_BASE_BYTES = 20_000
"""Room kept for everything but the results and rules: the driver, invocation, properties."""
TEXT_CHARS = 4_000
"""The longest text of one message: a message quoting commit text must not eat the budget."""

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
SHOWN = (Status.FAIL, Status.WARN, Status.WAIVED, Status.EXCEPTED)
RANKS = {Status.FAIL: 0, Status.WARN: 2, Status.WAIVED: 3, Status.EXCEPTED: 3}
"""Which results are cut last: blocking failures, then report-only failures (rank 1),
warnings, and what a waiver or exception let through."""


def text(value: str) -> str:
    """``value`` escaped, capped, and unable to form a SARIF embedded link (``[text](target)``),
    which a viewer would render as a link to wherever the change's author chose."""
    value = escape(value)
    if len(value) > TEXT_CHARS:
        value = value[:TEXT_CHARS - 1] + "…"
    return value.replace("](", "] (")


def uri(path: str) -> str:
    """``path`` as a relative URI reference: every byte outside RFC 3986's unreserved set and
    ``/`` percent-encoded, so ``:`` cannot read as a scheme nor ``%`` as an escape."""
    try:
        raw = path.encode("utf-8", "surrogateescape")  # a non-UTF-8 name keeps its bytes
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def policy_path(policy: PolicySource) -> str:
    """The policy file as a repository path; ``.gatekeeper.yml`` when it has none."""
    path = policy.path
    if policy.builtin or not path or path.startswith("/") or "\\" in path or ":" in path:
        return POLICY_FILENAME  # built in, or absolute on some system: never this machine's
    path = posixpath.normpath(path)
    return POLICY_FILENAME if path == ".." or path.startswith("../") else path


def level(result: RuleResult) -> str:
    """The SARIF level of a shown result: what a waiver or exception let through is a note."""
    return "note" if result.status in (Status.WAIVED, Status.EXCEPTED) else configured(result)


def configured(result: RuleResult) -> str:
    """The level the rule reports at: its severity's, and a warning at most if report-only."""
    found = LEVELS[result.severity]
    # A report-only rule is a warning at most: it is being rolled out and says so, but GitHub
    # fails its check on errors by default, and ``enforce: false`` promises never to block.
    # "note" would file it with notices, under what the team is about to enforce.
    return "warning" if not result.enforced and found == "error" else found


def _rank(result: RuleResult) -> int:
    return 1 if result.status is Status.FAIL and not result.enforced else RANKS[result.status]


def _spots(result: RuleResult, policy: str) -> list[tuple[str, int, int | None]]:
    """Each place the result points at: ``(path, first line, last line or None)``."""
    spots: list[tuple[str, int, int | None]] = []
    for detail in result.details:
        spots += [(detail.path, max(1, a), max(1, a, b)) for a, b in detail.lines]
        if not detail.lines:
            spots.append((detail.path, 1, None))
    if not spots:
        spots = [(result.files[0].path if result.files else policy, 1, None)]
    return spots


def _location(path: str, first: int, last: int | None) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": first}
    if last is not None and last != first:
        region["endLine"] = last
    return {"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": SRCROOT},
                                 "region": region}}


def fingerprint(rule_id: str, path: str, line: int) -> str:
    """The same text for the same rule at the same place, in every run."""
    return hashlib.sha256(f"{rule_id}\0{path}\0{line}".encode("utf-8", "surrogatepass")
                          ).hexdigest()[:32]


def _suppressions(result: RuleResult) -> list[dict[str, str]]:
    """Why a waived or excepted result does not count, as SARIF ``suppressions``."""
    if result.status is Status.WAIVED and result.waiver is not None:
        why = [f"waived by {result.waiver.source}: {result.waiver.reason}"]
    else:
        why = [f"exception until {e.expires}: {e.reason}"
               for e in result.exceptions if not e.expired] or [f"rule {result.status.value}"]
    return [{"kind": "external", "status": "accepted", "justification": text(w)} for w in why]


def _message(result: RuleResult) -> str:
    lines = [result.message]
    if not result.enforced and result.status is Status.FAIL:
        lines.append("report-only: this rule does not block (enforce: false)")
    if result.remediation and result.status in (Status.FAIL, Status.WARN):
        lines.append(f"fix: {result.remediation}")
    lines += notes_for(result)
    return "\n".join(text(line) for line in lines)


def _result(result: RuleResult, policy: str) -> tuple[dict[str, Any], int]:
    """The SARIF result of ``result``, and how many of its locations were cut."""
    spots = _spots(result, policy)
    path, first, _ = spots[0]
    found: dict[str, Any] = {
        "ruleId": text(result.rule_id), "level": level(result),
        "message": {"text": _message(result)},
        "locations": [_location(*spot) for spot in spots[:MAX_LOCATIONS]],
        "partialFingerprints": {FINGERPRINT: fingerprint(result.rule_id, path, first)},
        "properties": {"status": result.status.value, "kind": text(result.kind),
                       "enforced": result.enforced, "blocking": result.blocking},
    }
    if result.status in (Status.WAIVED, Status.EXCEPTED):
        found["suppressions"] = _suppressions(result)
    cut = max(0, len(spots) - MAX_LOCATIONS)
    if cut:
        found["properties"]["locationsCut"] = cut
    return found, cut


def rule(result: RuleResult) -> dict[str, Any]:
    """The ``reportingDescriptor`` of the rule behind ``result``."""
    short = result.description or f"{result.kind} rule {result.rule_id}"
    full = f"{result.description}: {result.message}" if result.description else result.message
    found: dict[str, Any] = {
        "id": text(result.rule_id),
        "shortDescription": {"text": text(short)}, "fullDescription": {"text": text(full)},
        "defaultConfiguration": {"level": configured(result)},
        "properties": {"tags": ["gatekeeper", text(result.kind)], "kind": text(result.kind),
                       "severity": result.severity.value, "enforced": result.enforced},
    }
    if result.remediation:
        found["help"] = {"text": text(result.remediation)}
    return found


def _size(item: object) -> int:
    return len(_dumps(item).encode("utf-8")) + 1  # and the comma after it


def _fit(sizes: Sequence[int], room: int) -> int:
    """How many of the items of ``sizes``, taken in order, fit in ``room`` bytes."""
    used = 0
    for n, size in enumerate(sizes):
        used += size
        if used > room:
            return n
    return len(sizes)


def _choose(verdict: Verdict, policy: str) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """The results to show, in policy order with their result index, and what was cut."""
    shown = [(n, r) for n, r in enumerate(verdict.results) if r.status in SHOWN]
    shown.sort(key=lambda item: (_rank(item[1]), item[0]))
    built = [(n, *_result(r, policy)) for n, r in shown]
    cuts: list[str] = []
    locations = sum(cut for _, _, cut in built)
    if locations:
        cuts.append(f"{locations} locations beyond {MAX_LOCATIONS} a result")
    kept = min(len(built), MAX_RESULTS)
    kept = _fit([_size(r) for _, r, _ in built[:kept]], MAX_BYTES - _BASE_BYTES)
    if kept < len(built):
        cuts.append(f"{len(built) - kept} results, least important first (report-only, "
                    f"warnings, waived): see the JSON report for every rule")
    return sorted((n, r) for n, r, _ in built[:kept]), cuts


def _rules(verdict: Verdict, needed: set[int], room: int) -> tuple[list[int], list[str]]:
    """The indexes of the rules to describe: those with a result, then others in policy order,
    within GitHub's rule limit and the bytes left."""
    others = [n for n in range(len(verdict.results)) if n not in needed]
    sizes = [_size(rule(verdict.results[n])) for n in others]
    room -= sum(_size(rule(verdict.results[n])) for n in needed)
    extra = min(_fit(sizes, room), MAX_RULES - len(needed))
    cut = len(others) - max(0, extra)
    notes = [f"{cut} rule descriptions without a result"] if cut else []
    return sorted(needed | set(others[:max(0, extra)])), notes


def run(verdict: Verdict, several: bool = False) -> dict[str, Any]:
    """The SARIF run of one verdict; ``several`` gives it its own category among others."""
    policy = policy_path(verdict.policy)
    chosen, cuts = _choose(verdict, policy)
    used = sum(_size(r) for _, r in chosen)
    kept, rule_cuts = _rules(verdict, {n for n, _ in chosen}, MAX_BYTES - _BASE_BYTES - used)
    index = {n: i for i, n in enumerate(kept)}
    results = [{**r, "ruleIndex": index[n]} for n, r in chosen]
    rev = verdict.facts.changeset.revisions
    properties: dict[str, Any] = {
        "verdict": "pass" if verdict.passed else "fail", "policy": text(verdict.policy.description),
        "policyFile": policy, "compared": text(rev.describe()),
    }
    if rev.head_sha:
        properties["headSha"] = text(rev.head_sha)
    cuts += rule_cuts
    if cuts:
        properties["cut"] = cuts
    notes = [_note("warning", "cut to fit GitHub's limits: " + cut) for cut in cuts]
    notes += [_note("note", note) for note in verdict.notes]
    found = _run([rule(verdict.results[n]) for n in kept], results, notes, properties,
                 verdict.exit_code)
    if several and rev.name:
        found["automationDetails"] = {"id": f"gatekeeper/{text(rev.name)}/"}
    return found


def _note(level: str, message: str) -> dict[str, Any]:
    return {"level": level, "message": {"text": text(message)}}


def _run(rules: list[dict[str, Any]], results: list[dict[str, Any]],
         notes: list[dict[str, Any]], properties: dict[str, Any], exit_code: int
         ) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True, "exitCode": exit_code}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {
        # No informationUri: the project names no home page to point at.
        "tool": {"driver": {"name": "gatekeeper", "version": __version__, "rules": rules}},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "the repository root"}}},
        "invocations": [invocation], "results": results,
        "properties": properties,
    }


def _dumps(document: object) -> str:
    # Compact, so that the sizes measured for the limits are the sizes written. Every text
    # went through ``escape``, so no lone surrogate is left to stop the UTF-8 encoding.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """One SARIF log for several verdicts (one per pushed ref): a run each, up to GitHub's
    limit of runs a file; none checked is one run with no results."""
    runs = [run(v, several=len(verdicts) > 1) for v in verdicts[:MAX_RUNS]]
    if not runs:
        runs = [_run([], [], [_note("note", f"{context}: no changes to check")],
                     {"verdict": "pass"}, 0)]
    if len(verdicts) > MAX_RUNS:
        cut = f"{len(verdicts) - MAX_RUNS} checked refs beyond {MAX_RUNS} runs a file"
        runs[0]["invocations"][0].setdefault("toolExecutionNotifications", []).append(
            _note("warning", "cut to fit GitHub's limits: " + cut))
    return _dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": runs}) + "\n"


def render(verdict: Verdict) -> str:
    """The SARIF log of one verdict."""
    return render_many([verdict], "")
