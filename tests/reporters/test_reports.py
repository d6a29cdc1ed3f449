"""Console, JSON and JUnit reports of real verdicts; JUnit is checked against junit-10.xsd."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import FORMATS, ManyReportFormat, ReportFormat, load, renderer
from tests.conftest import Repo


@pytest.fixture(scope="session")
def junit_xsd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """junit-10.xsd as shipped in the pytest sdist of the installed pytest version."""
    where = tmp_path_factory.mktemp("xsd")
    version = pytest.__version__
    download = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "-d", str(where), f"pytest=={version}"],
        capture_output=True, text=True)
    archives = list(where.glob("pytest-*.tar.gz"))
    if download.returncode != 0 or not archives:
        pytest.skip(f"could not download the pytest sdist for junit-10.xsd: {download.stderr}")
    with tarfile.open(archives[0]) as tar:
        member = next(m for m in tar.getmembers()
                      if m.name.endswith("testing/example_scripts/junit-10.xsd"))
        data = tar.extractfile(member)
        assert data is not None
        target = where / "junit-10.xsd"
        target.write_bytes(data.read())
    return target


def verdict_for(repo: Repo, policy: str | None = None) -> Verdict:
    """The verdict of ``policy`` on a change of awkward files and a signed commit."""
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/api/a.py", "".join(f"x{i} = {i}\n" for i in range(30)))
    repo.write("src/ui/b.ts", "".join(f"let y{i} = {i};\n" for i in range(20)))
    repo.write("package-lock.json", "{}\n" * 500)
    repo.write("notes & <stuff>.md", "quote \" and ]]> and \x1b escape\n")
    repo.commit("feat: add things\n\nBody text.\n\nSigned-off-by: Ada <ada@example.com>")
    if policy:
        (repo.path / ".gatekeeper.yml").write_text(policy, encoding="utf-8")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base)))


FAILING = """
rules:
  - {id: lines, kind: batch-size, max_effective_lines: 40}
  - {id: files, kind: batch-size, max_files: 10, severity: warning}
  - {id: commits, kind: batch-size, max_commits: 0, severity: warning}
"""


def test_json_report_shape(repo: Repo) -> None:
    verdict = verdict_for(repo, FAILING)
    report = json.loads(renderer("json")(verdict))
    assert report["schema"] == "gatekeeper-report" and report["version"] == 1
    assert report["verdict"] == "fail" and report["exit_code"] == 1
    by_id = {r["rule_id"]: r for r in report["results"]}
    assert by_id["lines"]["status"] == "fail"
    assert (by_id["lines"]["measured"], by_id["lines"]["limit"]) == (51, 40)
    assert by_id["files"]["status"] == "pass"
    assert by_id["commits"]["status"] == "warn"
    totals = report["changeset"]["totals"]
    assert totals["raw"] == {"files": 4, "added": 551, "deleted": 0, "changed": 551}
    assert totals["effective"]["changed"] == 51 and totals["excluded"] == {"lockfile": 1}
    files = {f["path"]: f for f in report["changeset"]["files"]}
    lock = files["package-lock.json"]
    assert lock["classification"] == ["lockfile"] and lock["effective"] is False
    assert set(files["src/api/a.py"]) >= {"path", "old_path", "status", "added", "deleted",
                                          "binary", "classification"}
    assert files["src/api/a.py"]["hunks"][0]["added"] == [[1, 30]]
    commit = report["changeset"]["commits"][0]
    assert commit["subject"] == "feat: add things"
    assert commit["trailers"] == [{"key": "Signed-off-by", "value": "Ada <ada@example.com>"}]
    assert report["revisions"]["base_reason"] == "given with --base"


def test_console_report_puts_the_verdict_first(repo: Repo) -> None:
    text = renderer("console")(verdict_for(repo, FAILING))
    lines = text.splitlines()
    assert lines[0] == "gatekeeper: FAIL - 1 of 3 rules failed"
    assert "effective 3 files, +51 -0" in text and "1 lockfile" in text
    assert "FAIL  lines [error]  change set too large: effective lines 51 > 40" in text
    assert "      src/api/a.py (+30 -0)" in text
    assert "fix: split out src/api/ (30 lines)" in text
    assert "WARN  commits [warning]" in text


def test_junit_validates_against_the_schema(repo: Repo, junit_xsd: Path) -> None:
    import xmlschema

    xml = renderer("junit")(verdict_for(repo, FAILING))
    schema = xmlschema.XMLSchema(str(junit_xsd))
    schema.validate(xml)
    tree = cast("dict[str, Any]", schema.to_dict(xml))
    suite = tree["testsuite"][0]
    assert (suite["@tests"], suite["@failures"]) == ("3", "1")
    cases = {c["@name"]: c for c in suite["testcase"]}
    failure = cases["lines"]["failure"][0]
    assert "effective lines 51 > 40" in failure["@message"]
    assert "fix: split out" in failure["@message"]
    assert "failure" not in cases["files"]


def test_junit_marks_an_empty_change_set_as_skipped(repo: Repo, junit_xsd: Path) -> None:
    import xmlschema

    repo.write("a.txt", "a\n")
    repo.commit("only")
    verdict = run_check(CheckOptions(repo_path=str(repo.path), request=Request(base="HEAD")))
    assert verdict.passed and verdict.nothing_to_check
    xml = renderer("junit")(verdict)
    xmlschema.XMLSchema(str(junit_xsd)).validate(xml)
    assert "<skipped" in xml and "nothing to check" in xml
    assert renderer("console")(verdict).startswith("gatekeeper: PASS - nothing to check")


def test_every_registered_format_renders(repo: Repo) -> None:
    verdict = verdict_for(repo)
    for name in FORMATS:
        assert renderer(name)(verdict).strip()


def test_every_registered_format_has_the_shape_of_a_report_format() -> None:
    many = {name for name in FORMATS if isinstance(load(name), ManyReportFormat)}
    assert all(isinstance(load(name), ReportFormat) for name in FORMATS)
    assert many == {"json", "junit", "markdown", "dotenv", "github-output", "codequality", "sarif"}


def test_explain_names_the_authors_the_verdict_carries(repo: Repo) -> None:
    verdict = verdict_for(repo)
    assert verdict.authors
    line = f"author: {', '.join(verdict.authors)}"
    assert line in renderer("explain")(verdict)
    assert "author: unknown" in renderer("explain")(replace(verdict, authors=()))


@pytest.mark.parametrize("text", ["plain", "caf\u00e9 \u4e2d", "lone \ud800 in caf\u00e9",
                                  "\udfff", "pair \U0001f600 and lone \udc80"])
def test_json_is_valid_utf8_and_reads_back_as_written(text: str) -> None:
    """A lone surrogate is written as its escape, whether or not the rest is ASCII; text
    without one is written as it is."""
    from gatekeeper.reporters.json_report import _valid_utf8
    from gatekeeper.reporters.jsontext import joined, text_of

    out = _valid_utf8(text_of(joined({"t": text})))
    out.encode("utf-8")
    assert json.loads(out) == {"t": text}
    has_lone = any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    assert (out == json.dumps({"t": text}, ensure_ascii=False, separators=(",", ":"))) \
        is not has_lone
