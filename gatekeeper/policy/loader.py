"""Reads a policy file with safe YAML, keeping each value's line and column for error messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from gatekeeper.errors import PolicyError
from gatekeeper.policy.model import ComposedPolicy, Policy
from gatekeeper.rules import RULE_KINDS
from gatekeeper.verdict import PolicySource

POLICY_FILENAME = ".gatekeeper.yml"
MAX_NODES = 20_000
"""Nodes visited with aliases expanded; an alias bomb passes this long before memory runs out."""
MAX_BYTES = 1 << 20

Location = tuple[int, int]


@dataclass
class _Walk:
    loader: yaml.SafeLoader
    filename: str
    values: dict[tuple[Any, ...], Location]
    keys: dict[tuple[Any, ...], Location]
    visited: int = 0


def builtin_policy_dir() -> Path:
    """Where the shipped packs live: inside the wheel, or policies/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies"
    return packaged if packaged.is_dir() else here.parent / "policies"


def parse_yaml(text: str, filename: str) -> tuple[Any, _Walk]:
    loader = yaml.SafeLoader(text)
    walk = _Walk(loader, filename, {}, {})
    try:
        node = loader.get_single_node()
        data = None if node is None else _build(node, (), walk)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise PolicyError(f"YAML syntax error: {problem}", file=filename,
                          line=mark.line + 1 if mark else None,
                          column=mark.column + 1 if mark else None,
                          hint="fix the YAML syntax at that position") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"YAML error: {exc}", file=filename) from None
    finally:
        loader.dispose()
    return data, walk


def _build(node: yaml.Node, path: tuple[Any, ...], walk: _Walk) -> Any:
    walk.visited += 1
    if walk.visited > MAX_NODES:
        raise PolicyError(
            f"the document expands to more than {MAX_NODES} values (YAML alias bomb?)",
            file=walk.filename, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
            hint="write the values out instead of nesting aliases")
    walk.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        walk.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = walk.loader.construct_object(key_node, deep=True)
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise PolicyError("mapping keys must be plain scalars", file=walk.filename,
                                  line=where[0], column=where[1])
            if key in result:
                raise PolicyError(f"duplicate key {key!r}", file=walk.filename, line=where[0],
                                  column=where[1], hint="keep one of the two entries")
            walk.keys[(*path, key)] = where
            result[key] = _build(value_node, (*path, key), walk)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), walk) for i, item in enumerate(node.value)]
    return walk.loader.construct_object(node, deep=True)


def _known_fields(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = {field.alias or name for name, field in model.model_fields.items()}
    for field in model.model_fields.values():
        for arg in _types_in(field.annotation):
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


def _locate(loc: tuple[Any, ...], walk: _Walk, *, key: bool) -> Location | None:
    # pydantic puts the union tag (the rule kind) into loc after the list index; the document
    # has no such level, so drop it.
    path = tuple(p for i, p in enumerate(loc)
                 if not (p in RULE_KINDS and i > 0 and isinstance(loc[i - 1], int)))
    for cut in range(len(path), -1, -1):
        prefix = path[:cut]
        table = walk.keys if key and cut == len(path) else walk.values
        if prefix in table:
            return table[prefix]
    return None


def did_you_mean(word: str, choices: Iterable[str], fallback: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else fallback


def _describe(error: Any, known: set[str]) -> tuple[str, str | None]:
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
    where = ".".join(str(p) for p in loc)
    return f"{where}: {error['msg']}", None


def _check_unique_ids(data: dict[Any, Any], walk: _Walk) -> None:
    """Point at the second of two rules sharing an id (pydantic would point at the list)."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return
    seen: set[Any] = set()
    for index, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        if rule_id in seen:
            line, column = walk.values.get(("rules", index, "id"), (None, None))
            raise PolicyError(f"duplicate rule id {rule_id!r}", file=walk.filename, line=line,
                              column=column, hint="give each rule its own id")
        seen.add(rule_id)


def validate(data: Any, walk: _Walk) -> Policy:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy must be a mapping of keys (version, rules, ...)",
                          file=walk.filename, line=1, column=1)
    _check_unique_ids(data, walk)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        message, hint = _describe(first, _known_fields(Policy))
        loc = tuple(first["loc"])
        if first["type"] == "union_tag_invalid":
            loc = (*loc, "kind")
        where = _locate(loc, walk, key=first["type"] == "extra_forbidden")
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        raise PolicyError(message, file=walk.filename, line=where[0] if where else None,
                          column=where[1] if where else None, hint=hint) from None


def load_file(path: Path, display: str | None = None) -> Policy:
    """One policy file on its own, without following ``extends``."""
    return load_document(path, display)[0]


def load_document(path: Path, display: str | None = None) -> tuple[Policy, _Walk]:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy: {exc.strerror}", file=name,
                          hint="check the path given with --policy") from None
    if len(raw) > MAX_BYTES:
        raise PolicyError(f"policy file larger than {MAX_BYTES} bytes", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError("policy is not valid UTF-8", file=name, line=1, column=exc.start + 1) \
            from None
    data, walk = parse_yaml(text, name)
    return validate(data, walk), walk


def resolve(explicit: str | None, root: Path) -> tuple[ComposedPolicy, PolicySource]:
    """The policy to apply: --policy, else .gatekeeper.yml at the root, else the default pack."""
    from gatekeeper.policy.compose import compose

    if explicit is not None:
        policy = compose(Path(explicit), explicit)
        return policy, PolicySource(explicit, False, f"policy {explicit}", policy.files)
    local = root / POLICY_FILENAME
    if local.is_file():
        policy = compose(local, POLICY_FILENAME)
        return policy, PolicySource(POLICY_FILENAME, False, f"policy {POLICY_FILENAME}",
                                    policy.files)
    policy = compose(builtin_policy_dir() / "default.yml", "gatekeeper:default")
    return policy, PolicySource(None, True, f"built-in default policy (no {POLICY_FILENAME} "
                                "found)", policy.files)
