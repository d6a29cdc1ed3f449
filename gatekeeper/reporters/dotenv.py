"""The dotenv report: the verdict and review tier as variables for later GitLab CI jobs.

GitLab reads an ``artifacts:reports:dotenv`` file one ``KEY=value`` line at a time, splits
at the first ``=`` and strips both sides; it takes no quotes, escapes, comments or empty lines,
and refuses a file of 5 KB or more. Tier names and owners come from the policy, the change's
CODEOWNERS or the platform, so each value keeps only letters, digits and the few marks those
names use: no line break, quote, ``#`` or ``$`` can end a line early, start another variable,
or be expanded when a later job reads the value.
"""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.evaluation.verdict import Verdict

PREFIX = "GATEKEEPER_"
LIMIT = 4096
"""Bytes the whole report may take: GitLab refuses a dotenv file of 5 KB or more."""
NAME_LIMIT = 200
"""Bytes of the tier name; the policy allows 60 characters."""
SEPARATOR = ", "
"""Between owners, as the GitHub Action's review-owners output has them."""
NAME_MARKS = frozenset(" _.-")
OWNER_MARKS = frozenset("_.-@/+")
"""Enough for @user, @org/team and name+tag@example.com; never the separator."""
REPLACEMENT = "_"


def clean(text: str, marks: frozenset[str] = NAME_MARKS) -> str:
    """``text`` with every character but letters, digits and ``marks`` replaced."""
    kept = "".join(c if c.isalnum() or c in marks else REPLACEMENT for c in text)
    return kept.strip(" ")


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore").strip(" ")


def _owners(owners: Sequence[str], room: int) -> str:
    """Whole owners, in order and each once, as many as fit in ``room`` bytes."""
    kept: list[str] = []
    for owner in owners:
        name = clean(owner, OWNER_MARKS)
        if not name or name in kept:
            continue
        if len(SEPARATOR.join([*kept, name]).encode("utf-8")) > room:
            break
        kept.append(name)
    return SEPARATOR.join(kept)


def _text(values: dict[str, str]) -> str:
    return "".join(f"{PREFIX}{key}={value}\n" for key, value in values.items())


def variables(verdicts: Sequence[Verdict]) -> dict[str, str]:
    """The report's variables, without the prefix; the tier only when one change was checked."""
    assisted = any(v.facts.ai is not None and v.facts.ai.assisted for v in verdicts)
    values = {"RESULT": "pass" if all(v.passed for v in verdicts) else "fail",
              "REVIEW_TIER": "", "REVIEW_TIER_NAME": "", "REVIEW_APPROVALS": "",
              "REVIEW_OWNERS": "", "AI_ASSISTED": "true" if assisted else "false"}
    decision = verdicts[0].review if len(verdicts) == 1 else None
    if decision is None:
        return values
    values["REVIEW_TIER"] = str(decision.number)
    values["REVIEW_TIER_NAME"] = _cut(clean(decision.name), NAME_LIMIT)
    values["REVIEW_APPROVALS"] = str(decision.tier.approvals)
    room = LIMIT - len(_text(values).encode("utf-8"))
    values["REVIEW_OWNERS"] = _owners(decision.request, room)
    return values


def render(verdict: Verdict) -> str:
    """The dotenv lines of one verdict."""
    return _text(variables([verdict]))


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """Several checks in one run: fail if any failed; no tier, as no one tier fits them all."""
    return _text(variables(verdicts))
