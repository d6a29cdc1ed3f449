"""The shared field helpers of the pydantic models."""

from __future__ import annotations

import ast
from pathlib import Path

import gatekeeper
from gatekeeper.common.fields import empty_dict, empty_list

PACKAGE = Path(gatekeeper.__file__).parent
BUILTINS = {"list", "dict", "set", "tuple", "frozenset"}


def _builtin_factories(source: str) -> list[int]:
    """Lines where a pydantic ``Field(...)`` takes a builtin type as its default factory."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "Field":
            found += [node.lineno for kw in node.keywords if kw.arg == "default_factory"
                      and isinstance(kw.value, ast.Name) and kw.value.id in BUILTINS]
    return found


def test_each_default_is_a_new_object() -> None:
    first, second = empty_list(), empty_list()
    assert first == [] and first is not second
    assert empty_dict() == {} and empty_dict() is not empty_dict()


def test_no_model_field_takes_a_builtin_as_its_default_factory() -> None:
    # pydantic reads each factory's signature; a builtin's is parsed from text by the
    # tokenizer, which compiles its patterns for milliseconds on every start.
    assert _builtin_factories("x: list[int] = Field(default_factory=list)") == [1]
    found = {str(path.relative_to(PACKAGE)): lines for path in sorted(PACKAGE.rglob("*.py"))
             if (lines := _builtin_factories(path.read_text(encoding="utf-8")))}
    assert found == {}
