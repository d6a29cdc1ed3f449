"""Who approved a change, as a platform reports it, and which review requirements that meets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gatekeeper.errors import UsageError

_OWNER = re.compile(r"@[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True)
class Approvals:
    """The approvals that count on a pull or merge request, read from its platform."""

    platform: str
    """``github`` or ``gitlab``."""
    approvers: tuple[str, ...]
    """Logins (GitHub) or usernames (GitLab) whose approval currently counts, each once."""
    complete: bool = True
    """False when the listing was cut at the page limit: a later review could undo any
    approval seen, so nothing can be confirmed."""
    changes_requested: tuple[str, ...] = ()
    """GitHub logins whose latest decisive review requests changes."""
    pages: int = 1


@dataclass(frozen=True)
class Membership:
    """The members of a team (GitHub ``@org/team``) or group (GitLab ``@group``)."""

    name: str
    members: tuple[str, ...]
    complete: bool = True
    """False when the member list was cut at the page limit."""


@dataclass(frozen=True)
class Requirement:
    """One review requirement and whether the approvals meet it, with the reason in words."""

    requirement: str
    """``2 approvals``, ``@alice`` or ``@org/team``."""
    met: bool
    why: str


@dataclass(frozen=True)
class Assessment:
    requirements: tuple[Requirement, ...]

    @property
    def met(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.met)

    @property
    def unmet(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if not r.met)

    @property
    def satisfied(self) -> bool:
        return all(r.met for r in self.requirements)


def check_owner(owner: str) -> str:
    """``owner`` if it reads as ``@user``, ``@org/team`` or ``@group/subgroup``."""
    if not _OWNER.fullmatch(owner):
        raise UsageError(f"required owner {owner!r} is not a @name",
                         hint="write owners as @user, @org/team (GitHub) or @group (GitLab)")
    return owner


def evaluate(approvals: Approvals, *, required: int = 0, owners: Iterable[str] = (),
             memberships: Mapping[str, Membership] | None = None) -> Assessment:
    """Which of ``required`` approvals and ``owners`` the approvals meet. An owner with an
    entry in ``memberships`` is a team or group, met when any member approved; any other
    owner is a user, met when that user approved."""
    if isinstance(required, bool) or not isinstance(required, int) or required < 0:
        raise UsageError(f"the required approval count must be 0 or more, not {required!r}")
    names = [check_owner(owner) for owner in owners]
    groups = {name.casefold(): found for name, found in (memberships or {}).items()}
    results: list[Requirement] = []
    if required:
        results.append(_count(approvals, required))
    for owner in names:
        group = groups.get(owner.casefold())
        results.append(_owner(approvals, owner) if group is None
                       else _group(approvals, owner, group))
    if not approvals.complete:
        reason = (f"cannot tell: only the first {approvals.pages} pages of the "
                  f"{_platform(approvals)} listing were read, and a later review could undo "
                  "an approval")
        results = [Requirement(r.requirement, False, reason) for r in results]
    return Assessment(tuple(results))


def _count(approvals: Approvals, required: int) -> Requirement:
    given = len(approvals.approvers)
    noun = "approval" if required == 1 else "approvals"
    who = f" ({_names(approvals.approvers)})" if given else ""
    return Requirement(f"{required} {noun}", given >= required,
                       f"{required} {noun} required, {given} given{who}")


def _owner(approvals: Approvals, owner: str) -> Requirement:
    key = owner[1:].casefold()
    if any(login.casefold() == key for login in approvals.approvers):
        return Requirement(owner, True, f"{owner} approved")
    return Requirement(owner, False, f"{owner} has not approved")


def _group(approvals: Approvals, owner: str, group: Membership) -> Requirement:
    members = {m.casefold() for m in group.members}
    approving = [login for login in approvals.approvers if login.casefold() in members]
    if approving:
        return Requirement(owner, True, f"{owner}: approved by {_names(approving)}")
    why = f"{owner}: none of its {len(members)} members has approved"
    if not group.complete:
        why += " (its member list was cut at the page limit, so this is not certain)"
    return Requirement(owner, False, why)


def _names(logins: Iterable[str]) -> str:
    return ", ".join(f"@{login}" for login in logins)


def _platform(approvals: Approvals) -> str:
    return {"github": "GitHub", "gitlab": "GitLab"}.get(approvals.platform, approvals.platform)
