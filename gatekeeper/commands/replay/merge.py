"""``replay --merge``: several replay documents (one per repository, from a CI matrix) read,
checked and combined into one. A file that is not a replay document is bad input, named with
the reason."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gatekeeper.commands.replay import records
from gatekeeper.errors import LocatedError

MAX_BYTES = 512 << 20
"""A replay document larger than this is refused rather than read into memory."""
_REPOSITORY: dict[str, type] = {
    "name": str, "branch": str, "policy": str, "rules": list, "changes": list, "notes": list,
    "limits": dict, "compare_rules": list}
_CHANGE: dict[str, type] = {"sha": str, "kind": str, "date": str, "rules": dict, "waivable": list}
_NUMBERS = ("effective_lines", "effective_files", "raw_lines", "raw_files")
HINT = "pass files written by gatekeeper replay --json"


class Malformed(ValueError):
    """What is wrong with a document, in words."""


def read(paths: Sequence[str]) -> dict[str, Any]:
    """The documents at ``paths`` combined; a LocatedError (exit 2) names a bad file."""
    repositories: list[dict[str, Any]] = []
    for path in paths:
        repositories += load(path)["repositories"]
    return records.document(repositories)


def load(path: str) -> dict[str, Any]:
    """One replay document, checked."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LocatedError(f"cannot read it: {exc.strerror}", file=path, hint=HINT) from exc
    if len(data) > MAX_BYTES:
        raise LocatedError(f"larger than {MAX_BYTES >> 20} MB", file=path, hint=HINT)
    try:
        document = json.loads(data.decode("utf-8"))
        check(document)
    except (UnicodeDecodeError, RecursionError) as exc:
        raise LocatedError(f"not a replay document: {exc}", file=path, hint=HINT) from None
    except ValueError as exc:  # json's errors and Malformed
        raise LocatedError(f"not a replay document: {exc}", file=path, hint=HINT) from None
    return document  # type: ignore[no-any-return]


def check(document: Any) -> None:
    """Raise Malformed when ``document`` is not a replay document this version reads."""
    if not isinstance(document, dict) or document.get("format") != records.FORMAT:
        raise Malformed(f'"format" is not "{records.FORMAT}"')
    if document.get("version") != records.VERSION:
        raise Malformed(f"version {document.get('version')!r} is not {records.VERSION}")
    repositories = document.get("repositories")
    if not isinstance(repositories, list):
        raise Malformed('"repositories" is not a list')
    for index, repository in enumerate(repositories):
        where = f"repositories[{index}]"
        _fields(repository, _REPOSITORY, where)
        for number, change in enumerate(repository["changes"]):
            _change(change, f"{where}.changes[{number}]")


def _fields(value: Any, wanted: dict[str, type], where: str) -> None:
    if not isinstance(value, dict):
        raise Malformed(f"{where} is not an object")
    for name, kind in wanted.items():
        if not isinstance(value.get(name), kind):
            raise Malformed(f"{where}.{name} is missing or not a {kind.__name__}")


def _change(change: Any, where: str) -> None:
    _fields(change, _CHANGE, where)
    skipped = change.get("skipped")
    if skipped is not None and not isinstance(skipped, str):
        raise Malformed(f"{where}.skipped is not a string or null")
    for name in _NUMBERS:
        value = change.get(name)
        if skipped is None and (not isinstance(value, int) or isinstance(value, bool)):
            raise Malformed(f"{where}.{name} is not a count")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in change["rules"].items()):
        raise Malformed(f"{where}.rules maps rule ids to status words")
    number = change.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise Malformed(f"{where}.number is not a number or null")
