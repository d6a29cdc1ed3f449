"""The README's commands and CI stay in step, and the docs name what the code has."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.reporters import FORMATS
from gatekeeper.rules import RULE_KINDS

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The shell commands of the README's quick start."""
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
    for name in FORMATS:  # explain is also a command of its own, not a --format of check
        assert f"--{name}" in readme or f"--format {name}" in readme \
            or f"`gatekeeper {name}`" in readme


def _schema_fields(node: object) -> set[str]:
    """Every property name anywhere in a JSON Schema."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found |= set(value)
            found |= _schema_fields(value)
    elif isinstance(node, list):
        for item in node:
            found |= _schema_fields(item)
    return found


def test_every_schema_field_is_documented() -> None:
    from gatekeeper.policy.schema import policy_schema

    policies = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    fields = _schema_fields(policy_schema())
    assert {"max_effective_lines", "when", "not", "expires", "trailer"} <= fields
    missing = sorted(f for f in fields if f"`{f}`" not in policies)
    assert not missing, f"docs/policies.md does not mention: {missing}"


def test_every_template_variable_is_documented() -> None:
    policies = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    for kind in RULE_KINDS.values():
        for name in kind.config.variables:
            assert f"`{{{name}}}`" in policies, (kind.name, name)


def test_rule_kind_docs_are_the_module_docstrings() -> None:
    """The docstring of each rule module is its documentation; the page carries it verbatim."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "docs" / "sync_rule_kinds.py"),
                             "--check"], cwd=ROOT)
    assert result.returncode == 0, "docs/policies.md is stale: run docs/sync_rule_kinds.py"


def test_every_exit_code_is_in_the_readme_table() -> None:
    from gatekeeper import errors

    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| exit code | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = {int(row.split("|")[1]) for row in table.splitlines()[2:]}
    assert documented == codes
