"""The registry of report formats: each is a pure function from a Verdict to a string."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from gatekeeper.verdict import Verdict

Renderer = Callable[[Verdict], str]

# Modules are imported on first use, so `--format console` never pays for the XML stack.
FORMATS: dict[str, str] = {
    "console": "gatekeeper.reporters.console",
    "json": "gatekeeper.reporters.json_report",
    "junit": "gatekeeper.reporters.junit",
    "explain": "gatekeeper.reporters.explain",
}


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
