"""JUnit suites named after what they checked, and warnings and report-only failures shown as
skipped cases with their reason, so a test report shows them without failing the job."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import junit, render_all
from tests.conftest import Repo, make_repo
from tests.reporters.test_reports import junit_xsd  # noqa: F401  (the fixture)

POLICY = """
rules:
  - {id: lines, kind: batch-size, max_effective_lines: 10}
  - {id: files, kind: batch-size, max_files: 1, enforce: false}
  - {id: subjects, kind: commits, subject_pattern: '^fix: ', severity: warning}
  - {id: roomy, kind: batch-size, max_files: 100}
  - {id: web, kind: batch-size, max_files: 1, when: {paths: "web/**"}}
"""


def checked(repo: Repo, extra: str = "") -> Verdict:
    """The verdict of POLICY on a commit adding two files."""
    (repo.path / ".gatekeeper.yml").write_text(POLICY, encoding="utf-8")
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/a.py", "".join(f"x{i} = {i}\n" for i in range(12)) + extra)
    repo.write("src/b.py", "y = 1\n")
    repo.commit("feat: things")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base)))


def cases(xml: str) -> dict[str, ET.Element]:
    """Each testcase of the report by rule id."""
    return {case.get("name", ""): case for case in ET.fromstring(xml).iter("testcase")}


def test_each_suite_is_named_after_what_it_checked(tmp_path: Path) -> None:
    verdicts = [checked(make_repo(tmp_path / name), f"# {name}\n") for name in "ab"]
    names = [suite.get("name") for suite in
             ET.fromstring(render_all("junit", verdicts, "pre-push")).iter("testsuite")]
    revisions = [v.facts.changeset.revisions for v in verdicts]
    assert names == [f"gatekeeper: {(r.base_sha or '')[:12]}..{(r.head_sha or '')[:12]}"
                     for r in revisions]
    assert len(set(names)) == 2
    # A pushed ref is named by its ref.
    pushed = replace(verdicts[0], facts=replace(
        verdicts[0].facts, changeset=replace(verdicts[0].facts.changeset,
                                             revisions=replace(revisions[0],
                                                               name="refs/heads/\nfeat"))))
    suite = ET.fromstring(junit.render(pushed)).find("testsuite")
    assert suite is not None and suite.get("name") == "gatekeeper: refs/heads/\\nfeat"


def test_warnings_and_report_only_failures_are_skipped_with_their_reason(
        repo: Repo, junit_xsd: Path) -> None:  # noqa: F811
    import xmlschema

    xml = junit.render(checked(repo))
    xmlschema.XMLSchema(str(junit_xsd)).validate(xml)
    found = cases(xml)
    assert found["lines"].find("failure") is not None
    report_only = found["files"].find("skipped")
    assert report_only is not None and found["files"].find("failure") is None
    assert report_only.get("message", "").startswith("report-only: files 2 > 1")
    assert "report-only: this rule does not block" in (report_only.text or "")
    warning = found["subjects"].find("skipped")
    assert warning is not None and warning.get("message", "").startswith("warning: ")
    # A rule that did not apply keeps its own wording; a pass has neither.
    not_applied = found["web"].find("skipped")
    assert not_applied is not None and not_applied.get("message", "").startswith("skipped: ")
    assert found["roomy"].find("skipped") is None and found["roomy"].find("failure") is None
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "3")
