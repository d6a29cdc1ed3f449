"""Questions about refs, trees and settings that one ``git`` command answers in plain text.

GitRepo (in ``gitio``, the module that runs git) takes these methods from RefQueries; each
asks through ``GitRepo.run`` and reads the text git prints.
"""

from __future__ import annotations

import os


class RefQueries:
    """The ref, tree and config queries of a GitRepo."""

    root: str

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> tuple[int, str]:
        """Run git with ``args``: its exit status and stdout (GitRepo runs it)."""
        raise NotImplementedError

    def upstream(self) -> str | None:
        """The upstream branch of the checked-out branch (``origin/main``), or None."""
        status, out = self.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}",
                               ok_codes=(0, 128))
        return out.strip() if status == 0 and out.strip() else None

    def symbolic_ref(self, ref: str, *, short: bool = True) -> str | None:
        """The ref ``ref`` points to (shortened unless ``short`` is False), or None."""
        status, out = self.run("symbolic-ref", "--quiet", *(["--short"] if short else []), ref,
                               ok_codes=(0, 1, 128))
        return out.strip() if status == 0 and out.strip() else None

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of commits ``a`` and ``b``, or None if they have none."""
        status, out = self.run("merge-base", a, b, ok_codes=(0, 1))
        return out.strip() if status == 0 and out.strip() else None

    def remotes(self) -> list[str]:
        """The names of the repository's remotes."""
        return self.run("remote")[1].split()

    def rev_list(self, *args: str) -> list[str]:
        """What ``git rev-list`` prints for ``args``, one entry per line."""
        return self.run("rev-list", *args)[1].split()

    def git_path(self, name: str) -> str:
        """The absolute path of ``name`` in the git directory, as git would use it
        (``hooks`` follows core.hooksPath, and a linked worktree shares the main one's)."""
        path = self.run("rev-parse", "--git-path", name)[1].strip()
        return os.path.normpath(os.path.join(self.root, path))

    def config(self, key: str) -> str | None:
        """The value of git config ``key`` as git reads it (repository, then global), or None."""
        status, out = self.run("config", "--get", key, ok_codes=(0, 1, 2))
        return out.strip() if status == 0 else None

    def entry_mode(self, rev: str, path: str) -> str | None:
        """The mode of ``path`` in commit ``rev``'s tree (``120000`` for a symlink), or None if
        it has no such entry. The path is taken literally, never as a pattern."""
        if not path or "\0" in path:
            return None
        _, out = self.run("ls-tree", "-z", "--full-tree", rev, "--", ":(literal)" + path)
        record = out.split("\0", 1)[0]
        meta, _, name = record.partition("\t")
        return meta.split(" ", 1)[0] if meta and name == path else None

    def is_shallow(self) -> bool:
        """Whether the repository is a shallow clone."""
        return self.run("rev-parse", "--is-shallow-repository")[1].strip() == "true"

    def empty_tree(self) -> str:
        """The object name of the empty tree (GitRepo runs git for it)."""
        raise NotImplementedError

    def attribute_files(self, tree: str) -> list[str]:
        """The paths of every ``.gitattributes`` in commit ``tree``'s tree, or in the index when
        ``tree`` is "": one listing, not a look-up per folder."""
        # Pathspec magic stays on even where GIT_LITERAL_PATHSPECS is set.
        magic = ("--no-literal-pathspecs",)
        pattern = ":(glob)**/.gitattributes"
        if tree:
            _, out = self.run(*magic, "diff-tree", "-r", "-z", "--name-only", "--no-renames",
                              self.empty_tree(), tree, "--", pattern)
        else:
            _, out = self.run(*magic, "ls-files", "-z", "--cached", "--", pattern)
        return [p for p in out.split("\0")
                if p == ".gitattributes" or p.endswith("/.gitattributes")]

    def list_files(self, rev: str) -> list[str]:
        """Every file path in commit ``rev``'s tree."""
        _, out = self.run("ls-tree", "-r", "-z", "--name-only", rev)
        return [p for p in out.split("\0") if p]

    def remote_refs(self, remote: str, *patterns: str) -> dict[str, str] | None:
        """Ref name to object for the refs ``remote`` advertises that match ``patterns``;
        None when the remote cannot be reached."""
        if remote.startswith("-"):
            return None
        status, out = self.run("ls-remote", "--refs", remote, *patterns, ok_codes=(0, 2, 128))
        if status != 0:
            return None
        refs = {}
        for line in out.splitlines():
            sha, _, name = line.partition("\t")
            if name:
                refs[name] = sha
        return refs
