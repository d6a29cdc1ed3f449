"""The registry of report formats: each is a pure function from a Verdict to a string."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from gatekeeper.common.escape import escape
from gatekeeper.evaluation.verdict import Verdict

Renderer = Callable[[Verdict], str]

# Modules are imported on first use, so `--format console` never pays for the XML stack.
FORMATS: dict[str, str] = {
    "console": "gatekeeper.reporters.console",
    "json": "gatekeeper.reporters.json_report",
    "junit": "gatekeeper.reporters.junit",
    "explain": "gatekeeper.reporters.explain",
    "markdown": "gatekeeper.reporters.markdown",
    "dotenv": "gatekeeper.reporters.dotenv",
    "github-output": "gatekeeper.reporters.github_output",
}


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render_all(name: str, verdicts: Sequence[Verdict], context: str) -> str:
    """Render several verdicts (one per pushed ref) in one output, or say there were none."""
    module = importlib.import_module(FORMATS[name])
    if len(verdicts) == 1:
        one: str = module.render(verdicts[0])
        return one
    many: Callable[[Sequence[Verdict], str], str] | None = getattr(module, "render_many", None)
    if many is not None:
        return many(verdicts, context)
    if not verdicts:
        return f"gatekeeper: PASS - nothing to check ({escape(context)}: no changes to check)\n"
    parts = []
    for verdict in verdicts:
        revisions = verdict.facts.changeset.revisions
        title = escape(revisions.name or revisions.describe())  # a pushed ref's name
        parts.append(f"== {title} ==\n" + module.render(verdict))
    return "\n".join(parts)
