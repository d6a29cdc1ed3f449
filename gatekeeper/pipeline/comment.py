"""Writes the Markdown report as the one sticky comment on the pull or merge request, after the
verdict; what stops it is a note in the report, or an error when the policy requires it.

The token never reaches the comment, a note or an error: a report that holds text that looks
like it is not posted, and what an API error says is checked for it (``approvals.redact``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from gatekeeper.context.api import PLATFORM_TOKENS, TOKEN_VARIABLE, ApiTarget
from gatekeeper.errors import UsageError
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.approvals.comments import MARKER, MAX_CHARS, Posted, body_of, publish
from gatekeeper.facts.approvals.http import ApprovalsError
from gatekeeper.facts.approvals.redact import holds_token, redact
from gatekeeper.policy.model import ReportSettings
from gatekeeper.reporters import markdown

Publisher = Callable[[ApiTarget, str], Posted]
COMMENT_BYTES = MAX_CHARS - len(MARKER) - 1
"""Room for the report in the comment, after the marker line."""
WITHHELD = "the API answered text that looks like the token, so what it said is withheld"
LEAK = "the report holds text that looks like the token, so it is not posted"


def apply(verdict: Verdict, api: ApiTarget | None, asked: bool, settings: ReportSettings,
          publisher: Publisher = publish) -> Verdict:
    """``verdict``, after its report was written as the sticky comment when ``asked`` (or the
    policy requires it), with a note when it could not be; an ApprovalsError (exit 3), or a
    UsageError (exit 2) without a token, when the policy requires the comment."""
    required = settings.comment == "required"
    if not (asked or required):
        return verdict
    if api is None:
        if verdict.facts.changeset.meta.number is None and not asked:
            return verdict  # a required comment has nowhere to go outside a pull request
        return _problem(verdict, required, UsageError(
            "there is no pull or merge request to comment on here",
            hint="comments are written in GitHub Actions on a pull request, and in GitLab CI "
                 "on a merge request pipeline"))
    if api.token is None:
        return _problem(verdict, required, UsageError(
            "there is no token to write it with",
            hint=f"set {TOKEN_VARIABLE} (or {PLATFORM_TOKENS[api.platform]}) to a token that "
                 "may write comments"))
    token = api.token.reveal()
    # UTF-8 bytes are never fewer than the UTF-16 units GitHub counts, so the report's own
    # cut (longest lists first, with a note) keeps it whole; body_of is the last guard.
    body = body_of(markdown.render(verdict, limit=COMMENT_BYTES))
    if holds_token(body, token):
        return _problem(verdict, required, ApprovalsError(LEAK))
    try:
        publisher(api, body)
    except ApprovalsError as exc:
        message = redact(exc.message, token, WITHHELD)
        hint = None if exc.hint is None else redact(exc.hint, token, WITHHELD)
        return _problem(verdict, required, ApprovalsError(message, hint=hint,
                                                          status=exc.status))
    return verdict


def _problem(verdict: Verdict, required: bool, error: UsageError | ApprovalsError) -> Verdict:
    """``verdict`` with a note saying why no comment was written, or ``error`` raised when the
    policy requires the comment."""
    if required:
        error.message = f"the sticky comment the policy requires: {error.message}"
        raise error
    note = f"no sticky comment written: {error.message}"
    if error.hint:
        note += f" ({error.hint})"
    return replace(verdict, notes=(*verdict.notes, note))
