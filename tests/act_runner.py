"""nektos/act run on this machine: how the tests start it and read its --json log.

``-P ubuntu-latest=-self-hosted`` runs every step on the host, so no image is pulled;
--local-repository makes ``uses: octo/gatekeeper@v1`` the project's files as they are now.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.conftest import GIT_ENV, make_repo

ROOT = Path(__file__).resolve().parent.parent
ACTION_REF = "octo/gatekeeper@v1"
TOKEN = f"ghs_{secrets.token_hex(18)}"
"""The job's token: a new one for each test run, so no log can hold it by chance. act is told
to print it unmasked (--insecure-secrets), so a leak shows as it is."""


def act_binary() -> str | None:
    """act on PATH, beside this Python, or where .ci/run installs it."""
    found = shutil.which("act")
    for beside in (Path(sys.executable).parent / "act", ROOT / ".ci" / "act" / "bin" / "act"):
        if found is None and beside.exists():
            found = str(beside)
    return found


@dataclass
class Job:
    result: str = ""
    log: str = ""
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    """The action's outputs, as the step after it printed them."""
    annotations: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    """The annotation commands act acted on: the level, the properties, the message."""
    sarif: Any = None
    """The SARIF report the action wrote, as the step after it printed it (base64)."""


@dataclass
class ActRun:
    code: int
    text: str
    """Everything act printed, JSON lines included."""
    jobs: dict[str, Job]


_SHOWN = re.compile(r"^output ([a-z-]+)=\[(.*)\]$", re.MULTILINE)
_SARIF = re.compile(r"^sarif ([A-Za-z0-9+/=]+)$", re.MULTILINE)


def parse(code: int, text: str) -> ActRun:
    """act's --json log, one object a line, gathered per job."""
    jobs: dict[str, Job] = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or "jobID" not in entry:
            continue
        job = jobs.setdefault(entry["jobID"], Job())
        if entry.get("raw_output"):
            job.log += entry.get("msg", "")
        if entry.get("command") == "summary" and not job.summary:
            # act repeats a step's summary for the action that holds the step
            job.summary = entry.get("content", "")
        if entry.get("command") in ("error", "warning", "notice"):
            job.annotations.append((entry["command"], entry.get("kvPairs") or {},
                                    entry.get("arg", "")))
        if "jobResult" in entry:
            job.result = entry["jobResult"]
    for job in jobs.values():
        job.outputs = dict(_SHOWN.findall(job.log))
        shown = _SARIF.search(job.log)
        if shown:
            job.sarif = json.loads(base64.b64decode(shown.group(1)))
    return ActRun(code, text, jobs)


def action_copy(where: Path) -> Path:
    """This project's files as they are now (committed or not, ignored ones left out): what
    ``uses: octo/gatekeeper@v1`` gets."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    for name in listed.stdout.decode("utf-8").split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / name)
    return where


def require(message: str) -> NoReturn:
    """Skip without what the tests need, or fail when CI says they must run."""
    if os.environ.get("GATEKEEPER_REQUIRE_ACT") == "1":
        pytest.fail(message + ", and GATEKEEPER_REQUIRE_ACT=1")
    pytest.skip(message)


def wheelhouse(action: Path, where: Path) -> Path:
    """Wheels of everything the action installs, its build backend included, downloaded once:
    each job's pip then reads them instead of the package index, which saves most of its
    time. The action's own command does not change; this is pip's configuration."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet",
                            "--disable-pip-version-check", "--wheel-dir", str(where),
                            str(action), "hatchling"], capture_output=True)
    if built.returncode != 0:
        require("the action's dependencies could not be downloaded: "
                + built.stderr.decode("utf-8", errors="replace")[-500:])
    return where


def act_env(home: Path, wheels: Path) -> dict[str, str]:
    """This machine's environment less any real runner's; a Python of 3.10 or newer first."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "GATEKEEPER_",
                                  "PYTHON", "PIP_"))
           and key not in ("VIRTUAL_ENV", "ACT")}
    python = Path(sys.base_prefix) / "bin"
    env["PATH"] = f"{python}{os.pathsep}{env.get('PATH', '')}"
    env["XDG_CONFIG_HOME"] = str(home)  # no act configuration of this machine's user
    env.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)})
    env.update(GIT_ENV)
    return env


@dataclass(frozen=True)
class Setup:
    """What every act run shares."""

    act: str
    origin: str
    action: Path
    """The project's files, where --local-repository finds them."""
    wheels: Path


@dataclass(frozen=True)
class Plan:
    """One act run: the event, the commit GitHub would run the workflow on, which jobs."""

    event: str
    sha: str
    payload: dict[str, Any]
    job: str | None = None
    """One job of the workflow, or all of them."""


def start(setup: Setup, plan: Plan, where: Path) -> subprocess.Popen[bytes]:
    """act in a clone at the plan's commit (act takes GITHUB_SHA from it), with the payload."""
    repo = make_repo(where / "repo")
    repo.git("fetch", "-q", "--depth=1", setup.origin, plan.sha)
    repo.git("checkout", "-q", "--detach", plan.sha)
    (where / "event.json").write_text(json.dumps(plan.payload), encoding="utf-8")
    args = [setup.act, plan.event, "-P", "ubuntu-latest=-self-hosted",
            "-e", str(where / "event.json"), "-W", ".github/workflows/gate.yml",
            "--local-repository", f"{ACTION_REF}={setup.action}", "--action-offline-mode",
            "--action-cache-path", str(where / "act-cache"), "--no-cache-server",
            "--container-daemon-socket", "-", "--json", "-s", f"GITHUB_TOKEN={TOKEN}",
            "--insecure-secrets", "--env", f"ORIGIN_URL={setup.origin}"]
    if plan.job:
        args += ["-j", plan.job]
    return subprocess.Popen(args, cwd=repo.path, env=act_env(where, setup.wheels),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
