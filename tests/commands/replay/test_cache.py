"""The replay cache: a warm rerun and another policy read no diff from git, a new commit reads
only itself, and entries another gatekeeper version wrote are ignored and replaced."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.changeset.model import ChangeMeta, ChangeSet, Revisions
from gatekeeper.commands.replay.cache import CODEC, FILENAME
from gatekeeper.commands.replay.codec import CodecError
from gatekeeper.common.secret import Secret
from tests.commands.replay.histories import LOOSE, build, with_policy
from tests.conftest import Repo, RunResult, run_cli


@pytest.fixture
def history(tmp_path: Path) -> Repo:
    """The generated history with the oracle's policy in its work tree."""
    repo = build(tmp_path / "repo")
    with_policy(repo)
    return repo


def _git_logger(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A ``git`` first on PATH that logs each command line, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "git.log"
    script = folder / "git"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    import os

    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, log


def _replay(repo: Repo, cache: Path, *args: str, env: dict[str, str] | None = None
            ) -> tuple[RunResult, dict[str, Any]]:
    out = repo.path.parent / "out.json"
    result = run_cli("replay", "--json", str(out), *args, cwd=repo.path,
                     env={"GATEKEEPER_CACHE_DIR": str(cache), **(env or {})})
    assert result.code == 0, result.stderr
    return result, json.loads(out.read_text(encoding="utf-8"))


def _diffs(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines()
            if "diff" in line.split()]


def test_a_warm_rerun_reads_no_diff_from_git(history: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, cold = _replay(history, cache)
    assert "Change sets: 0 from the cache, 6 read from git" in first.stdout
    env, log = _git_logger(tmp_path)
    second, warm = _replay(history, cache, env=env)
    assert "Change sets: 6 from the cache, 0 read from git" in second.stdout
    assert log.read_text(encoding="utf-8")  # the logger did run git
    assert _diffs(log) == []
    assert not any(line.startswith("merge-base") or " merge-base " in f" {line} "
                   for line in log.read_text(encoding="utf-8").splitlines())
    assert warm["repositories"][0]["changes"] == cold["repositories"][0]["changes"]


def test_another_policy_is_judged_from_the_cache(history: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, strict = _replay(history, cache)
    loose_policy = with_policy(history, LOOSE, "loose.yml")
    env, log = _git_logger(tmp_path)
    result, loose = _replay(history, cache, "--policy", str(loose_policy), env=env)
    assert "6 from the cache, 0 read from git" in result.stdout
    assert _diffs(log) == []
    before = [c["rules"].get("small") for c in strict["repositories"][0]["changes"]]
    after = [c["rules"].get("small") for c in loose["repositories"][0]["changes"]]
    assert "fail" in before and "fail" not in after
    assert [r["id"] for r in loose["repositories"][0]["rules"]] == ["small"]


def test_a_new_commit_is_the_only_change_read(history: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _replay(history, cache)
    history.write("src/new.py", "x = 1\n")
    history.git("add", "src/new.py")
    sha = history.commit("Add new (#50)", all=False)
    result, document = _replay(history, cache)
    assert "Change sets: 6 from the cache, 1 read from git" in result.stdout
    newest = document["repositories"][0]["changes"][0]
    assert (newest["sha"], newest["number"], newest["effective_lines"]) == (sha, 50, 1)


def test_entries_of_another_version_are_ignored_and_replaced(history: Repo,
                                                              tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, honest = _replay(history, cache)
    forged = CODEC.dumps(ChangeSet(Revisions(mode="range"), ()))  # would read as empty
    with sqlite3.connect(cache / FILENAME) as db:
        db.execute("UPDATE changesets SET version = '0.0.1-other', value = ?", (forged,))
    result, again = _replay(history, cache)
    assert "Change sets: 0 from the cache, 6 read from git" in result.stdout
    assert again["repositories"][0]["changes"] == honest["repositories"][0]["changes"]
    with sqlite3.connect(cache / FILENAME) as db:
        versions = {row[0] for row in db.execute("SELECT version FROM changesets")}
    assert versions == {again["gatekeeper"]}


def test_an_entry_that_does_not_read_back_is_read_from_git_again(history: Repo,
                                                                  tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _replay(history, cache)
    with sqlite3.connect(cache / FILENAME) as db:
        db.execute("UPDATE changesets SET value = '{\"files\": 12}'")
    result, _ = _replay(history, cache)
    assert "0 from the cache, 6 read from git" in result.stdout


def test_the_codec_reads_back_what_it_wrote_and_nothing_else(history: Repo) -> None:
    from tests.conftest import changeset

    base = history.git("rev-parse", "HEAD~3")
    original = changeset(history, base, "HEAD")
    assert original.files and original.commits
    assert CODEC.loads(CODEC.dumps(original)) == original
    text = CODEC.dumps(original)
    for broken in (text.replace('"added":', '"added_x":', 1),
                   text.replace('"status":"added"', '"status":"exploded"', 1),
                   text.replace('"binary":false', '"binary":0', 1), "[", "null"):
        with pytest.raises(CodecError):
            CODEC.loads(broken)
    salted = ChangeSet(Revisions(mode="range"), (), meta=ChangeMeta(salt=Secret("s" * 40)))
    with pytest.raises(TypeError):
        CODEC.dumps(salted)  # a secret never reaches the cache


def test_ctrl_c_leaves_every_entry_whole(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import GIT_ENV, make_repo

    repo = make_repo(tmp_path / "long")
    for i in range(120):  # enough changes that the run is still going when it is interrupted
        repo.write(f"src/m{i % 9}.py", f"v{i} = {i}\n" * (1 + i % 5))
        repo.commit(f"Change {i} (#{i + 1})")
    cache = tmp_path / "cache"
    env = {**os.environ, **GIT_ENV, "GATEKEEPER_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "gatekeeper", "replay", "--last", "120", "--jobs", "2"]
    # Its own process group, signalled as a terminal signals the foreground job on Ctrl-C:
    # the command and its readers together.
    run = subprocess.Popen(command, cwd=repo.path, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, start_new_session=True)
    database = cache / FILENAME
    deadline = time.monotonic() + 60
    written = 0
    while written < 5 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
        if database.exists():
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
                try:
                    written = db.execute("SELECT count(*) FROM changesets").fetchone()[0]
                except sqlite3.OperationalError:  # the tables are not made yet
                    written = 0
    assert run.poll() is None, "the replay ended before it could be interrupted"
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert err.decode().strip() == "gatekeeper: interrupted"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = db.execute("SELECT count(*) FROM changesets").fetchone()[0]
        for (value,) in db.execute("SELECT value FROM changesets"):
            assert isinstance(CODEC.loads(value), ChangeSet)  # each entry reads back whole
    assert 5 <= kept < 119  # the root commit is a skipped change, never read
    with_policy(repo, LOOSE)
    again, document = _replay(repo, cache, "--last", "120")
    assert f"Change sets: {kept} from the cache, {119 - kept} read from git" in again.stdout
    assert len(document["repositories"][0]["changes"]) == 120


WORKER_PROBE = """
import os, signal, subprocess, sys, time
from gatekeeper.commands.replay.reader import Options, _start
_start(Options(sys.argv[1]))
os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C reaches an idle worker
time.sleep(0.1)
child = subprocess.Popen(["sleep", "30"])
time.sleep(0.1)
child.send_signal(signal.SIGINT)
print("worker went on; its child ended with", child.wait(timeout=10))
"""


def test_a_worker_leaves_ctrl_c_to_the_command_and_its_git_still_gets_it(
        tmp_path: Path) -> None:
    """A worker idle when Ctrl-C came died of KeyboardInterrupt outside any task, and
    multiprocessing printed its traceback; the programs it starts must still die of Ctrl-C."""
    import os
    import subprocess
    import sys

    from tests.conftest import GIT_ENV, make_repo

    repo = make_repo(tmp_path / "repo")
    done = subprocess.run([sys.executable, "-c", WORKER_PROBE, str(repo.path)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **GIT_ENV}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "worker went on; its child ended with -2"
    assert done.stderr == ""
