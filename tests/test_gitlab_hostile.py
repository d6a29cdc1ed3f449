"""Merge requests that try to take over the GitLab job, run for real by gitlab-ci-local.

Each one is too large for the policy and plants something that, if it ever ran inside the job,
would report a pass and leave a ``pwned`` file behind.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BATCH_POLICY
from tests.gitlab_ci import (
    BIG,
    HOSTILE,
    KINDS,
    JobRun,
    MergeRequest,
    Project,
    Server,
    build_project,
    checkout,
    gitlab_ci_local,
    includes,
    run_job,
    serve_gatekeeper,
)

# What a planted gatekeeper does: claim a pass in every report the job publishes.
FAKE_PASS = """\
#!/bin/sh
touch pwned
echo GATEKEEPER_RESULT=pass > gatekeeper.env
echo '{"verdict": "pass"}' > gatekeeper.json
echo '<testsuites><testsuite name="planted" tests="1" failures="0"/></testsuites>' \\
  > gatekeeper-junit.xml
echo 'gatekeeper: PASS'
"""
FAKE_CLI = """\
import subprocess


def main():
    return subprocess.call(["sh", "-c", SCRIPT])


SCRIPT = """ + repr(FAKE_PASS) + "\n"
SITE = f".gatekeeper-venv/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
# A venv committed where the job used to make its own: a .pth file that every Python started
# in it runs, putting a fake gatekeeper package first, and a fake console script.
PLANTED_VENV = MergeRequest("planted-venv", {
    **BIG.files,
    f"{SITE}/zz-planted.pth": "import sys; sys.path.insert(0, '.gatekeeper-venv/planted')\n",
    ".gatekeeper-venv/planted/gatekeeper/__init__.py": "",
    ".gatekeeper-venv/planted/gatekeeper/cli.py": FAKE_CLI,
    ".gatekeeper-venv/bin/gatekeeper": FAKE_PASS,
}, frozenset({".gatekeeper-venv/bin/gatekeeper"}))
# A venv.py at the root runs instead of the standard library's whenever Python puts the
# working directory on its path (python3 -m venv); it plants the fake gatekeeper itself. The
# file team-trusted is what an unquoted `--label team-*` would turn into.
SHADOWING_VENV = MergeRequest("shadowing-venv", {
    **BIG.files,
    "venv.py": f"""\
import os
import pathlib
import sys

pathlib.Path("pwned").touch()
scripts = pathlib.Path(sys.argv[-1], "bin")
scripts.mkdir(parents=True, exist_ok=True)
for name, text in (("pip", "#!/bin/sh\\n"), ("gatekeeper", {FAKE_PASS!r})):
    scripts.joinpath(name).write_text(text)
    os.chmod(scripts / name, 0o755)
""",
    "team-trusted": "a label a glob would pick up\n",
})
MERGE_REQUESTS = {"2": PLANTED_VENV, "3": SHADOWING_VENV}


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
    """A project with the hostile merge requests for each way of including the template."""
    root = tmp_path_factory.mktemp("gitlab-hostile")
    return {include: build_project(root / include, config, BATCH_POLICY, MERGE_REQUESTS)
            for include, config in includes(server).items()}


def assert_judged_for_real(run: JobRun, work: Path, head: str) -> dict[str, Any]:
    """The real gatekeeper judged the change and wrote every report, and nothing planted ran."""
    assert run.code != 0, run.output
    assert re.search(r"effective lines \d+ > 20", run.output), run.output
    report: dict[str, Any] = json.loads(run.report.read_text(encoding="utf-8"))
    assert (report["verdict"], report["revisions"]["head_sha"]) == ("fail", head)
    failures = sum(int(s.get("failures", "0")) for s in ET.parse(run.junit).iter("testsuite"))
    assert failures == 1
    assert "GATEKEEPER_RESULT=fail\n" in run.dotenv.read_text(encoding="utf-8")
    assert not list(work.rglob("pwned")), run.output
    return report


@pytest.mark.parametrize("include", KINDS)
def test_a_venv_committed_in_the_merge_request_never_runs(
        gcl: str, server: Server, projects: dict[str, Project], tmp_path: Path,
        include: str) -> None:
    project = projects[include]
    work = checkout(tmp_path, project, "2")
    run = run_job(gcl, server, work, project, "2", HOSTILE)
    report = assert_judged_for_real(run, work.path, project.heads["2"])
    # The title, shell syntax and all, reached gatekeeper as text and nothing ran it.
    assert (report["change"]["title"], report["change"]["draft"]) == (HOSTILE, True)
    assert list(run.tmp.iterdir()) == []


def test_a_venv_module_in_the_checkout_is_never_imported_nor_args_globbed(
        gcl: str, server: Server, projects: dict[str, Project], tmp_path: Path) -> None:
    project = projects["classic"]
    work = checkout(tmp_path, project, "3")
    run = run_job(gcl, server, work, project, "3", "Add the big feature",
                  {"GATEKEEPER_ARGS": "--label team-*"})
    report = assert_judged_for_real(run, work.path, project.heads["3"])
    assert report["change"]["labels"] == ["backend", "team-*"]
