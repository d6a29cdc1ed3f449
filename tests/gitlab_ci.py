"""Runs the GitLab CI templates for real with gitlab-ci-local and the shell executor.

A folder stands in for the GitLab instance: the gatekeeper project, tagged as a release, is a bare
repository there, and git's ``url.*.insteadOf`` (given through ``GIT_CONFIG_*`` variables, as a
job would inherit them) sends the instance's URLs for it to that folder. gitlab-ci-local resolves
``$[[ component.sha ]]`` and fetches includes from it, and the job's pip clones it, so the
templates install gatekeeper exactly the way they do on GitLab, with no network but PyPI's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, Repo, make_repo

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "ci" / "gatekeeper.gitlab-ci.yml"
COMPONENT = ROOT / "templates" / "gatekeeper.yml"
JOB = "gatekeeper"
SERVER_URL = "https://gitlab.example.com"
GATEKEEPER_PROJECT = "acme/gatekeeper"
RELEASE = "1.0.0"
# What a gatekeeper release holds that pip needs to build it, copied from this checkout.
RELEASE_FILES = ("pyproject.toml", "README.md", "gatekeeper", "policies", "templates", "ci")
# Title and description are what a merge request author controls; they reach the job only
# as variables, so shell syntax in them must stay inert text.
HOSTILE = "Draft: `touch pwned` $(touch pwned) \"; touch pwned; echo '"


def gitlab_ci_local() -> str:
    """gitlab-ci-local's command; skips (or fails, with GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL=1)."""
    found = shutil.which("gitlab-ci-local")
    local = ROOT / ".ci" / "node_modules" / ".bin" / "gitlab-ci-local"
    command = found or (str(local) if local.exists() else None)
    if command is None or shutil.which("rsync") is None:
        message = ("gitlab-ci-local and rsync are needed (npm install --prefix .ci "
                   "gitlab-ci-local; apt-get install rsync)")
        # CI sets the variable, so CI can never pass without running these tests.
        if os.environ.get("GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL") == "1":
            pytest.fail(message + ", and GATEKEEPER_REQUIRE_GITLAB_CI_LOCAL=1")
        pytest.skip(message)
    return command


@dataclass(frozen=True)
class Server:
    """The stand-in instance: where its repositories live and the git config that reaches them."""

    root: Path
    release_sha: str
    env: dict[str, str]


def serve_gatekeeper(root: Path) -> Server:
    """The gatekeeper project with this checkout's code, its release tagged, served from root.

    Made once per session: the release's commit stays the same, so pip builds its wheel once
    and takes it from its cache in every later job, as it does for a pinned commit.
    """
    bare = root / f"{GATEKEEPER_PROJECT}.git"
    if not bare.exists():
        seed = make_repo(root / "gatekeeper-seed")
        for name in RELEASE_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, seed.path / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, seed.path / name)
        seed.commit("gatekeeper")
        seed.git("tag", RELEASE)
        Repo(root).git("init", "-q", "--bare", "-b", "main", str(bare))
        seed.git("push", "-q", bare.as_uri(), "main", "--tags")
    sha = Repo(bare).git("rev-parse", f"{RELEASE}^{{commit}}")
    # gitlab-ci-local spells the URL with the default port, pip without; both lead here.
    target = bare.as_uri().removesuffix(".git")
    spellings = [f"{SERVER_URL}/{GATEKEEPER_PROJECT}", f"{SERVER_URL}:443/{GATEKEEPER_PROJECT}"]
    env = {"GIT_CONFIG_COUNT": str(len(spellings))}
    for i, spelling in enumerate(spellings):
        env[f"GIT_CONFIG_KEY_{i}"] = f"url.{target}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{i}"] = spelling
    return Server(root, sha, env)


def includes(server: Server) -> dict[str, str]:
    """Both ways of adding the job, as the README shows them, each passing an extra option.

    The classic template is given the release's commit rather than its tag (either pins it),
    so pip reuses the wheel it built once; the component finds the commit from the tag itself.
    """
    return {
        "classic": f"""\
include:
  - project: {GATEKEEPER_PROJECT}
    ref: "{RELEASE}"
    file: ci/gatekeeper.gitlab-ci.yml
gatekeeper:
  variables:
    GATEKEEPER_PROJECT: {GATEKEEPER_PROJECT}
    GATEKEEPER_REF: {server.release_sha}
    GATEKEEPER_ARGS: --label from-config
""",
        "component": f"""\
include:
  - component: $CI_SERVER_FQDN/{GATEKEEPER_PROJECT}/gatekeeper@{RELEASE}
    inputs:
      project: {GATEKEEPER_PROJECT}
      args: --label from-config
""",
    }


KINDS = ("classic", "component")


@dataclass(frozen=True)
class MergeRequest:
    """A source branch forked from main: its files, and which of them are executable."""

    branch: str
    files: dict[str, str]
    executable: frozenset[str] = field(default_factory=frozenset)


SMALL = MergeRequest("small", {"small.py": "".join(f"v{i} = {i}\n" for i in range(5))})
BIG = MergeRequest("big", {"big.py": "".join(f"v{i} = {i}\n" for i in range(60))})


@dataclass(frozen=True)
class Project:
    """A bare origin with main and merge requests by iid, its .gitlab-ci.yml committed on main."""

    origin: Path
    fork_point: str
    heads: dict[str, str]
    branches: dict[str, str]


def build_project(root: Path, ci_config: str, policy: str,
                  merge_requests: dict[str, MergeRequest]) -> Project:
    """The project under review: main moves on after the merge requests fork from it."""
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", policy)
    seed.write(".gitlab-ci.yml", ci_config)
    for i in range(3):
        seed.write("app.py", f"version = {i}\n")
        seed.commit(f"main {i}")
    fork_point = seed.head()
    heads = {iid: _branch(seed, request, fork_point) for iid, request in merge_requests.items()}
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "main moved on\n")
    seed.commit("main later")
    for iid, sha in heads.items():
        seed.git("update-ref", f"refs/merge-requests/{iid}/head", sha)
    origin = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", str(origin))
    seed.git("push", "-q", origin.as_uri(), "refs/heads/*:refs/heads/*",
             "refs/merge-requests/*:refs/merge-requests/*")
    branches = {iid: request.branch for iid, request in merge_requests.items()}
    return Project(origin, fork_point, heads, branches)


def _branch(seed: Repo, request: MergeRequest, start: str) -> str:
    seed.git("checkout", "-q", "-b", request.branch, start)
    for name, text in request.files.items():
        seed.write(name, text, 0o755 if name in request.executable else None)
    seed.commit(f"feat: {request.branch}")
    seed.write(f"{request.branch}_more.py", "w = 1\n")
    return seed.commit(f"feat: more {request.branch}")


def checkout(tmp_path: Path, project: Project, iid: str) -> Repo:
    """The runner's view: a depth-1 fetch of the merge request's head, detached."""
    work = make_repo(tmp_path / "work")
    work.git("remote", "add", "origin", project.origin.as_uri())
    # gitlab-ci-local derives CI_SERVER_URL, CI_SERVER_FQDN and CI_PROJECT_PATH from this remote.
    work.git("remote", "add", "gcl-origin", f"{SERVER_URL}/acme/app.git")
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
    build: Path
    tmp: Path


def run_job(gcl: str, server: Server, work: Repo, project: Project, iid: str, title: str,
            extra: dict[str, str] | None = None, jobs: tuple[str, ...] = (JOB,)) -> JobRun:
    """Runs the jobs of a merge request pipeline; ``extra`` sets CI/CD variables."""
    variables = {
        "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": iid, "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": project.branches[iid],
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": project.fork_point,
        "CI_MERGE_REQUEST_TITLE": title, "CI_MERGE_REQUEST_DESCRIPTION": HOSTILE,
        "CI_MERGE_REQUEST_LABELS": "backend",
        **(extra or {}),
    }
    # gitlab-ci-local wants --cwd relative, so it runs from the checkout's parent folder.
    args = [gcl, "--cwd", work.path.name, "--home", str(work.path.parent / "gcl-home"),
            "--shell-isolation", "--force-shell-executor", "--no-artifacts-to-source",
            "--unset-variable", "CI_COMMIT_BRANCH",  # GitLab leaves it unset for MR pipelines
            "--ignore-predefined-vars", "GITLAB_CI,CI_PIPELINE_SOURCE"]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    # The job's temporary folder, to see that the venv is made there and removed.
    tmp = work.path.parent / "job-tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, **GIT_ENV, **server.env, "NO_COLOR": "1", "FORCE_COLOR": "0",
           "TMPDIR": str(tmp),
           # The job's python3 is this interpreter, so its venv module is known to work.
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([*args, *jobs], capture_output=True, text=True, env=env, timeout=600,
                            cwd=work.path.parent)
    state = work.path / ".gitlab-ci-local"
    artifacts = state / "artifacts" / JOB
    return JobRun(result.returncode, result.stdout + result.stderr,
                  artifacts / "gatekeeper-junit.xml", artifacts / "gatekeeper.json",
                  artifacts / "gatekeeper.env", state / "builds" / JOB, tmp)
