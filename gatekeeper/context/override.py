"""--base and --head inside a CI context: they narrow the range and nothing else.

The context stays what the platform said (a pull or merge request keeps its review, labels,
number and API target), and the policy of a pull or merge request or a merge group is still read
from the base the context found, not the one given: a revision on the command line chooses what
to compare, never what judges it. (A push reads its policy from the work tree.)
Checking the index (--staged) has no place in a CI job, so it is refused there; ``--ci local``
is the way to run with local rules on purpose.
"""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.context import local
from gatekeeper.context.model import Context, Request, Target
from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.objectname import is_full_name

CI_KINDS = ("github", "gitlab")


def refuse_staged(kind: str, request: Request) -> None:
    """--staged in a GitHub or GitLab job would swap the change for the checkout's index."""
    if request.staged and kind in CI_KINDS:
        raise UsageError(
            f"--staged checks the index, which a {kind} CI job does not review: the change is "
            "its commits, and their policy comes from the target branch",
            hint="leave out --staged (use --base and --head to narrow the range), or pass "
                 "--ci local to check this checkout's index with local rules")


def narrow(context: Context, request: Request, repo: GitRepo, whose: str) -> Context:
    """``context`` with --base and --head in place of the sides it found (``whose``: "event"
    or "pipeline", for the report); its trust, metadata and policy source stay."""
    given = [f"{side} given with --{side}" for side in ("base", "head") if getattr(request, side)]
    if not given:
        return context
    if context.targets:
        targets = tuple(_narrow(target, request, whose, context.review)
                        for target in context.targets)
    else:  # the event had nothing to check (a deleted ref): the command line says what
        targets = local.detect(repo, request).targets
    return replace(context, targets=targets, description=(
        f"{context.description} ({' and '.join(given)}, overriding the {whose}'s)"))


def _narrow(target: Target, request: Request, whose: str, review: bool) -> Target:
    # A commit named in full can be fetched into a shallow checkout like the context's own sides.
    shas = tuple(rev.lower() for rev in (request.head, request.base)
                 if rev and is_full_name(rev.lower()))
    # The command line chose the range, so a rewritten push is not judged in its own way.
    target = replace(target, fetch=tuple(dict.fromkeys((*target.fetch, *shas))), rewrite=None)
    if request.head:
        target = replace(target, head=request.head, head_reason=(
            f"given with --head, in place of the {whose}'s: {target.head_reason}"))
    if request.base:
        still = "; the policy is still read from that one" if review else ""
        # A push reads its policy from the work tree, and its own base may be gone (a force
        # push): --base is then the way to check it, so it must not need that base.
        policy_base = target.policy_base or target.base if review else target.policy_base
        target = replace(target, base=request.base, policy_base=policy_base,
                         base_reason=(f"given with --base, in place of the {whose}'s: "
                                      f"{target.base_reason}{still}"))
    return target
