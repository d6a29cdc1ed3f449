"""docs/tutorial.md runs: every command and every file it shows, in order, in one shell session
against a generated repository with an origin, from a fresh virtual environment.

Conventions of the page: a ```sh block holds commands, one a line (a trailing
``# exits N`` is the exit code the reader should see, else 0); a ```yaml block whose first
line is ``# file: PATH`` is saved to PATH at that point. The install line installs this
checkout instead of the package index's release.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, Repo, make_repo, numbered

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXITS = re.compile(r"\s+# exits (\d+)$")
MARK = "@@tutorial-step"


@dataclass(frozen=True)
class Step:
    """One command to run (with the exit code expected) or one file to save."""

    command: str = ""
    exits: int = 0
    path: str = ""
    content: str = ""


def steps(page: str) -> list[Step]:
    """The page's commands and files, in reading order."""
    found: list[Step] = []
    for language, body in BLOCK.findall(page):
        if language == "yaml" and body.startswith("# file: "):
            first, _, rest = body.partition("\n")
            found.append(Step(path=first.removeprefix("# file: ").strip(), content=rest))
        elif language == "sh":
            for line in body.splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    match = EXITS.search(line)
                    command = line[:match.start()] if match else line
                    found.append(Step(command, int(match.group(1)) if match else 0))
    return found


def script(found: list[Step]) -> str:
    """One bash script that runs the steps, marking where each command starts and ends."""
    lines = []
    for index, step in enumerate(found):
        if step.path:
            folder = os.path.dirname(step.path)
            if folder:
                lines.append(f"mkdir -p '{folder}'")
            lines.append(f"cat > '{step.path}' <<'__TUTORIAL_FILE__'\n{step.content}"
                         "__TUTORIAL_FILE__")
            continue
        command = step.command.replace("'gatekeeper-ci[replay]'", f"'{ROOT}[replay]'")
        lines.append(f"printf '\\n{MARK} {index}\\n'")
        lines.append(f"{command} 2>&1")
        lines.append(f"printf '\\n{MARK} {index} exit %s\\n' \"$?\"")
    return "\n".join(lines) + "\n"


def outputs(text: str) -> dict[int, tuple[str, int]]:
    """Each command's output and exit code, by step index."""
    found: dict[int, tuple[str, int]] = {}
    pattern = re.compile(rf"^{MARK} (\d+)\n(.*?)\n{MARK} \1 exit (\d+)$",
                         re.MULTILINE | re.DOTALL)
    for number, output, code in pattern.findall(text):
        found[int(number)] = (output, int(code))
    return found


def shop(tmp_path: Path) -> Repo:
    """A project with 30 changes on main (merges and squashes, with tests), pushed to a bare
    origin, and a feature branch adding a 450-line module without tests."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True,
                   env={**os.environ, **GIT_ENV})
    repo = make_repo(tmp_path / "shop")
    repo.write("README.md", "# shop\n")
    repo.write("src/shop/__init__.py", "")
    repo.commit("Start the shop")
    for number in range(1, 31):
        if number % 3 == 0:  # a pull request merged with a merge commit
            repo.git("checkout", "-q", "-b", f"pr{number}")
            repo.write(f"src/shop/m{number}.py", numbered(10 + 7 * number, "v"))
            repo.write(f"tests/test_m{number}.py", numbered(5, "t"))
            repo.commit(f"Add module {number}")
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", f"pr{number}", "-m",
                     f"Merge pull request #{number} from acme/pr{number}")
        else:  # a squash merge
            repo.write(f"src/shop/s{number}.py", numbered(3 + 11 * number, "s"))
            repo.commit(f"Add service {number} (#{number})")
    repo.git("remote", "add", "origin", origin.as_uri())
    repo.git("push", "-q", "origin", "main")
    repo.git("remote", "set-head", "origin", "main")
    repo.git("checkout", "-q", "-b", "feature/export")
    repo.write("src/shop/export.py", numbered(450, "row"))
    repo.commit("Export orders as CSV")
    return repo


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Step], dict[int, tuple[
        str, int]], Repo]:
    """The page's steps, what each command printed and exited with, and the repository."""
    tmp_path = tmp_path_factory.mktemp("tutorial")
    repo = shop(tmp_path)
    found = steps(PAGE.read_text(encoding="utf-8"))
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GATEKEEPER_", "VIRTUAL_ENV", "PYTHON", "GITHUB_", "GITLAB_",
                                  "CI"))}
    # The reader's pip would download; the test's keeps this machine's download cache.
    env.update(GIT_ENV, HOME=str(home), NO_COLOR="1",
               PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR",
                                            str(Path.home() / ".cache" / "pip")),
               PATH=f"{Path(sys.base_prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    done = subprocess.run(["bash", "--noprofile", "--norc"], input=script(found), text=True,
                          capture_output=True, cwd=repo.path, env=env, timeout=900)
    return found, outputs(done.stdout + done.stderr), repo


def test_the_page_has_every_step_the_issue_asks_for() -> None:
    commands = " ; ".join(s.command for s in steps(PAGE.read_text(encoding="utf-8")))
    for needed in ("pip install", "gatekeeper check", "gatekeeper explain", "gatekeeper validate",
                   "gatekeeper test", "gatekeeper replay", "gatekeeper install-hook",
                   "git push"):
        assert needed in commands, needed
    files = [s.path for s in steps(PAGE.read_text(encoding="utf-8")) if s.path]
    assert files == [".gatekeeper.yml", ".gatekeeper.test.yml",
                     ".github/workflows/gatekeeper.yml", ".gitlab-ci.yml", ".gatekeeper.yml"]


def test_every_command_exits_as_the_page_says(
        tutorial: tuple[list[Step], dict[int, tuple[str, int]], Repo]) -> None:
    found, ran, _ = tutorial
    for index, step in enumerate(found):
        if step.path:
            continue
        assert index in ran, f"never ran: {step.command}"
        output, code = ran[index]
        assert code == step.exits, f"{step.command} exited {code}:\n{output}"


def output_of(tutorial: tuple[list[Step], dict[int, tuple[str, int]], Repo], command: str,
              nth: int = 0) -> str:
    """What the ``nth`` run of ``command`` printed."""
    found, ran, _ = tutorial
    matches = [i for i, s in enumerate(found) if s.command == command]
    return ran[matches[nth]][0]


def test_what_the_reader_sees_at_each_step(
        tutorial: tuple[list[Step], dict[int, tuple[str, int]], Repo]) -> None:
    repo = tutorial[2]
    assert output_of(tutorial, "gatekeeper --version").startswith("gatekeeper, version ")
    first = output_of(tutorial, "gatekeeper check")
    assert first.startswith("gatekeeper: FAIL") and "built-in default policy" in first
    assert "effective lines 450 > 400" in first
    assert "verdict: fail" in output_of(tutorial, "gatekeeper explain")
    assert json.loads((repo.path / "report.json").read_text("utf-8"))["verdict"] == "fail"
    assert output_of(tutorial, "gatekeeper validate").startswith(".gatekeeper.yml: ok")
    assert json.loads((repo.path / ".gatekeeper.schema.json").read_text("utf-8"))["title"]
    trial = output_of(tutorial, "gatekeeper check", 1)
    assert trial.startswith("gatekeeper: PASS") and "FAIL (report-only)" in trial
    assert output_of(tutorial, "gatekeeper test").strip() == "3 cases in 1 file, 0 failed"
    replayed = json.loads((repo.path / "replay.json").read_text("utf-8"))
    assert len(replayed["repositories"][0]["changes"]) == 31
    assert "plotly" in (repo.path / "replay.html").read_text("utf-8")[:200_000].lower()
    assert "FAIL (report-only)" in output_of(tutorial, "git push --quiet origin feature/export")
    refused = output_of(tutorial, "git push --quiet --force-with-lease origin feature/export")
    assert "gatekeeper: FAIL" in refused and "batch-size" in refused
    pushed = repo.git("ls-remote", "origin", "refs/heads/feature/export").split()[0]
    assert pushed != repo.head()  # the enforced gate kept the rebased branch back
    quiet = output_of(tutorial, "gatekeeper check --quiet")
    assert "tests-with-source" in quiet and "PASS" not in quiet.replace("gatekeeper: ", "")
