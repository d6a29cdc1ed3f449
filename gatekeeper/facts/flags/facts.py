"""The flag facts of a change: references per file, cleanups, and keys the registry lacks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from gatekeeper.changeset.model import ChangeSet, FileChange, FileText
from gatekeeper.common.records import record
from gatekeeper.errors import PolicyError
from gatekeeper.facts.flags.registry import Registry, UnknownKey, check, parse
from gatekeeper.facts.flags.scan import FlagRef, Line
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.facts.flags.summary import FileFlags, summarise


@record
class FlagFacts:
    """What the flag scan found in a change's added and removed lines.

    ``unknown`` lists keys that added lines reference and the registry does not list (empty
    without a registry); ``presets`` names the presets and custom patterns in force;
    ``unscanned`` lists paths whose line text was not kept, so they were not scanned.
    """

    files: tuple[FileFlags, ...]
    unknown: tuple[UnknownKey, ...] = ()
    registry: str | None = None
    presets: tuple[str, ...] = ()
    unscanned: tuple[str, ...] = ()

    @property
    def guarded(self) -> bool:
        """Whether any added line of the change references a flag."""
        return any(f.guarded for f in self.files)

    @property
    def cleanups(self) -> tuple[str, ...]:
        """Keys whose references the change removes and no added line references any more."""
        return tuple(sorted({key for f in self.files for key in f.removed}))

    @property
    def guarded_paths(self) -> tuple[str, ...]:
        """The paths whose added lines reference a flag, sorted."""
        return tuple(f.path for f in self.files if f.guarded)

    def of(self, path: str) -> FileFlags | None:
        """The flag references of ``path``; None when no changed line of it references a flag."""
        return self._by_path.get(path)

    @functools.cached_property
    def _by_path(self) -> dict[str, FileFlags]:
        return {f.path: f for f in self.files}


def _split(raw: bytes) -> list[str]:
    """The lines of ``raw``, each of which ends with a newline, without their line breaks."""
    lines = raw.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _numbered(path: str, numbers: Iterable[int], raw: bytes) -> list[Line]:
    return [(path, number, line) for number, line in zip(numbers, _split(raw), strict=False)]


def lines_of(change: FileChange, text: FileText) -> tuple[list[Line], list[Line]]:
    """The added and removed lines of ``change``, numbered in the new and old file.

    Should the text hold fewer or more lines than the hunks count, the extra ones are dropped.
    """
    added = _numbered(change.path, change.added_lines(), text.added)
    removed = _numbered(change.path, change.removed_lines(), text.removed)
    return added, removed


def gather(changeset: ChangeSet, settings: FlagSettings,
           registry: Registry | None) -> FlagFacts:
    """Scan the kept line text of every file, then check the added keys against ``registry``."""
    scanner = settings.scanner()
    added: list[FlagRef] = []
    removed: list[FlagRef] = []
    for change in changeset.files:
        text = changeset.texts.get(change.path)
        if text is None:
            continue
        plus, minus = lines_of(change, text)
        added += scanner.scan(plus)
        removed += scanner.scan(minus)
    unknown: tuple[UnknownKey, ...] = ()
    if registry is not None:
        unknown = check((r.key for r in added if r.key is not None), registry)
    return FlagFacts(summarise(added, removed), unknown,
                     registry.source if registry is not None else None,
                     settings.origins(), changeset.unscanned)


def read_registry(settings: FlagSettings, read: Callable[[str], bytes | None],
                  where: str) -> Registry | None:
    """The registry the policy names, read by ``read`` from ``where``; None when it names none.

    A registry the policy names must exist: a missing one is a PolicyError, never an empty
    registry that would flag every key, nor none at all that would check no key.
    """
    path = settings.registry
    if path is None:
        return None
    raw = read(path)
    if raw is None:
        raise PolicyError(f"flags.registry: {path} is not in {where}", file=path,
                          hint="fix the path (relative to the repository root), or add the "
                          "file; a pull or merge request reads it from the base branch")
    return parse(raw, display=path, fmt=settings.registry_format)
