"""Reads a range's commits (identities, messages, trailers) through one ``git log`` call."""

from __future__ import annotations

from gatekeeper.changeset.model import Commit, Trailer
from gatekeeper.gitread.gitio import GitRepo

_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%cn", "%ce", "%s", "%b", "%(trailers:unfold,only)")


def read_commits(repo: GitRepo, spec: str) -> tuple[Commit, ...]:
    """The commits ``git log`` lists for ``spec``, newest first, with their trailers."""
    fmt = "%x00".join(_LOG_FIELDS)
    with repo.stream("log", "-z", "--encoding=UTF-8", "--no-color", "--no-show-signature",
                     f"--format=tformat:{fmt}", spec, "--") as out:
        data = out.read().decode("utf-8", errors="replace")
    fields = data.split("\0")
    width = len(_LOG_FIELDS)
    commits = []
    for i in range(0, len(fields) - width + 1, width):
        sha, parents, an, ae, cn, ce, subject, body, trailers = fields[i : i + width]
        commits.append(Commit(
            sha=sha.strip(), parents=tuple(parents.split()), author_name=an, author_email=ae,
            committer_name=cn, committer_email=ce, subject=subject, body=body.rstrip("\n"),
            trailers=parse_trailer_lines(trailers),
        ))
    return tuple(commits)


def parse_trailer_lines(text: str) -> tuple[Trailer, ...]:
    """The ``Key: value`` trailers of git's ``%(trailers)`` text; other lines are skipped."""
    trailers = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            trailers.append(Trailer(key.strip(), value.strip()))
    return tuple(trailers)
