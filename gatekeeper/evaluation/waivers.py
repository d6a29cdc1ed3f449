"""Per-change waivers: ``Gatekeeper-Waive: <rule-id>: <reason>`` lines, and waiver labels.

A waiver lets one failing rule through for one change. It is accepted only when the rule has a
``waivers`` block, and never without a reason: a label says who allowed it, the line says why.
"""

from __future__ import annotations

import re

from gatekeeper.changeset.model import ChangeSet
from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import Waiver
from gatekeeper.rules.base import RuleConfig

TRAILER = "Gatekeeper-Waive"
# The rule id at the start of a value; the reason after the colon is taken with str.strip: the
# pattern that also matched it took time growing with the square of a line's length.
_RULE_ID = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*")
_DESCRIPTION_LINE = re.compile(rf"^[ \t]*{TRAILER}[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)


@record
class Request:
    """A waiver asked for: the rule id (lowercased), the reason, and the trailer or description."""

    rule_id: str
    reason: str
    source: str


def _parse(value: str, source: str) -> Request | None:
    """``<rule-id>`` or ``<rule-id>: <reason>``, with any spacing around them."""
    match = _RULE_ID.match(value)
    rest = value[match.end():] if match else ""
    if match is None or (rest and not rest.startswith(":")):
        return None
    return Request(match.group(1).lower(), rest[1:].strip(), source)


def requests(changeset: ChangeSet) -> list[Request]:
    """Every waiver request in the commits' trailers and the PR or MR description."""
    found = []
    for commit in changeset.commits:
        for value in commit.trailer_values(TRAILER):
            request = _parse(value, f"trailer in {commit.sha[:12]}")
            if request:
                found.append(request)
    for line in _DESCRIPTION_LINE.findall(changeset.meta.description or ""):
        request = _parse(line, "the description")
        if request:
            found.append(request)
    return found


def _how(rule_id: str) -> str:
    return f"add `{TRAILER}: {rule_id}: <reason>` to the description or a commit message"


def decide(rule: RuleConfig, asked: list[Request], labels: tuple[str, ...]) -> tuple[Waiver, ...]:
    """Judge every request for ``rule``; at most one of the returned waivers is accepted."""
    mine = [r for r in asked if r.rule_id == rule.id]
    policy = rule.waivers
    if policy is None:
        return tuple(Waiver(rule.id, r.source, r.reason, False,
                            "this rule does not allow waivers") for r in mine)
    reasoned = [r for r in mine if r.reason]
    unreasoned = tuple(Waiver(rule.id, r.source, "", False,
                              f"a waiver needs a reason: {_how(rule.id)}")
                       for r in mine if not r.reason)
    label = _label_present(policy.labels, labels)
    if label is not None:
        return (_by_label(rule.id, label, reasoned), *unreasoned)
    if policy.trailer and reasoned:
        first = reasoned[0]
        return (Waiver(rule.id, first.source, first.reason, True), *unreasoned)
    return (*unreasoned, *_refused(rule.id, policy.labels, reasoned))


def _label_present(waiving: list[str], labels: tuple[str, ...]) -> str | None:
    """The first of the rule's waiver labels that the change carries; labels ignore case."""
    present = {label.lower() for label in labels}
    return next((name for name in waiving if name.lower() in present), None)


def _by_label(rule_id: str, label: str, reasoned: list[Request]) -> Waiver:
    """The label's waiver: accepted with the first reason given, refused without one."""
    if reasoned:
        first = reasoned[0]
        return Waiver(rule_id, f"label {label}", first.reason, True,
                      f"reason from {first.source}")
    return Waiver(rule_id, f"label {label}", "", False,
                  f"label {label} is present but no reason was given: " + _how(rule_id))


def _refused(rule_id: str, waiving: list[str], reasoned: list[Request]) -> tuple[Waiver, ...]:
    """Reasoned requests that nothing lets through: no waiver label, and no trailer waivers."""
    needs = " or ".join(f"label {name}" for name in waiving) or "a maintainer"
    return tuple(Waiver(rule_id, r.source, r.reason, False,
                        f"this rule is waived only with {needs}") for r in reasoned)
