"""companion-change: placeholder, being written."""

from __future__ import annotations

from typing import Literal

from gatekeeper.facts import Facts
from gatekeeper.rules.base import Finding, RuleConfig

KIND = "companion-change"


class Config(RuleConfig):
    kind: Literal["companion-change"]


def evaluate(config: Config, facts: Facts) -> Finding:
    raise NotImplementedError(KIND)
