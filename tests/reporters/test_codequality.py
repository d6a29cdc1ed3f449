"""The GitLab Code Quality report of real verdicts: shape, severities, locations, fingerprints
that stay the same on a rerun, several refs, hostile text, and `check --codequality`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import codequality, render_all, renderer
from tests.conftest import Repo, make_repo, run_cli

POLICY = """
rules:
  - {id: lines, kind: batch-size, max_effective_lines: 10}
  - {id: files, kind: batch-size, max_files: 1, enforce: false}
  - {id: subjects, kind: commits, subject_pattern: '^fix: ', severity: warning}
  - {id: roomy, kind: batch-size, max_files: 100}
"""
COVERAGE_POLICY = """
rules:
  - {id: tested, kind: patch-coverage, min: 90}
"""
SCHEMA = Path(__file__).parent.parent / "data" / "codequality" / "schema.json"
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
HOSTILE = ["src/new\nline.py", "src/ctl\x1b[31m\u202e%0A::error::x.py",
           "src/" + "d/" * 60 + "x" * 120 + ".py"]


def checked(repo: Repo, files: dict[str, str], policy: str = POLICY,
            coverage: tuple[str, ...] = ()) -> Verdict:
    """The verdict of ``policy`` on one commit that adds ``files``."""
    (repo.path / ".gatekeeper.yml").write_text(policy, encoding="utf-8")
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    for name, text in files.items():
        repo.write(name, text)
    repo.commit("feat: things")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base),
                                  coverage=coverage))


def schema_errors(issues: object) -> list[str]:
    """Every way ``issues`` breaks the schema of GitLab's documented fields (tests/data)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return sorted(e.message for e in Draft7Validator(schema).iter_errors(issues))


def issues_of(text: str) -> list[dict[str, Any]]:
    """The issues, each checked against GitLab's documented fields."""
    assert text.endswith("\n")
    issues = json.loads(text)
    assert isinstance(issues, list)
    assert schema_errors(issues) == []
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert set(issue["location"]) == {"path", "lines"}
        assert set(issue["location"]["lines"]) == {"begin"}
        assert issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith(("/", "./"))
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    return issues


CODE = "".join(f"x{i} = {i}\n" for i in range(12))


def test_the_schema_finds_what_gitlab_would_not_read() -> None:
    good = {"description": "d", "check_name": "c", "fingerprint": "f", "severity": "major",
            "location": {"path": "a.py", "lines": {"begin": 1}}}
    assert schema_errors([good]) == []
    assert schema_errors([{**good, "severity": "error"}]) == [
        "'error' is not one of ['info', 'minor', 'major', 'critical', 'blocker']"]
    assert schema_errors([{**good, "location": {"path": "a.py", "lines": {"begin": 0}}}]) == [
        "0 is less than the minimum of 1"]
    assert schema_errors([{k: v for k, v in good.items() if k != "fingerprint"}]) == [
        "'fingerprint' is a required property"]


def test_failures_warnings_and_report_only_results_become_issues(repo: Repo) -> None:
    issues = issues_of(renderer("codequality")(checked(repo, {"src/a.py": CODE,
                                                              "src/b.py": "y = 1\n"})))
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for issue in issues:
        by_rule.setdefault(issue["check_name"], []).append(issue)
    assert set(by_rule) == {"lines", "files", "subjects"}  # a passing rule has no issue
    # The enforced failure points at each file that drove it, at line 1.
    assert {(i["location"]["path"], i["location"]["lines"]["begin"], i["severity"])
            for i in by_rule["lines"]} == {("src/a.py", 1, "critical"),
                                           ("src/b.py", 1, "critical")}
    lines = next(i for i in by_rule["lines"] if i["location"]["path"] == "src/a.py")
    assert lines["description"].startswith("change set too large: effective lines 13 > 10")
    assert "[+12 -0]; fix: " in lines["description"]
    assert {i["severity"] for i in by_rule["files"]} == {"info"}
    assert all(i["description"].startswith("report-only: ") for i in by_rule["files"])
    # A rule that names no file points at the policy.
    [subjects] = by_rule["subjects"]
    assert subjects["severity"] == "minor" and subjects["description"].startswith("warning: ")
    assert subjects["location"] == {"path": ".gatekeeper.yml", "lines": {"begin": 1}}


def test_fingerprints_stay_the_same_on_a_rerun(tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):
        repo = make_repo(tmp_path / name)
        runs.append(issues_of(codequality.render(checked(repo, {"src/a.py": CODE}))))
    # Another clone has other commit ids (which messages may quote), but the same issues.
    assert [i["fingerprint"] for i in runs[0]] == [i["fingerprint"] for i in runs[1]]
    again = run_check(CheckOptions(repo_path=str(tmp_path / "two"),
                                   request=Request(base="HEAD~1")))
    assert issues_of(codequality.render(again)) == runs[1]


def test_uncovered_lines_are_the_locations(repo: Repo, tmp_path: Path) -> None:
    code = "".join(f"v{i} = {i}\n" for i in range(10))
    lcov = tmp_path / "cov.info"
    hits = "".join(f"DA:{n},{1 if n <= 3 or n == 6 else 0}\n" for n in range(1, 11))
    lcov.write_text(f"SF:src/c.py\n{hits}end_of_record\n", encoding="utf-8")
    verdict = checked(repo, {"src/c.py": code}, COVERAGE_POLICY, (str(lcov),))
    issues = issues_of(codequality.render(verdict))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == \
        [("src/c.py", 4), ("src/c.py", 7)]
    assert all(i["check_name"] == "tested" and i["severity"] == "critical" for i in issues)
    assert "[lines 4-5" in issues[0]["description"]
    assert "[lines 7-10" in issues[1]["description"]


def test_nothing_failing_is_an_empty_array(repo: Repo) -> None:
    # A passing verdict with a warning still has an issue; one with nothing to say has none.
    warned = checked(repo, {"src/a.py": "x = 1\n"})
    assert warned.passed and [i["check_name"] for i in issues_of(codequality.render(warned))] \
        == ["subjects"]
    passing = checked(make_repo(repo.path.parent / "quiet"), {"src/a.py": "x = 1\n"},
                      "rules:\n  - {id: roomy, kind: batch-size, max_files: 100}\n")
    assert passing.passed and codequality.render(passing) == "[]\n"
    assert render_all("codequality", [], "pre-push") == "[]\n"


def test_hostile_paths_stay_exact_and_descriptions_stay_plain(repo: Repo) -> None:
    files = {name: "x = 1\n" for name in HOSTILE}
    policy = "rules:\n  - {id: banned, kind: forbidden-paths, paths: ['src/**']}\n"
    text = codequality.render(checked(repo, files, policy))
    # JSON escapes every control character: the document is one line per JSON token.
    assert "\x1b" not in text and "\u202e" not in text
    assert all(line.isprintable() for line in text.splitlines())
    issues = issues_of(text)
    paths = {i["location"]["path"] for i in issues}
    assert paths == set(HOSTILE)  # exact, so that GitLab links each issue to its file
    for issue in issues:
        assert issue["description"].isprintable()  # bidi and escape characters are shown
    # The message names the paths, with each dangerous character as a visible escape.
    assert all("src/ctl\\x1b[31m\\u202e%0A::error::x.py" in i["description"]
               and "src/new\\nline.py" in i["description"] for i in issues)
    assert all(len(i["description"]) <= codequality.DESCRIPTION for i in issues)


def test_a_coverage_rule_with_many_ranges_is_cut(repo: Repo, tmp_path: Path) -> None:
    lcov = tmp_path / "cov.info"
    lines = 2 * (codequality.LOCATIONS + 5)
    hits = "".join(f"DA:{n},{n % 2}\n" for n in range(1, lines + 1))
    lcov.write_text(f"SF:src/c.py\n{hits}end_of_record\n", encoding="utf-8")
    code = "".join(f"v{i} = {i}\n" for i in range(lines))
    issues = issues_of(codequality.render(checked(repo, {"src/c.py": code}, COVERAGE_POLICY,
                                                  (str(lcov),))))
    assert len(issues) == codequality.LOCATIONS + 1
    assert "and 5 more places (all in the JSON report)" in issues[-1]["description"]
    assert issues[-1]["location"]["path"] == ".gatekeeper.yml"


def test_several_refs_give_one_array_with_unique_fingerprints(tmp_path: Path) -> None:
    # Two refs with different heads: the same rule on the same file is an issue of each.
    verdicts = [checked(make_repo(tmp_path / name), {"src/a.py": CODE + f"# {name}\n"})
                for name in "ab"]
    one = issues_of(codequality.render(verdicts[0]))
    both = issues_of(render_all("codequality", verdicts, "pre-push"))
    assert len(both) == 2 * len(one)


def test_check_writes_the_report_and_prints_it(repo: Repo, tmp_path: Path) -> None:
    (repo.path / ".gatekeeper.yml").write_text(POLICY, encoding="utf-8")
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/a.py", CODE)
    repo.commit("feat: a")
    report = tmp_path / "gl-code-quality-report.json"
    written = run_cli("check", "--base", base, "--codequality", str(report), cwd=repo.path)
    assert written.code == 1, written.stderr
    printed = run_cli("check", "--base", base, "--format", "codequality", cwd=repo.path)
    assert printed.code == 1, printed.stderr
    assert report.read_text(encoding="utf-8") == printed.stdout
    assert {i["check_name"] for i in issues_of(printed.stdout)} == {"lines", "subjects"}
