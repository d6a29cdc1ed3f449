"""The GitLab CI templates, run for real by gitlab-ci-local with their default install."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BATCH_POLICY, GIT_ENV
from tests.gitlab_ci import (
    BIG,
    CLASSIC,
    COMPONENT,
    JOB,
    KINDS,
    SMALL,
    JobRun,
    Project,
    Server,
    build_project,
    checkout,
    gitlab_ci_local,
    includes,
    run_job,
    serve_gatekeeper,
)
from tests.reporters.test_codequality import schema_errors
from tests.reporters.test_reports import junit_xsd  # noqa: F401  (the fixture)

POLICY = BATCH_POLICY
READER = "review-tier"
# A later job reads the review tier from the dotenv report; `when: always` lets it run, and
# show what it receives, after gatekeeper failed too.
READER_JOB = """
review-tier:
  stage: deploy
  needs: [gatekeeper]
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      when: always
  script:
    - env | grep -E '^GATEKEEPER_(RESULT|REVIEW_|AI_)' | sort
"""
# The tier's second owner is valid e-mail syntax, and what a dotenv file must not pass on as it
# is: `$` would be expanded in the later job, and `#` starts a comment for some readers.
TIERED_POLICY = BATCH_POLICY + """\
review:
  tiers:
    - {name: light}
    - name: deep review
      approvals: 2
      owners: ["@acme/leads", "lead$GATEKEEPER_PACKAGE#1@example.com"]
  rules:
    - id: more-than-three-lines
      tier: deep review
      when: {size: {measure: effective_lines, over: 3}}
"""
MERGE_REQUESTS = {"1": SMALL, "2": BIG}


# Each run is a merge request pipeline in a shallow, detached checkout like GitLab Runner's;
# the job installs gatekeeper from the gatekeeper project, as its include names it, and must
# fetch the target branch itself.
@pytest.fixture(scope="module")
def gcl() -> str:
    """The gitlab-ci-local command; required when CI asks for it, otherwise skips."""
    return gitlab_ci_local()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The gatekeeper project with this checkout's code, served for the templates."""
    return serve_gatekeeper(tmp_path_factory.getbasetemp() / "gitlab-server")


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory, server: Server) -> dict[str, Project]:
    """One project per way of including the template, its .gitlab-ci.yml committed on main."""
    root = tmp_path_factory.mktemp("gitlab-projects")
    return {include: build_project(root / include, config, POLICY, MERGE_REQUESTS)
            for include, config in includes(server).items()}


@pytest.fixture(scope="module")
def tiered_projects(tmp_path_factory: pytest.TempPathFactory,
                    server: Server) -> dict[str, Project]:
    """As ``projects``, with review tiers in the policy and a job that reads the tier."""
    root = tmp_path_factory.mktemp("gitlab-tiered")
    return {include: build_project(root / include, config + READER_JOB, TIERED_POLICY,
                                   MERGE_REQUESTS)
            for include, config in includes(server).items()}


def junit_failures(path: Path) -> int:
    """The failures the JUnit report at ``path`` counts over its suites."""
    return sum(int(suite.get("failures", "0")) for suite in ET.parse(path).iter("testsuite"))


def codequality_issues(run: JobRun) -> list[dict[str, Any]]:
    """The issues of the Code Quality artifact the job published, checked against the schema
    of GitLab's documented fields, with unique fingerprints."""
    issues = json.loads((run.junit.parent / "gatekeeper-codequality.json").read_text("utf-8"))
    assert isinstance(issues, list) and schema_errors(issues) == []
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    return issues


def valid_junit(path: Path, xsd: Path) -> Path:
    """``path``, once its JUnit report validates against junit-10.xsd."""
    import xmlschema

    xmlschema.XMLSchema(str(xsd)).validate(str(path))
    return path


@pytest.mark.parametrize("include", KINDS)
def test_a_merge_request_within_the_policy_passes(gcl: str, server: Server,
                                                  projects: dict[str, Project],
                                                  tmp_path: Path, include: str,
                                                  junit_xsd: Path) -> None:  # noqa: F811
    project = projects[include]
    work = checkout(tmp_path, project, "1")
    run = run_job(gcl, server, work, project, "1", "Add the small feature")
    assert run.code == 0, run.output
    assert junit_failures(valid_junit(run.junit, junit_xsd)) == 0
    assert codequality_issues(run) == []
    report = json.loads(run.report.read_text(encoding="utf-8"))
    assert report["verdict"] == "pass" and report["policy"]["path"] == ".gatekeeper.yml"
    revisions = report["revisions"]
    assert revisions["context"] == "GitLab CI merge request !1 (detached)"
    assert (revisions["head_sha"], revisions["merge_base"]) == \
        (project.heads["1"], project.fork_point)
    assert "fetched +refs/heads/main:refs/remotes/origin/main" in revisions["base_reason"]
    assert report["change"] == {"labels": ["backend", "from-config"], "target_branch": "main",
                                "author": None, "number": 1, "title": "Add the small feature",
                                "draft": False}
    # No venv in the checkout, and none left behind in the job's TMPDIR.
    assert not (run.build / ".gatekeeper-venv").exists()
    assert list(run.tmp.iterdir()) == []


@pytest.mark.parametrize("include", KINDS)
def test_with_nothing_to_install_from_the_job_says_what_to_set(
        gcl: str, server: Server, projects: dict[str, Project], tmp_path: Path,
        include: str) -> None:
    project = projects[include]
    work = checkout(tmp_path, project, "1")
    run = run_job(gcl, server, work, project, "1", "Add the small feature",
                  {"GATEKEEPER_PROJECT": ""})
    assert run.code != 0, run.output
    assert "gatekeeper: error: nothing to install gatekeeper from (fix: set the component " \
        "input project, or the variables GATEKEEPER_PROJECT and GATEKEEPER_REF" in run.output
    assert re.search(rf"^{JOB} finished in .* FAIL 2 *$", run.output, re.MULTILINE), run.output
    assert not run.report.exists()


def test_coverage_reports_reach_the_job(gcl: str, server: Server, projects: dict[str, Project],
                                        tmp_path: Path) -> None:
    project = projects["classic"]
    work = checkout(tmp_path, project, "1")
    shards = tmp_path / "coverage"
    shards.mkdir()
    for name, lines in (("one", "DA:1,1\nDA:2,0\n"), ("two", "DA:2,1\nDA:3,0\n")):
        (shards / f"{name}.info").write_text(f"SF:small.py\n{lines}end_of_record\n",
                                             encoding="utf-8")
    run = run_job(gcl, server, work, project, "1", "Add the small feature",
                  {"GATEKEEPER_COVERAGE": str(shards / "*.info")})
    assert run.code == 0, run.output
    assert "coverage: patch 66.66% (2 of 3 changed lines)" in run.output
    report = json.loads(run.report.read_text(encoding="utf-8"))
    assert len(report["coverage"]["reports"]) == 2
    assert report["coverage"]["patch"]["covered"] == 2


def seen_by(job: str, output: str) -> dict[str, str]:
    """The GATEKEEPER_ variables a job printed with env."""
    lines = re.findall(rf"^{re.escape(job)}\s+> (GATEKEEPER_\w+)=(.*)$", output, re.MULTILINE)
    return dict(lines)


@pytest.mark.parametrize("include", KINDS)
def test_a_later_job_gets_the_review_tier_from_the_dotenv_report(
        gcl: str, server: Server, tiered_projects: dict[str, Project], tmp_path: Path,
        include: str) -> None:
    project = tiered_projects[include]
    work = checkout(tmp_path, project, "1")
    run = run_job(gcl, server, work, project, "1", "Add the small feature", jobs=(JOB, READER))
    assert run.code == 0, run.output
    assert seen_by(READER, run.output) == {
        "GATEKEEPER_RESULT": "pass", "GATEKEEPER_REVIEW_TIER": "2",
        "GATEKEEPER_REVIEW_TIER_NAME": "deep review", "GATEKEEPER_REVIEW_APPROVALS": "2",
        "GATEKEEPER_REVIEW_OWNERS": "@acme/leads, lead_GATEKEEPER_PACKAGE_1@example.com",
        "GATEKEEPER_AI_ASSISTED": "false"}, run.output
    report = json.loads(run.report.read_text(encoding="utf-8"))
    assert report["review"]["owners"][1] == "lead$GATEKEEPER_PACKAGE#1@example.com"


def test_the_dotenv_report_is_published_when_the_policy_fails(
        gcl: str, server: Server, tiered_projects: dict[str, Project], tmp_path: Path,
        junit_xsd: Path) -> None:  # noqa: F811
    project = tiered_projects["classic"]
    work = checkout(tmp_path, project, "2")
    run = run_job(gcl, server, work, project, "2", "Add the big feature", jobs=(JOB, READER))
    assert run.code != 0, run.output
    seen = seen_by(READER, run.output)
    assert (seen["GATEKEEPER_RESULT"], seen["GATEKEEPER_REVIEW_TIER_NAME"]) == \
        ("fail", "deep review"), run.output
    assert "GATEKEEPER_RESULT=fail\n" in run.dotenv.read_text(encoding="utf-8")
    assert junit_failures(valid_junit(run.junit, junit_xsd)) == 1
    # One issue per file that drove the failing rule, for the merge request's widget.
    assert sorted((i["check_name"], i["severity"], i["location"]["path"])
                  for i in codequality_issues(run)) == \
        [("batch-size", "critical", "big.py"), ("batch-size", "critical", "big_more.py")]


def test_a_dotenv_file_in_the_checkout_is_never_published(
        gcl: str, server: Server, tiered_projects: dict[str, Project], tmp_path: Path) -> None:
    project = tiered_projects["classic"]
    work = checkout(tmp_path, project, "2")
    # As if the merge request committed it: gitlab-ci-local copies tracked files into the job.
    work.write("gatekeeper.env", "GATEKEEPER_RESULT=pass\n")
    work.git("add", "gatekeeper.env")
    # gatekeeper stops before writing any report: the policy named does not exist.
    run = run_job(gcl, server, work, project, "2", "Add the big feature",
                  {"GATEKEEPER_POLICY": "no-such-policy.yml"}, jobs=(JOB, READER))
    assert run.code != 0, run.output
    assert "no-such-policy.yml" in run.output
    assert seen_by(READER, run.output) == {}, run.output
    assert not run.dotenv.exists()


def test_the_job_stays_out_of_other_pipelines(gcl: str, server: Server,
                                              projects: dict[str, Project],
                                              tmp_path: Path) -> None:
    work = checkout(tmp_path, projects["classic"], "1")
    env = {**os.environ, **GIT_ENV, **server.env, "NO_COLOR": "1"}
    listed = subprocess.run([gcl, "--cwd", work.path.name, "--list"], capture_output=True,
                            text=True, env=env, cwd=work.path.parent)
    assert listed.returncode == 0, listed.stderr
    assert not any(line.split()[:1] == [JOB] for line in listed.stdout.splitlines())


def test_component_and_classic_template_define_the_same_job() -> None:
    spec, body = COMPONENT.read_text(encoding="utf-8").split("\n---\n", 1)
    header = yaml.safe_load(spec)["spec"]
    classic = yaml.safe_load(CLASSIC.read_text(encoding="utf-8"))[JOB]
    variables = classic["variables"]
    defaults = {"stage": classic["stage"], "image": classic["image"],
                "project": variables["GATEKEEPER_PROJECT"],
                "package": variables["GATEKEEPER_PACKAGE"],
                "policy": variables["GATEKEEPER_POLICY"], "args": variables["GATEKEEPER_ARGS"],
                "coverage": variables["GATEKEEPER_COVERAGE"],
                "coverage_base": variables["GATEKEEPER_COVERAGE_BASE"],
                "comment": variables["GATEKEEPER_COMMENT"]}
    assert {name: value["default"] for name, value in header["inputs"].items()} == defaults
    # The one difference: the component knows the commit it was included from.
    assert header["component"] == ["sha"]
    values = {**{f"inputs.{name}": value for name, value in defaults.items()},
              "component.sha": variables["GATEKEEPER_REF"]}
    filled = re.sub(r"\$\[\[ ([\w.]+) \]\]", lambda m: str(values[m.group(1)]), body)
    assert yaml.safe_load(filled)[JOB] == classic
