"""forbidden-paths: placeholder, being written."""

from __future__ import annotations

from typing import Literal

from gatekeeper.facts import Facts
from gatekeeper.rules.base import Finding, RuleConfig

KIND = "forbidden-paths"


class Config(RuleConfig):
    kind: Literal["forbidden-paths"]


def evaluate(config: Config, facts: Facts) -> Finding:
    raise NotImplementedError(KIND)
