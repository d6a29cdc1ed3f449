"""How a command ends, in a real process: each outcome its own exit code and one line on stderr.

Commands that fail on purpose are added to a group built like gatekeeper's own, since a real
internal error needs a bug to show it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.commands.guard import guarded, guarded_long
from gatekeeper.errors import (
    EXIT_CHANGESET,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_POLICY_FAILURE,
    EXIT_USAGE,
    ChangeSetError,
)
from tests.conftest import GIT_ENV, make_repo

PROGRAM = """
import sys
import click
from gatekeeper.errors import ChangeSetError
from gatekeeper.commands.guard import GuardedGroup, guarded

@click.group(cls=GuardedGroup)
def main():
    pass

@main.command()
@guarded
def bug():
    raise RuntimeError("a bug\\nover two lines")

@main.command()
@guarded
def changeset():
    raise ChangeSetError("no base", hint="pass --base")

@main.command()
@guarded
def interrupt():
    raise KeyboardInterrupt

main(sys.argv[1:])
"""


def run(*args: str) -> tuple[int, str]:
    """Exit code and stderr of PROGRAM run in a fresh interpreter with ``args``."""
    result = subprocess.run([sys.executable, "-c", PROGRAM, *args], capture_output=True,
                            text=True)
    return result.returncode, result.stderr


def test_every_exit_code_means_one_thing() -> None:
    codes = [0, EXIT_POLICY_FAILURE, EXIT_USAGE, EXIT_CHANGESET, EXIT_INTERNAL, EXIT_INTERRUPTED]
    assert len(set(codes)) == len(codes)
    assert (EXIT_INTERNAL, EXIT_INTERRUPTED) == (4, 130)


@pytest.mark.parametrize(("command", "code", "line"), [
    ("bug", EXIT_INTERNAL, "gatekeeper: internal error: RuntimeError: a bug over two lines "
     "(set GATEKEEPER_DEBUG=1 for details and report it)"),
    ("changeset", EXIT_CHANGESET, "gatekeeper: error: no base (fix: pass --base)"),
    ("interrupt", EXIT_INTERRUPTED, "gatekeeper: interrupted"),
])
def test_an_outcome_is_its_exit_code_and_one_line(command: str, code: int, line: str) -> None:
    assert run(command) == (code, line + "\n")



@pytest.mark.parametrize("fails", [False, True])
def test_a_finished_command_leaves_its_objects_out_of_the_last_collection(fails: bool) -> None:
    """The interpreter's shutdown collects garbage once more over everything a run made; a
    command that has finished marks all of it as frozen, whether it returned or failed."""

    def command() -> None:
        if fails:
            raise ChangeSetError("no change set")

    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) if fails else contextlib.nullcontext():
            guarded(command)()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("fails", [False, True])
def test_a_one_shot_command_runs_without_the_cyclic_collector_and_gives_it_back(
        fails: bool) -> None:
    """Start-up makes objects that live to the end, which a collection would walk for nothing:
    a command runs with the collector off, and leaves it on again for whoever called it."""
    seen: list[bool] = []

    def command() -> None:
        seen.append(gc.isenabled())
        if fails:
            raise ChangeSetError("no change set")

    assert gc.isenabled()
    try:
        with pytest.raises(SystemExit) if fails else contextlib.nullcontext():
            guarded(command)()
        assert seen == [False]
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_long_command_keeps_the_collector_and_a_caller_without_it_stays_so() -> None:
    """``replay`` runs over hundreds of changes: its garbage is collected as it goes. And a
    caller that had switched the collector off finds it off afterwards."""
    seen: list[bool] = []
    try:
        guarded_long(lambda: seen.append(gc.isenabled()))()
        gc.disable()
        guarded(lambda: seen.append(gc.isenabled()))()
        assert seen == [True, False]
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


GARBAGE_PROBE = """
import gc, sys
sys.argv = ["gatekeeper", *sys.argv[1:]]
from gatekeeper.cli import main
try:
    main(prog_name="gatekeeper", standalone_mode=False)
except SystemExit:
    pass
gc.unfreeze()
print(gc.collect())
"""


def test_a_check_leaves_cyclic_garbage_that_does_not_grow_with_the_change(
        tmp_path: Path) -> None:
    """With the collector off, garbage in reference cycles stays until the process ends: a
    check may leave what building its classes leaves, never an amount that grows with the
    files, lines or commits it reads."""
    repo = make_repo(tmp_path / "repo")
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    repo.write("src/a.py", "a = 1\n")
    small = repo.commit("small")
    for n in range(300):
        repo.write(f"src/m{n % 7}/f{n}.py", "".join(f"v{k} = {k}  # note\n" for k in range(20)))
        if n % 50 == 0:
            repo.commit(f"part {n}\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    large = repo.commit("large")
    found = []
    for head in (small, large):
        done = subprocess.run(
            [sys.executable, "-c", GARBAGE_PROBE, "check", "--format", "json", "--base", base,
             "--head", head], cwd=repo.path, capture_output=True, text=True,
            env={**os.environ, **GIT_ENV}, check=False)
        found.append(int(done.stdout.strip().splitlines()[-1]))
    assert found[0] == found[1], found
