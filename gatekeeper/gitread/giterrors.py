"""What git's failures mean, in one line each: git missing, a repository git refuses or cannot
read, a corrupt object. Pure wording of git's stderr; ``gitio`` runs git and calls these."""

from __future__ import annotations

import os
import re
from typing import Any

from gatekeeper.errors import ChangeSetError

MAX_SAID = 300
"""Characters of git's own words kept in a message: enough for a path and an object id."""

# The patterns are strings, compiled (and cached by re) when git first fails: a run where git
# succeeds never compiles them.
# Current git's wording, then that of the first releases with the check (2.35.2, 2.36.0 and the
# backports to older lines, 2022): "unsafe repository ('...' is owned by someone else)".
_DUBIOUS = (r"(?m)dubious ownership in repository at '(.*)'$"
            r"|unsafe repository \('(.*)' is owned by someone else\)")
_NOT_A_REPO = r"(?i)not a git repository"
# What git prints when an object it needs is damaged or absent (object-file.c, packfile.c,
# revision.c): each means the repository, not the user's input, is at fault.
_CORRUPT = (r"(?i)\bcorrupt|\bbad object\b|unable to read [0-9a-f]{7,}|\binflate\b"
            r"|unable to unpack|could not parse object|missing (blob|tree|commit) "
            r"object|\bbad tree object\b")
# What git prints when the remote answered but would not give what was asked: it does not have
# it (any more: a force push, then a gc, removes a branch's old tip), or does not serve it.
_NOT_SERVED = (r"(?i)not our ref|unadvertised object|couldn't find remote ref"
               r"|no such remote ref")
# What git (and GitHub's and GitLab's servers, through it) print when the remote wants
# credentials that git does not have or that it refused.
_CREDENTIALS = (r"(?i)could not read (username|password)|authentication failed"
                r"|terminal prompts disabled|permission denied \(publickey"
                r"|access denied|invalid username or password"
                r"|returned error: 40[13]\b")
_URL_USER = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@"
"""The user name and password part of a URL, which may hold a token (a CI job's remote)."""
CORRUPT_FIX = ("git fsck shows the damage; fetch the missing objects again or make a fresh "
               "clone")


def text(stderr: Any) -> str:
    """git's stderr as text, without the ``stderr: '...'`` frame GitPython's errors add."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", errors="replace")
    framed = re.fullmatch(r"\s*stderr: '(.*)'\s*", str(stderr or ""), re.DOTALL)
    return framed.group(1) if framed else str(stderr or "")


def clean(said: str) -> str:
    """One printable line of at most ``MAX_SAID`` characters (git echoes paths and names)."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in said).split())
    return flat if len(flat) <= MAX_SAID else flat[: MAX_SAID - 3] + "..."


def complaint(stderr: Any) -> str:
    """The line of git's stderr that says what went wrong: its ``fatal:`` line if it printed
    one (the ``error:`` lines before it are often repeats), else its first line."""
    lines = [line.strip() for line in text(stderr).splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("fatal: ")]
    said = (fatal or lines or ["git failed"])[0]
    return clean(said.removeprefix("fatal: ").removeprefix("error: "))


def is_corrupt(said: str) -> bool:
    """Whether git's complaint ``said`` is about a damaged repository."""
    return bool(re.search(_CORRUPT, said))


def failed(command: str, stderr: Any) -> ChangeSetError:
    """A git command that failed; a damaged repository is named as such."""
    said = complaint(stderr)
    if is_corrupt(said):
        return ChangeSetError(f"the repository is corrupt: git {command} says: {said}",
                              hint=CORRUPT_FIX)
    return ChangeSetError(f"git {command}: {said}")


def unreadable(rev: str, oid: str, stderr: Any) -> ChangeSetError:
    """``rev`` names object ``oid``, which git cannot read: the repository is damaged."""
    return ChangeSetError(f"the repository is corrupt: {clean(rev)} points to {oid[:12]}, "
                          f"which git cannot read: {complaint(stderr)}", hint=CORRUPT_FIX)


def not_opened(where: str, stderr: Any) -> ChangeSetError:
    """Why git would not open the repository at ``where``: not one, owned by another user
    (git's safe.directory protection), or what git says."""
    said = text(stderr)
    owned = re.search(_DUBIOUS, said)
    if owned:
        import shlex  # on this error's path only, as shutil below

        path = owned.group(1) or owned.group(2)
        return ChangeSetError(
            f"git refuses the repository at {clean(path)} because another user owns it "
            "(git's dubious ownership check)",
            hint="if you trust it, run git config --global --add safe.directory "
            f"{clean(shlex.quote(path))} first; a CI container that runs as a user other than "
            "the checkout's owner needs this")
    if re.search(_NOT_A_REPO, said) or not said.strip():
        return ChangeSetError(f"{where} is not inside a git work tree",
                              hint="run gatekeeper inside a git repository, or pass --diff-file")
    hint = CORRUPT_FIX if is_corrupt(said) else "run git status there to see it"
    return ChangeSetError(f"git cannot open the repository at {where}: {complaint(said)}",
                          hint=hint)


def no_git(cause: BaseException, *, gitpython: bool) -> ChangeSetError:
    """git cannot be run: not on PATH, or the program GitPython was pointed at fails
    (``gitpython``: git was run through GitPython, which alone reads that variable)."""
    chosen = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") if gitpython else None
    if chosen:
        return ChangeSetError(f"git cannot be run from GIT_PYTHON_GIT_EXECUTABLE "
                              f"({clean(chosen)})", hint="point it at git, or unset it")
    import shutil  # with bz2, lzma and more: not before the diff starts, on every run

    found = shutil.which("git")
    if found is None:
        return ChangeSetError("git was not found on PATH",
                              hint="install git, or add the folder that holds it to PATH")
    return ChangeSetError(f"git on PATH ({clean(found)}) cannot be run: "
                          f"{clean(str(cause.__cause__ or cause))}",
                          hint="check that git --version works")


def not_served(stderr: Any) -> bool:
    """Whether a failed fetch means the remote has no such object or ref (or will not give
    it), rather than that it could not be asked."""
    return bool(re.search(_NOT_SERVED, text(stderr)))


def fetch_failed(remote: str, what: str, stderr: Any, *, credentials_fix: str = "",
                 fix: str = "") -> ChangeSetError:
    """A fetch from ``remote`` that failed, named as the cause with git's reason on one line
    (credentials in a URL removed): no credentials, or a remote that cannot be reached."""
    said = text(stderr)
    reason = complaint(re.sub(_URL_USER, r"\1", said))
    if re.search(_CREDENTIALS, said):
        hint = credentials_fix or (f"make git fetch {clean(remote)} work without a prompt (a "
                                   "credential helper or an SSH key), then run gatekeeper again")
        return ChangeSetError(f"cannot fetch {what} from {clean(remote)}: the remote wants "
                              f"credentials that git does not have or that it refused "
                              f"(git: {reason})", hint=hint)
    hint = (f"check that {clean(remote)} can be reached from here (git remote -v, then git "
            f"fetch {clean(remote)})")
    return ChangeSetError(f"cannot fetch {what} from {clean(remote)}: {reason}",
                          hint=f"{hint}; {fix}" if fix else hint)
