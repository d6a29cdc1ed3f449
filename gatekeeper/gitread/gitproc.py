"""The only module that starts git: two process runners with one small interface.

``Processes`` starts git through ``subprocess`` and costs nothing to set up, which matters on
every push and every CI job (``check``, the pre-push hook). ``GitPythonRunner`` starts it
through GitPython's ``Git`` command runner, which long runs over history use (``replay``): it
costs about a tenth of a second to import and probes ``git version`` as it loads, once per run.
Both run git from an argument list (never a shell), in the work tree's top folder, with stdin
closed unless a command is fed, and with git's messages in English for ``giterrors``.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import IO, Any, Protocol

ENGLISH = {"LANGUAGE": "C", "LC_ALL": "C"}
"""git's messages in the words ``giterrors`` reads, whatever the user's locale."""

Stdin = IO[bytes] | None


class GitMissing(OSError):
    """git could not be started (not on PATH, or not a program)."""


class Runner(Protocol):
    """What the repository layer needs from a way of running git."""

    def run(self, command: Sequence[str], *, stdin: Stdin = None,
            env: Mapping[str, str] | None = None) -> tuple[int, bytes, bytes]:
        """Run ``command`` to its end: its exit status, stdout and stderr."""

    def spawn(self, command: Sequence[str], *, feed: bool = False) -> subprocess.Popen[bytes]:
        """Start ``command`` with stdout and stderr piped (and stdin, with ``feed``)."""

    def version(self) -> tuple[int, ...]:
        """git's version numbers, such as ``(2, 43, 0)``."""

    def close(self) -> None:
        """Stop any git process the runner keeps between commands."""


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, **ENGLISH, **(extra or {})}


@functools.lru_cache(maxsize=1)
def _version() -> tuple[int, ...]:
    """``git version`` read once per process, and only when something asks for it."""
    done = subprocess.run(["git", "version"], capture_output=True, check=False,
                          stdin=subprocess.DEVNULL, env=_environment(None))
    words = done.stdout.decode("ascii", errors="replace").split()
    numbers = words[2].split(".") if len(words) > 2 else []
    return tuple(int(n) for n in numbers if n.isdigit())


class Processes:
    """git started with ``subprocess`` in ``cwd``."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd

    def run(self, command: Sequence[str], *, stdin: Stdin = None,
            env: Mapping[str, str] | None = None) -> tuple[int, bytes, bytes]:
        """Run ``command`` to its end: its exit status, stdout and stderr."""
        try:
            done = subprocess.run(list(command), cwd=self.cwd, env=_environment(env),
                                  stdin=stdin or subprocess.DEVNULL, capture_output=True,
                                  check=False)
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise GitMissing(str(exc)) from exc
        return done.returncode, done.stdout, done.stderr

    def spawn(self, command: Sequence[str], *, feed: bool = False) -> subprocess.Popen[bytes]:
        """Start ``command`` with stdout and stderr piped (and stdin, with ``feed``)."""
        try:
            return subprocess.Popen(list(command), cwd=self.cwd, env=_environment(None),
                                    stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise GitMissing(str(exc)) from exc

    def version(self) -> tuple[int, ...]:
        """git's version numbers, such as ``(2, 43, 0)``."""
        return _version()

    def close(self) -> None:
        """Nothing to stop: every command's process ends with it."""


def gitpython() -> Any:
    """GitPython, imported on first use. It runs ``git version`` as it loads and raises
    ImportError when that fails: git is missing, not the package."""
    try:
        import git
    except ModuleNotFoundError:
        raise
    except ImportError as exc:
        raise GitMissing(str(exc)) from exc
    return git


class GitPythonRunner:
    """git started through GitPython's ``Git`` command runner in ``cwd``."""

    def __init__(self, cwd: str) -> None:
        self._git = gitpython().cmd.Git(cwd)

    def run(self, command: Sequence[str], *, stdin: Stdin = None,
            env: Mapping[str, str] | None = None) -> tuple[int, bytes, bytes]:
        """Run ``command`` to its end: its exit status, stdout and stderr."""
        found = gitpython()
        try:
            status, out, err = self._git.execute(
                list(command), with_extended_output=True, with_exceptions=False,
                strip_newline_in_stdout=False, stdout_as_string=False, istream=stdin,
                env=dict(env or {}))
        except found.GitCommandNotFound as exc:
            raise GitMissing(str(exc)) from exc
        said = err if isinstance(err, bytes) else str(err).encode("utf-8", "surrogateescape")
        return int(status), bytes(out), said

    def spawn(self, command: Sequence[str], *, feed: bool = False) -> subprocess.Popen[bytes]:
        """Start ``command`` with stdout and stderr piped (and stdin, with ``feed``)."""
        found = gitpython()
        try:
            started = self._git.execute(list(command), as_process=True,
                                        istream=subprocess.PIPE if feed else None)
        except found.GitCommandNotFound as exc:
            raise GitMissing(str(exc)) from exc
        process: subprocess.Popen[bytes] = started.proc
        started.proc = None  # the caller waits for it: GitPython's wrapper must not kill it
        return process

    def version(self) -> tuple[int, ...]:
        """git's version numbers, as GitPython read them."""
        return tuple(int(n) for n in self._git.version_info)

    def close(self) -> None:
        """Stop the git processes GitPython keeps for this runner."""
        self._git.clear_cache()
