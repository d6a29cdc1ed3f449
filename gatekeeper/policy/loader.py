"""Loads one policy file: safe YAML with locations, validated against the policy model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gatekeeper.errors import PolicyError
from gatekeeper.policy.document import Walk, read_yaml_bytes, read_yaml_file
from gatekeeper.policy.locate import located_error
from gatekeeper.policy.model import Policy

POLICY_FILENAME = ".gatekeeper.yml"


def builtin_policy_dir() -> Path:
    """Where the shipped packs live: inside the wheel, or policies/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies"
    return packaged if packaged.is_dir() else here.parent / "policies"


def _check_unique_ids(data: dict[Any, Any], walk: Walk) -> None:
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


def validate(data: Any, walk: Walk) -> Policy:
    """A parsed document as a Policy; errors point at their line and column."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy must be a mapping of keys (version, rules, ...)",
                          file=walk.filename, line=1, column=1)
    _check_unique_ids(data, walk)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, data, walk, Policy) from None


def load_file(path: Path, display: str | None = None) -> Policy:
    """One policy file on its own, without following ``extends``."""
    return load_document(path, display)[0]


def load_document(path: Path, display: str | None = None) -> tuple[Policy, Walk]:
    """One policy file and its walk (the locations of its values)."""
    data, walk = read_yaml_file(path, display or str(path))
    return validate(data, walk), walk


def load_bytes(raw: bytes, display: str) -> tuple[Policy, Walk]:
    """A policy read from bytes (a file of a commit), with its walk."""
    data, walk = read_yaml_bytes(raw, display)
    return validate(data, walk), walk
