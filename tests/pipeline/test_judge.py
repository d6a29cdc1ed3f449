"""check and test run one chain from facts to verdict, so they agree on the same change."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.commands import policytest
from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from tests.conftest import make_repo

POLICY = """\
extends: ci/base.yml
rules:
  - id: policy-change
    kind: batch-size
    max_files: 0
    when: {classes: [policy]}
"""
BASE = """\
rules:
  - id: small
    kind: batch-size
    max_effective_lines: 3
"""
CASES = """\
cases:
  - name: {name}
    change:
      files:
        - {{path: {path}, added: {added}, deleted: 0}}
    verdict: {verdict}
"""


def _shape(verdict: Verdict) -> list[tuple[str, str]]:
    return [(r.rule_id, r.status.value) for r in verdict.results]


@pytest.mark.parametrize(("path", "added", "verdict"), [
    ("ci/base.yml", 1, "fail"),  # the file the policy extends is a policy file
    (".gatekeeper.yml", 1, "fail"),
    ("src/app.py", 2, "pass"),
    ("src/app.py", 5, "fail"),
])
def test_test_and_check_give_the_same_verdict_on_the_same_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, added: int,
        verdict: str) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write(".gatekeeper.yml", POLICY)
    repo.write("ci/base.yml", BASE)
    repo.write("src/app.py", "x = 0\n")
    base = repo.commit("base")
    target = repo.path / path
    target.write_text(target.read_text() + "".join(f"# line {n}\n" for n in range(added)))
    repo.commit("change")
    checked = run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base),
                                     policy_source="worktree"))

    (repo.path / ".gatekeeper.test.yml").write_text(
        CASES.format(name="the change", path=path, added=added, verdict=verdict))
    monkeypatch.chdir(repo.path)  # test files are named relative to where the user stands
    tested = policytest.verdict_of(policytest.load(Path(".gatekeeper.test.yml")), 0)

    assert checked.passed is tested.passed is (verdict == "pass")
    assert _shape(checked) == _shape(tested)
    assert policytest.run_case(policytest.load(Path(".gatekeeper.test.yml")), 0) == []
