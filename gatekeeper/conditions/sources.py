"""The condition keys that read an optional fact source, each a module of one shape.

A condition module names the ``Condition`` field it serves (``KEY``), the facts it reads
(``NEEDS``) and how it judges a value (``holds``); mypy checks each module listed in
``MODULES`` against ``ConditionSource``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from gatekeeper.conditions import ai, coverage, flags, owners
from gatekeeper.facts.needs import Need

if TYPE_CHECKING:
    from gatekeeper.facts.model import Facts


class ConditionSource(Protocol):
    """A condition module: one ``Condition`` key that reads one optional fact source."""

    KEY: str
    """The ``Condition`` field the module judges."""
    NEEDS: frozenset[Need]
    """The optional facts ``holds`` reads; without them it never holds (or says why)."""

    def holds(self, value: Any, facts: Facts, /) -> tuple[bool, str]:
        """Whether the key's ``value`` holds for the change, with the reason in words."""


MODULES: tuple[ConditionSource, ...] = (ai, coverage, flags, owners)
NEEDS: dict[str, frozenset[Need]] = {module.KEY: module.NEEDS for module in MODULES}
"""The facts each condition key reads; keys not listed read only the change itself."""


def needs(keys: frozenset[str]) -> frozenset[Need]:
    """The optional facts conditions using ``keys`` read."""
    return frozenset(need for key in keys for need in NEEDS.get(key, ()))
