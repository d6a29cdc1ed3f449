"""Small validated value types shared by the policy model, rule kinds and conditions."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo

from gatekeeper.common import regexcheck
from gatekeeper.common.globs import GlobError, compile_glob

TRUSTED_PATTERNS = "trusted_patterns"
"""A validation context key: the patterns are the package's own (the AI marker catalogue),
proven by its tests to compile and run in linear time, so a run neither compiles nor analyses
them before they are used."""


def _valid_glob(pattern: str) -> str:
    try:
        compile_glob(pattern)
    except GlobError as exc:
        raise ValueError(str(exc)) from None
    return pattern


def _valid_regex(pattern: str, info: ValidationInfo) -> str:
    if (info.context or {}).get(TRUSTED_PATTERNS):
        return pattern  # compiled where used, and only if used
    try:
        re.compile(pattern)
    except re.error as exc:
        reason = str(exc)
    except (OverflowError, RecursionError) as exc:  # a{99999999999}, thousands of nested groups
        reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc)
    else:
        slow = regexcheck.problem(pattern)
        if slow is None:
            return pattern
        raise ValueError(f"regular expression {shown_pattern(pattern)} is refused: {slow}")
    raise ValueError(f"invalid regular expression {shown_pattern(pattern)}: {reason}")


def empty_list() -> list[Any]:
    """A new empty list, as a model field's default factory.

    Not the builtin ``list``: pydantic reads the signature of every default factory, and a
    builtin's signature is parsed from text by the tokenizer, whose patterns take milliseconds to
    compile on each start."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict, as a model field's default factory (see ``empty_list``)."""
    return {}


def shown_pattern(pattern: str) -> str:
    """``pattern`` quoted for an error message, shortened to 60 characters."""
    return repr(pattern if len(pattern) <= 60 else pattern[:57] + "...")


def one_or_many(value: Any) -> Any:
    """Let a list of one be written as the bare value: ``labels: no-changelog``."""
    return [value] if isinstance(value, str) else value


GlobPattern = Annotated[str, AfterValidator(_valid_glob)]
Regex = Annotated[str, AfterValidator(_valid_regex)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
ClassName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
