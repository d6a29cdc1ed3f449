"""Reads the linguist and binary attributes of paths from .gitattributes files, as git applies
them: folder by folder, later lines winning, with the top-level file's macros."""

from __future__ import annotations

from collections.abc import Iterable

from gatekeeper.common.globs import Glob, GlobError, compile_glob
from gatekeeper.common.records import record
from gatekeeper.gitread.rawdiff import unquote

WATCHED = ("linguist-generated", "linguist-vendored", "linguist-documentation", "binary", "diff")
State = bool | None
"""Set (True), unset (False), or unspecified again (None: ``!attr``, or ``diff=driver``, which
leaves binary detection to the content)."""
Values = tuple[tuple[str, State], ...]


@record(slots=True)
class AttrLine:
    """One line of a .gitattributes file: its pattern and the attributes it sets."""

    glob: Glob
    values: Values


def macros_of(text: str) -> dict[str, Values]:
    """The ``[attr]name ...`` macros a top-level .gitattributes defines (git honours them
    there only), each expanded into the watched attributes it sets."""
    macros: dict[str, Values] = {"binary": (("diff", False),)}  # git's one built-in macro
    for pattern, rest in _entries(text):
        if pattern.startswith("[attr]") and len(pattern) > len("[attr]"):
            # expanded now, with the macros defined so far: a macro may use an earlier one
            macros[pattern[len("[attr]"):]] = _values(rest, macros)
    return macros


def parse(text: str, macros: dict[str, Values] | None = None) -> list[AttrLine]:
    """Parse one .gitattributes file; lines git would ignore are ignored here too. ``macros``
    are those of the top-level file (the built-in ``binary`` when not given)."""
    known = macros if macros is not None else macros_of("")
    lines: list[AttrLine] = []
    for pattern, rest in _entries(text):
        if pattern.startswith(("!", "[attr]")):
            continue  # git rejects negative patterns; macro definitions match no path
        values = _values(rest, known)
        if not values:
            continue
        try:
            lines.append(AttrLine(compile_glob(pattern), values))
        except GlobError:
            continue
    return lines


def _entries(text: str) -> list[tuple[str, str]]:
    """Each line's pattern and the rest of it, comments and blank lines left out."""
    found = []
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
        found.append((pattern, rest))
    return found


def _values(rest: str, macros: dict[str, Values]) -> Values:
    found: list[tuple[str, State]] = []
    for token in rest.split():
        name, state = _token(token)
        if name in WATCHED:
            found.append((name, state))
        if state is True and name in macros:
            found += macros[name]  # a macro that is set sets what it stands for
    return tuple(found)


def _token(token: str) -> tuple[str, State]:
    if token.startswith("-"):
        return token[1:], False
    if token.startswith("!"):
        return token[1:], None
    if "=" in token:
        name, _, val = token.partition("=")
        if name == "diff":
            return name, None  # a diff driver: git decides binary content by its bytes
        return name, val.lower() not in ("false", "0", "no", "off")
    return token, True


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
                for name, state in line.values:
                    if state is None:
                        result.pop(name, None)
                    else:
                        result[name] = state
    return result
