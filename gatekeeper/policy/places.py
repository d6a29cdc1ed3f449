"""Where each key and value of a policy document was written, for messages that point there."""

from __future__ import annotations

from typing import Any

from gatekeeper.common.records import record

Location = tuple[int, int]
"""A line and a column, both from 1."""


@record(frozen=False)
class Places:
    """Where each value and each key of a document in ``filename`` was written, by its path
    (the keys and list indexes that lead to it)."""

    filename: str
    values: dict[tuple[Any, ...], Location]
    keys: dict[tuple[Any, ...], Location]
