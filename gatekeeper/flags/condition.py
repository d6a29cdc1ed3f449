"""The ``flag_guarded`` condition: whether an added line of the change references a flag."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gatekeeper.facts import Facts
    from gatekeeper.flags.summary import FileFlags

SHOWN = 3
NOT_SCANNED = "feature flags were not scanned"


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def describe(flags: FileFlags) -> str:
    """A guarded file and the keys its added lines reference, in words."""
    keys = list(flags.added)
    if flags.unknown_added:
        keys.append("a computed key")
    return f"{flags.path} ({_listed(keys)})"


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
    guarded = [describe(f) for f in flags.files if f.guarded and f.path in paths]
    if guarded:
        return wanted, f"flag references in added lines of {_listed(guarded)}"
    unscanned = [p for p in flags.unscanned if p in paths]
    if unscanned:
        return False, (f"no scanned added line references a flag, and {_listed(unscanned)} "
                       "went unscanned (too much changed text)")
    return not wanted, "no added line references a feature flag"
