"""Lazy package exports: each name comes from its home module, and type checkers see the same."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest

from gatekeeper.common import lazy

PACKAGES = ("gatekeeper.facts.approvals", "gatekeeper.facts.codeowners")


def typed_homes(package: str) -> dict[str, str]:
    """The names the package imports under ``if TYPE_CHECKING:``, each with its submodule."""
    tree = ast.parse(inspect.getsource(importlib.import_module(package)))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module
                assert statement.module.startswith(f"{package}.")
                for alias in statement.names:
                    # ``name as name`` is what makes it a re-export for mypy --strict
                    assert alias.asname == alias.name
                    found[alias.name] = statement.module.removeprefix(f"{package}.")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_type_checkers_see_every_lazy_export_from_its_home(package: str) -> None:
    module = importlib.import_module(package)
    assert typed_homes(package) == module._HOMES
    for name, home in module._HOMES.items():
        assert getattr(module, name) is getattr(importlib.import_module(f"{package}.{home}"),
                                                name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    getter = lazy.exports("gatekeeper.facts.approvals", {})
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        getter("nothing")
