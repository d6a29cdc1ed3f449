"""Reads a range's commits (identities, messages, trailers) through one ``git log`` call."""

from __future__ import annotations

import codecs

from gatekeeper.changeset.model import Commit, Trailer
from gatekeeper.gitread import gitstream
from gatekeeper.gitread.gitio import GitRepo

_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%cn", "%ce", "%s", "%b", "%(trailers:unfold,only)")


def start_log(repo: GitRepo, spec: str, *, early: int = 0) -> gitstream.Running:
    """Start the ``git log`` that ``read_commits`` reads for ``spec``."""
    fmt = "%x00".join(_LOG_FIELDS)
    return repo.start("log", "-z", "--encoding=UTF-8", "--no-color", "--no-show-signature",
                      f"--format=tformat:{fmt}", spec, "--", early=early)


def read_commits(repo: GitRepo, spec: str, started: gitstream.Running | None = None
                 ) -> tuple[Commit, ...]:
    """The commits ``git log`` lists for ``spec``, newest first, with their trailers;
    ``started``: that log, already running (``start_log``).

    Each record is parsed as soon as its bytes arrive, while git goes on walking the history.
    """
    width = len(_LOG_FIELDS)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    commits: list[Commit] = []
    fields: list[str] = []
    # The pieces of the field still being written, joined once it ends: a message of many
    # megabytes (the change's author decides) is copied once, not once per read.
    pending: list[str] = []
    with (started or start_log(repo, spec)).reading() as out:
        while True:
            chunk = out.read1(1 << 16)
            text = decoder.decode(chunk, final=not chunk)
            if "\0" in text:
                parts = text.split("\0")
                parts[0] = "".join(pending) + parts[0]
                pending = [parts.pop()]
                fields += parts
                whole = len(fields) - len(fields) % width
                commits += map(_commit, *(fields[n:whole:width] for n in range(width)))
                del fields[:whole]
            else:
                pending.append(text)
            if not chunk:
                return tuple(commits)


def _commit(sha: str, parents: str, an: str, ae: str, cn: str, ce: str, subject: str,
            body: str, trailers: str) -> Commit:
    """One record of the log's fields."""
    # Positional, in the fields' order: the call is made for every commit of a history.
    return Commit(sha.strip(), tuple(parents.split()), an, ae, cn, ce, subject,
                  body.rstrip("\n"), parse_trailer_lines(trailers) if trailers else ())


def parse_trailer_lines(text: str) -> tuple[Trailer, ...]:
    """The ``Key: value`` trailers of git's ``%(trailers)`` text; other lines are skipped."""
    trailers = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            trailers.append(Trailer(key.strip(), value.strip()))
    return tuple(trailers)
