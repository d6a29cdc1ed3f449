"""The ``flag_guarded`` condition: whether an added line of the change references a flag."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from gatekeeper.facts.needs import Need

if TYPE_CHECKING:
    from gatekeeper.facts.flags.summary import FileFlags
    from gatekeeper.facts.model import Facts

KEY = "flag_guarded"
NEEDS = frozenset({Need.FLAGS})
SHOWN = 3
NOT_SCANNED = "feature flags were not scanned"


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def guard_keys(flags: FileFlags, unlisted: Collection[str] = ()) -> list[str]:
    """The references in a file's added lines that count as a flag check: a key the registry
    lists (any key without a registry) or a computed one. A key the registry does not list
    names no flag, so it guards nothing."""
    keys = [key for key in flags.added if key not in unlisted]
    return keys + ["a computed key"] * (flags.unknown_added > 0)


def describe(flags: FileFlags, unlisted: Collection[str] = ()) -> str:
    """A guarded file and the keys its added lines reference, in words."""
    return f"{flags.path} ({_listed(guard_keys(flags, unlisted))})"


def holds(wanted: bool, facts: Facts) -> tuple[bool, str]:
    """true holds when an added line references a flag; false when none does.

    Neither holds when the flags were not scanned, nor false when a file of the change was
    left unscanned: a flag could hide in it.
    """
    flags = facts.flags
    if flags is None:
        return False, NOT_SCANNED
    # Only the files in view count: a policy exception may have taken some out.
    paths = {f.path for f in facts.files}
    unlisted = {u.key for u in flags.unknown}
    guarded = [describe(f, unlisted) for f in flags.files
               if f.path in paths and guard_keys(f, unlisted)]
    if guarded:
        return wanted, f"flag references in added lines of {_listed(guarded)}"
    unscanned = [p for p in flags.unscanned if p in paths]
    if unscanned:
        return False, (f"no scanned added line references a flag, and {_listed(unscanned)} "
                       "went unscanned (too much changed text)")
    if unlisted:
        return not wanted, (f"no added line references a flag the registry "
                            f"{flags.registry} lists (not in it: {_listed(sorted(unlisted))})")
    return not wanted, "no added line references a feature flag"
