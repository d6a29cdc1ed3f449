"""The package held to its own bar: small functions, short modules, a docstring on each
public thing. Cyclomatic complexity is radon's, the measure the project reports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parents[1] / "gatekeeper"
MAX_COMPLEXITY = 15
MAX_LINES = 300
FILES = sorted(PACKAGE.rglob("*.py"))


def _shown(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def too_complex(source: str) -> list[str]:
    """The functions and methods of ``source`` above the complexity limit, with their score."""
    found: dict[tuple[str, int], int] = {}
    for block in cc_visit(source):
        for one in [*getattr(block, "methods", ()), block]:
            if not hasattr(one, "methods"):  # a class's own score sums its methods
                found[(one.name, one.lineno)] = one.complexity
    return [f"{name} ({score})" for (name, _), score in sorted(found.items(), key=lambda i: i[0][1])
            if score > MAX_COMPLEXITY]


def undocumented(source: str) -> list[str]:
    """The public functions, classes and methods of ``source`` without a docstring."""
    found: list[str] = []
    stack: list[tuple[ast.AST, bool]] = [(ast.parse(source), True)]
    while stack:
        node, public = stack.pop()
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            shown = public and not child.name.startswith("_")
            if shown and ast.get_docstring(child) is None:
                found.append(f"{child.name}:{child.lineno}")
            # Functions nested in a function are its private helpers; a class's methods are
            # public when the class is.
            stack.append((child, shown and isinstance(child, ast.ClassDef)))
    return sorted(found, key=lambda name: int(name.rpartition(":")[2]))


@pytest.mark.parametrize("path", FILES, ids=_shown)
def test_no_function_is_too_complex(path: Path) -> None:
    assert too_complex(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", FILES, ids=_shown)
def test_modules_stay_short(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", FILES, ids=_shown)
def test_modules_and_public_functions_have_docstrings(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not source.strip() or ast.get_docstring(ast.parse(source)) is not None
    assert undocumented(source) == []


def test_the_checks_catch_what_they_promise() -> None:
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(16))
    assert too_complex(f"def f(x):\n{branches}    return -1\n") == ["f (17)"]
    assert too_complex(f"class C:\n    def m(self, x):\n{branches.replace('    ', '        ')}"
                       "        return -1\n") == ["m (17)"]
    assert undocumented("def f():\n    pass\nclass C:\n    def m(self):\n        pass\n"
                        "    def _n(self):\n        pass\ndef _g():\n    pass\n") == \
        ["f:1", "C:3", "m:4"]
