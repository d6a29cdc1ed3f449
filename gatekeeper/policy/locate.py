"""Turns pydantic validation errors into located lines: file, line, column, did-you-mean."""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from gatekeeper.common.suggest import did_you_mean
from gatekeeper.errors import PolicyError
from gatekeeper.policy.places import Location, Places
from gatekeeper.rules import RULE_KINDS

_QUOTED = re.compile(r"'([^']*)'")
_PLAIN = re.compile(r"[\w\[\]-]+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _known_fields(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = {info.alias or name for name, info in model.model_fields.items()}
    for info in model.model_fields.values():
        for arg in _types_in(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _known_fields(arg, seen)
    return names


def _types_in(annotation: Any) -> list[Any]:
    found = [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        found += _types_in(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found += _types_in(meta)
    return found


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a type: ``Annotated`` unwrapped, unions flattened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _names_member(model: type[BaseModel], part: str) -> bool:
    """Whether ``part`` is the tag pydantic uses for ``model`` in a union: its name or kind."""
    kind = model.model_fields.get("kind")
    kinds = get_args(kind.annotation) if kind and get_origin(kind.annotation) is Literal else ()
    return part == model.__name__ or part in kinds


def _step(annotation: Any, part: Any) -> list[Any]:
    found: list[Any] = []
    for member in _members(annotation):
        if _is_model(member) and isinstance(part, str):
            if _names_member(member, part):
                found.append(member)
            found += [info.annotation for name, info in member.model_fields.items()
                      if part in (name, info.alias)]
        elif get_origin(member) is list and isinstance(part, int):
            found.append(get_args(member)[0])
        elif get_origin(member) is dict:
            found.append(get_args(member)[1])
    return found


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The keys allowed in the mapping at ``loc`` (a pydantic error location, tags included)."""
    options: list[Any] = [model]
    for part in loc:
        options = [found for option in options for found in _step(option, part)]
    return {info.alias or name for option in options for member in _members(option)
            if _is_model(member) for name, info in member.model_fields.items()}


def _document_path(loc: tuple[Any, ...], data: Any, error_type: str) -> tuple[Any, ...]:
    """``loc`` as a path in the document: the tags pydantic adds for union members dropped."""
    path: list[Any] = []
    current = data
    for i, part in enumerate(loc):
        # A rule's kind follows the list index: pydantic's tag for the member of the union.
        kind_tag = isinstance(current, dict) and i > 0 and isinstance(loc[i - 1], int) and \
            part in RULE_KINDS and current.get("kind") == part
        in_dict = isinstance(current, dict) and part in current and not kind_tag
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
        elif not (i == len(loc) - 1 and error_type == "missing"):
            continue
        path.append(part)
    return tuple(path)


def _find(path: tuple[Any, ...], walk: Places, *, key: bool) -> Location | None:
    """Where ``path`` (or the nearest value holding it) was written; ``key``: its key."""
    for cut in range(len(path), -1, -1):
        prefix = path[:cut]
        table = walk.keys if key and cut == len(path) else walk.values
        if prefix in table:
            return table[prefix]
    return None


def _describe(error: Any, known: set[str],
              path: tuple[Any, ...] | None = None) -> tuple[str, str | None]:
    """The message and hint for one pydantic error; ``path`` is its place in the document."""
    loc = error["loc"]
    name = loc[-1] if loc else ""
    if error["type"] == "extra_forbidden":
        return f"unknown key {name!r}", did_you_mean(str(name), known,
                                                      "remove it; see `gatekeeper schema`")
    if error["type"] == "union_tag_invalid":
        tag = str(error.get("ctx", {}).get("tag", ""))
        kinds = ", ".join(RULE_KINDS)
        return f"unknown rule kind {tag!r}", did_you_mean(tag, RULE_KINDS, f"use one of {kinds}")
    if error["type"] == "union_tag_not_found":
        return "every rule needs a kind", f"add kind: one of {', '.join(RULE_KINDS)}"
    hint = None
    if error["type"] == "missing":
        hint = f"add {name}; `gatekeeper schema` says what it takes"
    if error["type"] in ("enum", "literal_error"):
        expected = str(error.get("ctx", {}).get("expected", ""))
        hint = did_you_mean(str(error.get("input")), _QUOTED.findall(expected),
                            f"use {expected}")
    msg = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    where = ".".join(map(_segment, loc if path is None else path))
    return one_line(f"{where}: {msg}" if where else msg), hint


def _segment(part: Any) -> str:
    return repr(part) if isinstance(part, str) and not _PLAIN.fullmatch(part) else str(part)


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, for a one-line error."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _relevant(errors: list[Any], paths: list[tuple[Any, ...]]) -> list[int]:
    """The errors worth reporting: not a union alternative that failed on type where another
    alternative got further, and not a missing key beside an unknown one (a typo)."""
    keep = []
    for i, (error, path) in enumerate(zip(errors, paths, strict=True)):
        deeper = any(len(other) > len(path) and other[:len(path)] == path for other in paths)
        typo = error["type"] == "missing" and any(
            e["type"] == "extra_forbidden" and p[:-1] == path[:-1]
            for e, p in zip(errors, paths, strict=True))
        if not (deeper or typo):
            keep.append(i)
    return keep or [0]


class PolicyErrors(PolicyError):
    """Several problems found in one pass. It reads as the first, with how many more there
    are, wherever one error is shown; ``errors`` holds them all for ``gatekeeper validate``."""

    def __init__(self, errors: Sequence[PolicyError]) -> None:
        first = errors[0]
        super().__init__(f"{first.message} (and {len(errors) - 1} more)", file=first.file,
                         line=first.line, column=first.column, hint=first.hint)
        self.errors = tuple(errors)


def combined(errors: Sequence[PolicyError]) -> PolicyError:
    """``errors`` (at least one) as one exception to raise."""
    return errors[0] if len(errors) == 1 else PolicyErrors(errors)


def every_error(error: PolicyError) -> tuple[PolicyError, ...]:
    """Each problem an exception stands for, in the order they were found."""
    return error.errors if isinstance(error, PolicyErrors) else (error,)


def _located(error: Any, path: tuple[Any, ...], walk: Places,
             model: type[BaseModel]) -> PolicyError:
    """One pydantic error, at its place in the document."""
    loc = tuple(error["loc"])
    known = fields_at(model, loc[:-1]) if error["type"] == "extra_forbidden" else set()
    message, hint = _describe(error, known or _known_fields(model), path)
    if error["type"] == "union_tag_invalid":
        path = (*path, "kind")
    at_key = error["type"] == "extra_forbidden" or (bool(loc) and loc[-1] == "[key]")
    where = _find(path, walk, key=at_key)
    line, column = where if where else (None, None)
    return PolicyError(message, file=walk.filename, line=line, column=column, hint=hint)


def located_errors(exc: ValidationError, data: Any, walk: Places,
                   model: type[BaseModel]) -> list[PolicyError]:
    """Every error worth showing, each at its place in the document, in pydantic's order."""
    errors = exc.errors()
    paths = [_document_path(tuple(e["loc"]), data, e["type"]) for e in errors]
    return [_located(errors[i], paths[i], walk, model) for i in _relevant(errors, paths)]


def located_error(exc: ValidationError, data: Any, walk: Places,
                  model: type[BaseModel]) -> PolicyError:
    """The errors worth showing, at their places in the document, as one exception."""
    return combined(located_errors(exc, data, walk, model))
