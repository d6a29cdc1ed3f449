"""Per-file flag facts of a change: keys its added lines use, and keys its removals clean up."""

from __future__ import annotations

from collections.abc import Iterable

from gatekeeper.common.records import record
from gatekeeper.facts.flags.scan import FlagRef


@record
class FileFlags:
    """What one file's added and removed lines say about flags.

    ``added``: keys referenced in the file's added lines. ``introduced``: those that no removed
    line anywhere in the change referenced (new to the change, not moved or edited).
    ``referenced``: keys in the file's added or removed lines. ``removed``: keys in the file's
    removed lines that no added line anywhere in the change references any more (cleanups; code
    the change does not touch may still use them). ``unknown_added`` and ``unknown_removed``
    count references whose key is an expression.
    """

    path: str
    added: tuple[str, ...]
    introduced: tuple[str, ...]
    referenced: tuple[str, ...]
    removed: tuple[str, ...]
    unknown_added: int = 0
    unknown_removed: int = 0

    @property
    def guarded(self) -> bool:
        """Whether an added line references a flag, with a known key or not."""
        return bool(self.added) or self.unknown_added > 0


def _by_path(refs: Iterable[FlagRef]) -> tuple[dict[str, set[str]], dict[str, int]]:
    keys: dict[str, set[str]] = {}
    unknown: dict[str, int] = {}
    for ref in refs:
        keys.setdefault(ref.path, set())
        if ref.key is None:
            unknown[ref.path] = unknown.get(ref.path, 0) + 1
        else:
            keys[ref.path].add(ref.key)
    return keys, unknown


def summarise(added: Iterable[FlagRef], removed: Iterable[FlagRef]) -> tuple[FileFlags, ...]:
    """One FileFlags per file with a reference in ``added`` or ``removed`` lines, by path."""
    added_keys, added_unknown = _by_path(added)
    removed_keys, removed_unknown = _by_path(removed)
    all_added = set().union(*added_keys.values())
    all_removed = set().union(*removed_keys.values())
    result = []
    for path in sorted(added_keys.keys() | removed_keys.keys()):
        plus = added_keys.get(path, set())
        minus = removed_keys.get(path, set())
        result.append(FileFlags(
            path=path, added=tuple(sorted(plus)), introduced=tuple(sorted(plus - all_removed)),
            referenced=tuple(sorted(plus | minus)), removed=tuple(sorted(minus - all_added)),
            unknown_added=added_unknown.get(path, 0),
            unknown_removed=removed_unknown.get(path, 0)))
    return tuple(result)
