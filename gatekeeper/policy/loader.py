"""Loads one policy file: safe YAML with locations, validated against the policy model; a
shipped pack from its JSON twin, which holds the same without a YAML parser."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from gatekeeper.errors import PolicyError
from gatekeeper.policy.locate import combined, located_errors
from gatekeeper.policy.model import policy_model
from gatekeeper.policy.places import Places
from gatekeeper.rules import RULE_KINDS

if TYPE_CHECKING:
    from gatekeeper.policy.document import Walk
    from gatekeeper.policy.model import Policy
    from gatekeeper.policy.sources import Source

POLICY_FILENAME = ".gatekeeper.yml"


def builtin_policy_dir() -> Path:
    """Where the shipped packs live: inside the wheel, or policies/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies"
    return packaged if packaged.is_dir() else here.parent / "policies"


def _duplicate_ids(data: dict[Any, Any], walk: Places) -> list[PolicyError]:
    """Each rule that reuses an earlier rule's id, at its id (pydantic would point at the
    list)."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return []
    seen: set[Any] = set()
    found = []
    for index, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        if rule_id in seen:
            line, column = walk.values.get(("rules", index, "id"), (None, None))
            found.append(PolicyError(f"duplicate rule id {rule_id!r}", file=walk.filename,
                                     line=line, column=column, hint="give each rule its own id"))
        seen.add(rule_id)
    return found


def validate(data: Any, walk: Places) -> Policy:
    """A parsed document as a Policy; every error found points at its line and column."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy must be a mapping of keys (version, rules, ...)",
                          file=walk.filename, line=1, column=1)
    errors = _duplicate_ids(data, walk)
    try:
        policy = _validated(data)
    except ValidationError as exc:
        # The model's own duplicate check points at the whole list: already said, better.
        errors += [e for e in located_errors(exc, data, walk, policy_model())
                   if not (errors and e.message.startswith("rules: duplicate rule id"))]
    if errors:
        raise combined(errors)
    return policy


def _kinds(data: dict[Any, Any]) -> frozenset[str] | None:
    """The kinds the document's rules name; None when one names no kind gatekeeper has."""
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        return None
    kinds = [rule.get("kind") if isinstance(rule, dict) else None for rule in rules]
    named = [kind for kind in kinds if isinstance(kind, str) and kind in RULE_KINDS]
    # Checked before any set is made: a list or a mapping written as a kind is no set member.
    return frozenset(named) if len(named) == len(kinds) else None


def _validated(data: dict[Any, Any]) -> Policy:
    """``data`` as a Policy, building the models of only the rule kinds it uses; the errors
    of an invalid document come from the model of every kind, which words them all."""
    try:
        return policy_model(_kinds(data)).model_validate(data)
    except ValidationError:
        return policy_model().model_validate(data)


def load_file(path: Path, display: str | None = None) -> Policy:
    """One policy file on its own, without following ``extends``."""
    return load_document(path, display)[0]


def load_document(path: Path, display: str | None = None) -> tuple[Policy, Walk]:
    """One policy file and its walk (the locations of its values)."""
    from gatekeeper.policy.document import read_yaml_file  # the YAML parser loads on first use

    data, walk = read_yaml_file(path, display or str(path))
    return validate(data, walk), walk


def load_bytes(raw: bytes, display: str) -> tuple[Policy, Walk]:
    """A policy read from bytes (a file of a commit), with its walk."""
    from gatekeeper.policy.document import read_yaml_bytes

    data, walk = read_yaml_bytes(raw, display)
    return validate(data, walk), walk


TWIN_SUFFIX = ".json"
"""A shipped pack ``name.yml`` has its twin, ``name.json``, beside it."""


def twin_of(data: Any, walk: Places) -> str:
    """The JSON twin of a pack: its parsed data and the places of its values and keys."""
    return json.dumps({"data": data, "values": _rows(walk.values), "keys": _rows(walk.keys)},
                      ensure_ascii=False, separators=(",", ":")) + "\n"


def _rows(table: dict[tuple[Any, ...], tuple[int, int]]) -> list[list[Any]]:
    return [[list(path), line, column] for path, (line, column) in table.items()]


def load_twin(raw: bytes, display: str) -> tuple[Policy, Places]:
    """A shipped pack read from its JSON twin (``twin_of``): importing and running PyYAML
    took some 20 ms of every check that applies the default policy, reading JSON well under
    one. The test suite holds each twin to what its YAML reads as."""
    twin = json.loads(raw)
    places = Places(display, _table(twin["values"]), _table(twin["keys"]))
    return validate(twin["data"], places), places


def _table(rows: list[list[Any]]) -> dict[tuple[Any, ...], tuple[int, int]]:
    return {tuple(path): (line, column) for path, line, column in rows}


def unreadable(display: str, exc: OSError) -> PolicyError:
    """A policy file that is there but cannot be read, with the system's reason."""
    hint = ("give the user gatekeeper runs as read access to it"
            if isinstance(exc, PermissionError) else "check the file and the disk")
    return PolicyError(f"cannot read policy: {exc.strerror or exc}", file=display, hint=hint)


@functools.lru_cache(maxsize=1)
def _pack_folder() -> Path:
    return builtin_policy_dir().resolve()


def read_policy(source: Source, key: str, display: str, *,
                shipped: bool = False) -> tuple[Policy, Places]:
    """The policy at ``key`` of ``source`` and where its values were written. With
    ``shipped`` (``source`` is the installed files), a pack of the shipped folder is read
    from its JSON twin, whichever way it was named."""
    path = Path(key)
    if shipped and path.parent == _pack_folder():
        twin = source.read(str(path.with_suffix(TWIN_SUFFIX)))
        if twin is not None:
            return load_twin(twin, display)
    try:
        raw = source.read(key)
    except OSError as exc:
        raise unreadable(display, exc) from None
    if raw is None:
        raise PolicyError("cannot read policy: no such file", file=display,
                          hint="check the path given with --policy")
    return load_bytes(raw, display)
