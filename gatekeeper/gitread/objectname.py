"""Git object names: whether a string from outside is one written in full, and computing one
to hold content read elsewhere to the name it goes by."""

from __future__ import annotations

import hashlib
from typing import Any

_ALGORITHMS = {40: "sha1", 64: "sha256"}
"""The repository's hash, by the length of a hex object name."""
_HEX = "0123456789abcdef"


def is_full_name(text: str) -> bool:
    """Whether ``text`` is 40 or 64 lowercase hex digits: a SHA-1 or SHA-256 object name
    written out, never an abbreviation, a ref or an option. Every layer that takes one from
    outside checks it so before it reaches a git command line."""
    return len(text) in _ALGORITHMS and not text.strip(_HEX)


def hasher(kind: str, size: int, name: str) -> Any | None:
    """A hash, in the algorithm ``name`` is written in, already fed git's header for an object
    of ``kind`` (blob, commit) and ``size`` bytes: feed it the content and compare its hex
    digest with ``name``. None for a name of neither length."""
    algorithm = _ALGORITHMS.get(len(name))
    if algorithm is None:
        return None
    return hashlib.new(algorithm, f"{kind} {size}\0".encode("ascii"))
