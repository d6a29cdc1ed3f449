"""flag-guard on real repositories, for every SDK preset in every language it covers.

Each snippet in tests/data/flags/ holds real calls of its SDK. A branch that adds the snippet
under a guarded path passes; a branch that adds as many lines without a flag call fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.rules.findings import Status
from tests.conftest import Repo, make_repo
from tests.facts.flags.test_snippets import DATA, EXPECTED

POLICY = """\
version: 1
flags:
  presets: {preset}
rules:
  - id: guard
    kind: flag-guard
    paths: "src/**"
    added_over: 0
"""
SNIPPETS = sorted(name for name, keys in EXPECTED.items() if keys)


@dataclass(frozen=True)
class Project:
    repo: Repo
    base: str
    policies: Path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One repository with two branches per snippet: with its flag calls, and without."""
    root = tmp_path_factory.mktemp("flags")
    repo = make_repo(root / "repo")
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    policies = root / "policies"
    for preset in {name.split("/")[0] for name in SNIPPETS}:
        (policies / preset).mkdir(parents=True)
        (policies / preset / "policy.yml").write_text(POLICY.format(preset=preset),
                                                     encoding="utf-8")
    for index, name in enumerate(SNIPPETS):
        text = (DATA / name).read_text(encoding="utf-8")
        target = f"src/{name}"
        for branch, content in ((f"with-{index}", text), (f"without-{index}", _plain(text))):
            repo.git("checkout", "-q", "-b", branch, base)
            repo.write(target, content)
            repo.commit(f"add {name}")
    repo.git("checkout", "-q", "main")
    return Project(repo, base, policies)


def _plain(text: str) -> str:
    """As many lines as ``text`` (at least three), none of them a call."""
    return "".join(f"value {n}\n" for n in range(max(3, len(text.splitlines()))))


def check(project: Project, name: str, branch: str) -> Verdict:
    """The verdict of the policy of ``name`` on ``branch``."""
    policy = project.policies / name.split("/")[0] / "policy.yml"
    options = CheckOptions(repo_path=str(project.repo.path), policy=str(policy),
                           request=context.Request(base=project.base, head=branch))
    return run_check(options)


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_guard_passes_with_the_sdks_flag_call_and_fails_without(project: Project,
                                                                     name: str) -> None:
    index = SNIPPETS.index(name)
    guarded = check(project, name, f"with-{index}")
    [result] = guarded.results
    assert result.status is Status.PASS, result.message
    assert guarded.facts.flags is not None
    [flags] = guarded.facts.flags.files
    assert flags.path == f"src/{name}"
    assert set(flags.added) == {key for key in EXPECTED[name] if key is not None}
    bare = check(project, name, f"without-{index}")
    [result] = bare.results
    assert result.status is Status.FAIL
    assert f"src/{name}" in result.message
    assert bare.exit_code == 1


def test_every_preset_has_an_end_to_end_case() -> None:
    from gatekeeper.facts.flags.presets import preset_ids

    assert {name.split("/")[0] for name in SNIPPETS} == set(preset_ids())
