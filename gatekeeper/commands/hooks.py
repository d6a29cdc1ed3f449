"""Installs and removes gatekeeper's git pre-push hook, and only ever its own."""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from pathlib import Path

from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo

HOOK_NAME = "pre-push"
MARKER = "# gatekeeper-managed-hook: pre-push"
"""The line that tells gatekeeper's own hook from anyone else's."""


def script(python: str) -> str:
    """The hook: a POSIX sh script that hands git's arguments and stdin to ``python -m
    gatekeeper``; the interpreter is pinned because a push may run with a bare PATH."""
    return f"""#!/bin/sh
{MARKER}
# Installed by `gatekeeper install-hook`; `gatekeeper uninstall-hook` removes it.
# git passes the remote's name and URL as arguments and one line per pushed ref on
# stdin, which gatekeeper reads itself. To skip the check once: git push --no-verify
python={shlex.quote(python)}
if [ ! -x "$python" ]; then
    printf '%s\\n' "gatekeeper pre-push hook: $python is gone, so the push was not checked." \\
        "Reinstall gatekeeper and run gatekeeper install-hook again, or skip the check" \\
        "once with git push --no-verify." >&2
    exit 1
fi
# The report goes to stderr, where git shows hook messages whatever its version.
exec "$python" -m gatekeeper check --ci pre-push --remote="$1" >&2
"""


def is_ours(content: bytes) -> bool:
    """Whether a hook file holds gatekeeper's ``MARKER`` line, so gatekeeper may replace it."""
    return MARKER.encode() in content.splitlines()


def hook_path(repo_path: str) -> Path:
    """Where git looks for the pre-push hook (core.hooksPath and worktrees included)."""
    repo = GitRepo.discover(repo_path)
    try:
        return Path(repo.git_path("hooks")) / HOOK_NAME
    finally:
        repo.close()


def install(repo_path: str = ".", *, force: bool = False, python: str | None = None) -> str:
    """Write the hook; a hook gatekeeper did not write is replaced only with ``force``."""
    interpreter = python or sys.executable
    if not interpreter:
        raise UsageError("cannot tell which Python runs gatekeeper",
                         hint="run it as python -m gatekeeper install-hook")
    target = hook_path(repo_path)
    current = _read(target)
    if current is not None and not is_ours(current) and not force:
        raise UsageError(f"{target} exists and was not installed by gatekeeper",
                         hint="look at it first; gatekeeper install-hook --force replaces it")
    _write_executable(target, script(os.path.abspath(interpreter)))
    if current is None:
        return f"installed the pre-push hook: {target}"
    if is_ours(current):
        return f"updated gatekeeper's pre-push hook: {target}"
    return f"replaced the existing pre-push hook (--force): {target}"


def uninstall(repo_path: str = ".") -> str:
    """Remove the hook if gatekeeper wrote it; anything else is left alone."""
    target = hook_path(repo_path)
    current = _read(target)
    if current is None:
        return f"no pre-push hook at {target}, nothing to remove"
    if not is_ours(current):
        return f"{target} was not installed by gatekeeper; left it alone"
    try:
        target.unlink()
    except OSError as exc:
        raise UsageError(f"cannot remove {target}: {exc.strerror}") from exc
    return f"removed gatekeeper's pre-push hook: {target}"


def _read(path: Path) -> bytes | None:
    """The hook's content; None when there is none, empty when it cannot be read."""
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return b""  # unreadable or a dangling link: not ours, so it needs --force


def _write_executable(path: Path, text: str) -> None:
    """Write through a temporary file so that a push never runs half a hook."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.chmod(temporary, 0o755)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}",
                         hint="check that the hooks folder is writable") from exc
