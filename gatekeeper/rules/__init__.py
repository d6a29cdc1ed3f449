"""The registry of rule kinds: a new kind is one module here plus one entry in RULE_KINDS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gatekeeper.facts import Facts
from gatekeeper.rules import (
    batch_size,
    commits,
    companion_change,
    forbidden_paths,
    max_areas,
    restricted_paths,
)
from gatekeeper.rules.base import Finding, RuleConfig


@dataclass(frozen=True)
class RuleKind:
    name: str
    config: type[RuleConfig]
    evaluate: Callable[[Any, Facts], Finding]


def _kind(module: Any) -> RuleKind:
    return RuleKind(module.KIND, module.Config, module.evaluate)


_MODULES = (batch_size, forbidden_paths, restricted_paths, companion_change, max_areas, commits)
RULE_KINDS: dict[str, RuleKind] = {kind.name: kind for kind in map(_kind, _MODULES)}
