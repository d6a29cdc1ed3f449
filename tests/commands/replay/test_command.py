"""``gatekeeper replay`` end to end: the summary, --compare, --merge, CSV, skipped changes and
the exit codes of bad input (2) and unusable history (3)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.replay.history import Change
from gatekeeper.commands.replay.reader import Options, read_one
from gatekeeper.gitread.gitio import GitRepo
from tests.commands.replay.histories import LOOSE, build, with_policy
from tests.conftest import Repo, RunResult, make_repo, on_terminal, run_cli


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The generated history with the oracle's policy and a loose one in its work tree."""
    repo = build(tmp_path_factory.mktemp("command") / "repo")
    with_policy(repo)
    with_policy(repo, LOOSE, "loose.yml")
    return repo


def _run(repo: Repo, *args: str) -> RunResult:
    return run_cli("replay", *args, cwd=repo.path,
                   env={"GATEKEEPER_CACHE_DIR": str(repo.path.parent / "cache")})


def _json(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_the_summary_gives_counts_rules_sizes_tiers_and_ai(history: Repo) -> None:
    result = _run(history)
    assert result.code == 0 and result.stderr == ""  # no progress bar off a terminal
    out = result.stdout
    assert "7 changes of repo (main)" in out and "(1 skipped)" in out
    assert "skipped: 1 x root commit" in out
    assert "small                 1 of 6 (16.7%); a waiver could have saved 1" in out
    largest = out.split("Largest 6 changes (effective lines):\n")[1].splitlines()
    assert largest[0].split()[:3] == ["65", largest[0].split()[1], "#4"]
    assert "2 standard         5 (83.3%)" in out and "1 light            1 (16.7%)" in out
    assert ("AI-assisted: 2 of 6 (33.3%); median effective size 28.5 lines AI-assisted, "
            "5 other") in out
    assert "Effective size: median 10 lines, p90 65 lines" in out


def test_compare_shows_what_newly_fails_and_passes(history: Repo, tmp_path: Path) -> None:
    out = tmp_path / "compare.json"
    result = _run(history, "--compare", "loose.yml", "--json", str(out))
    assert result.code == 0, result.stderr
    assert "small: 0 newly fail, 1 newly pass" in result.stdout
    assert "passes: " in result.stdout and "#4" in result.stdout.split("small: 0 newly")[1]
    entry = _json(out)["repositories"][0]
    assert entry["compare_policy"] == "loose.yml"
    assert [r["id"] for r in entry["compare_rules"]] == ["small"]
    pr4 = next(c for c in entry["changes"] if c["number"] == 4)
    assert pr4["compare"] == {"verdict": "pass", "rules": {"small": "pass"}, "tier": None}
    # the other way round, the loose policy's passes become failures
    back = _run(history, "--policy", "loose.yml", "--compare", ".gatekeeper.yml")
    assert "small: 1 newly fail, 0 newly pass" in back.stdout


def test_merge_combines_documents_without_git(history: Repo, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert _run(history, "--json", str(first)).code == 0
    assert _run(history, "--policy", "loose.yml", "--json", str(second)).code == 0
    combined = tmp_path / "all.json"
    table = tmp_path / "all.csv"
    result = run_cli("replay", "--merge", str(first), str(second), "--json", str(combined),
                     "--csv", str(table), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "14 changes of repo (main), repo (main)" in result.stdout
    assert "Change sets:" not in result.stdout
    document = _json(combined)
    assert len(document["repositories"]) == 2
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert len(rows) == 14 and "rule:no-secrets" in rows[0]


@pytest.mark.parametrize(("content", "reason"), [
    ("{", "not a replay document"),
    ('{"format": "gatekeeper-report", "version": 1}', '"format" is not'),
    ('{"format": "gatekeeper-replay", "version": 2, "repositories": []}', "version 2"),
    ('{"format": "gatekeeper-replay", "version": 1, "repositories": [{"name": 1}]}',
     "repositories[0].name"),
])
def test_a_malformed_document_is_named_with_its_reason(tmp_path: Path, content: str,
                                                       reason: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run_cli("replay", "--merge", str(bad), cwd=tmp_path)
    assert result.code == 2
    assert str(bad) in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr


def test_a_change_with_bad_field_types_is_refused(history: Repo, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    assert _run(history, "--json", str(good)).code == 0
    document = _json(good)
    document["repositories"][0]["changes"][1]["effective_lines"] = "many"
    good.write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("replay", "--merge", str(good), cwd=tmp_path)
    assert result.code == 2 and "changes[1].effective_lines is not a count" in result.stderr


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write("a.txt", "a\n")
    repo.commit("first")
    for author in ("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Plain Name"):
        repo.write("a.txt", author + "\n")
        repo.git("add", "-A")
        repo.git("commit", "-q", "-m", "=cmd|' /C calc'!A0", f"--author={author} <a@b.c>")
    table = tmp_path / "out.csv"
    result = _run(repo, "--csv", str(table))
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    authors = [row["author"] for row in rows if row["skipped"] == ""]
    assert authors == ["Plain Name", "'@SUM(A1)", "'-2", "'+1", "'=HYPERLINK(\"http://x\")"]
    assert rows[0]["rule:batch-size"] == "pass" and rows[-1]["skipped"].startswith("root")


def test_a_change_git_cannot_diff_is_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    repo = build(tmp_path / "repo")
    with_policy(repo)
    blob = repo.git("rev-parse", "HEAD~4^2:src/big.py")  # PR 4's new file
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    out = tmp_path / "out.json"
    result = _run(repo, "--json", str(out))
    assert result.code == 0, result.stderr
    changes = _json(out)["repositories"][0]["changes"]
    pr4 = next(c for c in changes if c["number"] == 4)
    assert pr4["skipped"].startswith("git could not diff it") and pr4["rules"] == {}
    assert sum(1 for c in changes if c["skipped"] is None) == 5


def test_a_huge_change_is_skipped_with_its_size(history: Repo) -> None:
    git = GitRepo.discover(str(history.path))
    try:
        head = history.git("rev-parse", "HEAD~4^2")
        base = history.git("merge-base", "HEAD~4^1", "HEAD~4^2")
        change = Change("x" * 40, base, head, "merge", 4, "a", "d", "s")
        status, reason = read_one(git, change, Options(str(history.path), max_files=1))
    finally:
        git.close()
    assert status == "skip" and reason.startswith("huge change: 2 files")


@pytest.mark.parametrize(("args", "words"), [
    (("--last", "5", "--since", "2024-01-01"), "--last and --since"),
    (("--since", "last tuesday"), "is not a date"),
    (("--until", "2024-01-01"), "--until needs --since"),
    (("--last", "0"), "--last"),
    (("--jobs", "0"), "--jobs"),
    (("stray.json",), "--merge"),
    (("--merge",), "--merge"),
    (("--policy", "missing.yml"), "missing.yml"),
])
def test_bad_input_exits_2(history: Repo, args: tuple[str, ...], words: str) -> None:
    result = _run(history, *args)
    assert result.code == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_branch_exits_3(history: Repo) -> None:
    result = _run(history, "--branch", "no-such-branch")
    assert result.code == 3 and "unknown branch 'no-such-branch'" in result.stderr


def test_a_folder_that_is_no_repository_exits_3(tmp_path: Path) -> None:
    result = run_cli("replay", "-C", str(tmp_path), cwd=tmp_path,
                     env={"GATEKEEPER_CACHE_DIR": str(tmp_path / "cache"),
                          "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.code == 3 and "Traceback" not in result.stderr


def test_a_shallow_clone_that_cuts_the_range_exits_3_with_the_remedy(history: Repo,
                                                                      tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    Repo(tmp_path).git("clone", "-q", "--depth", "3", f"file://{history.path}", str(clone))
    result = run_cli("replay", "--last", "50", cwd=clone,
                     env={"GATEKEEPER_CACHE_DIR": str(tmp_path / "cache")})
    assert result.code == 3, result.stdout + result.stderr
    assert "shallow clone" in result.stderr and "git fetch --unshallow" in result.stderr
    # the one change within reach is judged
    within = run_cli("replay", "--last", "1", cwd=clone,
                     env={"GATEKEEPER_CACHE_DIR": str(tmp_path / "cache")})
    assert within.code == 0 and "1 changes of shallow" in within.stdout


def test_html_is_written_when_the_renderer_is_there(history: Repo, tmp_path: Path) -> None:
    pytest.importorskip("gatekeeper.commands.replay.html")
    page = tmp_path / "report.html"
    table = tmp_path / "report.csv"
    result = _run(history, "--html", str(page), "--csv", str(table))
    assert result.code == 0 and table.is_file()
    assert page.is_file() or "no HTML report" in result.stderr


def test_progress_is_not_drawn_off_a_terminal(history: Repo) -> None:
    result = _run(history, "--last", "3", "--jobs", "2")
    assert result.code == 0 and result.stderr == ""
    assert os.linesep not in result.stderr


def test_since_and_until_pick_changes_by_commit_date(history: Repo, tmp_path: Path) -> None:
    # The history's first-parent commits are dated 01:00, 02:00, 05:00, 07:00, 08:00, 09:00 and
    # 11:00 UTC on 2026-11-01.
    out = tmp_path / "window.json"
    result = _run(history, "--since", "2026-11-01T06:00:00+00:00", "--json", str(out))
    assert result.code == 0, result.stderr
    numbers = [c["number"] for c in _json(out)["repositories"][0]["changes"]]
    assert sorted(numbers) == [5, 6, 7, 42]
    result = _run(history, "--since", "2026-11-01T06:00:00+00:00",
                  "--until", "2026-11-01T08:30:00+00:00", "--json", str(out))
    assert result.code == 0, result.stderr
    changes = _json(out)["repositories"][0]["changes"]
    assert [c["number"] for c in changes] == [6, 5]  # newest first
    assert all(c["date"].startswith("2026-11-01T0") for c in changes)


def test_a_terminal_gets_a_progress_bar_on_stderr(history: Repo) -> None:
    code, shown, out = on_terminal("replay", "--no-cache", cwd=history.path, stream="stderr")
    assert code == 0
    assert b"replaying" in shown and b"100%" in shown  # drawn on the terminal, to the end
    assert b"replaying" not in out  # the summary stays clean for a pipe


def test_a_bad_git_for_gitpython_is_named_by_its_variable(tmp_path: Path) -> None:
    """replay runs git through GitPython, which takes the program from
    GIT_PYTHON_GIT_EXECUTABLE: a program there that is no git is named as the cause."""
    repo = make_repo(tmp_path / "repo")
    repo.write("a.txt", "a\n")
    repo.commit("a")
    result = run_cli("replay", cwd=repo.path,
                     env={"GIT_PYTHON_GIT_EXECUTABLE": str(tmp_path / "no-git"),
                          "GATEKEEPER_CACHE_DIR": str(tmp_path / "cache")})
    assert result.code == 3, result.stderr
    assert result.stderr.startswith("gatekeeper: error: git cannot be run from "
                                    "GIT_PYTHON_GIT_EXECUTABLE ("), result.stderr
