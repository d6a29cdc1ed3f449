"""The registry of rule kinds: a new kind is one module here plus one entry in ``_MODULES``.

A kind's module is imported the first time the registry is asked for that kind: each module
builds its pydantic config as it loads, and a run pays only for the kinds its policy names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol

from gatekeeper.common.records import record

if TYPE_CHECKING:
    from gatekeeper.facts.model import Facts
    from gatekeeper.facts.needs import Need
    from gatekeeper.rules import (
        ai_disclosure,
        batch_size,
        commits,
        companion_change,
        coverage_delta,
        flag_guard,
        forbidden_paths,
        max_areas,
        patch_coverage,
        restricted_paths,
        tests_required,
    )
    from gatekeeper.rules.base import Finding, RuleConfig


class RuleKindModule(Protocol):
    """The shape of a rule-kind module; mypy checks every module in ``_MODULES`` against it."""

    KIND: str
    """The ``kind:`` a policy names the rule by."""
    NEEDS: frozenset[Need]
    """The optional facts ``evaluate`` reads, which a run gathers only for a policy using it."""

    @property
    def Config(self) -> type[RuleConfig]:
        """The kind's pydantic config: the fields a rule of this kind takes."""

    def evaluate(self, config: Any, facts: Facts, /) -> Finding:
        """Judge the change's facts by one rule of the kind (``config`` is its ``Config``)."""


@record
class RuleKind:
    """One registered rule kind, as evaluation and the policy model use it."""

    name: str
    config: type[RuleConfig]
    evaluate: Callable[[Any, Facts], Finding]
    needs: frozenset[Need] = frozenset()
    """The optional facts the kind reads (coverage reports, flags ...)."""


def _kind(module: RuleKindModule) -> RuleKind:
    return RuleKind(module.KIND, module.Config, module.evaluate, module.NEEDS)


_MODULES: dict[str, str] = {
    "batch-size": "batch_size", "forbidden-paths": "forbidden_paths",
    "restricted-paths": "restricted_paths", "companion-change": "companion_change",
    "max-areas": "max_areas", "commits": "commits", "patch-coverage": "patch_coverage",
    "coverage-delta": "coverage_delta", "tests-required": "tests_required",
    "ai-disclosure": "ai_disclosure", "flag-guard": "flag_guard"}
"""Each kind's name and its module, in the order reports and messages list the kinds."""

if TYPE_CHECKING:
    # For mypy only: every module listed above has the shape of a rule kind.
    _CHECKED: tuple[RuleKindModule, ...] = (
        batch_size, forbidden_paths, restricted_paths, companion_change, max_areas, commits,
        patch_coverage, coverage_delta, tests_required, ai_disclosure, flag_guard)


class _Registry(MutableMapping[str, RuleKind]):
    """The kinds by name; a kind's module is imported when the kind is first looked up."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, RuleKind] = {}

    def __getitem__(self, name: str) -> RuleKind:
        """The kind ``name``, its module imported now if it was not yet."""
        found = self._loaded.get(name)
        if found is None:
            module: Any = importlib.import_module(f"{__name__}.{self._modules[name]}")
            found = self._loaded[name] = _kind(module)
        return found

    def __setitem__(self, name: str, kind: RuleKind) -> None:
        """Register ``kind`` under ``name`` (tests swap a kind's judgement this way)."""
        self._modules.setdefault(name, "")
        self._loaded[name] = kind

    def __delitem__(self, name: str) -> None:
        """Forget the kind ``name``."""
        del self._modules[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        """The kinds' names in registry order, without importing any of them."""
        return iter(self._modules)

    def __len__(self) -> int:
        """How many kinds there are."""
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is a kind, without importing it."""
        return name in self._modules


RULE_KINDS: MutableMapping[str, RuleKind] = _Registry(_MODULES)
