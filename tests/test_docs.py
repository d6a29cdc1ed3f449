"""The README's commands and CI stay in step, and the docs name what the code has."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.reporters import FORMATS
from gatekeeper.rules import RULE_KINDS

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick, re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    run, test = readme_commands()
    assert "gatekeeper check" in run
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == test


def test_every_rule_kind_and_format_is_documented() -> None:
    policies = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    for kind in RULE_KINDS:
        assert f"### `{kind}`" in policies
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"--{name}" in readme or f"--format {name}" in readme
