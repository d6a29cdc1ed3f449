"""The command line as a user runs it: exit codes, outputs, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gatekeeper import __version__
from gatekeeper.errors import EXIT_INTERRUPTED, EXIT_USAGE
from tests.conftest import GIT_ENV, Repo, RunResult, make_repo, on_terminal, run_cli


def feature_repo(repo: Repo, lines: int = 10) -> str:
    """Checks out a feature branch adding ``lines`` lines of src/app.py; the base sha."""
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", "".join(f"v{i} = {i}\n" for i in range(lines)))
    repo.commit("feat: app")
    return base


def test_version_and_help() -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.stdout.strip() == f"gatekeeper, version {__version__}"
    result = run_cli("--help")
    assert result.code == 0 and "Exit codes: 0 pass" in result.stdout
    assert "--diff-file" in run_cli("check", "--help").stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "gatekeeper"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_pass_writes_every_requested_output(repo: Repo, tmp_path: Path) -> None:
    base = feature_repo(repo)
    out_json, out_junit = tmp_path / "r.json", tmp_path / "r.xml"
    result = run_cli("check", "--base", base, "--json", str(out_json), "--junit", str(out_junit),
                     cwd=repo.path)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("gatekeeper: PASS - 1 rules checked")
    assert "built-in default policy" in result.stdout
    assert json.loads(out_json.read_text())["verdict"] == "pass"
    assert "<testcase" in out_junit.read_text()


def test_policy_failure_exits_1(repo: Repo) -> None:
    base = feature_repo(repo, lines=50)
    repo.write(".gatekeeper.yml", "rules:\n  - {id: tiny, kind: batch-size, "
                                  "max_effective_lines: 20}\n")
    result = run_cli("check", "--base", base, "--format", "json", cwd=repo.path)
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["results"][0]["measured"] == 50 and report["policy"]["path"] == ".gatekeeper.yml"


def test_default_base_is_the_upstream_and_the_output_says_so(repo: Repo, tmp_path: Path) -> None:
    feature_repo(repo)
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    repo.git("remote", "add", "origin", origin.as_uri())
    repo.git("push", "-q", "origin", "main")
    repo.git("branch", "-q", "--set-upstream-to=origin/main")
    result = run_cli("check", cwd=repo.path)
    assert result.code == 0, result.stderr
    assert "against origin/main" in result.stdout
    assert "the upstream of the current branch" in result.stdout


def test_empty_change_set_passes_with_nothing_to_check(repo: Repo) -> None:
    feature_repo(repo)
    result = run_cli("check", "--base", "HEAD", cwd=repo.path)
    assert result.code == 0
    assert result.stdout.startswith("gatekeeper: PASS - nothing to check")


def test_unknown_revision_exits_3_with_one_line(repo: Repo) -> None:
    feature_repo(repo)
    result = run_cli("check", "--base", "no-such-branch", cwd=repo.path)
    assert result.code == 3
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "unknown base revision 'no-such-branch'" in result.stderr


def test_bad_policy_exits_2_with_location(repo: Repo) -> None:
    base = feature_repo(repo)
    repo.write(".gatekeeper.yml", "rules:\n  - id: x\n    kind: batch-size\n    max_fils: 1\n")
    result = run_cli("check", "--base", base, cwd=repo.path)
    assert result.code == 2
    assert result.stderr.strip() == (
        ".gatekeeper.yml:4:5: unknown key 'max_fils' (fix: did you mean 'max_files'?)")


def test_outside_a_repository_exits_3(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.code == 3 and "not inside a git work tree" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_base_candidates_exits_3(repo: Repo) -> None:
    repo.write("a", "a\n")
    repo.commit("one")
    repo.git("branch", "-q", "-m", "trunk")
    result = run_cli("check", cwd=repo.path)
    assert result.code == 3 and "pass --base REV" in result.stderr


def test_conflicting_options_are_usage_errors(repo: Repo) -> None:
    feature_repo(repo)
    result = run_cli("check", "--staged", "--base", "main", cwd=repo.path)
    assert result.code == 2 and "cannot be combined" in result.stderr


def test_unwritable_report_path_is_an_error_not_a_traceback(repo: Repo, tmp_path: Path) -> None:
    base = feature_repo(repo)
    result = run_cli("check", "--base", base, "--junit", str(tmp_path / "no" / "dir.xml"),
                     cwd=repo.path)
    assert result.code == 2 and "cannot write report" in result.stderr
    assert "Traceback" not in result.stderr


def test_staged_check(repo: Repo) -> None:
    feature_repo(repo)
    repo.write("big.py", "x = 1\n" * 500)
    repo.git("add", "big.py")
    result = run_cli("check", "--staged", cwd=repo.path)
    assert result.code == 1
    assert "staged changes against HEAD" in result.stdout
    assert "effective lines 500 > 400" in result.stdout


POLICY = """\
version: 1
rules:
  - id: size
    kind: batch-size
    description: keep it small
    max_effective_lines: 20
    when: {paths: ["src/**"]}
    waivers: {labels: [big-ok]}
  - id: docs-size
    kind: batch-size
    max_effective_lines: 1
    when: {paths: ["docs/**"]}
  - id: trial
    kind: batch-size
    max_files: 0
    enforce: false
"""


def test_labels_and_waiver_reach_the_rules_from_the_command_line(repo: Repo) -> None:
    feature_repo(repo, lines=50)
    repo.write(".gatekeeper.yml", POLICY)
    repo.commit("chore: policy\n\nGatekeeper-Waive: size: data fixture, reviewed by Bo")
    failed = run_cli("check", "--base", "main", cwd=repo.path)
    assert failed.code == 1 and "waiver refused (label" not in failed.stdout
    assert "this rule is waived only with label big-ok" in failed.stdout
    waived = run_cli("check", "--base", "main", "--label", "big-ok", "--format", "json",
                     cwd=repo.path)
    assert waived.code == 0, waived.stdout
    report = json.loads(waived.stdout)
    size, docs, trial = report["results"]
    assert size["status"] == "waived" and size["waivers"][0]["reason"].startswith("data fixture")
    assert docs["status"] == "skip" and trial["status"] == "fail" and not trial["blocking"]
    assert report["change"]["labels"] == ["big-ok"]
    assert report["change"]["target_branch"] == "main"


def test_explain_shows_every_rule_and_exits_0(repo: Repo) -> None:
    feature_repo(repo, lines=50)
    repo.write(".gatekeeper.yml", POLICY)
    repo.commit("chore: policy")
    result = run_cli("explain", "--base", "main", "--target-branch", "release/1", cwd=repo.path)
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "size (batch-size, error): FAIL" in out
    assert "purpose:  keep it small" in out
    assert "applies:  when: paths ['src/**'] matched src/app.py" in out
    assert "check:    effective lines 66 > 20 lines" in out  # 50 app lines + 16 policy lines
    assert "docs-size (batch-size, error): SKIP" in out
    assert "trial (batch-size, error): FAIL (report-only)" in out
    assert "report-only, so it never blocks" in out
    assert "target branch: release/1" in out and out.rstrip().endswith("verdict: fail")


def test_schema_is_json_schema_for_the_policy(tmp_path: Path) -> None:
    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    assert {"version", "extends", "disable", "rules", "exceptions"} <= set(schema["properties"])
    assert "not" in schema["$defs"]["Condition"]["properties"]
    kinds = {d["properties"]["kind"].get("const") for d in schema["$defs"].values()
             if "kind" in d.get("properties", {})}
    from gatekeeper.rules import RULE_KINDS
    assert set(RULE_KINDS) <= kinds


LOADER = """
import atexit, sys
atexit.register(lambda: print(" ".join(sorted(sys.modules)), file=sys.stderr))
from gatekeeper.cli import main
main()
"""


def test_a_check_loads_no_flag_owner_or_approval_code_it_does_not_use(repo: Repo) -> None:
    """The pre-push hook runs a check on every push: parts the policy does not use stay
    unloaded (the flag presets and scanner, the CODEOWNERS parser, the API clients)."""
    base = feature_repo(repo)
    result = subprocess.run([sys.executable, "-c", LOADER, "check", "--base", base],
                            cwd=repo.path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stderr.split())
    assert "gatekeeper.pipeline" in loaded
    unused = {"gatekeeper.facts.flags.presets", "gatekeeper.facts.flags.scan",
              "gatekeeper.facts.flags.registry", "gatekeeper.facts.codeowners.reader",
              "gatekeeper.facts.codeowners.patterns", "gatekeeper.facts.approvals.github",
              "gatekeeper.facts.approvals.gitlab", "gatekeeper.facts.approvals.http",
              "gatekeeper.evaluation.review.enforce", "urllib.request"}
    assert loaded & unused == set()


# -- exit codes: each means one thing; output that cannot be written; Ctrl-C -----------------


def test_help_lists_every_exit_code() -> None:
    text = " ".join(run_cli("--help").stdout.split())
    for code in ("0 pass", "1 policy failure", "2 usage, policy-file or output error",
                 "3 change set cannot be determined", "4 internal error", "130 interrupted"):
        assert code in text, code


def _run_into(stdout: Any, *args: str, cwd: Path | None = None) -> RunResult:
    result = subprocess.run([sys.executable, "-m", "gatekeeper", *args], cwd=cwd,
                            stdout=stdout, stderr=subprocess.PIPE, env={**os.environ, **GIT_ENV})
    return RunResult(result.returncode, "", result.stderr.decode("utf-8", errors="replace"))


def _assert_output_error(result: RunResult, reason: str) -> None:
    assert result.code == EXIT_USAGE, (result.code, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"gatekeeper: error: cannot write to standard output: "
                                    f"{reason} (fix: ")


def test_standard_output_on_a_full_disk_is_a_one_line_error(repo: Repo) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    base = feature_repo(repo)
    with open("/dev/full", "w") as full:
        for args in (("check", "--base", base), ("explain", "--base", base), ("schema",),
                     ("--help",), ("check", "--help")):
            _assert_output_error(_run_into(full, *args, cwd=repo.path),
                                 "No space left on device")


def test_a_closed_pipe_on_standard_output_is_a_one_line_error(repo: Repo) -> None:
    base = feature_repo(repo)
    # The reading end is closed before gatekeeper writes: `gatekeeper check | head -0`.
    proc = subprocess.Popen([sys.executable, "-m", "gatekeeper", "check", "--base", base],
                            cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **GIT_ENV})
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    _assert_output_error(RunResult(proc.returncode, "", err.decode()), "Broken pipe")


def test_ctrl_c_exits_130_with_one_line(repo: Repo, tmp_path: Path) -> None:
    feature_repo(repo)
    fifo = tmp_path / "diff.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "gatekeeper", "check", "--diff-file",
                             str(fifo)], cwd=repo.path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **GIT_ENV})
    # Opening the writing end succeeds once gatekeeper has opened the FIFO to read the diff:
    # from then on it waits for input, and SIGINT reaches it mid-run.
    deadline = time.monotonic() + 120
    while True:
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "gatekeeper never opened the diff"
            time.sleep(0.02)
    try:
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(writer)
    assert proc.returncode == EXIT_INTERRUPTED, err
    assert (out, err) == (b"", b"gatekeeper: interrupted\n")


AUTHOR_POLICY = """\
version: 1
rules:
  - id: size
    kind: batch-size
    max_effective_lines: 20
    unless: {bot: true}
    waivers: {trailer: true}
  - id: owners-only
    kind: forbidden-paths
    paths: ["src/**"]
    when: {author: ["intern-*"]}
"""


def test_author_and_description_can_be_tried_before_ci(repo: Repo, tmp_path: Path) -> None:
    feature_repo(repo, lines=50)
    repo.write(".gatekeeper.yml", AUTHOR_POLICY)
    repo.commit("chore: policy")

    def statuses(*options: str) -> dict[str, str]:
        result = run_cli("check", "--base", "main", "--format", "json", *options, cwd=repo.path)
        assert result.code in (0, 1), result.stderr
        return {r["rule_id"]: r["status"] for r in json.loads(result.stdout)["results"]}

    assert statuses() == {"size": "fail", "owners-only": "skip"}
    assert statuses("--author", "renovate[bot]")["size"] == "skip"  # the bot condition
    assert statuses("--author", "intern-ada")["owners-only"] == "fail"
    asked = "Adds the app.\n\nGatekeeper-Waive: size: generated fixture, reviewed by Bo\n"
    assert statuses("--description", asked)["size"] == "waived"
    (tmp_path / "pr.md").write_text(asked, encoding="utf-8")
    assert statuses("--description", f"@{tmp_path / 'pr.md'}")["size"] == "waived"
    missing = run_cli("check", "--base", "main", "--description", "@nope.md", cwd=repo.path)
    assert missing.code == 2 and missing.stderr.startswith("gatekeeper: error: --description: "
                                                           "cannot read nope.md")


def test_a_fresh_clone_says_what_was_compared_and_how_to_check_something(
        tmp_path: Path) -> None:
    seed = make_repo(tmp_path / "seed")
    seed.write("app.py", "x = 1\n")
    seed.commit("first")
    seed.write("app.py", "x = 2\n")
    seed.commit("second")
    clone = tmp_path / "clone"
    seed.git("clone", "-q", str(seed.path), str(clone))
    result = run_cli("check", cwd=clone)
    assert result.code == 0, result.stderr
    assert "compared: HEAD (the checked-out commit) against origin/" in result.stdout
    note = result.stdout.rstrip().splitlines()[-1]
    assert note.startswith("note: HEAD has no commits beyond origin/")
    assert "pass --base REV (--base HEAD~1 checks the last commit)" in note
    last = run_cli("check", "--base", "HEAD~1", "--format", "json", cwd=clone)
    report = json.loads(last.stdout)
    assert report["nothing_to_check"] is False and report["notes"] == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_come_from_click(shell: str) -> None:
    script = run_cli(env={"_GATEKEEPER_COMPLETE": f"{shell}_source"})
    assert script.code == 0 and "_GATEKEEPER_COMPLETE" in script.stdout


def test_completion_completes_commands_and_options() -> None:
    env = {"_GATEKEEPER_COMPLETE": "bash_complete", "COMP_WORDS": "gatekeeper check --for",
           "COMP_CWORD": "2"}
    assert run_cli(env=env).stdout.split() == ["plain,--format"]
    env.update(COMP_WORDS="gatekeeper ex", COMP_CWORD="1")
    assert run_cli(env=env).stdout.split() == ["plain,explain"]


# -- the console report on stdout: colour, --quiet and --verbose -------------------------------

UNSET_COLOUR = {"NO_COLOR": "", "FORCE_COLOR": ""}
"""Empty values count as unset, so the caller's own environment cannot decide a test."""


def failing_change(repo: Repo) -> str:
    """A change that fails rule ``tiny`` and passes rule ``files``; the base sha."""
    base = feature_repo(repo, lines=50)
    repo.write(".gatekeeper.yml", "rules:\n  - {id: tiny, kind: batch-size, "
                                  "max_effective_lines: 20}\n"
                                  "  - {id: files, kind: batch-size, max_files: 9}\n")
    return base


def check_with(repo: Repo, *args: str, **env: str) -> RunResult:
    """``gatekeeper check`` on ``failing_change`` with ``args``, colour variables from ``env``."""
    base = failing_change(repo)
    return run_cli("check", "--base", base, *args, cwd=repo.path, env={**UNSET_COLOUR, **env})


def test_force_color_colours_the_console_report(repo: Repo) -> None:
    result = check_with(repo, FORCE_COLOR="1")
    assert result.code == 1, result.stderr
    assert result.stdout.startswith(
        "\x1b[31m\x1b[1mgatekeeper: FAIL - 1 of 2 rules failed\x1b[0m\n")
    assert "\n\x1b[31mFAIL\x1b[0m  tiny [error]  " in result.stdout
    assert "\n\x1b[32mPASS\x1b[0m  files [error]  " in result.stdout


def test_no_color_wins_over_force_color(repo: Repo) -> None:
    result = check_with(repo, NO_COLOR="1", FORCE_COLOR="1")
    assert result.code == 1 and "\x1b" not in result.stdout
    assert result.stdout.startswith("gatekeeper: FAIL - 1 of 2 rules failed\n")


def test_no_colour_where_stdout_is_not_a_terminal(repo: Repo) -> None:
    result = check_with(repo)
    assert result.code == 1 and "\x1b" not in result.stdout
    assert "\nPASS  files [error]  " in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_terminal_gets_colour(repo: Repo) -> None:
    base = failing_change(repo)
    code, shown, err = on_terminal("check", "--base", base, cwd=repo.path, env=UNSET_COLOUR)
    assert code == 1, err
    assert shown.startswith(b"\x1b[31m\x1b[1mgatekeeper: FAIL")


def test_colour_is_for_the_console_report_only(repo: Repo) -> None:
    result = check_with(repo, "--format", "json", "-q", FORCE_COLOR="1")
    assert result.code == 1 and "\x1b" not in result.stdout
    assert json.loads(result.stdout)["verdict"] == "fail"


def test_quiet_prints_the_verdict_and_the_failures(repo: Repo) -> None:
    result = check_with(repo, "--quiet")
    assert result.code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["gatekeeper: FAIL - 1 of 2 rules failed",
                         "FAIL  tiny [error]  change set too large: effective lines 50 > 20"]
    assert all(line.startswith("      ") for line in lines[2:])
    assert "      fix: " in result.stdout
    assert "PASS" not in result.stdout and "compared:" not in result.stdout


def test_verbose_prints_everything_explain_knows(repo: Repo) -> None:
    result = check_with(repo, "-v")
    assert result.code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "gatekeeper: FAIL - 1 of 2 rules failed"
    assert lines[1].startswith("change:   HEAD")
    assert "tiny (batch-size, error): FAIL" in lines and "files (batch-size, error): PASS" in lines
    assert "  because:  the rule's checks held" in lines and lines[-1] == "verdict: fail"


def test_quiet_and_verbose_together_are_one_usage_error(repo: Repo) -> None:
    result = check_with(repo, "-q", "--verbose")
    assert (result.code, result.stdout) == (EXIT_USAGE, "")
    assert result.stderr.startswith("gatekeeper: error: --quiet and --verbose cannot be combined")
    assert result.stderr.count("\n") == 1


def test_format_explain_names_the_command_that_explains(repo: Repo) -> None:
    result = check_with(repo, "--format", "explain")
    assert result.code == EXIT_USAGE and result.stdout == ""
    assert "run `gatekeeper explain`, or `gatekeeper check --verbose`" in result.stderr
    assert "is not one of" not in result.stderr
