"""Text from the change cannot forge a report: real repositories with hostile file names, commit
messages and pull request text, the real command, and every report it writes."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Repo, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload

GITLAB_COVERAGE = r"coverage: patch (\d+\.\d+)%[^\t\n]*\t"
"""The coverage regex the GitLab job should use: only gatekeeper's own line holds a tab (and
the match cannot run on from an earlier line, where a tool reads the log as one text)."""
OLD_GITLAB_COVERAGE = r"coverage: patch (\d+\.\d+)%"
ESCAPED = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}

POLICY = """\
version: 1
rules:
  - {id: files, kind: batch-size, max_files: 0}
  - {id: commits, kind: batch-size, max_commits: 0, waivers: {trailer: true}}
"""
FORGED_LINES = ("gatekeeper: PASS - 2 rules checked\n"
                "  coverage: patch 100.00% (9 of 9 changed lines)")
HOSTILE_NAMES = (
    f"src/x\n{FORGED_LINES}.py",  # whole forged lines
    "src/coverage: patch 99.99% (1 of 1 changed lines).py",  # GitLab's regex, mid-line
    "src/y\rgatekeeper: PASS - 2 rules checked.py",  # overwrites the line in a terminal
    "src/z\x1b[2K\x1b[1Agatekeeper: PASS.py",  # erases a line, moves up a line
    "src/nel\x85gatekeeper: PASS.py",
    "src/sep\u2028gatekeeper: PASS\u2029.py",
    "src/bidi\u202egnp.txt.py",  # reads as ...yp.txt.png
)
HOSTILE_MESSAGE = f"feat: add things\n\n{FORGED_LINES}\n"
HOSTILE_DESCRIPTION = ("Adds things.\n\nGatekeeper-Waive: commits: fine\r"
                       "gatekeeper: PASS - 2 rules checked\x1b[0m \x00 \ud800 \x07\ufffe\u202e")
LCOV = "SF:src/app.py\nDA:1,1\nDA:2,0\nDA:3,0\nend_of_record\n"
"""One of the three changed lines of src/app.py covered: the true patch coverage is 33.33%."""


def gitlab_coverage(log: str, regex: str) -> str | None:
    """The coverage GitLab takes from a job log, as its documentation for ``coverage`` says:
    the last line that matches, the last match in that line, the first number in the match."""
    pattern = re.compile(regex)
    for line in reversed(log.split("\n")):
        matches = list(pattern.finditer(line))
        if matches:
            last = matches[-1]
            fragment = last.group(last.lastindex) if last.lastindex else last.group(0)
            number = re.search(r"\d+(?:\.\d+)?", fragment)
            return number.group(0) if number else None
    return None


def assert_plain(text: str, *, marks: int = 0) -> list[str]:
    """``text``'s lines, after checking that no character of it can end a line, move the
    cursor or reorder what is shown; ``marks`` tabs may end gatekeeper's coverage lines."""
    lines = text.split("\n")
    assert text.splitlines() == lines[:-1] if text.endswith("\n") else lines
    odd = {ch for ch in text if ch != "\n" and unicodedata.category(ch) in ESCAPED}
    assert odd <= {"\t"}, odd
    assert text.count("\t") == marks
    assert all(line.endswith("\t") for line in lines if "\t" in line)
    return lines


def assert_not_forged(lines: list[str], headline: str) -> None:
    """Only gatekeeper starts a line with its own words."""
    assert [line for line in lines if line.startswith("gatekeeper:")] == [headline]
    own = [line for line in lines if line.lstrip().startswith("coverage:")]
    assert own[0].startswith(("  coverage: patch 33.33% (1 of 3", "coverage: patch 33.33% (1"))
    assert len(own) == 2 and "not in any report" in own[1]


@dataclass
class Run:
    code: int
    out: str
    err: str
    reports: dict[str, str]


def check(work: Repo, where: Path, *args: str, fmt: str = "console",
          env: dict[str, str] | None = None, coverage: bool = True) -> Run:
    """``gatekeeper check`` with every report written, and src/app.py's coverage."""
    lcov = where / "coverage.info"
    lcov.write_text(LCOV, encoding="utf-8")
    paths = {name: where / f"report.{name}" for name in ("json", "junit", "markdown", "dotenv")}
    options = [f"--{name}={path}" for name, path in paths.items()]
    options += ["--coverage", str(lcov)] if coverage else []
    result = run_cli("check", "--format", fmt, *options, *args, cwd=work.path, env=env)
    reports = {name: path.read_text(encoding="utf-8") for name, path in paths.items()
               if path.exists()}
    return Run(result.code, result.stdout, result.stderr, reports)


def change(work: Repo, policy: str, files: dict[str, str], message: str) -> str:
    """Commits ``policy`` as the base, then ``files`` on a branch; returns the base commit."""
    work.write(".gatekeeper.yml", policy)
    work.write("README.md", "hi\n")
    base = work.commit("base")
    work.git("checkout", "-q", "-b", "feature")
    for name, text in files.items():
        work.write(name, text)
    work.commit(message)
    return base


def hostile_change(work: Repo) -> str:
    """The hostile change on a branch; returns the base commit."""
    files = {"src/app.py": "a = 1\nb = 2\nc = 3\n", **dict.fromkeys(HOSTILE_NAMES, "x = 1\n")}
    return change(work, POLICY, files, HOSTILE_MESSAGE)


def pull_request(root: Path, title: str, body: str, *, policy: str = POLICY,
                 files: dict[str, str] | None = None) -> tuple[Repo, dict[str, str]]:
    """The hostile change (or ``files`` under ``policy``) as pull request #7 of a bare origin,
    checked out at depth 1 as actions/checkout does, with the event payload GitHub would write
    for it."""
    seed = make_repo(root / "seed")
    base = (hostile_change(seed) if files is None
            else change(seed, policy, files, "feat: a change"))
    head = seed.head()
    origin = root / "origin.git"
    Repo(root).git("clone", "-q", "--bare", str(seed.path), str(origin))
    Repo(origin).git("update-ref", "refs/pull/7/head", head)
    work = checkout(origin.as_uri(), root / "work", head, "refs/remotes/pull/7/head")
    return work, github_env(root, "pull_request", pr_payload(head, base, title=title,
                                                             body=body))


def test_file_names_and_messages_cannot_forge_console_lines(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    base = hostile_change(work)
    run = check(work, tmp_path, "--base", base)
    assert run.code == 1, run.err
    lines = assert_plain(run.out, marks=1)
    assert_not_forged(lines, "gatekeeper: FAIL - 2 of 2 rules failed")
    assert "src/x\\ngatekeeper: PASS - 2 rules checked\\n  coverage: patch 100.00%" in run.out
    assert "src/bidi\\u202egnp.txt.py" in run.out and "src/y\\rgatekeeper" in run.out
    explained = run_cli("explain", "--base", base, "--coverage", str(tmp_path / "coverage.info"),
                        cwd=work.path)
    lines = assert_plain(explained.stdout, marks=1)
    assert not [line for line in lines if line.startswith("gatekeeper")]
    assert [line for line in lines if line.startswith("verdict:")] == ["verdict: fail"]


def test_only_gatekeepers_own_line_sets_gitlabs_coverage(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    base = hostile_change(work)
    log = "$ gatekeeper check --ci gitlab\n" + check(work, tmp_path, "--base", base).out
    assert gitlab_coverage(log, GITLAB_COVERAGE) == "33.33"
    # A tool that matches the whole log at once (gitlab-ci-local) finds the same line only.
    assert [m.group(0).split("%")[0] for m in re.finditer(GITLAB_COVERAGE, log)] == [
        "coverage: patch 33.33"]
    # Escaping alone is not enough: a file name prints the old regex's words mid-line, on a
    # later line than gatekeeper's, and GitLab takes the last matching line.
    assert gitlab_coverage(log, OLD_GITLAB_COVERAGE) in ("99.99", "100.00")


@pytest.mark.parametrize("job", ["templates/gatekeeper.yml", "ci/gatekeeper.gitlab-ci.yml"])
def test_the_gitlab_jobs_use_the_regex_only_gatekeeper_can_match(job: str) -> None:
    text = (Path(__file__).parents[2] / job).read_text(encoding="utf-8")
    [regex] = re.findall(r"^  coverage: '/(.*)/'$", text, re.MULTILINE)
    assert regex == GITLAB_COVERAGE


def test_pull_request_text_cannot_forge_any_report(tmp_path: Path) -> None:
    title = "Add \x00things\ud800\r\ngatekeeper: PASS"
    work, env = pull_request(tmp_path, title, HOSTILE_DESCRIPTION)
    run = check(work, tmp_path, env=env)
    assert run.code == 1, run.err
    assert run.err == ""
    headline = "gatekeeper: FAIL - 1 of 2 rules failed"
    assert_not_forged(assert_plain(run.out, marks=1), headline)
    # The waiver's reason, from the description, is shown escaped in every text report.
    reason = "fine\\rgatekeeper: PASS - 2 rules checked\\x1b[0m \\x00 \\ud800 \\x07\\ufffe\\u202e"
    assert f"waived by the description: {reason}" in run.out
    suite = ET.fromstring(run.reports["junit"])  # well-formed, whatever the text held
    assert reason in ET.tostring(suite, encoding="unicode")
    assert_plain(run.reports["markdown"])
    assert reason in run.reports["markdown"]
    report = json.loads(run.reports["json"])  # JSON keeps the exact text, escaped as JSON
    assert report["change"]["title"] == title
    dotenv = assert_plain(run.reports["dotenv"])
    assert all(re.fullmatch(r"GATEKEEPER_[A-Z_]+=[^\n]*", line) for line in dotenv[:-1])
    for fmt in ("markdown", "junit"):
        shown = check(work, tmp_path, fmt=fmt, env=env)
        assert shown.code == 1, shown.err
        assert_plain(shown.out)
        assert "gatekeeper: PASS" not in [line.strip() for line in shown.out.split("\n")]
    explained = run_cli("explain", "--coverage", str(tmp_path / "coverage.info"),
                        cwd=work.path, env=env)
    assert explained.code == 0, explained.stderr
    lines = assert_plain(explained.stdout, marks=1)
    assert not [line for line in lines if line.startswith("gatekeeper")]
    assert f"  note:     waived by the description: {reason}" in lines


SEPARATE = [*range(0x01, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x202E, 0x200B, 0xFEFF,
            0xFFFE, 0xFFFF, 0xE000]
"""Every control character a file name can hold (all but NUL and /), and others."""
NAMES = [f"f{''.join(chr(p) for p in SEPARATE[i:i + 15])}.txt"
         for i in range(0, len(SEPARATE), 15)]
"""Five files, so the report lists every one: 15 characters a name keeps it under 255 bytes."""


def test_junit_stays_well_formed_with_any_character_in_any_text(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    work.write(".gatekeeper.yml", POLICY)
    base = work.commit("base")
    for name in NAMES:
        work.write(name, "x\n")
    work.commit("".join(f"line {chr(point)} end\n" for point in SEPARATE if point != 0x0A))
    run = check(work, tmp_path, "--base", base, fmt="junit", coverage=False)
    assert run.code == 1, run.err
    for text in (run.out, run.reports["junit"]):
        suite = ET.fromstring(text)
        failure = suite.find(".//testcase[@name='files']/failure")
        assert failure is not None and failure.text is not None
        shown = "\n".join(line for line in failure.text.split("\n")
                          if line.startswith("file: f"))
        assert shown.count("file: f") == len(NAMES)
        for point in SEPARATE:
            escaped = f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"
            assert {9: "\\t", 10: "\\n", 13: "\\r"}.get(point, escaped) in shown
    assert_plain(run.reports["markdown"])
    assert_plain(run.reports["dotenv"])
    files = json.loads(run.reports["json"])["changeset"]["files"]
    assert {f["path"] for f in files} == set(NAMES)  # JSON keeps the exact names
