"""Reads the linguist attributes of paths from .gitattributes files, as git applies them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gatekeeper.diffparse import unquote
from gatekeeper.globs import Glob, GlobError, compile_glob

WATCHED = ("linguist-generated", "linguist-vendored", "linguist-documentation", "binary", "diff")


@dataclass(frozen=True, slots=True)
class AttrLine:
    glob: Glob
    values: tuple[tuple[str, bool], ...]


def parse(text: str) -> list[AttrLine]:
    """Parse one .gitattributes file; lines git would ignore are ignored here too."""
    lines: list[AttrLine] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            end = line.find('"', 1)
            pattern, rest = unquote(line[: end + 1]), line[end + 1 :]
        else:
            pattern, _, rest = line.partition(" ")
            if "\t" in pattern:
                pattern, _, more = pattern.partition("\t")
                rest = more + " " + rest
        if pattern.startswith("!"):
            continue  # git rejects negative patterns in attributes files
        values = tuple(v for v in (_value(tok) for tok in rest.split()) if v is not None)
        if not values:
            continue
        try:
            lines.append(AttrLine(compile_glob(pattern), values))
        except GlobError:
            continue
    return lines


def _value(token: str) -> tuple[str, bool] | None:
    if token.startswith(("-", "!")):
        name, state = token[1:], False
    elif "=" in token:
        name, _, val = token.partition("=")
        state = val.lower() not in ("false", "0", "no", "off")
    else:
        name, state = token, True
    if name == "binary":  # the macro binary means -diff -merge -text
        return ("binary", state)
    return (name, state) if name in WATCHED else None


def folders_of(paths: Iterable[str]) -> list[str]:
    """Every folder (``""`` for the root) that may hold a .gitattributes for these paths."""
    seen: set[str] = {""}
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            seen.add("/".join(parts[:depth]))
    return sorted(seen, key=lambda d: (d.count("/") if d else -1, d))


def attributes_for(path: str, files: dict[str, list[AttrLine]]) -> dict[str, bool]:
    """The watched attributes of ``path``: deeper files and later lines override earlier ones."""
    result: dict[str, bool] = {}
    for folder in folders_of([path]):
        lines = files.get(folder)
        if not lines:
            continue
        rel = path[len(folder) + 1 :] if folder else path
        for line in lines:
            if line.glob.matches(rel, parents=False):
                result.update(line.values)
    return result
