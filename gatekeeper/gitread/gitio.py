"""The repository layer: every git command gatekeeper runs is built here, and everything
else receives plain data from here.

Commands go through a runner of ``gitproc`` (the module that starts the processes), always as
argument lists (never a shell), with the configuration that would change the output format
pinned on the command line. GitRepo's ref and tree queries (``gitrefs``) and object reads
(``gitobjects``) are written apart, over the ways of running git defined here: ``run``,
``start`` and ``stream`` (output read while git runs, see ``gitstream``) and the
``cat-file --batch`` process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import field
from typing import Any

from gatekeeper.common.records import record
from gatekeeper.gitread import giterrors, gitproc, gitstream, prefetch
from gatekeeper.gitread.gitobjects import BlobHandler, ObjectReads, skip
from gatekeeper.gitread.gitrefs import RefQueries
from gatekeeper.gitread.objectname import hasher, is_full_name

# Settings in a user's gitconfig that would change what we parse.
_PINNED_CONFIG = (
    "core.quotePath=false",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "log.showSignature=false",
    "color.ui=never",
    "trailer.separators=:",
)


ATTR_SOURCE_SINCE = (2, 41)
"""The git release that added the ``--attr-source`` global option."""


def _git_args(*args: str) -> list[str]:
    cmd = ["git"]
    for setting in _PINNED_CONFIG:
        cmd += ["-c", setting]
    return [*cmd, *args]


def _text(out: bytes) -> str:
    """git's stdout as text, without the one newline that ends it (file names that are not
    UTF-8 keep their bytes as surrogates)."""
    return out.removesuffix(b"\n").decode("utf-8", "surrogateescape")


@record(frozen=False)
class GitRepo(RefQueries, ObjectReads):
    """A git work tree and a git process runner bound to it."""

    root: str
    runner: gitproc.Runner
    _commits: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Revisions already resolved to a commit. A run asks for the same few several times
    (the hook's context, then the pipeline), each a git process; refs move only by a
    fetch, which forgets them."""
    _bases: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False,
                                                      compare=False)
    """Merge bases found, by the two commits; a fetch (which may deepen) forgets them."""
    _empty: str = field(default="", repr=False, compare=False)
    """The empty tree's name, once asked: the repository's hash never changes."""

    @classmethod
    def discover(cls, path: str = ".", *, gitpython: bool = False) -> GitRepo:
        """The repository whose work tree holds ``path``; a ChangeSetError when git cannot run
        or will not open it. ``gitpython``: run git through GitPython (see ``gitproc``)."""
        kind = gitproc.GitPythonRunner if gitpython else gitproc.Processes
        where = os.path.abspath(path)
        try:
            status, out, err = kind(where).run(_git_args("rev-parse", "--show-toplevel"))
            if status != 0:
                raise giterrors.not_opened(where, err)
            top = _text(out)
            return cls(root=top, runner=kind(top))
        except gitproc.GitMissing as exc:
            raise giterrors.no_git(exc, gitpython=gitpython) from None

    # -- commands run to completion --------------------------------------------------------

    def _execute(self, args: Sequence[str], **given: Any) -> tuple[int, bytes, bytes]:
        try:
            return self.runner.run(_git_args(*args), **given)
        except gitproc.GitMissing as exc:
            raise giterrors.no_git(exc, gitpython=self._through_gitpython) from None

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> tuple[int, str]:
        """Run git with ``args``: its exit status and stdout; a status not in ``ok_codes`` is
        a ChangeSetError with git's words."""
        status, out, err = self._execute(args)
        if status not in ok_codes:
            raise giterrors.failed(args[0], err)
        return status, _text(out)

    def resolve_commit(self, rev: str) -> str | None:
        """The commit ``rev`` names, or None; a ref whose commit git cannot read (a corrupt
        repository) is a ChangeSetError saying so, not a missing revision."""
        known = self._commits.get(rev)
        if known is not None:
            return known
        status, out = self.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                               f"{rev}^{{commit}}", ok_codes=(0, 1, 128))
        if status == 0 and out.strip():
            found = self._commits[rev] = out.strip()
            self._commits.setdefault(found, found)
            return found
        self._check_readable(rev)
        return None

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of commits ``a`` and ``b``, or None if they have none;
        remembered when both were resolved already."""
        first, second = self._commits.get(a), self._commits.get(b)
        if first is None or second is None:
            return super().merge_base(a, b)
        # In the order given: of several equally good bases, git's choice may follow it.
        key = (first, second)
        if key not in self._bases:
            self._bases[key] = super().merge_base(first, second)
        return self._bases[key]

    def note_ancestor(self, ancestor: str, descendant: str) -> None:
        """Remember that ``ancestor``, a commit's full name as git printed it (a boundary
        commit of ``rev-list``), is an ancestor of ``descendant``, a revision resolved already:
        their merge base is ``ancestor``, the one best common ancestor, in either order."""
        resolved = self._commits.get(descendant)
        if resolved is None or not is_full_name(ancestor):
            return
        self._commits.setdefault(ancestor, ancestor)
        self._bases[(ancestor, resolved)] = self._bases[(resolved, ancestor)] = ancestor

    def _check_readable(self, rev: str) -> None:
        if is_full_name(rev.lower()):
            return  # typed in full, it may simply be absent here (not fetched), unlike a ref
        status, out = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", rev,
                               ok_codes=(0, 1, 128))
        oid = out.strip()
        if status != 0 or not is_full_name(oid):
            return  # names nothing: unborn, unknown, or beyond a shallow clone's edge
        # log reads the whole commit (rev-parse only its name); a tree or blob prints nothing.
        status, _, err = self._execute(("log", "-1", "--format=%H", oid, "--"))
        if status != 0:
            raise giterrors.unreadable(rev, oid, err)

    def fetch(self, remote: str, refspecs: tuple[str, ...] = (), *, depth: int | None = None,
              deepen: int | None = None) -> bool:
        """Fetch ``refspecs`` (or the remote's defaults) from ``remote``; False if git failed."""
        return self.try_fetch(remote, refspecs, depth=depth, deepen=deepen) is None

    def try_fetch(self, remote: str, refspecs: tuple[str, ...] = (), *,
                  depth: int | None = None, deepen: int | None = None) -> str | None:
        """Fetch as ``fetch`` does; None when it worked, else what git said on stderr."""
        self._commits.clear()  # the fetch may move any ref, and deepen a shallow history
        self._bases.clear()
        args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head"]
        if depth is not None:
            args.append(f"--depth={depth}")
        if deepen is not None:
            args.append(f"--deepen={deepen}")
        # "--" keeps a refspec that starts with "-" from being read as an option. A prompt for
        # a password would hang a CI job or a hook, so git must fail and say so instead.
        status, _, err = self._execute((*args, "--", remote, *refspecs),
                                       env={"GIT_TERMINAL_PROMPT": "0"})
        return None if status == 0 else giterrors.text(err) or "git fetch failed"

    def read_blob(self, rev: str, path: str) -> bytes | None:
        """The content of ``path`` in commit ``rev``, or None if it has no such file."""
        status, out, _ = self._execute(("cat-file", "blob", f"{rev}:{path}"))
        return out if status == 0 else None

    def empty_tree(self) -> str:
        """The object name of the empty tree, in this repository's hash: computed when a
        commit resolved already shows the hash by its name's length, else asked of git, once
        (a change with no base starts its diff early, then builds the same command again)."""
        if self._empty:
            return self._empty
        known = next(iter(self._commits.values()), "")
        found = hasher("tree", 0, known) if is_full_name(known) else None
        if found is not None:
            self._empty = found.hexdigest()
        else:
            with open(os.devnull, "rb") as nothing:
                status, out, err = self._execute(("hash-object", "-t", "tree", "--stdin"),
                                                 stdin=nothing)
            if status != 0:
                raise giterrors.failed("hash-object", err)
            self._empty = _text(out).strip()
        return self._empty

    # -- commands read while they run ------------------------------------------------------

    def reads_attributes_from_trees(self) -> bool:
        """Whether this git takes ``--attr-source=<tree>`` (git 2.41 and later)."""
        return self.runner.version()[:2] >= ATTR_SOURCE_SINCE

    def _spawn(self, command: list[str], *, feed: bool = False) -> Any:
        try:
            return self.runner.spawn(command, feed=feed)
        except gitproc.GitMissing as exc:
            raise giterrors.no_git(exc, gitpython=self._through_gitpython) from None

    @property
    def _through_gitpython(self) -> bool:
        return isinstance(self.runner, gitproc.GitPythonRunner)

    def start(self, *args: str, attr_source: str | None = None, early: int = 0
              ) -> gitstream.Running:
        """Start git, for its output to be read later (``Running.reading``) or abandoned.
        ``attr_source``: the tree git reads .gitattributes from instead of the work tree;
        ``early``: bytes of output git may write before anyone reads (see ``Running``)."""
        command = _git_args(*args)
        if attr_source is not None:
            command.insert(1, f"--attr-source={attr_source}")
        return gitstream.Running(self._spawn(command), args[0], early=early)

    @contextmanager
    def stream(self, *args: str, attr_source: str | None = None) -> Iterator[Any]:
        """Run git and yield its stdout as a binary file; a failure becomes ChangeSetError.
        ``attr_source``: the tree git reads .gitattributes from instead of the work tree."""
        with self.start(*args, attr_source=attr_source).reading() as out:
            yield out

    def _blobs(self, names: list[str], handle: BlobHandler) -> None:
        """Call ``handle(spec, stdout, size)`` for each blob named, to read exactly its bytes.

        One ``git cat-file --batch`` serves every spec; a thread feeds it the names so that
        neither side blocks on a full pipe.
        """
        specs = [spec for spec in names if "\n" not in spec]  # the protocol is line-based
        if not specs:
            return
        import contextlib
        import threading

        # --buffer: git writes in blocks, not once per object (all names are sent at once)
        process = self._spawn(_git_args("cat-file", "--batch", "--buffer"), feed=True)
        stdin, stdout = process.stdin, process.stdout

        def feed() -> None:
            # git may be gone (Ctrl-C reaches the whole process group): closing the pipe then
            # fails too, and a thread's exception would print a traceback.
            try:
                stdin.write("".join(f"{spec}\n" for spec in specs).encode("utf-8"))
                stdin.close()
            except (BrokenPipeError, ValueError):
                with contextlib.suppress(BrokenPipeError):
                    stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        errors = prefetch.Drain(process.stderr)
        try:
            for spec in specs:
                line = stdout.readline()
                if not line:
                    break
                header = line.split()
                # "<spec> missing" and "<spec> ambiguous" carry the spec, which may hold spaces
                if line.endswith((b" missing\n", b" ambiguous\n")) or len(header) != 3:
                    continue
                size = int(header[2])
                if header[1] == b"blob":
                    handle(spec, stdout, size)
                else:
                    skip(stdout, size + 1)
        finally:
            writer.join()
            stdout.close()
            process.wait()
            errors.result(gitstream.STDERR_WAIT)
            process.stderr.close()

    def close(self) -> None:
        """Stop the git processes the runner keeps for this repository."""
        self.runner.close()

