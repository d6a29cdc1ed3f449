"""What the context layer hands on: the targets to check and what is known about the change."""

from __future__ import annotations

import json
from dataclasses import field
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.common.records import record

if TYPE_CHECKING:
    from gatekeeper.context.api import ApiTarget

ZERO_SHAS = ("0" * 40, "0" * 64)
"""The object name git uses for "nothing", in SHA-1 and SHA-256 repositories."""


_HEX = frozenset("0123456789abcdef")


def is_object_name(text: str) -> bool:
    """A full SHA-1 or SHA-256 object name in lower-case hex."""
    return len(text) in (40, 64) and set(text) <= _HEX


def is_zero(sha: str | None) -> bool:
    """Whether ``sha`` is all zeros, git's name for a ref that does not exist (yet or any more)."""
    return bool(sha) and set(sha or "") == {"0"}


def show(value: object, *, quote: bool = True, limit: int = 80) -> str:
    """A value from outside (a payload, a variable), on one line and cut short, for a message."""
    text = json.dumps(value, ensure_ascii=True) if quote or not isinstance(value, str) else value
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@record
class Request:
    """What the command line asked for; every field may be left to the detected context."""

    base: str | None = None
    head: str | None = None
    staged: bool = False
    labels: tuple[str, ...] = ()
    target_branch: str | None = None
    author: str | None = None
    description: str | None = None
    ci: str | None = None
    """``github``, ``gitlab``, ``pre-push``, ``pre-commit`` or ``local``; None detects it."""
    remote: str | None = None
    """The remote a pre-push hook was given (its first argument)."""


@record
class Target:
    """One change to check: its head and base revisions, and how each was found."""

    head: str
    head_reason: str
    base: str | None
    """A revision whose merge base with ``head`` is the base; None compares with nothing."""
    base_reason: str
    name: str = ""
    """What is being checked, when there are several (a pushed ref)."""
    fetch: tuple[str, ...] = ()
    """Refspecs (or object names) to fetch from ``remote`` when a side is missing locally."""
    remote: str = "origin"
    shallow_fix: str = ""
    """The exact remedy for this context when the merge base cannot be found."""
    staged: bool = False
    policy_base: str | None = None
    """Where the policy, and the files it leans on, are read when that is not ``base``: the
    base the CI context found, when --base narrowed a pull or merge request's range."""
    rewrite: Rewrite | None = None
    """For a CI push whose ``base`` is the branch's tip before the push: how to judge it when
    the push rewrote the branch (resolve.py)."""
    credentials_fix: str = ""
    """How this context gives git the credentials to fetch, for when a fetch is refused."""


@record
class Rewrite:
    """A push that may have rewritten its branch: ``before`` (the target's base) is then not an
    ancestor of the pushed commit, or the remote no longer has it."""

    branch: str
    instead: Target | None
    """The push judged like a new branch, from its merge base with the default branch; None
    for the default branch itself, judged from where the old and the new history part."""


@record
class Context:
    """What the detected context hands on: its kind, the targets to check and the change's meta."""

    kind: str
    """``github``, ``gitlab``, ``pre-push``, ``pre-commit`` or ``local``."""
    description: str
    """How the context was recognised, for the report (``GitHub Actions pull_request``)."""
    targets: tuple[Target, ...]
    meta: ChangeMeta = field(default_factory=ChangeMeta)
    review: bool = False
    """A pull or merge request: the policy is then read from the base by default."""
    api: ApiTarget | None = None
    """Where the pull or merge request's approvals can be read; None outside one."""
