"""The registry of report formats: each is a pure function from a Verdict to a string."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from gatekeeper.common.escape import escape
from gatekeeper.evaluation.verdict import Verdict

Renderer = Callable[[Verdict], str]
ManyRenderer = Callable[[Sequence[Verdict], str], str]


@runtime_checkable
class ReportFormat(Protocol):
    """A report format: a module whose ``render`` turns one verdict into the report's text."""

    def render(self, verdict: Verdict, /) -> str:
        """The report of one verdict."""
        ...


@runtime_checkable
class ManyReportFormat(ReportFormat, Protocol):
    """A format that also writes several verdicts (one per pushed ref) as one document."""

    def render_many(self, verdicts: Sequence[Verdict], context: str, /) -> str:
        """The report of several verdicts, or of none, in ``context`` (a hook's push, say)."""
        ...


# Modules are imported on first use, so `--format console` never pays for the XML stack.
FORMATS: dict[str, str] = {
    "console": "gatekeeper.reporters.console",
    "json": "gatekeeper.reporters.json_report",
    "junit": "gatekeeper.reporters.junit",
    "explain": "gatekeeper.reporters.explain",
    "markdown": "gatekeeper.reporters.markdown",
    "dotenv": "gatekeeper.reporters.dotenv",
    "github-output": "gatekeeper.reporters.github_output",
    "github": "gatekeeper.reporters.github",
    "codequality": "gatekeeper.reporters.codequality",
    "sarif": "gatekeeper.reporters.sarif",
}

if TYPE_CHECKING:
    # The type checker holds each format module to its protocol; at run time they load lazily.
    from gatekeeper.reporters import (
        codequality,
        console,
        dotenv,
        explain,
        github,
        github_output,
        json_report,
        junit,
        markdown,
        sarif,
    )

    _ONE: tuple[ReportFormat, ...] = (console, explain, github)
    _MANY: tuple[ManyReportFormat, ...] = (json_report, junit, markdown, dotenv, github_output,
                                          codequality, sarif)


def load(name: str) -> ReportFormat:
    """The module of the format called ``name``."""
    return cast(ReportFormat, importlib.import_module(FORMATS[name]))


def renderer(name: str) -> Renderer:
    """The ``render`` function of the format called ``name``."""
    return load(name).render


def render_all(name: str, verdicts: Sequence[Verdict], context: str,
               render: Renderer | None = None) -> str:
    """Render several verdicts (one per pushed ref) in one output, or say there were none;
    ``render`` replaces the format's own (the console report with its options)."""
    module = load(name)
    render = render or module.render
    if len(verdicts) == 1:
        return render(verdicts[0])
    if isinstance(module, ManyReportFormat):
        return module.render_many(verdicts, context)
    if not verdicts:
        return f"gatekeeper: PASS - nothing to check ({escape(context)}: no changes to check)\n"
    parts = []
    for verdict in verdicts:
        revisions = verdict.facts.changeset.revisions
        title = escape(revisions.name or revisions.describe())  # a pushed ref's name
        parts.append(f"== {title} ==\n" + render(verdict))
    return "\n".join(parts)
