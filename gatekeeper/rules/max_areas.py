"""max-areas: limit how many areas (services, libraries, apps) one change set touches.

A change that spans many modules needs many owners to review it and is hard to roll back, so
this kind counts the distinct areas a change touches. `areas` lists gitignore-style globs that
name an area; the area of a touched path is the shortest leading part of it (a folder, or the
whole path) that a pattern matches exactly: with `services/*/`, `services/auth/api/x.py` lies in
area `services/auth`. A trailing slash matches folders only, as in `.gitignore`, so a loose
`services/README.md` is in no area; with `services/*` it would be an area of its own, and a
change to three such files would count as three areas. A pattern with a slash is anchored at the
repository root, one without matches at any depth, and a later `!pattern` takes a match back
out, as in `.gitignore`. Both paths of a rename count, so a move from one area into another
touches both. Every changed file counts, generated or vendored ones included; `exclude` lists
globs of paths that do not count at all. Files in no area do not count either; the message says
how many there were.

The rule fails when more than `max` distinct areas are touched, names each area with its file
count, and suggests which areas to move into changes of their own.

```yaml
rules:
  - id: one-area-at-a-time
    kind: max-areas
    areas: ["services/*/", "libs/*/", "apps/*/src/"]
    max: 2
    exclude: ["**/*.md", "libs/generated/**"]   # touched paths that do not count
```
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import ClassVar, Literal

from pydantic import Field

from gatekeeper.common.fields import empty_list
from gatekeeper.common.globs import Glob, PathSet, compile_glob
from gatekeeper.common.records import record
from gatekeeper.facts.model import Facts, FileFacts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, GlobPattern, RuleConfig, shares
from gatekeeper.rules.findings import Check

KIND = "max-areas"
NEEDS: frozenset[Need] = frozenset()
SHOWN_AREAS = 8
SHOWN_FILES = 10


class Config(RuleConfig):
    """Limits how many distinct areas (path prefixes named by globs) one change may touch."""

    variables: ClassVar[dict[str, str]] = {
        "areas": "how many distinct areas the change touches",
        "max": "the area limit",
        "names": "the touched areas, comma-separated, most files first",
    }

    kind: Literal["max-areas"]
    areas: list[GlobPattern] = Field(
        min_length=1, description="Globs naming an area: the shortest leading part of a path "
        "that one matches exactly is the path's area (services/*/ puts services/auth/x.py in "
        "services/auth; the trailing slash keeps loose files such as services/README.md out).")
    max: int = Field(ge=1, description="Most distinct areas one change set may touch.")
    exclude: list[GlobPattern] = Field(
        default_factory=empty_list, description="Globs of touched paths that do not count.")


@record
class Area:
    """One touched area: its name (the matching path prefix) and the change's files in it."""

    name: str
    files: tuple[FileFacts, ...]

    def describe(self) -> str:
        """The area for the message: its name and file count, such as ``api (3 files)``."""
        count = len(self.files)
        return f"{self.name} ({count} file{'' if count == 1 else 's'})"


class AreaFinder:
    """Maps a path to its area, remembering folders it has already looked at."""

    def __init__(self, patterns: list[str]) -> None:
        self.globs = tuple(compile_glob(p) for p in patterns)
        self._seen: dict[tuple[str, bool], bool] = {}

    def area_of(self, path: str) -> str | None:
        """The shortest leading part of ``path`` that is an area; None when it lies in none."""
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if self._is_area(prefix, folder=depth < len(parts)):
                return prefix
        return None

    def _is_area(self, prefix: str, *, folder: bool) -> bool:
        key = (prefix, folder)
        if key not in self._seen:
            hit = False
            for glob in self.globs:  # the last matching pattern wins, as in .gitignore
                if glob.negated == hit and _exact(glob, prefix, folder=folder):
                    hit = not glob.negated
            self._seen[key] = hit
        return self._seen[key]


def _exact(glob: Glob, prefix: str, *, folder: bool) -> bool:
    # A folder-only pattern (`services/*/`) can name a folder prefix, never a file.
    if folder:
        return glob.exact.fullmatch(prefix) is not None
    return glob.matches(prefix, parents=False)


def group_areas(files: tuple[FileFacts, ...], config: Config) -> tuple[list[Area], int]:
    """The touched areas, most files first, and how many counted files lie in no area."""
    finder = AreaFinder(config.areas)
    excluded = PathSet(config.exclude)
    members: dict[str, list[FileFacts]] = defaultdict(list)
    outside = 0
    for f in files:
        paths = [p for p in f.touched if not excluded.matches(p)]
        if not paths:
            continue
        names = {name for name in map(finder.area_of, paths) if name is not None}
        for name in names:
            members[name].append(f)
        outside += not names
    areas = [Area(name, tuple(fs)) for name, fs in members.items()]
    areas.sort(key=lambda a: (-len(a.files), a.name))
    return areas, outside


def _listing(areas: list[Area]) -> str:
    text = ", ".join(a.describe() for a in areas[:SHOWN_AREAS])
    if len(areas) > SHOWN_AREAS:
        text += f" and {len(areas) - SHOWN_AREAS} more"
    return text


def _message(areas: list[Area], outside: int, limit: int) -> str:
    count = len(areas)
    if count > limit:
        text = f"change touches {count} areas, more than {limit}: {_listing(areas)}"
    elif areas:
        text = f"{count} area{'' if count == 1 else 's'} touched (max {limit}): {_listing(areas)}"
    else:
        text = "no area touched"
    if outside:
        text += f"; {outside} file{'' if outside == 1 else 's'} outside any area"
    return text


def _to_move(areas: list[Area], limit: int) -> list[Area]:
    """The areas beyond the ``limit`` largest, smallest first: the cheapest ones to split out."""
    return sorted(areas[limit:], key=lambda a: (len(a.files), a.name))


def _remediation(areas: list[Area], limit: int) -> str:
    kept, moved = areas[:limit], _to_move(areas, limit)
    text = (f"split the change by area: keep {', '.join(a.name for a in kept)} here and move "
            f"{_listing(moved)} into separate changes, smallest first")
    # A rename from one area into another cannot be split by area; it needs a change of its own.
    in_areas = Counter(f.path for a in areas for f in a.files)
    crossing = [f for a in moved for f in a.files if in_areas[f.path] > 1]
    if crossing:
        first = crossing[0]
        text += (f"; a move between areas touches both (like {first.change.old_path} -> "
                 f"{first.path}), so make the moves a change of their own")
    return text


def evaluate(config: Config, facts: Facts) -> Finding:
    """Count the touched areas against max; when over, name the smallest ones to split out."""
    areas, outside = group_areas(facts.files, config)
    failed = len(areas) > config.max
    # The files to move out, smallest area first, each once even when a rename spans two.
    drivers: dict[str, FileFacts] = {}
    if failed:
        for area in _to_move(areas, config.max):
            drivers.update((f.path, f) for f in area.files if f.path not in drivers)
    return Finding(
        passed=not failed,
        message=_message(areas, outside, config.max),
        remediation=_remediation(areas, config.max) if failed else None,
        checks=(Check("areas", len(areas), config.max, "areas"),),
        files=shares(list(drivers.values())[:SHOWN_FILES]),
        values={"areas": len(areas), "max": config.max,
                "names": ", ".join(a.name for a in areas)},
    )
