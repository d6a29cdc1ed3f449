"""The GitLab CI templates, run for real by gitlab-ci-local with the shell executor."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import BATCH_POLICY, GIT_ENV, Repo, make_repo

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "ci" / "gatekeeper.gitlab-ci.yml"
COMPONENT = ROOT / "templates" / "gatekeeper.yml"
JOB = "gatekeeper"
POLICY = BATCH_POLICY
# Both ways of adding the job, each passing an extra option the documented way.
INCLUDES = {
    "classic": """\
include:
  - local: ci/gatekeeper.gitlab-ci.yml
gatekeeper:
  variables:
    GATEKEEPER_ARGS: --label from-config
""",
    "component": """\
include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/gatekeeper@$CI_COMMIT_SHA
    inputs:
      args: --label from-config
""",
}
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
# Title and description are what a merge request author controls; they reach the job only
# as variables, so shell syntax in them must stay inert text.
HOSTILE = "Draft: `touch pwned` $(touch pwned) \"; touch pwned; echo '"


def gitlab_ci_local() -> str | None:
    found = shutil.which("gitlab-ci-local")
    local = ROOT / ".ci" / "node_modules" / ".bin" / "gitlab-ci-local"
    return found or (str(local) if local.exists() else None)


# Each run is a merge request pipeline in a shallow, detached checkout like GitLab Runner's;
# the job installs gatekeeper from this checkout with pip and must fetch the target branch
# itself. Without gitlab-ci-local the tests skip, unless GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL=1
# (CI sets it): then they fail, so CI can never pass without running them.
@pytest.fixture(scope="module")
def gcl() -> str:
    found = gitlab_ci_local()
    if found is None or shutil.which("rsync") is None:
        message = ("gitlab-ci-local and rsync are needed (npm install --prefix .ci "
                   "gitlab-ci-local; apt-get install rsync)")
        if os.environ.get("GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL") == "1":
            pytest.fail(message + ", and GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL=1")
        pytest.skip(message)
    return found


@dataclass(frozen=True)
class Project:
    """A bare origin with main and two merge requests: !1 is small, !2 is too large."""

    origin: Path
    fork_point: str
    heads: dict[str, str]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    """One project per way of including the template, its .gitlab-ci.yml committed on main."""
    root = tmp_path_factory.mktemp("gitlab-projects")
    return {include: build_project(root / include, include) for include in INCLUDES}


@pytest.fixture(scope="module")
def tiered_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    """As ``projects``, with review tiers in the policy and a job that reads the tier."""
    root = tmp_path_factory.mktemp("gitlab-tiered")
    return {include: build_project(root / include, include, TIERED_POLICY, READER_JOB)
            for include in INCLUDES}


def build_project(root: Path, include: str, policy: str = POLICY, more_jobs: str = "") -> Project:
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", policy)
    seed.write("ci/gatekeeper.gitlab-ci.yml", CLASSIC.read_text(encoding="utf-8"))
    seed.write("templates/gatekeeper.yml", COMPONENT.read_text(encoding="utf-8"))
    seed.write(".gitlab-ci.yml", INCLUDES[include] + more_jobs)
    for i in range(3):
        seed.write("app.py", f"version = {i}\n")
        seed.commit(f"main {i}")
    fork_point = seed.head()
    heads = {"1": _branch(seed, "small", fork_point, 5), "2": _branch(seed, "big", fork_point, 60)}
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "main moved on\n")
    seed.commit("main later")
    for iid, sha in heads.items():
        seed.git("update-ref", f"refs/merge-requests/{iid}/head", sha)
    origin = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", str(origin))
    seed.git("push", "-q", origin.as_uri(), "refs/heads/*:refs/heads/*",
             "refs/merge-requests/*:refs/merge-requests/*")
    return Project(origin, fork_point, heads)


def _branch(seed: Repo, name: str, start: str, lines: int) -> str:
    seed.git("checkout", "-q", "-b", name, start)
    seed.write(f"{name}.py", "".join(f"v{i} = {i}\n" for i in range(lines)))
    seed.commit(f"feat: {name}")
    seed.write(f"{name}_more.py", "w = 1\n")
    return seed.commit(f"feat: more {name}")


def checkout(tmp_path: Path, project: Project, iid: str) -> Repo:
    """The runner's view: a depth-1 fetch of the merge request's head, detached."""
    work = make_repo(tmp_path / "work")
    work.git("remote", "add", "origin", project.origin.as_uri())
    # gitlab-ci-local derives CI_SERVER_FQDN and CI_PROJECT_PATH from this remote.
    work.git("remote", "add", "gcl-origin", "https://gitlab.example.com/acme/app.git")
    work.git("fetch", "-q", "--depth", "1", "origin", f"refs/merge-requests/{iid}/head")
    work.git("checkout", "-q", "--detach", "FETCH_HEAD")
    assert work.git("rev-parse", "--is-shallow-repository") == "true"
    return work


@dataclass
class JobRun:
    code: int
    output: str
    junit: Path
    report: Path
    dotenv: Path


def run_job(gcl: str, work: Repo, project: Project, iid: str, title: str,
            extra: dict[str, str] | None = None, jobs: tuple[str, ...] = (JOB,)) -> JobRun:
    variables = {
        "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": iid, "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": {"1": "small", "2": "big"}[iid],
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": project.fork_point,
        "CI_MERGE_REQUEST_TITLE": title, "CI_MERGE_REQUEST_DESCRIPTION": HOSTILE,
        "CI_MERGE_REQUEST_LABELS": "backend",
        "GATEKEEPER_PACKAGE": str(ROOT),
        **(extra or {}),
    }
    # gitlab-ci-local wants --cwd relative, so it runs from the checkout's parent folder.
    args = [gcl, "--cwd", work.path.name, "--home", str(work.path.parent / "gcl-home"),
            "--shell-isolation", "--force-shell-executor", "--no-artifacts-to-source",
            "--unset-variable", "CI_COMMIT_BRANCH",  # GitLab leaves it unset for MR pipelines
            "--ignore-predefined-vars", "GITLAB_CI,CI_PIPELINE_SOURCE"]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "FORCE_COLOR": "0",
           # The job's python3 is this interpreter, so its venv module is known to work.
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([*args, *jobs], capture_output=True, text=True, env=env, timeout=600,
                            cwd=work.path.parent)
    artifacts = work.path / ".gitlab-ci-local" / "artifacts" / JOB
    return JobRun(result.returncode, result.stdout + result.stderr,
                  artifacts / "gatekeeper-junit.xml", artifacts / "gatekeeper.json",
                  artifacts / "gatekeeper.env")


def junit_failures(path: Path) -> int:
    return sum(int(suite.get("failures", "0")) for suite in ET.parse(path).iter("testsuite"))


@pytest.mark.parametrize("include", INCLUDES)
def test_a_merge_request_within_the_policy_passes(gcl: str, projects: dict[str, Project],
                                                  tmp_path: Path, include: str) -> None:
    project = projects[include]
    work = checkout(tmp_path, project, "1")
    run = run_job(gcl, work, project, "1", "Add the small feature")
    assert run.code == 0, run.output
    assert junit_failures(run.junit) == 0
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


@pytest.mark.parametrize("include", INCLUDES)
def test_a_merge_request_over_the_limit_fails_and_still_publishes_junit(
        gcl: str, projects: dict[str, Project], tmp_path: Path, include: str) -> None:
    project = projects[include]
    work = checkout(tmp_path, project, "2")
    run = run_job(gcl, work, project, "2", HOSTILE)
    assert run.code != 0, run.output
    assert re.search(r"effective lines \d+ > 20", run.output), run.output
    assert junit_failures(run.junit) == 1
    report = json.loads(run.report.read_text(encoding="utf-8"))
    assert report["verdict"] == "fail" and report["revisions"]["head_sha"] == project.heads["2"]
    assert report["change"]["title"] == HOSTILE and report["change"]["draft"] is True
    assert not list(work.path.rglob("pwned"))


def test_coverage_reports_reach_the_job(gcl: str, projects: dict[str, Project],
                                        tmp_path: Path) -> None:
    project = projects["classic"]
    work = checkout(tmp_path, project, "1")
    shards = tmp_path / "coverage"
    shards.mkdir()
    for name, lines in (("one", "DA:1,1\nDA:2,0\n"), ("two", "DA:2,1\nDA:3,0\n")):
        (shards / f"{name}.info").write_text(f"SF:small.py\n{lines}end_of_record\n",
                                             encoding="utf-8")
    run = run_job(gcl, work, project, "1", "Add the small feature",
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


@pytest.mark.parametrize("include", INCLUDES)
def test_a_later_job_gets_the_review_tier_from_the_dotenv_report(
        gcl: str, tiered_projects: dict[str, Project], tmp_path: Path, include: str) -> None:
    project = tiered_projects[include]
    work = checkout(tmp_path, project, "1")
    run = run_job(gcl, work, project, "1", "Add the small feature", jobs=(JOB, READER))
    assert run.code == 0, run.output
    assert seen_by(READER, run.output) == {
        "GATEKEEPER_RESULT": "pass", "GATEKEEPER_REVIEW_TIER": "2",
        "GATEKEEPER_REVIEW_TIER_NAME": "deep review", "GATEKEEPER_REVIEW_APPROVALS": "2",
        "GATEKEEPER_REVIEW_OWNERS": "@acme/leads, lead_GATEKEEPER_PACKAGE_1@example.com",
        "GATEKEEPER_AI_ASSISTED": "false"}, run.output
    report = json.loads(run.report.read_text(encoding="utf-8"))
    assert report["review"]["owners"][1] == "lead$GATEKEEPER_PACKAGE#1@example.com"


def test_the_dotenv_report_is_published_when_the_policy_fails(
        gcl: str, tiered_projects: dict[str, Project], tmp_path: Path) -> None:
    project = tiered_projects["classic"]
    work = checkout(tmp_path, project, "2")
    run = run_job(gcl, work, project, "2", "Add the big feature", jobs=(JOB, READER))
    assert run.code != 0, run.output
    seen = seen_by(READER, run.output)
    assert (seen["GATEKEEPER_RESULT"], seen["GATEKEEPER_REVIEW_TIER_NAME"]) == \
        ("fail", "deep review"), run.output
    assert "GATEKEEPER_RESULT=fail\n" in run.dotenv.read_text(encoding="utf-8")


def test_a_dotenv_file_in_the_checkout_is_never_published(
        gcl: str, tiered_projects: dict[str, Project], tmp_path: Path) -> None:
    project = tiered_projects["classic"]
    work = checkout(tmp_path, project, "2")
    # As if the merge request committed it: gitlab-ci-local copies tracked files into the job.
    work.write("gatekeeper.env", "GATEKEEPER_RESULT=pass\n")
    work.git("add", "gatekeeper.env")
    # gatekeeper stops before writing any report: the policy named does not exist.
    run = run_job(gcl, work, project, "2", "Add the big feature",
                  {"GATEKEEPER_POLICY": "no-such-policy.yml"}, jobs=(JOB, READER))
    assert run.code != 0, run.output
    assert "no-such-policy.yml" in run.output
    assert seen_by(READER, run.output) == {}, run.output
    assert not run.dotenv.exists()


def test_the_job_stays_out_of_other_pipelines(gcl: str, projects: dict[str, Project],
                                              tmp_path: Path) -> None:
    work = checkout(tmp_path, projects["classic"], "1")
    listed = subprocess.run([gcl, "--cwd", work.path.name, "--list"], capture_output=True,
                            text=True, env={**os.environ, **GIT_ENV, "NO_COLOR": "1"},
                            cwd=work.path.parent)
    assert listed.returncode == 0, listed.stderr
    assert not any(line.split()[:1] == [JOB] for line in listed.stdout.splitlines())


def test_component_and_classic_template_define_the_same_job() -> None:
    spec, body = COMPONENT.read_text(encoding="utf-8").split("\n---\n", 1)
    inputs = yaml.safe_load(spec)["spec"]["inputs"]
    classic = yaml.safe_load(CLASSIC.read_text(encoding="utf-8"))[JOB]
    defaults = {"stage": classic["stage"], "image": classic["image"],
                "package": classic["variables"]["GATEKEEPER_PACKAGE"],
                "policy": classic["variables"]["GATEKEEPER_POLICY"],
                "args": classic["variables"]["GATEKEEPER_ARGS"],
                "coverage": classic["variables"]["GATEKEEPER_COVERAGE"],
                "coverage_base": classic["variables"]["GATEKEEPER_COVERAGE_BASE"]}
    assert {name: value["default"] for name, value in inputs.items()} == defaults
    filled = re.sub(r"\$\[\[ inputs\.(\w+) \]\]", lambda m: str(defaults[m.group(1)]), body)
    assert yaml.safe_load(filled)[JOB] == classic
