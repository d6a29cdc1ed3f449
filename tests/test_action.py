"""action.yml run as the GitHub Actions runner runs a composite action, on real shallow clones.

The harness plays the runner for what action.yml uses: it evaluates each step's env: mapping
(the only place expressions may appear), gives each step fresh GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY files, runs the script with the shell line the runner uses for
``shell: bash``, reads workflow commands from the log, and parses the output files with the
runner's rules. The install step runs once per session; each test then runs the check step.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BATCH_POLICY, GIT_ENV, Repo, make_repo
from tests.context.test_github import checkout, pr_payload

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
"""What the runner runs for ``shell: bash``, the script's path appended."""
COMMANDS = {"set-output", "save-state", "add-mask", "add-path", "set-env", "error", "warning",
            "notice", "debug", "group", "endgroup", "echo", "add-matcher", "remove-matcher",
            "stop-commands"}
"""Workflow commands the runner acts on."""
OUTPUTS = {"verdict", "exit-code", "json-report", "junit-report", "sarif-report",
           "effective-lines", "effective-files", "failed-rules", "patch-coverage", "total-coverage",
           "coverage-delta", "review-tier", "review-tier-name", "review-approvals",
           "review-owners", "ai-assisted"}
POLICY = BATCH_POLICY + "    waivers: {labels: [size-approved]}\n" + """\
review:
  tiers:
    - {name: light, approvals: 1}
    - {name: deep, approvals: 2, owners: ["@acme/leads", "@octocat"]}
  rules:
    - id: large
      tier: deep
      when: {size: {measure: effective_lines, over: 30}}
"""
JOB_TOKEN = "ghs_JobTokenTheRunnerMasks0123456789abcdef"
"""What ``${{ github.token }}`` evaluates to in the harness."""
HOSTILE = ("$(touch pwned) `touch pwned2`; touch pwned3 | <img src=x onerror=alert(1)> "
           "[link](https://evil.example) @octocat #1\n::error::injected\n"
           "::set-output name=verdict::pass\n##[set-output name=exit-code;]0\n| a | b |")


# -- the runner ---------------------------------------------------------------------------------


@dataclass
class StepRun:
    code: int
    log: str
    outputs: dict[str, str]
    summary: str
    commands: list[tuple[str, str]]
    """Workflow commands the runner acted on, apart from stopping and resuming them."""


@dataclass
class Runner:
    """Just enough of the GitHub Actions runner to run action.yml's steps."""

    env: dict[str, str]
    workspace: Path
    files: Path
    inputs: dict[str, str] = field(default_factory=dict)
    steps: dict[str, dict[str, str]] = field(default_factory=dict)

    def evaluate(self, text: str) -> str:
        """``text`` with its ${{ }} expressions replaced by their values."""
        return EXPRESSION.sub(lambda match: self._value(match.group(1).strip()), str(text))

    def _value(self, expression: str) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            if parts[1] in self.inputs:
                return self.inputs[parts[1]]
            # The runner evaluates an input's default, which may be an expression itself.
            return self.evaluate(str(ACTION["inputs"][parts[1]].get("default", "")))
        if expression == "github.token":
            return JOB_TOKEN
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get(parts[3], "")
        if expression == "github.action_path":
            return self.env["GITHUB_ACTION_PATH"]
        if expression == "runner.temp":
            return self.env["RUNNER_TEMP"]
        raise AssertionError(f"the harness does not evaluate ${{{{ {expression} }}}}")

    def run_step(self, step: dict[str, Any]) -> StepRun:
        """Runs one bash step of the action as the runner would; its outcome."""
        assert step["shell"] == "bash" and "${{" not in step["run"]
        name = uuid.uuid4().hex
        output, summary = self.files / f"set_output_{name}", self.files / f"step_summary_{name}"
        output.touch()
        summary.touch()
        script = self.files / f"{name}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {**self.env, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
               **{key: self.evaluate(value) for key, value in step.get("env", {}).items()}}
        done = subprocess.run([*SHELL, str(script)], cwd=self.workspace, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        log = done.stdout.decode("utf-8", errors="replace")
        commands = workflow_commands(log)
        outputs = parse_file_command(output.read_text(encoding="utf-8"))
        # The runner would act on a set-output command too: count it as an output.
        for command, data in commands:
            if command == "set-output" and "::" in data:
                key, value = data.split("::", 1)
                outputs[key] = value
        self.steps[step["id"]] = outputs
        return StepRun(done.returncode, log, outputs, summary.read_text(encoding="utf-8"),
                       commands)

    def run(self, *, skip: tuple[str, ...] = ()) -> tuple[list[StepRun], dict[str, str]]:
        """Runs the action's steps but ``skip``, stopping at a failure; runs and outputs."""
        runs = []
        for step in ACTION["runs"]["steps"]:
            if step["id"] in skip:
                continue
            runs.append(self.run_step(step))
            if runs[-1].code != 0:
                break  # a composite action stops at the first failing step
        outputs = {name: self.evaluate(spec["value"]) for name, spec in ACTION["outputs"].items()}
        return runs, outputs


def workflow_commands(log: str) -> list[tuple[str, str]]:
    """The commands the runner would act on, as its ActionCommandManager reads the log: a line
    starting (after spaces) with ``::name ...::data``, or holding ``##[name ...]data`` anywhere;
    ``::stop-commands::TOKEN`` ignores everything until ``::TOKEN::``."""
    acted: list[tuple[str, str]] = []
    token: str | None = None
    for line in log.splitlines():
        known = COMMANDS | ({token} if token else set())
        command = _parse(line, known)
        if command is None:
            continue
        name, data = command
        if token is not None:
            if name.lower() == token.lower():
                token = None
        elif name == "stop-commands":
            token = data
        else:
            acted.append((name, data))
    assert token is None, "the step left workflow commands stopped"
    return acted


_V2 = re.compile(r"\s*::(.*?)::(.*)")
_V1 = re.compile(r".*?##\[(.*?)\](.*)")


def _parse(line: str, known: set[str]) -> tuple[str, str] | None:
    """``(name, data)`` of a command on the line; set-output's data is ``NAME::VALUE``."""
    for pattern, separator in ((_V2, ","), (_V1, ";")):
        match = pattern.match(line)
        if match is None:
            continue
        name, _, properties = match.group(1).partition(" ")
        if name.lower() not in {k.lower() for k in known}:
            continue
        output = [p[5:] for p in properties.split(separator) if p.startswith("name=")]
        return name, "".join(f"{o}::" for o in output[:1]) + match.group(2)
    return None


def parse_file_command(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: ``NAME=VALUE`` or ``NAME<<DELIMITER`` lines, the
    value then running to a line that is exactly the delimiter; anything else is an error."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line.split("=", 1)
        else:
            assert heredoc > 0, f"invalid output line {line!r}"
            name, delimiter = line.split("<<", 1)
            assert delimiter, f"invalid output line {line!r}"
            body = []
            for value_line in lines:
                if value_line == delimiter:
                    break
                body.append(value_line)
            else:
                raise AssertionError(f"matching delimiter not found {delimiter!r}")
            value = "\n".join(body)
        values[name] = value
    return values


# -- the repository, the checkout and the installed action --------------------------------------


@dataclass(frozen=True)
class Forge:
    """A bare origin with two pull requests into main: #1 is small, #2 is too large."""

    path: Path
    fork: str
    small: str
    large: str
    merges: dict[int, str]


@pytest.fixture(scope="module")
def forge(tmp_path_factory: pytest.TempPathFactory) -> Forge:
    """A bare origin with two pull requests, small and large, and their merge refs."""
    root = tmp_path_factory.mktemp("action-origin")
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", POLICY)
    seed.write("app.py", "version = 1\n")
    fork = seed.commit("main")
    heads = {}
    for number, branch, lines in ((1, "small", 5), (2, "large", 60)):
        seed.git("checkout", "-q", "-b", branch, fork)
        seed.write(f"{branch}.py", "".join(f"v{i} = {i}\n" for i in range(lines)))
        seed.write("::warning::odd | name `x` <b>.txt", "hostile path\n")
        heads[number] = seed.commit(f"{branch} change")
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "main moves on\n")
    seed.commit("main moves on")
    merges = {}
    for number, head in heads.items():
        seed.git("checkout", "-q", "--detach", "main")
        seed.git("merge", "-q", "--no-ff", "-m", f"Merge #{number}", head)
        merges[number] = seed.head()
    bare = root / "origin.git"
    Repo(root).git("clone", "-q", "--bare", str(seed.path), str(bare))
    origin = Repo(bare)
    for number, head in heads.items():
        origin.git("update-ref", f"refs/pull/{number}/head", head)
        origin.git("update-ref", f"refs/pull/{number}/merge", merges[number])
    return Forge(bare, fork, heads[1], heads[2], merges)


def base_env(temp: Path, workspace: Path) -> dict[str, str]:
    """The job's environment: this machine's, less any real runner's, plus the runner's own."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_"))
           and key not in ("VIRTUAL_ENV", "PYTHONPATH", "GATEKEEPER_DEBUG")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(GIT_ENV)
    env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp),
                "GITHUB_REPOSITORY": "octo/repo", "RUNNER_OS": "Linux"})
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The install step's outputs, from running it for real once per session."""
    temp = tmp_path_factory.mktemp("runner-temp")
    files = tmp_path_factory.mktemp("runner-files")
    runner = Runner(base_env(temp, temp), temp, files)
    [install] = [step for step in ACTION["runs"]["steps"] if step["id"] == "install"]
    run = runner.run_step(install)
    assert run.code == 0, run.log
    assert run.commands == [] and set(run.outputs) == {"venv"}
    assert (Path(run.outputs["venv"]) / "bin" / "gatekeeper").is_file()
    return run.outputs


@dataclass
class ActionRun(StepRun):
    workspace: Path


LARGE_ANNOTATION = ("change set too large: effective lines 61 > 20%0Afix: split out large.py "
                    "(60 lines) into separate changes, leaving 1 <= 20 lines")
"""The annotation of the failing batch-size rule on the pull request that adds large.py."""


def run_action(forge: Forge, tmp: Path, installed: dict[str, str], *, number: int = 1,
               inputs: dict[str, str] | None = None, job_env: dict[str, str] | None = None,
               **payload: Any) -> ActionRun:
    """The action on pull request ``number``, after actions/checkout with fetch-depth 1."""
    head = forge.small if number == 1 else forge.large
    workspace = checkout(forge.path.as_uri(), tmp / "workspace", forge.merges[number],
                         f"refs/remotes/pull/{number}/merge")
    temp, files = tmp / "runner-temp", tmp / "runner-files"
    temp.mkdir()
    files.mkdir()
    event = temp.parent / "event.json"
    event.write_text(json.dumps(pr_payload(head, forge.fork, number=number, **payload)),
                     encoding="utf-8")
    env = base_env(temp, workspace.path)
    env.update({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
                "GITHUB_SHA": forge.merges[number], "GITHUB_REF": f"refs/pull/{number}/merge",
                "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feature"})
    env.update(job_env or {})
    runner = Runner(env, workspace.path, files, inputs or {}, {"install": dict(installed)})
    runs, outputs = runner.run(skip=("install",))
    [check] = runs
    return ActionRun(check.code, check.log, outputs, check.summary, check.commands,
                     workspace.path)


# -- the tests ----------------------------------------------------------------------------------


def test_no_expression_reaches_a_script() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"] and step["shell"] == "bash"
        for value in step.get("env", {}).values():
            for expression in EXPRESSION.findall(str(value)):
                assert re.fullmatch(r"\s*(inputs\.[a-z-]+|steps\.install\.outputs\.venv)\s*",
                                    expression), expression
    assert set(ACTION["outputs"]) == OUTPUTS
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.check.outputs.{name} }}}}"
    assert set(ACTION["inputs"]) == {"policy", "coverage-files", "coverage-base-files",
                                     "json-report", "junit-report", "sarif-report", "args",
                                     "fail-on-error",
                                     "annotations", "comment", "token"}
    for name, spec in ACTION["inputs"].items():
        assert "${{" not in str(spec.get("default", "")) or name == "token", name


INTERPRETER = re.compile(
    r'(?:^\s*|\(|&& )"\$(?:python|candidate|bin/python|venv/\w+/python)"', re.MULTILINE)
"""Where a script starts a Python (a command, or the first word of an array that is one)."""


def test_every_python_runs_isolated_and_none_runs_inline_code() -> None:
    # The checkout is the working directory: a Python that puts it on sys.path, or reads
    # PYTHONPATH, runs the change's shlex.py or gatekeeper/__main__.py.
    for step in ACTION["runs"]["steps"]:
        script = step["run"]
        started = list(INTERPRETER.finditer(script))
        assert started, step["id"]
        for match in started:
            assert script[match.end():].startswith(" -I "), script[match.start():][:60]
        assert not re.search(r"python\S*\"? (-I )?- ", script)  # no program on stdin
        assert "gatekeeper." not in script and "import gatekeeper" not in script
        assert "-m gatekeeper check" not in script  # the console script, not the module
        assert "gatekeeper-installed" not in script


def test_the_token_reaches_only_gatekeeper_and_only_through_env() -> None:
    assert ACTION["inputs"]["token"]["default"] == "${{ github.token }}"
    steps = {step["id"]: step for step in ACTION["runs"]["steps"]}
    assert "GATEKEEPER_TOKEN" not in steps["install"].get("env", {})
    assert "token" not in str(steps["install"].get("env", {}))
    check = steps["check"]["env"]
    assert [k for k, v in check.items() if "inputs.token" in str(v)] == ["GATEKEEPER_TOKEN"]
    runner = Runner({}, ROOT, ROOT)
    assert runner.evaluate(check["GATEKEEPER_TOKEN"]) == JOB_TOKEN
    runner.inputs["token"] = "github_pat_Given"
    assert runner.evaluate(check["GATEKEEPER_TOKEN"]) == "github_pat_Given"


def test_the_harness_sees_what_the_runner_would_act_on() -> None:
    log = ("      ::warning::odd.txt (+1 -0)\nx ##[set-output name=verdict;]pass\n"
           "::stop-commands::t0k\n::error::hidden\n::t0k::\n::notice::after\n")
    assert workflow_commands(log) == [("warning", "odd.txt (+1 -0)"),
                                      ("set-output", "verdict::pass"), ("notice", "after")]
    assert parse_file_command("a=1\nb<<EOF\nx\ny\nEOF\n") == {"a": "1", "b": "x\ny"}
    with pytest.raises(AssertionError, match="matching delimiter"):
        parse_file_command("b<<EOF\nx\n")


def test_a_small_pull_request_passes(forge: Forge, tmp_path: Path,
                                     installed: dict[str, str]) -> None:
    run = run_action(forge, tmp_path, installed)
    assert run.code == 0, run.log
    assert run.commands == []
    out = run.outputs
    assert (out["verdict"], out["exit-code"], out["failed-rules"]) == ("pass", "0", "0")
    assert (out["effective-lines"], out["effective-files"]) == ("6", "2")
    assert (out["review-tier"], out["review-tier-name"], out["review-approvals"]) == (
        "1", "light", "1")
    assert (out["review-owners"], out["ai-assisted"]) == ("", "false")
    assert out["json-report"] == str(tmp_path / "runner-temp" / "gatekeeper-report.json")
    assert out["junit-report"] == str(tmp_path / "runner-temp" / "gatekeeper-junit.xml")
    report = json.loads(Path(out["json-report"]).read_text(encoding="utf-8"))
    assert report["revisions"]["head_sha"] == forge.small
    assert report["revisions"]["merge_base"] == forge.fork
    assert "<testsuite" in Path(out["junit-report"]).read_text(encoding="utf-8")
    assert out["sarif-report"] == str(tmp_path / "runner-temp" / "gatekeeper-report.sarif")
    sarif = json.loads(Path(out["sarif-report"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []
    assert run.summary.startswith("### ✅ gatekeeper: PASS — 1 rules checked")
    assert "| ✅ PASS | `batch-size` |" in run.summary
    assert "gatekeeper: PASS" in run.log  # the console report is in the log
    assert JOB_TOKEN not in run.log + run.summary + "".join(run.outputs.values())


def test_a_large_pull_request_fails_the_step(forge: Forge, tmp_path: Path,
                                             installed: dict[str, str]) -> None:
    reports = tmp_path / "out"
    reports.mkdir()
    run = run_action(forge, tmp_path, installed, number=2, inputs={
        "json-report": str(reports / "gk.json"), "junit-report": str(reports / "gk.xml"),
        "sarif-report": str(reports / "sub" / "gk.sarif")})
    assert run.code == 1, run.log
    out = run.outputs
    assert (out["verdict"], out["exit-code"], out["failed-rules"]) == ("fail", "1", "1")
    assert (out["effective-lines"], out["effective-files"]) == ("61", "2")
    assert (out["review-tier"], out["review-tier-name"], out["review-approvals"]) == (
        "2", "deep", "2")
    assert out["review-owners"] == "@acme/leads, @octocat"
    junit = Path(out["junit-report"]).read_text(encoding="utf-8")
    assert '<property name="review.tier_name" value="deep" />' in junit
    assert "large: raises to deep (when: effective_lines 61 is over 30)" in junit
    report = json.loads(Path(out["json-report"]).read_text(encoding="utf-8"))
    assert [r["id"] for r in report["review"]["raised_by"]] == ["large"]
    assert "review:   tier 2 deep (2 approvals; from @acme/leads, @octocat)" in run.log
    assert (out["json-report"], out["junit-report"]) == (str(reports / "gk.json"),
                                                         str(reports / "gk.xml"))
    assert out["sarif-report"] == str(reports / "sub" / "gk.sarif")
    sarif = json.loads(Path(out["sarif-report"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["batch-size"]
    assert run.summary.startswith("### ❌ gatekeeper: FAIL — 1 of 1 rules failed")
    # The one workflow command acted on is gatekeeper's own annotation of the failing rule.
    assert "**How to fix**" in run.summary and run.commands == [("error", LARGE_ANNOTATION)]


def test_fail_on_error_false_reports_without_failing(forge: Forge, tmp_path: Path,
                                                     installed: dict[str, str]) -> None:
    run = run_action(forge, tmp_path, installed, number=2, inputs={"fail-on-error": "false"})
    assert run.code == 0, run.log
    assert (run.outputs["verdict"], run.outputs["exit-code"]) == ("fail", "1")
    assert "fail-on-error is false" in run.log


def test_coverage_reports_are_passed_and_reported(forge: Forge, tmp_path: Path,
                                                  installed: dict[str, str]) -> None:
    shards = tmp_path / "cov shards"
    shards.mkdir()
    (shards / "a.info").write_text("SF:small.py\nDA:1,1\nDA:2,1\nend_of_record\n",
                                   encoding="utf-8")
    (shards / "b.info").write_text("SF:small.py\nDA:3,0\nDA:4,0\nDA:5,1\nend_of_record\n",
                                   encoding="utf-8")
    base = tmp_path / "base.info"
    base.write_text("SF:app.py\nDA:1,1\nend_of_record\n", encoding="utf-8")
    run = run_action(forge, tmp_path, installed, inputs={
        "coverage-files": f"'{shards}/*.info'\n", "coverage-base-files": str(base)})
    assert run.code == 0, run.log
    out = run.outputs
    assert (out["patch-coverage"], out["total-coverage"], out["coverage-delta"]) == (
        "60.00", "60.00", "-40.00")
    report = json.loads(Path(out["json-report"]).read_text(encoding="utf-8"))
    assert [r["role"] for r in report["coverage"]["reports"]] == ["head", "head", "base"]


def test_without_coverage_reports_the_coverage_outputs_are_empty(
        forge: Forge, tmp_path: Path, installed: dict[str, str]) -> None:
    run = run_action(forge, tmp_path, installed)
    assert run.code == 0, run.log
    assert [run.outputs[k] for k in ("patch-coverage", "total-coverage", "coverage-delta")] == [
        "", "", ""]


def test_args_are_split_without_a_shell(forge: Forge, tmp_path: Path,
                                        installed: dict[str, str]) -> None:
    args = "--label 'size-approved' --label \"$(touch pwned)\" --label \"`touch pwned2`; x\""
    run = run_action(forge, tmp_path, installed, number=2, inputs={"args": args},
                     body="Gatekeeper-Waive: batch-size: agreed in the design review")
    assert run.code == 0, run.log
    report = json.loads(Path(run.outputs["json-report"]).read_text(encoding="utf-8"))
    assert report["change"]["labels"] == ["small", "size-approved", "$(touch pwned)",
                                          "`touch pwned2`; x"]
    assert report["results"][0]["status"] == "waived"
    assert "**Waivers and exceptions**" in run.summary
    assert "agreed in the design review" in run.summary
    assert not list(tmp_path.rglob("pwned*"))


def test_an_error_is_reported_and_fails_the_step(forge: Forge, tmp_path: Path,
                                                 installed: dict[str, str]) -> None:
    run = run_action(forge, tmp_path, installed, inputs={"policy": "missing.yml"})
    assert run.code == 2, run.log
    out = run.outputs
    assert (out["verdict"], out["exit-code"], out["json-report"], out["failed-rules"]) == (
        "error", "2", "", "")
    assert out["sarif-report"] == ""
    assert run.summary.startswith("### ⛔ gatekeeper could not check this change (exit 2)")
    assert "missing.yml" in run.log and "missing.yml" not in run.summary
    assert run.commands == []


@pytest.mark.parametrize(("inputs", "says"), [
    ({"fail-on-error": "maybe"}, "fail-on-error input must be true or false"),
    ({"args": "--label 'unclosed"}, "cannot split INPUT_ARGS into words"),
])
def test_bad_inputs_stop_the_step(forge: Forge, tmp_path: Path, installed: dict[str, str],
                                  inputs: dict[str, str], says: str) -> None:
    run = run_action(forge, tmp_path, installed, inputs=inputs)
    assert run.code == 2 and says in run.log
    assert (run.outputs["verdict"], run.outputs["exit-code"]) == ("error", "2")
    assert run.summary.startswith("### ⛔ gatekeeper could not check this change (exit 2)")


def test_hostile_pull_request_text_stays_text(forge: Forge, tmp_path: Path,
                                              installed: dict[str, str]) -> None:
    body = f"{HOSTILE}\nGatekeeper-Waive: batch-size: {HOSTILE.splitlines()[0]}"
    run = run_action(forge, tmp_path, installed, number=2, title=HOSTILE, body=body,
                     labels=("size-approved", HOSTILE), login="evil`$(touch pwned4)`",
                     inputs={"args": "--label \"$(touch pwned5)\""})
    assert run.code == 0, run.log  # waived by the label, with the hostile reason
    assert not list(tmp_path.rglob("pwned*")) and not list(ROOT.glob("pwned*"))
    assert run.commands == []  # nothing in the log was acted on as a workflow command
    assert set(run.outputs) == OUTPUTS and run.outputs["verdict"] == "pass"
    assert run.outputs["exit-code"] == "0"
    summary = run.summary
    for raw in ("<img", "<b>", "](https://", "\n::error", "\n::set-output"):
        assert raw not in _outside_code(summary), raw
    assert "$(touch pwned)" in summary  # shown, inside a code span
    table = [line for line in summary.splitlines() if line.startswith("| ")]
    assert all(_cells(line) == 3 for line in table), table


def _outside_code(markdown: str) -> str:
    """The Markdown with every code span taken out: what a renderer would parse."""
    return re.sub(r"(`+)(.+?)\1", "", markdown)


def _cells(row: str) -> int:
    """Cells in a table row as GFM splits it (at pipes not escaped with a backslash)."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_annotations_are_printed_after_the_fence(forge: Forge, tmp_path: Path,
                                                 installed: dict[str, str]) -> None:
    run = run_action(forge, tmp_path, installed, number=2, title=HOSTILE, body=HOSTILE,
                     inputs={"annotations": "true"})
    assert run.code == 1, run.log
    message = LARGE_ANNOTATION
    assert run.commands == [("error", message)]
    annotations = [line for line in run.log.splitlines() if line.startswith("::error ")]
    assert annotations == [f"::error file=large.py,title=gatekeeper/batch-size::{message}"]
    lines = run.log.splitlines()
    end = lines.index(annotations[0]) - 1
    assert lines[0] == f"::stop-commands::{lines[end][2:-2]}"  # the fence's start and end
    assert lines[end + 1:] == annotations  # nothing else is outside the fence
    # The change's own "::warning::..." path is printed inside the fence, and acted on by nothing.
    assert any("::warning::odd" in line for line in lines[1:end])
    assert "odd" not in str(run.commands)


@pytest.mark.parametrize(("value", "code"), [("false", 0), ("maybe", 2)])
def test_the_comment_input_is_true_or_false(forge: Forge, tmp_path: Path,
                                            installed: dict[str, str], value: str,
                                            code: int) -> None:
    run = run_action(forge, tmp_path, installed, number=2,
                     inputs={"fail-on-error": "false", "comment": value})
    assert run.code == code, run.log
    if code == 2:
        assert "the comment input must be true or false" in run.log


@pytest.mark.parametrize(("value", "code"), [("false", 0), ("maybe", 2)])
def test_annotations_can_be_switched_off(forge: Forge, tmp_path: Path,
                                              installed: dict[str, str], value: str,
                                              code: int) -> None:
    run = run_action(forge, tmp_path, installed, number=2,
                     inputs={"fail-on-error": "false", "annotations": value})
    assert run.code == code and run.commands == [], run.log
