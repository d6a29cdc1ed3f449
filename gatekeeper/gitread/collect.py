"""Builds a ChangeSet from git (a revision range or the index) or from a unified diff file.

The budgets on what a change set keeps are set here, for both paths: ``gitdiff`` reads git's
output, ``difffile`` turns a diff file's sections into files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO

from gatekeeper.changeset.model import (
    AddedComment,
    ChangeSet,
    Commit,
    FileChange,
    FileText,
    Revisions,
)
from gatekeeper.common.records import record
from gatekeeper.errors import ChangeSetError, GatekeeperError, UsageError
from gatekeeper.gitread import blobprobe, diffparse, gitstream, prefetch
from gatekeeper.gitread.commitlog import read_commits, start_log
from gatekeeper.gitread.difffile import from_patch, merge_type_changes
from gatekeeper.gitread.gitdiff import GitDiff
from gatekeeper.gitread.gitio import GitRepo

DIFF_OPTIONS = (
    "--raw", "-z", "-p", "-M", "--no-abbrev", "--full-index", "--no-ext-diff", "--no-textconv",
    "--no-color", "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none",
    "--submodule=short", "--no-relative", "--unified=3",
)
REDIFF_BATCH = 500
"""Files per ``git diff --text`` call when files git took for binary are diffed again."""
MAX_COMMENTS = 200_000
"""Added comment lines kept per change set, at most ~240 characters each: this bounds their
memory (tens of MB at worst) on huge generated or vendored changes. Later ones are dropped."""
MAX_TEXT_BYTES = 64 << 20
"""Added and removed line text kept per change set for the flag scan; files past it are listed
as unscanned, so a rule that needs them can say so rather than pass."""
Wants = Callable[[str], bool]


@record
class Started:
    """A change set's ``git diff``, started before anything is known of the policy (its command
    line depends only on the revisions and where .gitattributes come from), to be read by
    ``from_git`` or abandoned."""

    args: tuple[str, ...]
    attr_source: str | None
    running: gitstream.Running
    log_spec: str | None = None
    """The range of the commits' ``git log``, when it was started too (``log``)."""
    log: gitstream.Running | None = None

    def abandon(self) -> None:
        """Stop the git processes whose output was never read."""
        self.running.abandon()
        if self.log is not None:
            self.log.abandon()


def start(repo: GitRepo, revisions: Revisions, *, find_copies: bool = False,
          attributes_from: str | None = None) -> Started | None:
    """Start the ``git diff`` that ``from_git`` with the same arguments reads; None when it
    cannot start, so that ``from_git`` meets the error itself, in its turn."""
    try:
        args, native = _diff_command(repo, revisions, find_copies, attributes_from)
        running = repo.start("diff", *args, attr_source=native, early=prefetch.EARLY)
    except GatekeeperError:
        return None
    spec = _log_spec(revisions)
    try:
        log = start_log(repo, spec, early=prefetch.EARLY) if spec else None
    except GatekeeperError:
        spec, log = None, None
    return Started(tuple(args), native, running, spec, log)


def _texts(budget: diffparse.TextBudget | None,
           patches: Iterable[tuple[str, diffparse.PatchFile]],
           unscanned: tuple[str, ...]) -> dict[str, FileText]:
    """The kept text by path; a file half of which went over the budget (one side of a type
    change) keeps none, so it is only ever whole or listed as unscanned."""
    if budget is None:
        return {}
    return {path: FileText(bytes(p.added_text), bytes(p.removed_text or b""))
            for path, p in patches if p.added_text is not None and path not in unscanned}


def from_git(repo: GitRepo, revisions: Revisions, *, find_copies: bool = False,
             texts: Wants | None = None, attributes_from: str | None = None,
             started: Started | None = None) -> ChangeSet:
    """The change set of ``revisions``; ``texts`` says which files' line text to keep.

    ``attributes_from`` is the trusted commit (a PR's base) whose .gitattributes decide what
    is binary, generated or vendored; without it the head's (or the index's) do. git 2.41
    reads them from there itself (``--attr-source``); with any git, ``blobprobe`` judges each
    file from those attributes and its bytes, and a file git took for binary that is text by
    that judgement is diffed again as text, so the counts agree across git versions.
    ``started``: this diff, already running (see ``start``).
    """
    args, native = _diff_command(repo, revisions, find_copies, attributes_from)
    tree = _tree(revisions)
    attr_tree = attributes_from or tree
    if started is not None and (started.args, started.attr_source, started.log_spec) \
            != (tuple(args), native, _log_spec(revisions)):
        started.abandon()  # not this change after all: never read another command's output
        started = None
    budget = _text_budget(texts)
    early = blobprobe.EarlyHeads(repo)
    diff = GitDiff(repo, args, native, MAX_COMMENTS, budget, REDIFF_BATCH, on_raw=early.start,
                   started=started.running if started else None)
    files = diff.files()
    commits = _commits(repo, revisions, started.log if started else None)
    probe = blobprobe.probe(repo, tree, files, attributes_from, early)
    files = diff.settle(probe)
    unscanned = _over(budget, files)
    return ChangeSet(revisions, files, commits, probe.attributes, probe.headers,
                     comments=tuple(diff.comments), texts=_texts(budget, diff.kept, unscanned),
                     unscanned=unscanned, attributes_from=_described(attr_tree, attributes_from))


def _tree(revisions: Revisions) -> str:
    """The head commit of a range, whose .gitattributes git reads by default; "" for the
    index."""
    return (revisions.head_sha or "") if revisions.mode == "range" else ""


def _diff_command(repo: GitRepo, revisions: Revisions, find_copies: bool,
                  attributes_from: str | None) -> tuple[list[str], str | None]:
    """The change set's ``git diff`` arguments and the tree for ``--attr-source`` (None
    where git reads .gitattributes itself or cannot take the option)."""
    attr_tree = attributes_from or _tree(revisions)
    native = attr_tree if attr_tree and repo.reads_attributes_from_trees() else None
    return _diff_args(repo, revisions, find_copies), native


def _diff_args(repo: GitRepo, revisions: Revisions, find_copies: bool) -> list[str]:
    """The options and revisions of the change set's ``git diff``, ending in "--"."""
    args = list(DIFF_OPTIONS)
    if find_copies:
        args.append("-C")
    if revisions.mode == "staged":
        return [*args, "--cached", revisions.base_sha or repo.empty_tree(), "--"]
    if not revisions.head_sha:
        raise ChangeSetError("no head revision to check")
    # No base (a branch none of whose history the remote has): everything is new.
    return [*args, revisions.merge_base or repo.empty_tree(), revisions.head_sha, "--"]


def _log_spec(revisions: Revisions) -> str | None:
    """The ``git log`` range of a change's commits; None for the index or an empty range."""
    if revisions.mode != "range" or revisions.merge_base == revisions.head_sha:
        return None
    return (f"{revisions.merge_base}..{revisions.head_sha}" if revisions.merge_base
            else str(revisions.head_sha))


def _commits(repo: GitRepo, revisions: Revisions, started: gitstream.Running | None
             ) -> tuple[Commit, ...]:
    """The commits of a revision range; none for the index or an empty range."""
    spec = _log_spec(revisions)
    return read_commits(repo, spec, started) if spec else ()


def _described(attr_tree: str, attributes_from: str | None) -> str:
    """Where the .gitattributes came from, for the report."""
    if not attr_tree:
        return "the index"
    return f"the {'base' if attributes_from else 'head'} commit {attr_tree[:12]}"


def _text_budget(texts: Wants | None) -> diffparse.TextBudget | None:
    """The change set's budget of kept line text, when some files' text is wanted."""
    return diffparse.TextBudget(texts, MAX_TEXT_BYTES) if texts is not None else None


def _over(budget: diffparse.TextBudget | None, files: Iterable[FileChange]) -> tuple[str, ...]:
    """The change set's paths whose text the budget dropped (the parser saw them by either
    side's name)."""
    if budget is None or not budget.over:
        return ()
    dropped = set(budget.over)
    return tuple(f.path for f in files if f.path in dropped or f.old_path in dropped)


def from_diff_file(path: str, *, texts: Wants | None = None) -> ChangeSet:
    """The change set a unified diff file (``-`` for stdin) describes; ``texts`` says which
    files' line text to keep."""
    stream: IO[bytes]
    if path == "-":
        stream, name = sys.stdin.buffer, "<stdin>"
    else:
        try:
            stream, name = open(path, "rb"), path  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"cannot read diff file {path}: {exc.strerror}",
                             hint="pass an existing file, or - for stdin") from exc
    budget = _text_budget(texts)
    try:
        # Text without any file section is an error there; empty or blank input is no change.
        patches = list(diffparse.parse_patch(
            stream, source=name, comments=diffparse.CommentBudget(MAX_COMMENTS), texts=budget))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    merged = merge_type_changes(patches)
    files = tuple(from_patch(p) for p in merged)
    comments = tuple(AddedComment(f.path, line, text)
                     for f, p in zip(files, merged, strict=True) for line, text in p.comments)
    kept = [(f.path, p) for f, p in zip(files, merged, strict=True)]
    unscanned = _over(budget, files)
    return ChangeSet(Revisions(mode="diff-file", source=name), files, comments=comments,
                     texts=_texts(budget, kept, unscanned), unscanned=unscanned)
