"""What `gatekeeper --version` and a plain check import, held to listed sets.

A pre-push hook and every CI job pay gatekeeper's start-up on each run, and most of that cost
is imports: a module that starts importing something heavy (every rule kind, GitHub's payload
checks, a reporter nobody asked for) makes every run slower without a test failing. These
tests run the real command line in a fresh interpreter and compare what it loaded with the
lists below; a module that is new on the list has to be added here, on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper import __version__
from gatekeeper.policy.model import Policy, policy_model
from gatekeeper.rules import RULE_KINDS
from tests.conftest import GIT_ENV, make_repo

# Runs the command line as `python -m gatekeeper` does, then writes the modules it loaded
# (and only those: the interpreter's own start-up is taken away) with where each came from.
PROBE = """
import atexit, json, runpy, sys, sysconfig
out, args = sys.argv[1], sys.argv[2:]
before = set(sys.modules)
sites = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}

def where(name):
    top = name.partition(".")[0]
    if top == "gatekeeper":
        return "gatekeeper"
    path = getattr(sys.modules.get(top), "__file__", None) or ""
    return "third-party" if any(path.startswith(site) for site in sites) else "other"

def dump():
    loaded = sorted(set(sys.modules) - before)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({name: where(name) for name in loaded}, handle)

atexit.register(dump)
sys.argv = ["gatekeeper", *args]
runpy.run_module("gatekeeper", run_name="__main__", alter_sys=True)
"""

VERSION_MODULES = {
    "gatekeeper", "gatekeeper.cli", "gatekeeper.errors", "gatekeeper.common",
    "gatekeeper.common.escape", "gatekeeper.commands", "gatekeeper.commands.changeopts",
    "gatekeeper.commands.consoleopts", "gatekeeper.commands.guard",
    "gatekeeper.commands.replay", "gatekeeper.commands.replay.clicommand",
}
"""The CLI's skeleton: the commands' options, but nothing any command runs."""

VERSION_THIRD_PARTY = {"click"}
"""Only the CLI framework; no pydantic, YAML or GitPython for printing a version."""

CHECK_THIRD_PARTY = {
    "click",
    # The policy model: pydantic and what it is built on. The largest cost of a run, and
    # needed by every run, since the policy is validated before anything is judged.
    "pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection",
    # Not PyYAML: the default policy is read from its JSON twin, the marker catalogue from
    # markers.json; a repository's own .gatekeeper.yml loads it.
    # Not GitPython: a check starts git through gitread/gitproc.py's own runner. GitPython
    # costs about a tenth of a second to load, with a `git version` probe; replay uses it.
    # Not unidiff: its grammar of a plain diff's ---/+++ lines loads only for a plain diff.
}

CHECK_PACKAGES = (
    # The phases every check runs in full: reading git, the change set, its facts.
    "gatekeeper.changeset", "gatekeeper.gitread", "gatekeeper.lexing", "gatekeeper.common",
    "gatekeeper.facts.ai", "gatekeeper.facts.coverage",
)
"""Packages a check may import any module of."""

CHECK_MODULES = {
    "gatekeeper", "gatekeeper.cli", "gatekeeper.errors", "gatekeeper.commands",
    "gatekeeper.commands.changeopts", "gatekeeper.commands.consoleopts",
    "gatekeeper.commands.guard", "gatekeeper.commands.replay",
    "gatekeeper.commands.replay.clicommand",
    # Only the local context: the platforms' payload checks and the hook's stdin stay out.
    "gatekeeper.context", "gatekeeper.context.identity", "gatekeeper.context.local",
    "gatekeeper.context.model", "gatekeeper.context.notes", "gatekeeper.context.override",
    "gatekeeper.context.resolve",
    "gatekeeper.facts", "gatekeeper.facts.classify", "gatekeeper.facts.model",
    "gatekeeper.facts.needs", "gatekeeper.facts.sizenotes", "gatekeeper.facts.testpairs",
    # The settings sections of the policy model (pydantic models), not their fact sources.
    "gatekeeper.facts.codeowners", "gatekeeper.facts.codeowners.settings",
    "gatekeeper.facts.flags", "gatekeeper.facts.flags.custom",
    "gatekeeper.facts.flags.settings", "gatekeeper.facts.flags.templates",
    # Only the rule kind the default policy names (batch-size) and what it is built from.
    "gatekeeper.rules", "gatekeeper.rules.base", "gatekeeper.rules.findings",
    "gatekeeper.rules.batch_size", "gatekeeper.rules.ceilings", "gatekeeper.rules.split_plan",
    "gatekeeper.conditions", "gatekeeper.conditions.ai", "gatekeeper.conditions.coverage",
    "gatekeeper.conditions.flags", "gatekeeper.conditions.model",
    "gatekeeper.conditions.owners", "gatekeeper.conditions.sources",
    # No schema, no test cases, no pydantic model of any other rule kind.
    "gatekeeper.policy", "gatekeeper.policy.compose", "gatekeeper.policy.places",
    "gatekeeper.policy.loader", "gatekeeper.policy.locate", "gatekeeper.policy.model",
    "gatekeeper.policy.needs", "gatekeeper.policy.resolver", "gatekeeper.policy.review",
    "gatekeeper.policy.sources",
    # No approvals client: enforcement loads it only when a policy enforces approvals.
    "gatekeeper.evaluation", "gatekeeper.evaluation.evaluate", "gatekeeper.evaluation.review",
    "gatekeeper.evaluation.review.assign", "gatekeeper.evaluation.verdict",
    "gatekeeper.evaluation.waivers",
    "gatekeeper.pipeline", "gatekeeper.pipeline.judge", "gatekeeper.pipeline.phases",
    "gatekeeper.pipeline.trust",
    # Only the console report that is printed.
    "gatekeeper.reporters", "gatekeeper.reporters.common", "gatekeeper.reporters.console",
    "gatekeeper.reporters.explain",
}


def _loaded(tmp_path: Path, *args: str, cwd: Path | None = None) -> tuple[str, dict[str, str]]:
    """Run ``gatekeeper *args`` in a fresh interpreter: its stdout and the modules it loaded."""
    out = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=cwd,
                            capture_output=True, env={**os.environ, **GIT_ENV}, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode(), json.loads(out.read_text(encoding="utf-8"))


def _third_party(loaded: dict[str, str]) -> set[str]:
    return {name.partition(".")[0] for name, kind in loaded.items() if kind == "third-party"}


def _ours(loaded: dict[str, str]) -> set[str]:
    return {name for name, kind in loaded.items() if kind == "gatekeeper"}


def test_the_version_needs_only_the_cli_skeleton(tmp_path: Path) -> None:
    stdout, loaded = _loaded(tmp_path, "--version")
    assert stdout == f"gatekeeper, version {__version__}\n"
    assert _third_party(loaded) - VERSION_THIRD_PARTY == set()
    assert _ours(loaded) - VERSION_MODULES == set()


def test_a_default_policy_check_imports_only_what_it_uses(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    repo.write("src/app.py", "".join(f"x{n} = {n}\n" for n in range(20)))
    repo.write("tests/test_app.py", "def test_app():\n    assert True\n")
    repo.commit("add app")
    stdout, loaded = _loaded(tmp_path, "check", "--base", base, cwd=repo.path)
    assert "PASS" in stdout and "built-in default policy" in stdout
    assert _third_party(loaded) - CHECK_THIRD_PARTY == set()
    extra = {name for name in _ours(loaded) - CHECK_MODULES
             if not name.startswith(tuple(p + "." for p in CHECK_PACKAGES))
             and name not in CHECK_PACKAGES}
    assert extra == set()
    # Within the packages a check may load: a change without Git AI notes loads neither the
    # note format nor the reader of blame's output.
    assert {"gatekeeper.facts.ai.notes", "gatekeeper.facts.ai.blame"} & _ours(loaded) == set()
    # Hints for mistyped names (difflib) and the wording of git's failures (shlex) load only
    # on those errors' paths.
    assert {"difflib", "shlex"} & set(loaded) == set()


# Runs a check as PROBE does, noting at the start of the change's `git diff` whether it started
# and which of the heavy modules were loaded by then.
EARLY_PROBE = """
import json, runpy, sys
from gatekeeper.gitread import collect
out, args = sys.argv[1], sys.argv[2:]
heavy = ("pydantic", "yaml", "gatekeeper.policy.model", "gatekeeper.rules",
         "gatekeeper.evaluation.verdict", "gatekeeper.facts.model")
real, seen = collect.start, []

def start(*given, **named):
    started = real(*given, **named)
    seen.append({"started": started is not None,
                 "loaded": [name for name in heavy if name in sys.modules]})
    return started

collect.start = start
sys.argv = ["gatekeeper", *args]
try:
    runpy.run_module("gatekeeper", run_name="__main__", alter_sys=True)
finally:
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(seen, handle)
"""


def test_the_change_is_diffed_while_the_policy_model_loads(tmp_path: Path) -> None:
    # git's diff of a huge change takes as long as loading the policy model and the rules:
    # it starts first, so the two overlap.
    repo = make_repo(tmp_path / "repo")
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    repo.write("src/app.py", "x = 1\n")
    repo.commit("add app")
    out = tmp_path / "early.json"
    result = subprocess.run([sys.executable, "-c", EARLY_PROBE, str(out), "check", "--base", base],
                            cwd=repo.path, capture_output=True, env={**os.environ, **GIT_ENV},
                            check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert b"PASS" in result.stdout
    assert json.loads(out.read_text(encoding="utf-8")) == [{"started": True, "loaded": []}]


def test_the_probe_sees_a_module_outside_the_lists(tmp_path: Path) -> None:
    # The schema command builds every rule kind's model: the lists above would refuse it.
    _, loaded = _loaded(tmp_path, "schema")
    assert "gatekeeper.rules.commits" in _ours(loaded) - CHECK_MODULES
    assert "pydantic" in _third_party(loaded) - VERSION_THIRD_PARTY


def test_the_rule_registry_names_each_kind_by_its_own_module() -> None:
    for name in RULE_KINDS:
        assert RULE_KINDS[name].name == name
        assert RULE_KINDS[name].config.model_fields["kind"].annotation is not str


POLICY = {
    "version": 1,
    "rules": [{"id": "size", "kind": "batch-size", "max_effective_lines": 10},
              {"id": "no-env", "kind": "forbidden-paths", "paths": [".env"],
               "when": {"labels": ["x"]}}],
    "exceptions": [{"rule": "size", "reason": "legacy", "expires": "2030-01-01"}],
}


def test_a_narrowed_policy_model_validates_as_the_whole_one_does() -> None:
    narrow = policy_model(["batch-size", "forbidden-paths"])
    assert narrow is not Policy and policy_model() is Policy
    assert narrow.__name__ == Policy.__name__ == "Policy"
    assert list(narrow.model_fields) == list(Policy.model_fields)
    mine, whole = narrow.model_validate(POLICY), Policy.model_validate(POLICY)
    assert mine.model_dump() == whole.model_dump()
    assert mine.model_fields_set == whole.model_fields_set
    assert [type(r) for r in mine.rules] == [type(r) for r in whole.rules]


@pytest.mark.parametrize("kinds", [[], ["batch-size"]])
def test_a_narrowed_model_accepts_no_other_kind(kinds: list[str]) -> None:
    with pytest.raises(ValueError):
        policy_model(kinds).model_validate(POLICY)


@pytest.mark.parametrize(("kind", "hint"), [
    ("[x, y]", "use one of batch-size, forbidden-paths"),
    ("{a: b}", "use one of batch-size, forbidden-paths"),
    ("7", "use one of batch-size, forbidden-paths"),
    ("batch-sise", "did you mean 'batch-size'?"),
])
def test_a_rule_of_no_known_kind_is_worded_by_the_whole_model(kind: str, hint: str) -> None:
    from gatekeeper.errors import PolicyError
    from gatekeeper.policy.loader import load_bytes

    text = f"version: 1\nrules:\n  - id: a\n    kind: {kind}\n  - id: b\n    kind: commits\n"
    with pytest.raises(PolicyError) as raised:
        load_bytes(text.encode(), "p.yml")
    assert raised.value.render().startswith("p.yml:4:11: unknown rule kind")
    assert hint in raised.value.render()
