"""One verdict, every sink: a real pre-push of two refs whose results cover every outcome (pass,
fail, warning, report-only, waived, excepted, not applicable), rendered in every registered
format, each of which must name the rules that failed or warned and no others as failed."""

from __future__ import annotations

import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run
from gatekeeper.reporters import FORMATS, render_all
from gatekeeper.rules.findings import Status
from tests.conftest import GIT_ENV, numbered, with_origin

POLICY = """\
version: 1
rules:
  - {id: size-ok, kind: batch-size, max_files: 50}
  - {id: too-many-lines, kind: batch-size, max_effective_lines: 30}
  - {id: many-files, kind: batch-size, max_files: 2, severity: warning}
  - {id: trial-size, kind: batch-size, max_effective_lines: 20, enforce: false}
  - {id: one-commit, kind: batch-size, max_commits: 1, waivers: {trailer: true}}
  - {id: legacy-lines, kind: batch-size, max_effective_lines: 25}
  - {id: patch-tests, kind: patch-coverage, min: 80}
  - {id: signed, kind: commits, required_trailers: [Signed-off-by]}
  - {id: subject-style, kind: commits, subject_pattern: '^(feat|fix): ', severity: warning}
exceptions:
  - rule: legacy-lines
    paths: ["legacy/**"]
    reason: "legacy/ goes away in the rewrite"
    expires: 2099-12-31
"""
TODAY = datetime.date(2030, 1, 1)
"""Well before the exception expires, whatever day the tests run."""
SIGNED = "\n\nSigned-off-by: Ada <ada@example.com>"
ZERO = "0" * 40

EXPECTED = {
    "size-ok": (Status.PASS, True),
    "too-many-lines": (Status.FAIL, True),
    "many-files": (Status.WARN, True),
    "trial-size": (Status.FAIL, False),  # report-only: fails, never blocks
    "one-commit": (Status.WAIVED, True),
    "legacy-lines": (Status.EXCEPTED, True),
    "patch-tests": (Status.NOT_APPLICABLE, True),  # no coverage report was given
    "signed": (Status.FAIL, True),  # a failure with no file of its own to point at
    "subject-style": (Status.WARN, True),
}
"""The big ref's outcome for each rule: (status, enforced)."""
BLOCKING = {"too-many-lines", "signed"}
FLAGGED = {"too-many-lines", "many-files", "trial-size", "signed", "subject-style"}
"""The rules that failed or warned, report-only included: every report must name them."""
SUMMARY_ONLY = {"dotenv", "github-output"}
"""Formats that carry the verdict's summary for a CI job's variables, and no rule ids."""


@dataclass(frozen=True)
class Push:
    """The verdicts of one pre-push run: a failing ref and a passing one, and the context."""

    verdicts: tuple[Verdict, ...]
    context: str

    @property
    def failing(self) -> Verdict:
        """The big ref's verdict, which has every outcome."""
        return self.verdicts[0]

    @property
    def passing(self) -> Verdict:
        """The small ref's verdict, which passes."""
        return self.verdicts[1]


@pytest.fixture(scope="module")
def push(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Push]:
    """A real pre-push of two new branches to a bare origin, judged per push."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_ENV.items():  # in-process git needs the pinned identity too
            patch.setenv(key, value)
        work, _ = with_origin(tmp_path_factory.mktemp("sinks"))
        work.write(".gatekeeper.yml", POLICY)
        base = work.commit("chore: policy")
        work.git("push", "-q", "origin", "main")
        work.git("checkout", "-q", "-b", "big")
        work.write("src/app.py", numbered(10, "a ="))
        work.write("legacy/old.py", numbered(30, "o ="))
        work.commit("wip app and legacy" + SIGNED)  # a subject the pattern refuses
        work.write("src/more.py", "m = 1\n")
        big = work.commit("feat: more\n\nGatekeeper-Waive: one-commit: two steps of one change")
        work.git("checkout", "-q", "-b", "small", base)
        work.write("src/tiny.py", "t = 1\n")
        small = work.commit("fix: tiny" + SIGNED)
        stdin = (f"refs/heads/big {big} refs/heads/big {ZERO}\n"
                 f"refs/heads/small {small} refs/heads/small {ZERO}\n")
        outcome = run(CheckOptions(repo_path=str(work.path),
                                   request=Request(ci="pre-push", remote="origin")),
                      today=TODAY, env={"GATEKEEPER_PUSH_RANGE": "push"},
                      stdin=io.StringIO(stdin))
    yield Push(outcome.verdicts, outcome.context)


# -- what each format names as a blocking failure, read the way its consumer reads it --------


def _json_reports(text: str) -> list[dict[str, Any]]:
    report = json.loads(text)
    return report["reports"] if report["schema"] == "gatekeeper-report-list" else [report]


def _json(text: str) -> set[str]:
    return {r["rule_id"] for report in _json_reports(text) for r in report["results"]
            if r["status"] == "fail" and r["blocking"]}


def _junit(text: str) -> set[str]:
    root = ET.fromstring(text)
    return {case.attrib["name"] for case in root.iter("testcase")
            if case.find("failure") is not None or case.find("error") is not None}


def _sarif(text: str) -> set[str]:
    log = json.loads(text)
    assert log["version"] == "2.1.0"
    return {r["ruleId"] for run_ in log["runs"] for r in run_["results"] if r["level"] == "error"}


def _codequality(text: str) -> set[str]:
    issues = json.loads(text)
    assert isinstance(issues, list)
    return {i["check_name"] for i in issues if i["severity"] in ("blocker", "critical")}


def _lines(pattern: str) -> Callable[[str], set[str]]:
    compiled = re.compile(pattern, re.MULTILINE)
    return lambda text: set(compiled.findall(text))


FAILED: dict[str, Callable[[str], set[str]]] = {
    "console": _lines(r"^FAIL  (\S+) \["),
    "explain": _lines(r"^(\S+) \([^)\n]*\): FAIL$"),
    "markdown": _lines(r"^\| \S+ FAIL \| `([^`]+)` \|"),
    "github": _lines(r"^::error [^\n]*title=gatekeeper/([^,:\n]+)::"),
    "json": _json,
    "junit": _junit,
    "sarif": _sarif,
    "codequality": _codequality,
}
"""For each format with rule ids: the ids it presents as failures that fail the check."""


def _summary(text: str, separator: str) -> dict[str, str]:
    pairs = (line.split(separator, 1) for line in text.splitlines() if line)
    return {key: value for key, value in pairs}


def test_the_push_covers_every_outcome(push: Push) -> None:
    assert push.context == "pre-push hook to origin"
    assert [v.facts.changeset.revisions.name for v in push.verdicts] == [
        "refs/heads/big", "refs/heads/small"]
    failing = {r.rule_id: (r.status, r.enforced) for r in push.failing.results}
    assert failing == EXPECTED
    assert {r.rule_id for r in push.failing.results if r.blocking} == BLOCKING
    assert {r.rule_id for r in push.failing.results
            if r.status in (Status.FAIL, Status.WARN)} == FLAGGED
    assert push.failing.exit_code == 1 and push.passing.exit_code == 0
    assert not [r for r in push.passing.results if r.status in (Status.FAIL, Status.WARN)]


def test_every_registered_format_is_checked_here() -> None:
    # A new sink must say here how it names a failure, or that it only carries the summary.
    assert set(FORMATS) == set(FAILED) | SUMMARY_ONLY


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("refs", ["one ref", "two refs"])
def test_every_format_names_each_failing_or_warning_rule(push: Push, name: str,
                                                         refs: str) -> None:
    verdicts = push.verdicts if refs == "two refs" else push.verdicts[:1]
    text = render_all(name, verdicts, push.context)
    if name == "dotenv":
        # GitLab's dotenv artifact carries the result and review tier for later jobs, no ids.
        assert _summary(text, "=")["GATEKEEPER_RESULT"] == "fail"
        return
    if name == "github-output":
        # Step outputs are a fixed set of names; the failures are a count (blocking ones only).
        outputs = _summary(text, "=")
        assert (outputs["verdict"], outputs["exit-code"]) == ("fail", "1")
        assert outputs["failed-rules"] == str(len(BLOCKING))
        return
    missing = sorted(rule for rule in FLAGGED if rule not in text)
    assert not missing, f"{name} does not name {missing}"
    # Parsing happens in the extractor; waived, excepted, report-only and N/A are no failures.
    assert FAILED[name](text) == BLOCKING


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_passing_verdict_names_no_rule_as_failed(push: Push, name: str) -> None:
    text = render_all(name, [push.passing], push.context)
    if name == "dotenv":
        assert _summary(text, "=")["GATEKEEPER_RESULT"] == "pass"
        return
    if name == "github-output":
        outputs = _summary(text, "=")
        assert (outputs["verdict"], outputs["failed-rules"]) == ("pass", "0")
        return
    assert FAILED[name](text) == set()


def test_two_refs_stay_apart_in_the_structured_formats(push: Push) -> None:
    reports = _json_reports(render_all("json", push.verdicts, push.context))
    assert [r["verdict"] for r in reports] == ["fail", "pass"]
    suites = ET.fromstring(render_all("junit", push.verdicts, push.context)).iter("testsuite")
    assert [s.attrib["failures"] for s in suites] == [str(len(BLOCKING)), "0"]
    runs = json.loads(render_all("sarif", push.verdicts, push.context))["runs"]
    assert [{r["ruleId"] for r in run_["results"] if r["level"] == "error"}
            for run_ in runs] == [BLOCKING, set()]
    issues = json.loads(render_all("codequality", push.verdicts, push.context))
    assert all(i["description"].startswith("refs/heads/big: ") for i in issues)
