"""The registry of rule kinds: a new kind is one module here plus one entry in RULE_KINDS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gatekeeper.facts import Facts
from gatekeeper.rules import batch_size
from gatekeeper.rules.base import RuleConfig
from gatekeeper.verdict import RuleResult


@dataclass(frozen=True)
class RuleKind:
    name: str
    config: type[RuleConfig]
    evaluate: Callable[[Any, Facts], RuleResult]


def _kind(module: Any) -> RuleKind:
    return RuleKind(module.KIND, module.Config, module.evaluate)


RULE_KINDS: dict[str, RuleKind] = {kind.name: kind for kind in (_kind(batch_size),)}
