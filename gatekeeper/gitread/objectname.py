"""Git object names computed here, to hold content read elsewhere to the name it goes by."""

from __future__ import annotations

import hashlib
from typing import Any

_ALGORITHMS = {40: "sha1", 64: "sha256"}
"""The repository's hash, by the length of a hex object name."""


def hasher(kind: str, size: int, name: str) -> Any | None:
    """A hash, in the algorithm ``name`` is written in, already fed git's header for an object
    of ``kind`` (blob, commit) and ``size`` bytes: feed it the content and compare its hex
    digest with ``name``. None for a name of neither length."""
    algorithm = _ALGORITHMS.get(len(name))
    if algorithm is None:
        return None
    return hashlib.new(algorithm, f"{kind} {size}\0".encode("ascii"))
