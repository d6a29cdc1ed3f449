"""Flag patterns a policy adds: a regular expression with a named group ``key``."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import field
from typing import Annotated

from pydantic import AfterValidator

from gatekeeper.common import regexcheck
from gatekeeper.common.records import record
from gatekeeper.facts.flags.templates import key_groups

MAX_PATTERN = 1000


def valid_key_pattern(pattern: str) -> str:
    """``pattern`` if it compiles, has a group ``(?P<key>...)`` and cannot match empty text.

    Raises ValueError with a message fit for a policy error otherwise; usable as a pydantic
    validator (see ``KeyPattern``).
    """
    shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"flag pattern {shown!r} is longer than {MAX_PATTERN} characters")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid flag pattern {shown!r}: {exc}") from None
    except (OverflowError, RecursionError):
        raise ValueError(f"invalid flag pattern {shown!r}: too large or too deeply nested") \
            from None
    if "key" not in compiled.groupindex:
        raise ValueError(f"flag pattern {shown!r} has no named group 'key'; write the part "
                         "that matches the flag key as (?P<key>...)")
    if compiled.search("") is not None:
        raise ValueError(f"flag pattern {shown!r} matches an empty line; it must require "
                         "the text of a call")
    slow = regexcheck.problem(pattern, ignorecase=False)
    if slow is not None:
        raise ValueError(f"flag pattern {shown!r} is refused: {slow}")
    return pattern


def normal_extensions(extensions: Iterable[str]) -> tuple[str, ...]:
    """Extensions without a leading dot, lowercased; ValueError for empty or path-like ones."""
    result: list[str] = []
    for raw in extensions:
        extension = raw.strip().lstrip(".").lower()
        if not extension or "/" in extension or any(c.isspace() for c in extension):
            raise ValueError(f"invalid file extension {raw!r}; write it like 'py' or '.tsx'")
        if extension not in result:
            result.append(extension)
    return tuple(result)


KeyPattern = Annotated[str, AfterValidator(valid_key_pattern)]
"""A policy field holding a custom flag pattern."""


@record
class CustomPattern:
    """A policy's own flag call form; with no ``extensions`` it applies to every file."""

    pattern: str
    extensions: tuple[str, ...] = ()
    name: str = "custom"
    keywords: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        valid_key_pattern(self.pattern)
        object.__setattr__(self, "extensions", normal_extensions(self.extensions))
        if not self.name.strip():
            raise ValueError("a custom flag pattern needs a name")
        if any(not k for k in self.keywords):
            raise ValueError("a custom flag pattern's keywords must not be empty")

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern compiled, once per instance."""
        return re.compile(self.pattern)

    @functools.cached_property
    def groups(self) -> tuple[str, ...]:
        """The groups that hold keys: ``key`` first, then the others in the order written."""
        return ("key", *(g for g in key_groups(self.regex) if g != "key"))

    def applies_to(self, extension: str) -> bool:
        """Whether the pattern scans files with ``extension`` (all files when none are listed)."""
        return not self.extensions or extension in self.extensions
