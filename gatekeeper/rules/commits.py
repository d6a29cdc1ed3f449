"""commits: placeholder, being written."""

from __future__ import annotations

from typing import Literal

from gatekeeper.facts import Facts
from gatekeeper.rules.base import Finding, RuleConfig

KIND = "commits"


class Config(RuleConfig):
    kind: Literal["commits"]


def evaluate(config: Config, facts: Facts) -> Finding:
    raise NotImplementedError(KIND)
