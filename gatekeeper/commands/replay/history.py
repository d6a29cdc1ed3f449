"""The changes of a branch's history: one per first-parent commit, with what it is judged
against and the PR or MR number its message names.

A merge commit stands for the PR it merged: its second parent judged from the merge base of
its two parents. Any other commit (a squash or rebase merge, a direct push) is judged against
its parent. A root commit has nothing to be judged against and is a skipped change.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

from gatekeeper.common.records import record
from gatekeeper.context.resolve import SHALLOW_FIX
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.objectname import is_full_name

_FIELDS = ("%H", "%P", "%an", "%cI", "%s", "%b")
_DIGITS = re.compile(r"[0-9]{1,9}")
_PROJECT = re.compile(r"[A-Za-z0-9_.~/-]{1,255}")
_GITHUB_MERGE = "Merge pull request #"
_GITLAB_LINE = "See merge request "
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?"
                   r"(Z|[+-][0-9]{2}:?[0-9]{2})?)?")
MergeBase = Callable[[str, str], str | None]
MAX_BODY = 64 << 10
"""Characters of a commit body searched for GitLab's merge-request line: it ends the message."""


@record(slots=True)
class Change:
    """One first-parent commit of the branch, and the range that judges it."""

    sha: str
    base: str | None
    """What it is judged against: its parent, or the merge base of a merge's parents."""
    head: str
    """The commit judged: ``sha``, or a merge commit's second parent."""
    kind: str
    """``merge`` or ``commit``."""
    number: int | None
    author: str
    date: str
    subject: str
    skipped: str | None = None


@record(slots=True)
class Span:
    """Which first-parent commits to replay: the last ``last``, or those between two dates."""

    branch: str
    last: int | None = 200
    since: str | None = None
    until: str | None = None


def check_date(option: str, value: str | None) -> str | None:
    """``value`` when it is an ISO 8601 date or date and time; a usage error if not."""
    if value is None:
        return None
    if not _DATE.fullmatch(value.strip()):
        raise UsageError(f"{option} {value!r} is not a date",
                         hint="give YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+00:00")
    try:
        datetime.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise UsageError(f"{option} {value!r} is not a date: {exc}",
                         hint="give YYYY-MM-DD") from exc
    return value.strip()


def number_of(subject: str, body: str) -> int | None:
    """The PR or MR number a merge message names: GitHub's "Merge pull request #N", a squash
    subject ending "(#N)", or GitLab's "See merge request group/project!N" line. String
    operations and anchored, bounded patterns only: the message is the change's own text."""
    if subject.startswith(_GITHUB_MERGE):
        digits = subject[len(_GITHUB_MERGE):].split(" ", 1)[0]
        if _DIGITS.fullmatch(digits):
            return int(digits)
    tail = subject.rstrip()
    if tail.endswith(")"):
        start = tail.rfind("(#")
        if start >= 0 and _DIGITS.fullmatch(tail[start + 2:-1]):
            return int(tail[start + 2:-1])
    for line in reversed(body[-MAX_BODY:].splitlines()):
        text = line.strip()
        if text.startswith(_GITLAB_LINE):
            project, bang, digits = text[len(_GITLAB_LINE):].rpartition("!")
            if bang and _PROJECT.fullmatch(project) and _DIGITS.fullmatch(digits):
                return int(digits)
    return None


def default_branch(repo: GitRepo) -> str:
    """The branch replayed when none is given: origin/HEAD, else the checked-out branch."""
    return (repo.symbolic_ref("refs/remotes/origin/HEAD") or repo.symbolic_ref("HEAD")
            or "HEAD")


def changes(repo: GitRepo, span: Span, merge_base: MergeBase) -> Iterator[Change]:
    """The first-parent changes of ``span``, newest first; ChangeSetError (exit 3) when the
    branch is unknown or a shallow clone cuts the range."""
    tip = repo.resolve_commit(span.branch)
    if tip is None:
        raise ChangeSetError(f"unknown branch {span.branch!r}",
                             hint="name a branch or revision with --branch (git branch -a "
                             "lists them)")
    shallow = _shallow_edge(repo)
    for sha, parents, author, date, subject, body in _log(repo, tip, span):
        if sha in shallow:
            raise ChangeSetError(f"the history of {span.branch} is cut at {sha[:12]} by this "
                                 "shallow clone, inside the range to replay", hint=SHALLOW_FIX)
        yield _change(sha, parents, author, date, subject, body, merge_base, bool(shallow))


def _change(sha: str, parents: list[str], author: str, date: str, subject: str, body: str,
            merge_base: MergeBase, shallow: bool) -> Change:
    number = number_of(subject, body)
    if not parents:
        return Change(sha, None, sha, "commit", number, author, date, subject,
                      "root commit: it has no parent to be compared with")
    if len(parents) == 1:
        return Change(sha, parents[0], sha, "commit", number, author, date, subject)
    base = merge_base(parents[0], parents[1])
    if base is None and shallow:
        raise ChangeSetError(f"the merge {sha[:12]} has no merge base in this shallow clone",
                             hint=SHALLOW_FIX)
    skipped = None if base is not None else "its parents share no history (no merge base)"
    return Change(sha, base, parents[1], "merge", number, author, date, subject, skipped)


def _log(repo: GitRepo, tip: str, span: Span) -> Iterator[tuple[str, list[str], str, str, str,
                                                                 str]]:
    """The first-parent commits of ``span`` from one ``git log``, read as a stream."""
    args = ["log", "-z", "--first-parent", "--encoding=UTF-8", "--no-color",
            "--no-show-signature", "--format=tformat:" + "%x00".join(_FIELDS)]
    if span.since is not None:
        args.append(f"--since={span.since}")
    if span.until is not None:
        args.append(f"--until={span.until}")
    if span.last is not None:
        args.append(f"--max-count={span.last}")
    with repo.stream(*args, tip, "--") as out:
        for record in _records(out):
            sha, parents = record[0].strip(), record[1].split()
            if not is_full_name(sha) or not all(is_full_name(p) for p in parents):
                raise ChangeSetError(f"cannot read the history of {tip[:12]}: git log printed "
                                     "a record that is not a commit",
                                     hint="check the repository with git fsck")
            yield sha, parents, record[2], record[3], record[4], record[5]


def _records(out: Any) -> Iterator[list[str]]:
    """Records of ``len(_FIELDS)`` NUL-separated fields, read a chunk at a time so that a
    long history is never held whole."""
    width = len(_FIELDS)
    pending: list[str] = []
    rest = b""
    while True:
        chunk = out.read(1 << 16)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        pending += [p.decode("utf-8", errors="replace") for p in parts]
        while len(pending) >= width:
            yield pending[:width]
            del pending[:width]
    if rest:
        pending.append(rest.decode("utf-8", errors="replace"))
    if len(pending) >= width:
        yield pending[:width]


def _shallow_edge(repo: GitRepo) -> frozenset[str]:
    """The commits a shallow clone's history stops at (their parents are not here)."""
    if not repo.is_shallow():
        return frozenset()
    try:
        with open(repo.git_path("shallow"), encoding="ascii") as handle:
            return frozenset(line.strip() for line in handle if line.strip())
    except OSError:
        return frozenset()
