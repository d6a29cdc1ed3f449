"""The GitLab Code Quality report: a JSON array of issues in the subset of the Code Climate
format that GitLab reads from ``artifacts:reports:codequality``.

Each failing or warning rule gives one issue per place it points at: the line ranges of its
details, else the files that drove it, else the policy file. GitLab shows the issues in the
merge request widget and beside the changed lines, and tells new issues from old ones by their
fingerprint, so a fingerprint depends only on the rule, the path and the line: a rerun on the
same change gives the same fingerprints.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterator, Sequence

from gatekeeper.common.escape import escape
from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.rules.findings import Severity, Status

LOCATIONS = 100
"""Issues per rule at most: a coverage rule can point at thousands of line ranges, and the
widget is for reading. The issue after the last names how many more the JSON report has."""
DESCRIPTION = 2000
"""Characters of a description at most; the JSON report has the whole message."""
NO_POLICY_FILE = ".gatekeeper.yml"
"""Where an issue of the built-in policy points: the file that would hold the policy."""


@record(slots=True)
class _Place:
    """Where an issue points: a repository path, a first line, and words for the range."""

    path: str
    line: int
    where: str = ""


def _severity(result: RuleResult) -> str:
    """GitLab's severity (info, minor, major, critical, blocker) of a failing or warning rule.

    An enforced failure is ``critical``: it fails the job and blocks the merge, so it must rank
    above the ``major`` most linters give their errors in the same widget. ``blocker`` stays
    unused, as nothing gatekeeper reports is stronger than an enforced failure. A report-only
    rule never blocks and is ``info``, as is a notice; a warning is ``minor``.
    """
    if not result.enforced or result.severity is Severity.NOTICE:
        return "info"
    if result.blocking:
        return "critical"
    return "minor"


def _relative(path: str) -> str:
    """``path`` as a repository path: GitLab links an issue only to a relative path."""
    clean = posixpath.normpath(path.replace("\\", "/"))
    if posixpath.isabs(clean) or clean == ".." or clean.startswith("../"):
        # A policy outside the repository: its file name is all that can be shown.
        return posixpath.basename(clean) or NO_POLICY_FILE
    return clean


def _places(result: RuleResult, policy: str) -> Iterator[_Place]:
    """Every place a result points at: its detail ranges, else its files, else the policy."""
    if result.details:
        for detail in result.details:
            note = f" ({detail.note})" if detail.note else ""
            for first, last in detail.lines or ((1, 1),):
                span = str(first) if first == last else f"{first}-{last}"
                where = f"lines {span}{note}" if detail.lines else note.strip()
                yield _Place(detail.path, max(first, 1), where)
    elif result.files:
        for share in result.files:
            yield _Place(share.path, 1, f"+{share.added} -{share.deleted}")
    else:
        yield _Place(policy, 1)


def _fingerprint(*parts: str) -> str:
    """A stable digest of ``parts``; NUL keeps ``a``+``bc`` apart from ``ab``+``c``."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _description(result: RuleResult, where: str, name: str) -> str:
    """The issue's text: the rule's message, where, its fix, and whether it blocks."""
    prefix = "" if result.blocking else ("report-only: " if not result.enforced
                                         else f"{result.severity.value}: ")
    text = f"{prefix}{result.message}"
    if where:
        text += f" [{where}]"
    if result.remediation:
        text += f"; fix: {result.remediation}"
    if name:
        text = f"{name}: {text}"
    text = escape(text)  # bidi and control characters would reorder or hide the widget's text
    return text if len(text) <= DESCRIPTION else text[:DESCRIPTION - 3] + "..."


def _issue(result: RuleResult, place: _Place, name: str, description: str) -> dict[str, object]:
    key = (name, result.rule_id, place.path, str(place.line)) if name else \
        (result.rule_id, place.path, str(place.line))
    return {
        "description": description,
        "check_name": result.rule_id,
        "fingerprint": _fingerprint(*key),
        "severity": _severity(result),
        "location": {"path": place.path, "lines": {"begin": place.line}},
    }


def _issues(verdict: Verdict, name: str) -> Iterator[dict[str, object]]:
    """The issues of one verdict; ``name`` (the checked ref) keeps several refs apart."""
    policy = _relative(verdict.policy.path) if verdict.policy.path else NO_POLICY_FILE
    for result in verdict.results:
        if result.status not in (Status.FAIL, Status.WARN):
            continue
        places = list(_places(result, policy))
        for place in places[:LOCATIONS]:
            yield _issue(result, place, name, _description(result, place.where, name))
        if len(places) > LOCATIONS:
            more = f"and {len(places) - LOCATIONS} more places (all in the JSON report)"
            yield _issue(result, _Place(policy, 1, more), name,
                         _description(result, more, name))


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """The Code Quality issues of several verdicts (one per pushed ref) as one array."""
    several = len(verdicts) > 1
    seen: set[object] = set()
    issues = []
    for verdict in verdicts:
        revisions = verdict.facts.changeset.revisions
        name = (revisions.name or revisions.head_sha or "") if several else ""
        for issue in _issues(verdict, name):
            # GitLab shows only the first issue of a fingerprint; two details of one rule
            # can point at the same line.
            if issue["fingerprint"] not in seen:
                seen.add(issue["fingerprint"])
                issues.append(issue)
    return json.dumps(issues, indent=2) + "\n"


def render(verdict: Verdict) -> str:
    """The Code Quality issues of one verdict: an empty array when nothing fails or warns."""
    return render_many([verdict], "")
