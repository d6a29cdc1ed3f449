"""The registry of rule kinds: a new kind is one module here plus one entry in ``_MODULES``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

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


@dataclass(frozen=True)
class RuleKind:
    """One registered rule kind, as evaluation and the policy model use it."""

    name: str
    config: type[RuleConfig]
    evaluate: Callable[[Any, Facts], Finding]
    needs: frozenset[Need] = frozenset()
    """The optional facts the kind reads (coverage reports, flags ...)."""


def _kind(module: RuleKindModule) -> RuleKind:
    return RuleKind(module.KIND, module.Config, module.evaluate, module.NEEDS)


_MODULES: tuple[RuleKindModule, ...] = (
    batch_size, forbidden_paths, restricted_paths, companion_change, max_areas, commits,
    patch_coverage, coverage_delta, tests_required, ai_disclosure, flag_guard)
RULE_KINDS: dict[str, RuleKind] = {kind.name: kind for kind in map(_kind, _MODULES)}
