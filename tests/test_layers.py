"""The package's layers, declared once, and the imports held to them.

Data flows one way: context -> change set -> facts -> evaluation -> verdict -> reports. A module
may import from its own layer and the layers below it, never above. Imports made only for type
checking count too: they are dependencies all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gatekeeper"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("gatekeeper.cli", "gatekeeper.__main__", "gatekeeper.commands"),
    ("gatekeeper.pipeline",),
    ("gatekeeper.reporters",),
    ("gatekeeper.evaluation",),
    ("gatekeeper.policy",),
    ("gatekeeper.rules", "gatekeeper.conditions"),
    ("gatekeeper.facts",),
    ("gatekeeper.context",),
    ("gatekeeper.gitread",),
    ("gatekeeper.changeset",),
    ("gatekeeper.lexing",),
    ("gatekeeper.common", "gatekeeper.errors", "gatekeeper"),
)
"""From the top down. ``gatekeeper`` itself is the package face: its version string."""

REPORTERS_MAY_IMPORT = ("gatekeeper.reporters", "gatekeeper.evaluation.verdict",
                        "gatekeeper.rules.findings",
                        "gatekeeper.facts", "gatekeeper.changeset.model",
                        "gatekeeper.policy.sources",
                        "gatekeeper.common", "gatekeeper.errors", "gatekeeper")
"""Reporters are pure functions of the verdict: they read its data types, nothing that judges."""

RUNS_GIT = ("gatekeeper.gitread.gitproc",)
"""The one place that starts git (GitPython or a process)."""

READS_ENVIRONMENT = ("gatekeeper", "gatekeeper.context", "gatekeeper.cli",
                     "gatekeeper.commands.guard",
                     "gatekeeper.gitread.giterrors", "gatekeeper.gitread.gitproc",
                     "gatekeeper.commands.replay.clicommand")
"""CI variables are the context layer's; the package face switches pydantic's plugins off
before anything loads pydantic; the CLI splits the action's named inputs, the guard
reads its debug switch, git's errors name the git program GitPython was pointed at, the git
runner hands the environment on to git with its messages in English, and the replay command
finds the user's cache folder (GATEKEEPER_CACHE_DIR, XDG_CACHE_HOME)."""


@dataclass(frozen=True)
class Import:
    """One import statement's target, as written in a module, with its line."""

    module: str
    line: int


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """The dotted name of a file of the package."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str) -> Iterator[Import]:
    """Every module an import statement names, anywhere in the file (type-checking blocks and
    function bodies too); ``from a import b`` names ``a.b`` as well, as b may be a module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (Import(alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield Import(node.module, node.lineno)
            yield from (Import(f"{node.module}.{alias.name}", node.lineno)
                        for alias in node.names)


def _within(module: str, prefix: str) -> bool:
    """Whether ``module`` is ``prefix`` or inside it; the package face holds only itself."""
    return module == prefix or (prefix != "gatekeeper" and module.startswith(prefix + "."))


def layer_of(module: str) -> int | None:
    """The index of the layer a module belongs to (the longest matching prefix), or None."""
    best: tuple[int, int] | None = None
    for index, group in enumerate(LAYERS):
        for prefix in group:
            if _within(module, prefix) and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    return None if best is None else best[0]


def upward(module: str, source: str) -> list[str]:
    """The imports of ``module`` (whose text is ``source``) that reach a layer above its own."""
    own = layer_of(module)
    found = []
    for target in imports(source):
        other = layer_of(target.module)
        if target.module == "gatekeeper.__version__":  # the package face's version string
            continue
        if own is not None and other is not None and other < own:
            found.append(f"{module}:{target.line} imports {target.module}")
    return found


def _modules() -> dict[str, str]:
    return {module_name(path): path.read_text(encoding="utf-8")
            for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def test_every_module_of_the_package_belongs_to_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) is None] == []
    assert layer_of("gatekeeper.somewhere_new") is None  # a new folder must be placed


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert [f for module, source in MODULES.items() for f in upward(module, source)] == []


def test_the_check_catches_a_wrong_import() -> None:
    """The facts layer reaching up into the evaluation: the check must refuse it."""
    wrong = "from gatekeeper.evaluation.verdict import Verdict\n"
    assert upward("gatekeeper.facts.model", wrong) == [
        "gatekeeper.facts.model:1 imports gatekeeper.evaluation.verdict",
        "gatekeeper.facts.model:1 imports gatekeeper.evaluation.verdict.Verdict"]
    lazy = "def f() -> None:\n    from gatekeeper.pipeline import run\n"
    assert upward("gatekeeper.gitread.collect", lazy)[0] == \
        "gatekeeper.gitread.collect:2 imports gatekeeper.pipeline"
    assert upward("gatekeeper.pipeline", wrong) == []


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, source in MODULES.items():
        graph[module] = {t.module for t in imports(source) if t.module in MODULES
                         and t.module != module and not module.startswith(t.module + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_modules() -> None:
    assert cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", [m for m in MODULES if _within(m, "gatekeeper.reporters")])
def test_reporters_read_only_the_verdict_and_its_data(module: str) -> None:
    wrong = [t.module for t in imports(MODULES[module]) if t.module.startswith("gatekeeper")
             and t.module != "gatekeeper.__version__"
             and not any(_within(t.module, p) for p in REPORTERS_MAY_IMPORT)]
    assert wrong == []


def test_only_one_module_runs_git() -> None:
    runs = sorted(m for m, source in MODULES.items()
                  if any(t.module in ("subprocess", "git") or t.module.startswith("git.")
                         for t in imports(source)))
    assert runs == sorted(RUNS_GIT)


def test_only_the_context_layer_reads_ci_variables() -> None:
    reads = [m for m, source in MODULES.items()
             if ("os.environ" in source or "getenv(" in source)
             and not any(_within(m, p) for p in READS_ENVIRONMENT)]
    assert reads == []
