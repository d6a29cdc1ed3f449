"""The registry of rule kinds: a new kind is one module here plus one entry in RULE_KINDS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gatekeeper.facts.model import Facts
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


@dataclass(frozen=True)
class RuleKind:
    name: str
    config: type[RuleConfig]
    evaluate: Callable[[Any, Facts], Finding]
    needs_coverage: bool = False
    """The kind reads coverage reports, so a policy using it needs ``--coverage``."""


def _kind(module: Any) -> RuleKind:
    return RuleKind(module.KIND, module.Config, module.evaluate,
                    getattr(module, "NEEDS_COVERAGE", False))


_MODULES = (batch_size, forbidden_paths, restricted_paths, companion_change, max_areas, commits,
            patch_coverage, coverage_delta, tests_required, ai_disclosure, flag_guard)
RULE_KINDS: dict[str, RuleKind] = {kind.name: kind for kind in map(_kind, _MODULES)}
