"""Enforces the review tier: reads the pull or merge request's approvals from its platform and
adds one result, ``review-approvals``, to the verdict.

What the API answered (reviewers' logins) reaches the result's text, so that text is checked
for the token in every disguise (``approvals.redact``) before any report can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from gatekeeper.common.records import record
from gatekeeper.context.api import PLATFORM_TOKENS, TOKEN_VARIABLE, ApiTarget
from gatekeeper.errors import ChangeSetError
from gatekeeper.evaluation.verdict import RuleResult, TierDecision, Verdict
from gatekeeper.facts.approvals.github import GitHubClient
from gatekeeper.facts.approvals.gitlab import GitLabClient
from gatekeeper.facts.approvals.http import DEFAULT_TIMEOUT, ApprovalsError
from gatekeeper.facts.approvals.model import (
    AnyOf,
    Approvals,
    Assessment,
    Requirement,
    evaluate,
    is_name,
)
from gatekeeper.facts.approvals.redact import redact
from gatekeeper.policy.review import ApprovalSettings
from gatekeeper.rules.findings import Severity, Status

RULE_ID = "review-approvals"
KIND = "review-approvals"
DESCRIPTION = "The review tier's approvals, read from the pull or merge request."
WITHHELD = ("the rest is withheld: the API answered text that looks like the token, which the "
            "platform's API never does")
WITHHELD_HINT = ("check that the API URL (GITHUB_API_URL or CI_API_V4_URL) points at the "
                 "platform's REST API")

Client = GitHubClient | GitLabClient
ClientFactory = Callable[[ApiTarget], Client]


def client_for(api: ApiTarget, timeout: float = DEFAULT_TIMEOUT) -> Client:
    """The client for ``api``'s platform; a GitLab token is sent as PRIVATE-TOKEN."""
    if api.platform == "github":
        return GitHubClient(api.token, api_url=api.api_url, timeout=timeout)
    return GitLabClient(api.token, api_url=api.api_url, auth="private-token", timeout=timeout)


@record
class Wanted:
    """What the tier asks for, with the owners no approver can be matched to set apart."""

    tier: str
    count: int
    owners: tuple[str, ...]
    """Owners that must each approve, as @names."""
    unmatched: tuple[str, ...]
    """Owners that must each approve but are not @names (e-mail addresses, GitLab roles)."""
    groups: tuple[AnyOf, ...]
    request: tuple[str, ...]
    """Whom the tier asks for review."""

    @property
    def empty(self) -> bool:
        """Whether the tier asks for no approval at all, so there is nothing to check."""
        return not (self.count or self.owners or self.unmatched or self.groups)

    def describe(self) -> str:
        """The whole requirement, in words."""
        parts = []
        if self.count:
            parts.append(_approvals(self.count))
        parts += [f"an approval from {owner}" for owner in (*self.owners, *self.unmatched)]
        parts += [f"{_approvals(g.approvals)} from {_listed(g)} ({g.name})" for g in self.groups]
        asked = "; ".join(parts) if parts else "no approvals"
        return f"review tier {self.tier} asks for {asked}"


def wanted(decision: TierDecision) -> Wanted:
    """What ``decision``'s tier and code owner groups ask for."""
    tier = decision.tier
    owners = tuple(dict.fromkeys(tier.owners))
    groups = tuple(
        AnyOf(tuple(o for o in g.owners if is_name(o)), g.approvals, _group_name(g.section),
              tuple(o for o in g.owners if not is_name(o)))
        for g in decision.owner_groups)
    return Wanted(tier.name, tier.approvals, tuple(o for o in owners if is_name(o)),
                  tuple(o for o in owners if not is_name(o)), groups, decision.request)


def apply(verdict: Verdict, api: ApiTarget | None, settings: ApprovalSettings,
          client_factory: ClientFactory = client_for) -> Verdict:
    """``verdict`` with the ``review-approvals`` result added when the policy enforces
    approvals and the change has a review tier. An API error raises ApprovalsError (exit 3)
    unless ``settings.unreachable`` is ``pass`` and the error is not a refusal; no token fails
    the result unless ``settings.missing_token`` is ``skip``."""
    if not settings.enforce or verdict.review is None:
        return verdict
    want = wanted(verdict.review)
    if api is None:
        _no_target(verdict)
        return with_result(verdict, _result(
            Status.SKIP, f"not checked: approvals are read only on a pull or merge request in "
            f"GitHub Actions or GitLab CI; {want.describe()}"))
    if want.empty:
        return with_result(verdict, _result(Status.PASS, want.describe()))
    if api.token is None:
        return with_result(verdict, _no_token(api, want, settings))
    token = api.token.reveal()
    try:
        approvals, assessment = _assess(client_factory(api), api, want)
    except ApprovalsError as exc:
        if settings.unreachable == "pass" and transient(exc):
            return with_result(verdict, _withheld(_result(
                Status.WARN, f"approvals not checked: {exc.message}", exc.hint,
                Severity.WARNING), token))
        raise _withheld_error(_closed(exc), token) from None
    return with_result(verdict, _withheld(_judged(want, approvals, assessment), token))


def with_result(verdict: Verdict, result: RuleResult) -> Verdict:
    """``verdict`` with ``result`` added, passed again only if no result blocks."""
    results = (*verdict.results, result)
    return replace(verdict, results=results, passed=not any(r.blocking for r in results))


def transient(error: ApprovalsError) -> bool:
    """An error an API that cannot answer causes (network, timeout, 5xx, rate limit, an
    answer not as documented), not a refusal of the token or a wrong project."""
    return error.status is None or error.status >= 500 or error.status == 429


def _no_target(verdict: Verdict) -> None:
    number = verdict.facts.changeset.meta.number
    if number is not None:
        raise ChangeSetError(
            f"the policy enforces review approvals, but the CI environment does not name the "
            f"repository of pull or merge request {number}",
            hint="run in GitHub Actions (GITHUB_REPOSITORY) or GitLab CI "
                 "(CI_MERGE_REQUEST_PROJECT_ID, CI_PROJECT_ID), which set it")


def _assess(client: Client, api: ApiTarget, want: Wanted) -> tuple[Approvals, Assessment]:
    approvals = client.approvals(api.project, api.number)
    lookup = _to_look_up(want, approvals)
    if isinstance(client, GitHubClient):
        teams = client.memberships(lookup)
    else:
        teams = client.memberships(lookup, approvals)
    found = evaluate(approvals, required=want.count, owners=want.owners, memberships=teams,
                     any_of=want.groups)
    extra = tuple(Requirement(owner, False, f"{owner} cannot be matched to an approver: the "
                              f"API names approvers by login") for owner in want.unmatched)
    return approvals, Assessment(found.requirements + extra)


def _to_look_up(want: Wanted, approvals: Approvals) -> list[str]:
    """The owners whose members may decide: every owner the tier names, and the owners of
    each group that its users' own approvals do not already meet."""
    logins = {login.casefold() for login in approvals.approvers}
    names = list(want.owners)
    for group in want.groups:
        direct = sum(1 for owner in group.owners if owner[1:].casefold() in logins)
        if direct < group.approvals:
            names += group.owners
    return list({name.casefold(): name for name in names}.values())


def _judged(want: Wanted, approvals: Approvals, assessment: Assessment) -> RuleResult:
    changes = approvals.changes_requested
    noted = f" (changes requested by {_names(changes)})" if changes else ""
    if assessment.satisfied:
        why = "; ".join(r.why for r in assessment.requirements)
        return _result(Status.PASS, f"approvals meet review tier {want.tier}: {why}{noted}")
    unmet = "; ".join(r.why for r in assessment.unmet)
    met = "; ".join(r.why for r in assessment.met)
    message = f"approvals do not meet review tier {want.tier}: {unmet}"
    if met:
        message += f" (met: {met})"
    asks = [ask for ask, r in zip(_asks(want, approvals), assessment.requirements, strict=True)
            if not r.met]
    return _result(Status.FAIL, message + noted, "ask for " + "; ".join(asks))


def _asks(want: Wanted, approvals: Approvals) -> list[str]:
    """What would meet each requirement, in the order evaluate lists them."""
    asks = []
    if want.count:
        more = max(1, want.count - len(approvals.approvers))
        whom = f" (reviewers: {', '.join(want.request)})" if want.request else ""
        asks.append(f"{_approvals(more, 'more ')}{whom}")
    asks += [f"an approval from {owner}" for owner in want.owners]
    asks += [f"{_approvals(g.approvals)} from {_listed(g)}" for g in want.groups]
    asks += [f"an approval from {owner}, written in the policy as its @login"
             for owner in want.unmatched]
    return asks


def _result(status: Status, message: str, remediation: str | None = None,
            severity: Severity = Severity.ERROR) -> RuleResult:
    return RuleResult(RULE_ID, KIND, severity, status, message, remediation,
                      description=DESCRIPTION)


def _withheld(result: RuleResult, token: str) -> RuleResult:
    """``result`` with its message and remediation withheld where they could show ``token``."""
    head = "approvals not checked" if result.status is Status.WARN else "approvals read"
    message = redact(result.message, token, f"{head}; {WITHHELD}")
    remediation = (None if result.remediation is None
                   else redact(result.remediation, token, WITHHELD_HINT))
    return replace(result, message=message, remediation=remediation)


def _withheld_error(error: ApprovalsError, token: str) -> ApprovalsError:
    """``error`` with its message and hint withheld where they could show ``token``."""
    message = redact(error.message, token, f"review approvals: {WITHHELD}")
    hint = None if error.hint is None else redact(error.hint, token, WITHHELD_HINT)
    if (message, hint) == (error.message, error.hint):
        return error
    return ApprovalsError(message, hint=hint, status=error.status)


def _closed(error: ApprovalsError) -> ApprovalsError:
    hints = [error.hint] if error.hint else []
    if transient(error):
        hints.append("or set review.approvals.unreachable: pass to go on with a warning when "
                     "the API cannot answer")
    return ApprovalsError(f"review approvals: {error.message}", hint="; ".join(hints) or None,
                          status=error.status)


def _no_token(api: ApiTarget, want: Wanted, settings: ApprovalSettings) -> RuleResult:
    """No token: a failure unless the policy lets approvals go unchecked, since the tier's
    requirement cannot be shown to be met."""
    hint = _token_hint(api)
    said = f"there is no token to read approvals with; {want.describe()}"
    if settings.missing_token == "skip":
        return _result(Status.SKIP, f"not checked: {said}; {hint}", hint)
    fix = f"{hint}; or set review.approvals.missing_token: skip to report it unchecked"
    return _result(Status.FAIL, f"approvals not checked, so the review tier is not shown to be "
                   f"met: {said}", fix)


def _token_hint(api: ApiTarget) -> str:
    kind = ("a token that may read pull requests (the action's token input passes the job's "
            "GITHUB_TOKEN by default)" if api.platform == "github"
            else "a personal, project or group access token with the read_api scope, as a "
            "masked CI/CD variable")
    return (f"to enforce it, set {TOKEN_VARIABLE} (or {PLATFORM_TOKENS[api.platform]}) to "
            f"{kind}")


def _approvals(count: int, more: str = "") -> str:
    return f"{count} {more}approval" + ("" if count == 1 else "s")


def _listed(group: AnyOf) -> str:
    return ", ".join((*group.owners, *group.unmatched)) or "nobody"


def _group_name(section: str | None) -> str:
    return f"code owners [{section}]" if section else "code owners"


def _names(logins: Iterable[str]) -> str:
    return ", ".join(f"@{login}" for login in logins)
