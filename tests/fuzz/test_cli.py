"""The fuzzed inputs through the real command line, a few of each kind: every run ends with an
exit code of the table (0 pass, 1 fail, 2 bad input, 3 change set) and, on an error, one line
on stderr, never a traceback or an internal error."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_CHANGESET, EXIT_PASS, EXIT_USAGE
from tests.conftest import Repo, RunResult, make_repo, run_cli
from tests.fuzz import mutations, test_casefiles, test_coverage, test_diffs, test_payloads
from tests.fuzz.checkrun import RICH_POLICY, SMALL_DIFF, workspace
from tests.fuzz.test_notes import note

MUTANTS = 2
"""Mutants per input kind: the in-process targets run thousands; these only check that the
command line adds no crash of its own."""


def mutants(seed: bytes, tokens: tuple[bytes, ...], salt: int) -> list[bytes]:
    """The same few mutants of ``seed`` on every run."""
    rng = random.Random(salt)
    return [mutations.mutate(rng, seed, [seed], tokens) for _ in range(MUTANTS)]


def assert_clean(result: RunResult) -> None:
    """An exit code of the table, and an error on one line without a traceback."""
    assert result.code in range(EXIT_PASS, EXIT_CHANGESET + 1), (result.code, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    if result.code >= EXIT_USAGE:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


HOSTILE_DIFFS = (
    b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -" + b"9" * 4301 + b" +1 @@\n+a\n",
    b"diff --git a/x b/y\nsimilarity index \xc2\xb3%\nrename from x\nrename to y\n",
    b"\n<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n",
)


@pytest.mark.parametrize("diff", [*HOSTILE_DIFFS, *mutants(SMALL_DIFF, test_diffs.TOKENS, 1)])
def test_diff_files(tmp_path: Path, diff: bytes) -> None:
    workspace(tmp_path)
    (tmp_path / "change.diff").write_bytes(diff)
    (tmp_path / "policy.yml").write_text(RICH_POLICY)
    assert_clean(run_cli("check", "--diff-file", "change.diff", "--policy", "policy.yml",
                         "--format", "json", cwd=tmp_path))


@pytest.mark.parametrize("policy", mutants(RICH_POLICY.encode(), (b"rules:", b"kind: "), 2))
def test_policy_files(tmp_path: Path, policy: bytes) -> None:
    workspace(tmp_path)
    (tmp_path / "change.diff").write_bytes(SMALL_DIFF)
    (tmp_path / "policy.yml").write_bytes(policy)
    assert_clean(run_cli("validate", "policy.yml", cwd=tmp_path))
    assert_clean(run_cli("check", "--diff-file", "change.diff", "--policy", "policy.yml",
                         cwd=tmp_path))


COVERAGE = test_coverage.cobertura({"src/app.py": {1: True, 2: False, 3: True}})


@pytest.mark.parametrize("report", [
    COVERAGE.replace(b'"1.0" ?>', b'"1.0" encoding="UTF-7" ?>'),
    COVERAGE.replace(b'"1.0" ?>', b'"1.0" encoding="Shift_JIS" ?>'),
    *mutants(COVERAGE, test_coverage.TOKENS, 3)])
def test_coverage_reports(tmp_path: Path, report: bytes) -> None:
    workspace(tmp_path)
    (tmp_path / "change.diff").write_bytes(SMALL_DIFF)
    (tmp_path / "coverage.xml").write_bytes(report)
    assert_clean(run_cli("check", "--diff-file", "change.diff", "--coverage", "coverage.xml",
                         cwd=tmp_path))


CASES = test_casefiles.POLICIES / "examples" / "changelog.test.yml"


@pytest.mark.parametrize("cases", [CASES.read_bytes(),
                                   *mutants(CASES.read_bytes(), test_casefiles.TOKENS, 4)])
def test_policy_test_files(tmp_path: Path, cases: bytes) -> None:
    (tmp_path / "changelog.test.yml").write_bytes(cases)
    (tmp_path / "changelog.yml").write_bytes(CASES.with_name("changelog.yml").read_bytes())
    assert_clean(run_cli("test", ".", cwd=tmp_path))


def _pull_request_repo(tmp_path: Path) -> tuple[Repo, str]:
    """A checkout of a pull request's head, its base on a bare origin, and a Git AI note on
    the head whose line range is as large as a number gets."""
    origin = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", str(origin))
    work = make_repo(tmp_path / "work")
    work.write("README.md", "hi\n")
    work.commit("base")
    work.git("remote", "add", "origin", str(origin))
    work.git("push", "-q", "origin", "main")
    work.git("checkout", "-q", "-b", "feature")
    work.write("src/app.py", "".join(f"x{i} = {i}\n" for i in range(30)))
    work.write(".gatekeeper.yml", "extends: gatekeeper:ai-aware\nai: {detectors: [notes]}\n")
    head = work.commit("feat: app")
    work.git("notes", "--ref", "refs/notes/ai", "add", "-m", note(
        {"src/app.py": {test_payloads.HEAD[:16]: "1-" + "9" * 5000}}).decode(), head)
    work.git("push", "-q", "origin", "feature", "refs/notes/ai")
    return work, head


def test_event_payloads(tmp_path: Path) -> None:
    work, head = _pull_request_repo(tmp_path)
    honest = json.loads(json.dumps(test_payloads.FIRST["pull_request"]))
    honest["pull_request"]["head"]["sha"] = head
    seed = json.dumps(honest).encode()
    for number, payload in enumerate([seed, *mutants(seed, test_payloads.TOKENS, 5)]):
        path = tmp_path / f"event-{number}.json"
        env = test_payloads.runner_env("pull_request", test_payloads.json_or_none(payload), path)
        path.write_bytes(payload)
        result = run_cli("check", "--format", "json", cwd=work.path, env=env)
        assert_clean(result)
        if number == 0:  # the honest payload is accepted: only the malformed note stops the run
            assert result.code == 2 and f"refs/notes/ai@{head[:12]}:2:1: " in result.stderr, \
                result.stderr
