"""The ``code_owners`` condition: whether CODEOWNERS gives a touched file one of these owners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gatekeeper.common.globs import wildcard
from gatekeeper.facts.needs import Need

if TYPE_CHECKING:
    from gatekeeper.facts.model import Facts

KEY = "code_owners"
NEEDS = frozenset({Need.OWNERS})
SHOWN = 3


def holds(wanted: list[str], facts: Facts) -> tuple[bool, str]:
    """Holds when a touched file's code owners include one of ``wanted`` (``*`` wildcards)."""
    owners = facts.owners
    if owners is None:
        return False, "no CODEOWNERS file was read"
    patterns = [wildcard(w) for w in wanted]
    hits: list[str] = []
    for entry in owners.summary.paths:
        matched = [o for o in entry.owners if any(p.fullmatch(o) for p in patterns)]
        if matched:
            hits.append(f"{entry.path} ({', '.join(matched)})")
    if hits:
        more = f" and {len(hits) - SHOWN} more" if len(hits) > SHOWN else ""
        return True, f"{owners.source} gives {', '.join(hits[:SHOWN])}{more}"
    return False, f"{owners.source} gives no touched file an owner in {wanted}"
