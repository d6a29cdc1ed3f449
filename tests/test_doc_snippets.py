"""Every policy the README and docs/ show is valid for ``gatekeeper validate`` and for the JSON
Schema of ``gatekeeper schema``, checked by a JSON-Schema validator of its own (check-jsonschema).

A fenced ``yaml`` block is a policy when its top-level keys include a policy key, or when it is
a rule or a condition shown on its own (``rules:`` left out); such pieces are made whole in the
docs. Other YAML (CI workflows, test files) is not a policy. A block that cannot be whole, such
as one naming a file of the reader's own, starts with ``# fragment: <why>`` and is skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gatekeeper.policy.model import Policy
from gatekeeper.rules.base import RuleConfig
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```ya?ml[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
FRAGMENT = "# fragment:"
POLICY_KEYS = {info.alias or name for name, info in Policy.model_fields.items()}
RULE_KEYS = {info.alias or name for name, info in RuleConfig.model_fields.items()}


@dataclass(frozen=True)
class Snippet:
    """One fenced yaml block: where it is and what it says."""

    doc: Path
    line: int
    text: str

    @property
    def name(self) -> str:
        """A file name that says where the block is: README.md-132.yml."""
        return f"{self.doc.name}-{self.line}.yml"


def snippets() -> list[Snippet]:
    """Every fenced yaml block of the README and docs/*.md."""
    found = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Snippet(doc, line, match.group(1)))
    return found


def is_policy(data: Any) -> bool:
    """Whether parsed YAML is a policy, or a piece of one (a rule, a rule's keys)."""
    if isinstance(data, list):
        return any(isinstance(item, dict) and "kind" in item for item in data)
    return isinstance(data, dict) and bool(set(data) & (POLICY_KEYS | RULE_KEYS))


def policies() -> tuple[list[Snippet], list[Snippet]]:
    """The policy snippets to check, and those marked as fragments."""
    checked, skipped = [], []
    for snippet in snippets():
        if snippet.text.startswith(FRAGMENT):
            skipped.append(snippet)
        elif is_policy(yaml.safe_load(snippet.text)):
            checked.append(snippet)
    return checked, skipped


def check_jsonschema() -> str:
    """The check-jsonschema command of the test extra, beside this interpreter or on PATH."""
    beside = Path(sys.executable).with_name("check-jsonschema")
    found = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    assert found, "check-jsonschema is missing: install the test extra (pip install -e .[test])"
    return found


def test_the_classifier_tells_policies_from_other_yaml() -> None:
    assert is_policy({"rules": []})
    assert is_policy({"extends": "gatekeeper:recommended", "coverage": {}})
    assert is_policy({"when": {"labels": "x"}})  # a rule's keys on their own: made whole
    assert is_policy([{"id": "a", "kind": "batch-size"}])
    assert not is_policy({"name": "ci", "on": ["push"], "jobs": {}})  # a workflow
    assert not is_policy({"include": [{"component": "x"}]})  # a GitLab include
    assert not is_policy({"cases": []})  # a policy test file
    assert not is_policy({"env": {"X": "y"}})


def test_every_doc_policy_passes_validate_and_the_schema(tmp_path: Path) -> None:
    checked, skipped = policies()
    # The docs show dozens of policies: a change to the fence or the classifier that finds
    # none would pass without checking anything.
    assert len(checked) >= 25, [s.name for s in checked]
    # Skips are for what cannot be whole; each says why, and they stay rare.
    assert len(skipped) <= 2, [s.name for s in skipped]
    for snippet in skipped:
        assert len(snippet.text.splitlines()[0]) > len(FRAGMENT) + 10, snippet.name
    files = []
    for snippet in checked:
        assert not is_fragment_of_keys(snippet), f"{snippet.name}: make it a whole policy"
        path = tmp_path / snippet.name
        path.write_text(snippet.text, encoding="utf-8")
        files.append(path.name)
    validated = run_cli("validate", *files, cwd=tmp_path)
    assert validated.code == 0, validated.stderr
    assert validated.stdout.count(": ok, ") == len(files)
    schema = tmp_path / "schema.json"
    schema.write_text(run_cli("schema").stdout, encoding="utf-8")
    result = subprocess.run([check_jsonschema(), "--schemafile", str(schema), *files],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def is_fragment_of_keys(snippet: Snippet) -> bool:
    """A block that is only a rule's keys or a list of rules: it needs ``rules:`` around it."""
    data = yaml.safe_load(snippet.text)
    return isinstance(data, list) or not set(data) & POLICY_KEYS


def test_the_schema_check_is_real(tmp_path: Path) -> None:
    """check-jsonschema fails a policy the schema refuses, so a pass above means something."""
    schema = tmp_path / "schema.json"
    schema.write_text(run_cli("schema").stdout, encoding="utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text("rules: [{id: r, kind: batch-size, max_files: lots}]\n", encoding="utf-8")
    result = subprocess.run([check_jsonschema(), "--schemafile", str(schema), str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "max_files" in result.stdout or "lots" in result.stdout
