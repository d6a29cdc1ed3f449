"""Who approved a change, as a platform reports it, and which review requirements that meets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gatekeeper.common.records import record
from gatekeeper.errors import UsageError

_OWNER = re.compile(r"@[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*")


@record
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


@record
class Membership:
    """The members of a team (GitHub ``@org/team``) or group (GitLab ``@group``)."""

    name: str
    members: tuple[str, ...]
    complete: bool = True
    """False when the member list was cut at the page limit."""


@record
class Requirement:
    """One review requirement and whether the approvals meet it, with the reason in words."""

    requirement: str
    """``2 approvals``, ``@alice`` or ``@org/team``."""
    met: bool
    why: str


@record
class AnyOf:
    """At least ``approvals`` approvals from among ``owners``: a user owner counts when that
    user approved, a team or group owner for each of its members who approved."""

    owners: tuple[str, ...]
    """``@user``, ``@org/team`` or ``@group`` names."""
    approvals: int = 1
    name: str = "owners"
    """What the owners are, for the report (``code owners [Docs]``)."""
    unmatched: tuple[str, ...] = ()
    """Owners no approver can be matched to (e-mail addresses, GitLab roles): they are named
    in the reason but never count."""


@record
class Assessment:
    """Each review requirement with whether the approvals meet it."""

    requirements: tuple[Requirement, ...]

    @property
    def met(self) -> tuple[Requirement, ...]:
        """The requirements the approvals meet."""
        return tuple(r for r in self.requirements if r.met)

    @property
    def unmet(self) -> tuple[Requirement, ...]:
        """The requirements the approvals do not meet."""
        return tuple(r for r in self.requirements if not r.met)

    @property
    def satisfied(self) -> bool:
        """Whether every requirement is met."""
        return all(r.met for r in self.requirements)


def is_name(owner: str) -> bool:
    """Whether ``owner`` reads as ``@user``, ``@org/team`` or ``@group/subgroup``."""
    return _OWNER.fullmatch(owner) is not None


def check_owner(owner: str) -> str:
    """``owner`` if it reads as ``@user``, ``@org/team`` or ``@group/subgroup``."""
    if not is_name(owner):
        raise UsageError(f"required owner {owner!r} is not a @name",
                         hint="write owners as @user, @org/team (GitHub) or @group (GitLab)")
    return owner


def evaluate(approvals: Approvals, *, required: int = 0, owners: Iterable[str] = (),
             memberships: Mapping[str, Membership] | None = None,
             any_of: Iterable[AnyOf] = ()) -> Assessment:
    """Which of ``required`` approvals, ``owners`` and ``any_of`` groups the approvals meet.
    An owner with an entry in ``memberships`` is a team or group, met when any member
    approved; any other owner is a user, met when that user approved."""
    _check_count(required)
    names = [check_owner(owner) for owner in owners]
    wanted = list(any_of)
    for want in wanted:
        _check_count(want.approvals)
        for owner in want.owners:
            check_owner(owner)
    groups = {name.casefold(): found for name, found in (memberships or {}).items()}
    results: list[Requirement] = []
    if required:
        results.append(_count(approvals, required))
    for owner in names:
        group = groups.get(owner.casefold())
        results.append(_owner(approvals, owner) if group is None
                       else _group(approvals, owner, group))
    results += [_any_of(approvals, want, groups) for want in wanted]
    if not approvals.complete:
        reason = (f"cannot tell: only the first {approvals.pages} pages of the "
                  f"{_platform(approvals)} listing were read, and a later review could undo "
                  "an approval")
        results = [Requirement(r.requirement, False, reason) for r in results]
    return Assessment(tuple(results))


def _check_count(required: int) -> None:
    if isinstance(required, bool) or not isinstance(required, int) or required < 0:
        raise UsageError(f"the required approval count must be 0 or more, not {required!r}")


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


def _any_of(approvals: Approvals, want: AnyOf, groups: Mapping[str, Membership]) -> Requirement:
    teams = [groups[o.casefold()] for o in want.owners if o.casefold() in groups]
    approving = _approving_any(approvals, want, groups, teams)
    label = _any_of_label(want)
    if len(approving) >= want.approvals:
        given = f"approved by {_names(approving)}" if approving else "none required"
        return Requirement(label, True, f"{label}: {given}")
    return Requirement(label, False, _any_of_shortfall(label, want, teams, approving))


def _approving_any(approvals: Approvals, want: AnyOf, groups: Mapping[str, Membership],
                   teams: list[Membership]) -> list[str]:
    """The approvers who count towards ``want``: named users and members of its teams."""
    users = {o[1:].casefold() for o in want.owners if o.casefold() not in groups}
    members = {m.casefold() for team in teams for m in team.members}
    return [login for login in approvals.approvers
            if login.casefold() in users or login.casefold() in members]


def _any_of_label(want: AnyOf) -> str:
    listed = ", ".join((*want.owners, *want.unmatched)) or "nobody"
    noun = "approval" if want.approvals == 1 else "approvals"
    return f"{want.name}: {want.approvals} {noun} from {listed}"


def _any_of_shortfall(label: str, want: AnyOf, teams: list[Membership],
                      approving: list[str]) -> str:
    """Why ``want`` is not met, naming owners that cannot count and cut member lists."""
    who = f" ({_names(approving)})" if approving else ""
    why = f"{label}: {len(approving)} given{who}"
    if want.unmatched:
        why += (f"; {', '.join(want.unmatched)} cannot be matched to an approver (write "
                "owners as @login to count them)")
    if any(not team.complete for team in teams):
        why += " (a member list was cut at the page limit, so this is not certain)"
    return why


def _names(logins: Iterable[str]) -> str:
    return ", ".join(f"@{login}" for login in logins)


def _platform(approvals: Approvals) -> str:
    return {"github": "GitHub", "gitlab": "GitLab"}.get(approvals.platform, approvals.platform)
