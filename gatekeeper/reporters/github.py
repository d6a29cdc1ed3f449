"""GitHub Actions annotations: one ``::error``, ``::warning`` or ``::notice`` workflow command
per failing or warning rule and location, most important first, within GitHub's caps.

The runner reads every log line that starts with ``::`` as a command. Paths and messages come
from the change, so each is escaped as GitHub's "Workflow commands" page asks: in the message,
``%``, CR and LF become ``%25``, ``%0D`` and ``%0A``; in a property value ``:`` and ``,`` also
become ``%3A`` and ``%2C``. Nothing from the change can then end a command or start another.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import PurePath

from gatekeeper.common.escape import escape
from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.rules.findings import Severity, Status

PER_STEP = {"error": 10, "warning": 10, "notice": 10}
"""Annotations of each kind GitHub shows for one step; the rest are dropped without a word."""
PER_JOB = 50
"""Annotations GitHub shows for a whole job: one step's caps stay within it."""
MESSAGE_CHARS = 4000
"""A message is cut here: the full text is in the step summary and the JSON report."""
RANK = {"error": 0, "warning": 1, "notice": 2}
# Characters the runner's escapes cannot carry but a log viewer may act on: a path holding one
# is named in the message (escaped) instead of in the file property.
_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def escape_data(text: str) -> str:
    """``text`` as the data of a workflow command: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """``text`` as a property value: as data, and ``:`` and ``,`` percent-encoded too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@record(slots=True)
class Annotation:
    """One workflow command: its kind, where it points and what it says."""

    kind: str
    title: str
    message: str
    path: str | None = None
    line: int | None = None
    end_line: int | None = None

    def command(self) -> str:
        """The command's line, every value escaped, ending in a newline."""
        properties = []
        if self.path is not None:
            properties.append(f"file={escape_property(self.path)}")
            if self.line is not None:
                properties.append(f"line={self.line}")
                properties.append(f"endLine={self.end_line or self.line}")
        properties.append(f"title={escape_property(self.title)}")
        return f"::{self.kind} {','.join(properties)}::{escape_data(self.message)}\n"


def _kind(result: RuleResult) -> str | None:
    """error for a blocking failure, warning for an enforced warning, notice for report-only
    or a notice-severity rule; None for a result that needs no annotation."""
    if result.blocking:
        return "error"
    if result.status not in (Status.FAIL, Status.WARN):
        return None
    if not result.enforced or result.severity is Severity.NOTICE:
        return "notice"
    return "warning"


def _safe_path(path: str) -> bool:
    return all(unicodedata.category(c) not in _UNSAFE or c in "\r\n" for c in path)


def _message(result: RuleResult, where: str = "") -> str:
    lines = [result.message]
    if result.status is Status.FAIL and not result.enforced:
        lines.insert(0, "report-only: this rule does not block (enforce: false)")
    if where:
        lines.append(where)
    if result.remediation:
        lines.append(f"fix: {result.remediation}")
    # Control and format characters are shown as escapes; lines stay lines (as %0A).
    text = "\n".join(escape(line) for line in lines)
    if len(text) > MESSAGE_CHARS:
        text = text[:MESSAGE_CHARS] + " ... (cut: the JSON report has it all)"
    return text


Spot = tuple[str, int | None, int | None, str]
"""A path, the first and last line (None for the whole file) and a note on them."""


def _spots(result: RuleResult, policy: str | None) -> list[Spot]:
    """Each line range the result points at, else its first file, else the policy file."""
    spots: list[Spot] = [(d.path, a, b, d.note) for d in result.details for a, b in d.lines]
    spots += [(d.path, None, None, d.note) for d in result.details if not d.lines]
    if not spots:
        path = result.files[0].path if result.files else policy
        spots = [(path, None, None, "")] if path else []
    return spots


def _annotations(result: RuleResult, kind: str, policy: str | None) -> Iterator[Annotation]:
    """One annotation per place the result points at, or one without a file."""
    title = f"gatekeeper/{escape(result.rule_id)}"
    spots = _spots(result, policy)
    if not spots:
        yield Annotation(kind, title, _message(result))
    for path, first, last, note in spots:
        where = f"({escape(note)})" if note else ""
        if not _safe_path(path):
            # Named in the message, where it is escaped, rather than as a file GitHub opens.
            where = f"in {escape(path)} {where}".rstrip()
            yield Annotation(kind, title, _message(result, where))
        else:
            yield Annotation(kind, title, _message(result, where), path, first, last)


def collect(verdicts: Sequence[Verdict]) -> list[Annotation]:
    """Every annotation of ``verdicts``: errors, then warnings, then notices (report-only)."""
    found: list[Annotation] = []
    for verdict in verdicts:
        # The policy file is a place in the repository only as a relative path.
        policy = verdict.policy.path
        if verdict.policy.builtin or (policy and PurePath(policy).is_absolute()):
            policy = None
        for result in verdict.results:
            kind = _kind(result)
            if kind is not None:
                found += _annotations(result, kind, policy)
    return sorted(found, key=lambda a: RANK[a.kind])  # stable: rule order within a kind


def capped(found: list[Annotation]) -> list[Annotation]:
    """``found`` within GitHub's caps, then one notice saying how many were left out."""
    left = dict(PER_STEP)
    shown: list[Annotation] = []
    for annotation in found:
        if left[annotation.kind] > 0:
            left[annotation.kind] -= 1
            shown.append(annotation)
    omitted = len(found) - len(shown)
    if not omitted:
        return shown
    if left["notice"] == 0:
        # The count needs a notice of its own: the last notice shown gives up its place.
        del shown[max(i for i, a in enumerate(shown) if a.kind == "notice")]
        omitted += 1
    noun = "annotation was" if omitted == 1 else "annotations were"
    shown.append(Annotation("notice", "gatekeeper", (
        f"{omitted} more {noun} left out: GitHub shows at most {PER_STEP['error']} errors, "
        f"{PER_STEP['warning']} warnings and {PER_STEP['notice']} notices per step. Every "
        "result is in the step summary and the JSON report.")))
    return shown


def render(verdict: Verdict) -> str:
    """The annotations of one verdict, one workflow command a line; when there are none, one
    line of plain text that says so."""
    commands = "".join(a.command() for a in capped(collect([verdict])))
    return commands or "gatekeeper: nothing to annotate (no rule failed or warned)\n"
