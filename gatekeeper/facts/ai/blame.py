"""A parser for ``git blame --porcelain`` output, which traces the added lines that Git AI
notes describe: pure, it never runs git."""

from __future__ import annotations

import io
from collections.abc import Iterator

from gatekeeper.changeset.model import LineOrigin
from gatekeeper.gitread.rawdiff import decode_path, unquote


def parse_porcelain(output: bytes) -> Iterator[LineOrigin]:
    """The origins in ``git blame --porcelain`` output, boundary lines left out.

    Each line's header names its commit and line numbers; details follow only the first time a
    commit appears, so its path and boundary mark are remembered (a commit seen under several
    paths repeats ``filename`` for each group). Content lines start with a tab and are skipped
    whole: they may hold anything but a newline (a carriage return ends no line).
    """
    paths: dict[str, str] = {}
    boundary: set[str] = set()
    current: tuple[str, int, int] | None = None
    for raw in io.BytesIO(output):
        if raw.startswith(b"\t"):
            if current is not None and current[0] not in boundary:
                sha, original, final = current
                yield LineOrigin(final, sha, paths.get(sha, ""), original)
            current = None
            continue
        line = raw.rstrip(b"\n")
        if current is None:
            fields = line.split(b" ")
            current = (fields[0].decode("ascii"), int(fields[1]), int(fields[2]))
        elif line == b"boundary":
            boundary.add(current[0])
        elif line.startswith(b"filename "):
            paths[current[0]] = unquote(decode_path(line[len(b"filename "):]))
