"""The SARIF report: real verdicts, validated against the OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from jsonschema import Draft4Validator

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.policy.sources import PolicySource
from gatekeeper.reporters import render_all, renderer, sarif
from gatekeeper.rules.findings import Detail, Status
from tests.conftest import Repo, make_repo, run_cli

SCHEMA = Path(__file__).parent.parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
POLICY = """
rules:
  - {id: lines, kind: batch-size, max_effective_lines: 4}
  - {id: files, kind: batch-size, max_files: 1, enforce: false}
  - {id: commits, kind: batch-size, max_commits: 0, severity: warning}
  - {id: legacy, kind: forbidden-paths, paths: ["legacy/**"],
     remediation: "move it out of legacy/"}
  - {id: vendor, kind: forbidden-paths, paths: ["vendor/**"]}
  - {id: raw, kind: batch-size, max_raw_lines: 1, waivers: {trailer: true}}
  - {id: tested, kind: patch-coverage, min: 90, description: "changed lines are tested"}
  - {id: roomy, kind: batch-size, max_files: 100}
exceptions:
  - {rule: vendor, paths: ["vendor/**"], reason: "vendored until the fork lands",
     expires: 2099-01-01}
"""
LCOV = "SF:src/app.py\nDA:1,1\nDA:2,0\nDA:3,0\nDA:5,0\nend_of_record\n"
HOSTILE = "src/a b%41:x#y?z[l](https:evil.example)\n::error::x\x1b[31m\u202e.py"


class Validator:
    """The SARIF 2.1.0 schema (JSON Schema draft 4), as OASIS publishes it."""

    def __init__(self, schema: dict[str, Any]) -> None:
        Draft4Validator.check_schema(schema)
        self.checker = Draft4Validator(schema)

    def errors(self, document: object) -> list[str]:
        """Every way ``document`` breaks the schema, as the validator words it."""
        return sorted(error.message for error in self.checker.iter_errors(document))


@pytest.fixture(scope="module")
def validator() -> Validator:
    """A validator of the schema kept with the tests."""
    return Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def checked(repo: Repo, extra: str = "src/app.py") -> Verdict:
    """A failing verdict with every kind of shown result: fail, report-only, warn, excepted,
    waived and uncovered lines, plus a pass."""
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/app.py", "".join(f"x{i} = {i}\n" for i in range(5)))
    repo.write("legacy/old.py", "y = 1\n")
    repo.write("vendor/lib.py", "z = 1\n")
    if extra != "src/app.py":
        repo.write(extra, "w = 1\n")
    repo.commit("feat: things\n\nGatekeeper-Waive: raw: a one-off import\n")
    (repo.path / ".gatekeeper.yml").write_text(POLICY, encoding="utf-8")
    (repo.path / "lcov.info").write_text(LCOV, encoding="utf-8")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base),
                                  coverage=(str(repo.path / "lcov.info"),)))


def log_of(verdict: Verdict, validator: Validator) -> dict[str, Any]:
    """The SARIF log of ``verdict``, after checking it against the schema."""
    document: dict[str, Any] = json.loads(renderer("sarif")(verdict))
    assert validator.errors(document) == []
    return document


def test_the_validator_finds_what_breaks_the_schema(validator: Validator) -> None:
    broken = {"version": "2.0", "runs": [{"tool": {"driver": {}}, "results": [
        {"message": {"text": "x"}, "level": "fatal", "bogus": 1,
         "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]}
    errors = "\n".join(validator.errors(broken))
    for problem in ("'2.0' is not one of", "'name' is a required property",
                    "'fatal' is not one of", "('bogus' was unexpected)",
                    "0 is less than the minimum of 1"):
        assert problem in errors


def test_a_failing_verdict(repo: Repo, validator: Validator) -> None:
    verdict = checked(repo)
    log = log_of(verdict, validator)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gatekeeper" and "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == [r.rule_id for r in verdict.results]
    rules = {r["id"]: r for r in driver["rules"]}
    assert rules["legacy"]["help"] == {"text": "move it out of legacy/"}
    assert rules["tested"]["shortDescription"] == {"text": "changed lines are tested"}
    assert rules["tested"]["fullDescription"]["text"].startswith("changed lines are tested: ")
    assert rules["files"]["defaultConfiguration"] == {"level": "warning"}  # report-only
    by_id = {r["ruleId"]: r for r in run["results"]}
    assert {k: r["level"] for k, r in by_id.items()} == {
        "lines": "error", "files": "warning", "commits": "warning", "legacy": "error",
        "vendor": "note", "raw": "note", "tested": "error"}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"], result
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1
    assert "suppressions" not in by_id["lines"]
    [waiver] = by_id["raw"]["suppressions"]
    assert (waiver["kind"], waiver["status"]) == ("external", "accepted")
    assert waiver["justification"].startswith("waived by trailer")
    assert waiver["justification"].endswith(": a one-off import")
    assert by_id["vendor"]["suppressions"][0]["justification"] == \
        "exception until 2099-01-01: vendored until the fork lands"
    assert "report-only" in by_id["files"]["message"]["text"]
    assert run["invocations"][0] == {"executionSuccessful": True, "exitCode": 1}
    assert run["properties"]["verdict"] == "fail" and "cut" not in run["properties"]


def test_locations_come_from_details_then_files_then_the_policy(repo: Repo,
                                                                validator: Validator) -> None:
    verdict = checked(repo)
    run = log_of(verdict, validator)["runs"][0]
    by_id = {r["ruleId"]: r for r in run["results"]}

    def spots(rule_id: str) -> list[tuple[str, int, int]]:
        found = []
        for location in by_id[rule_id]["locations"]:
            physical = location["physicalLocation"]
            region = physical["region"]
            found.append((physical["artifactLocation"]["uri"], region["startLine"],
                          region.get("endLine", region["startLine"])))
        return found

    assert spots("tested") == [("src/app.py", 2, 3), ("src/app.py", 5, 5)]  # uncovered lines
    assert spots("legacy") == [("legacy/old.py", 1, 1)]  # the first forbidden file
    assert spots("vendor") == [(".gatekeeper.yml", 1, 1)]  # the exception set its file aside


def test_the_policy_path_is_never_absolute() -> None:
    def source(path: str | None, builtin: bool = False) -> PolicySource:
        return PolicySource(path, builtin, "policy")

    assert sarif.policy_path(source("ci/policy.yml")) == "ci/policy.yml"
    assert sarif.policy_path(source("./ci/../p.yml")) == "p.yml"
    for outside in ("/etc/policy.yml", "../up.yml", "C:\\p.yml"):
        assert sarif.policy_path(source(outside)) == ".gatekeeper.yml"
    assert sarif.policy_path(source(None, builtin=True)) == ".gatekeeper.yml"


def test_fingerprints_are_the_same_for_the_same_change(tmp_path: Path,
                                                       validator: Validator) -> None:
    first = checked(make_repo(tmp_path / "one"))
    base = first.facts.changeset.revisions.base_sha
    again = run_check(CheckOptions(repo_path=str(tmp_path / "one"), request=Request(base=base),
                                   coverage=(str(tmp_path / "one" / "lcov.info"),)))
    assert renderer("sarif")(again) == renderer("sarif")(first)  # nothing run-specific
    other = checked(make_repo(tmp_path / "two"))  # the same change, made again elsewhere
    prints = [[r["partialFingerprints"] for r in log_of(v, validator)["runs"][0]["results"]]
              for v in (first, other)]
    assert prints[0] == prints[1]
    assert len({json.dumps(p) for p in prints[0]}) == len(prints[0])  # one per result


def test_hostile_paths_are_encoded_and_messages_escaped(repo: Repo,
                                                        validator: Validator) -> None:
    path = "legacy/" + HOSTILE.removeprefix("src/")  # the first forbidden file: before old.py
    verdict = checked(repo, extra=path)
    text = renderer("sarif")(verdict)
    assert "\x1b" not in text and "\u202e" not in text and "](https:evil" not in text
    run = log_of(verdict, validator)["runs"][0]
    legacy = next(r for r in run["results"] if r["ruleId"] == "legacy")
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in legacy["locations"]]
    assert len(uris) == 1 and unquote_to_bytes(uris[0]) == path.encode()
    assert not set(" :#?[]()\n\x1b") & set(uris[0]) and "%2541" in uris[0]
    assert sarif.uri("a\udcff.py") == "a%FF.py"  # a non-UTF-8 byte keeps its value
    assert sarif.text("[x](https://evil.example)") == "[x] (https://evil.example)"


def test_the_limits_cut_the_least_important_first(repo: Repo, validator: Validator,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = checked(repo)
    tested = next(r for r in verdict.results if r.rule_id == "tested")
    many = Detail("src/app.py", tuple((n, n) for n in range(1, 400, 2)))
    results = tuple(replace(r, details=(many,)) if r is tested else r for r in verdict.results)
    verdict = replace(verdict, results=results)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    run = log_of(verdict, validator)["runs"][0]
    # Blocking failures stay, in policy order; report-only, warnings and waivers go.
    assert [r["ruleId"] for r in run["results"]] == ["lines", "legacy", "tested"]
    coverage = run["results"][2]
    assert len(coverage["locations"]) == sarif.MAX_LOCATIONS
    assert coverage["properties"]["locationsCut"] == 100
    cuts = run["properties"]["cut"]
    assert cuts[0] == "100 locations beyond 100 a result"
    assert cuts[1].startswith("4 results, least important first")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning", "warning"]
    assert len(run["tool"]["driver"]["rules"]) == len(verdict.results)  # rules all stay


def test_the_size_limit_cuts_results(repo: Repo, validator: Validator,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = checked(repo)
    monkeypatch.setattr(sarif, "MAX_BYTES", sarif._BASE_BYTES + 1800)
    run = log_of(verdict, validator)["runs"][0]
    kept = [r["ruleId"] for r in run["results"]]
    assert kept and set(kept) <= {"lines", "legacy", "tested"}
    assert any("results, least important first" in cut for cut in run["properties"]["cut"])
    assert any("rule descriptions" in cut for cut in run["properties"]["cut"])


def test_a_passing_verdict_has_rules_and_no_results(repo: Repo, validator: Validator) -> None:
    verdict = checked(repo)
    passing = replace(verdict, passed=True, results=tuple(
        replace(r, status=Status.PASS) for r in verdict.results))
    run = log_of(passing, validator)["runs"][0]
    assert run["results"] == [] and len(run["tool"]["driver"]["rules"]) == 8
    assert run["invocations"][0]["exitCode"] == 0


def test_several_verdicts_and_none(repo: Repo, validator: Validator) -> None:
    verdict = checked(repo)
    named = replace(verdict, facts=replace(verdict.facts, changeset=replace(
        verdict.facts.changeset, revisions=replace(verdict.facts.changeset.revisions,
                                                   name="refs/heads/main"))))
    log = json.loads(render_all("sarif", [named, named], "pre-push"))
    assert validator.errors(log) == []
    ids = [r["automationDetails"]["id"] for r in log["runs"]]
    assert ids == ["gatekeeper/refs/heads/main/"] * 2
    empty = json.loads(render_all("sarif", [], "pre-push"))
    assert validator.errors(empty) == [] and empty["runs"][0]["results"] == []


def test_check_writes_the_same_report_with_sarif(repo: Repo, tmp_path: Path) -> None:
    verdict = checked(repo)
    report = tmp_path / "gatekeeper.sarif"
    run = run_cli("check", "--base", repo.git("rev-parse", "HEAD~1"), "--coverage",
                  str(repo.path / "lcov.info"), "--sarif", str(report), cwd=repo.path)
    assert run.code == 1, run.stderr
    assert report.read_text(encoding="utf-8") == sarif.render(verdict)
    out = run_cli("check", "--base", repo.git("rev-parse", "HEAD~1"), "--coverage",
                  str(repo.path / "lcov.info"), "--format", "sarif", cwd=repo.path)
    assert out.stdout == sarif.render(verdict)
