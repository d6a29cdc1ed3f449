"""The GitLab CI context: merge request and branch pipelines, from GitLab's predefined variables.

A merge request pipeline's checkout is checked against those variables first (gitlab_agree.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import IO

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context import local
from gatekeeper.context.api import api_target
from gatekeeper.context.gitlab_agree import EVENT_TYPES, agree, event_type
from gatekeeper.context.model import Context, Request, Rewrite, Target, is_zero
from gatekeeper.context.override import narrow
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.objectname import is_full_name

Env = Mapping[str, str]

CREDENTIALS_FIX = ("let GitLab Runner's checkout set origin's URL, which carries the job's "
                   "CI_JOB_TOKEN, and change no remote before gatekeeper runs")
SHALLOW_FIX = ("set GIT_DEPTH: 0 in the job's variables, or run git fetch --unshallow origin "
               "before gatekeeper")
MERGE_REQUEST_EVENT = "merge_request_event"
# The title prefixes GitLab's docs list for marking a merge request as a draft; GitLab keeps
# the draft state in the title itself, so the prefix is exact where CI_MERGE_REQUEST_DRAFT
# (GitLab 17.10 and later) is missing.
DRAFT_PREFIXES = ("[draft]", "draft:", "(draft)")
DESCRIPTION_LIMIT = 2700
"""GitLab cuts CI_MERGE_REQUEST_DESCRIPTION to this many characters."""


def detect(repo: GitRepo, request: Request, env: Env, stdin: IO[str] | None) -> Context:
    """The pipeline's context; --base and --head narrow its range (override.py)."""
    if env.get("CI_PIPELINE_SOURCE") == MERGE_REQUEST_EVENT:
        context = merge_request(env)
        agree(repo, env)
    elif env.get("CI_COMMIT_BRANCH"):
        context = branch(env)
    else:
        return fallback(repo, request, env)
    context = replace(context, api=api_target("gitlab", env, context.meta))
    return narrow(context, request, repo, "pipeline")


# -- merge request pipelines -------------------------------------------------------------------


def merge_request(env: Env) -> Context:
    """A merge request pipeline: the source branch head against the target branch."""
    target_branch = _required(env, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
    head, head_reason = _mr_head(env)
    base, base_reason, fetch = _mr_base(env, target_branch)
    target = Target(head, head_reason, base, base_reason, fetch=fetch, shallow_fix=SHALLOW_FIX,
                    credentials_fix=CREDENTIALS_FIX)
    return Context("gitlab", _mr_description(env), (target,), meta=mr_meta(env), review=True)


def _mr_head(env: Env) -> tuple[str, str]:
    # A merged-results or merge-train pipeline checks out a merge commit GitLab made; the change
    # under review is the source branch head, which only this variable names.
    source_sha = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
    if source_sha:
        return source_sha, ("the merge request's source branch head, "
                            "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA, not GitLab's merge commit")
    commit = env.get("CI_COMMIT_SHA")
    if commit:
        return commit, "the merge request's source branch head, CI_COMMIT_SHA"
    return "HEAD", "the checked-out commit, as GitLab set no CI_COMMIT_SHA"


def _mr_base(env: Env, target_branch: str) -> tuple[str, str, tuple[str, ...]]:
    """The base revision, why, and the refspecs that bring both sides into a shallow clone."""
    if _runs_in_fork(env):
        return _fork_base(env, target_branch)
    fetch = (_branch_refspec(target_branch), *_mr_head_refspec(env))
    target_sha = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
    if target_sha:
        return target_sha, (f"the tip of {target_branch} that the merged result was made "
                            "from, CI_MERGE_REQUEST_TARGET_BRANCH_SHA"), fetch
    # The target tip rather than CI_MERGE_REQUEST_DIFF_BASE_SHA: the policy is read from the
    # base, and a branch started from an old commit must not pick that commit's policy.
    return _remote_ref(target_branch), (f"the merge request's target branch {target_branch}, "
                                        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"), fetch


def _runs_in_fork(env: Env) -> bool:
    """A fork's merge request whose pipeline runs in the fork, where the target branch is not."""
    project = env.get("CI_PROJECT_ID")
    source = env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_ID")
    target = env.get("CI_MERGE_REQUEST_PROJECT_ID")
    return bool(project and target) and project == source and project != target


def _fork_base(env: Env, target_branch: str) -> tuple[str, str, tuple[str, ...]]:
    source_branch = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
    fetch = (_branch_refspec(source_branch),) if source_branch else ()
    diff_base = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA")
    if diff_base:
        # The fork does not have the target project's branch, but GitLab's diff base is an
        # ancestor of the source branch, so deepening the source branch reaches it.
        return diff_base, ("GitLab's diff base for the merge request, "
                           "CI_MERGE_REQUEST_DIFF_BASE_SHA, since the pipeline runs in the source "
                           "fork, which lacks the target project's branches"), fetch
    return _remote_ref(target_branch), (f"the fork's own {target_branch} branch: the pipeline "
                                        "runs in the source fork and GitLab set no "
                                        "CI_MERGE_REQUEST_DIFF_BASE_SHA"), fetch


def _mr_head_refspec(env: Env) -> tuple[str, ...]:
    # GitLab keeps every merge request's head, forks' included, under refs/merge-requests/; it
    # is the ref whose history deepening must extend to reach the merge base.
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    if not iid.isdigit():
        return ()
    ref = f"refs/merge-requests/{iid}/head"
    return (f"+{ref}:refs/remotes/origin/merge-requests/{iid}/head",)


def _mr_description(env: Env) -> str:
    event = event_type(env)
    text = f"GitLab CI merge request !{env.get('CI_MERGE_REQUEST_IID', '?')} ({EVENT_TYPES[event]}"
    if _is_true(env.get("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED")):
        text += (f"; GitLab cut the description to {DESCRIPTION_LIMIT} characters, so lines "
                 "after that, such as waivers, were not seen")
    return text + ")"


def mr_meta(env: Env) -> ChangeMeta:
    """What GitLab says about the merge request.

    The author is left unknown: GitLab documents no variable for the merge request's author,
    and GITLAB_USER_LOGIN is whoever started the pipeline (a re-run or a push by someone else
    would change it), so rules fall back to the commit authors.
    """
    title = env.get("CI_MERGE_REQUEST_TITLE")
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return ChangeMeta(labels=labels(env.get("CI_MERGE_REQUEST_LABELS")),
                      target_branch=env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
                      number=int(iid) if iid.isdigit() else None,
                      draft=draft(env.get("CI_MERGE_REQUEST_DRAFT"), title),
                      title=title, description=env.get("CI_MERGE_REQUEST_DESCRIPTION"))


def labels(value: str | None) -> tuple[str, ...]:
    """CI_MERGE_REQUEST_LABELS, comma-separated; GitLab leaves it unset when there are none."""
    names = (name.strip() for name in (value or "").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def draft(flag: str | None, title: str | None) -> bool | None:
    """Whether the merge request is a draft: CI_MERGE_REQUEST_DRAFT, else its title's prefix."""
    if flag:
        return _is_true(flag)
    if title is None:
        return None
    return title.lstrip().lower().startswith(DRAFT_PREFIXES)


# -- branch pipelines --------------------------------------------------------------------------


def branch(env: Env) -> Context:
    """A branch pipeline: what the push added to the branch (CI_COMMIT_BEFORE_SHA onwards), or,
    for a new branch or one the push rewrote, what it adds to the default branch.

    GitLab sets no flag for a force push; resolve.py finds one from the commits (the previous
    tip is not an ancestor of the pushed commit, or is gone from origin)."""
    name = env["CI_COMMIT_BRANCH"]
    head = env.get("CI_COMMIT_SHA") or "HEAD"
    before = env.get("CI_COMMIT_BEFORE_SHA", "")
    fetch: tuple[str, ...] = (_branch_refspec(name),)
    head_reason = f"the pushed commit of {name}, CI_COMMIT_SHA"
    source = env.get("CI_PIPELINE_SOURCE") or "unknown source"
    context = f"GitLab CI branch pipeline for {name} ({source})"
    meta = ChangeMeta(target_branch=name, branch=name)
    if before and not is_zero(before):
        default = env.get("CI_DEFAULT_BRANCH") or ""
        instead = _from_default(head, head_reason, name, default) if default else None
        rewrite = Rewrite(name, instead) if is_full_name(before.lower()) else None
        target = Target(head, head_reason, before, f"the previous tip of {name}, "
                        "CI_COMMIT_BEFORE_SHA", fetch=fetch, shallow_fix=SHALLOW_FIX,
                        rewrite=rewrite, credentials_fix=CREDENTIALS_FIX)
        return Context("gitlab", context, (target,), meta=meta)
    default = _required(env, "CI_DEFAULT_BRANCH")
    target = _from_default(head, head_reason, name, default) or Target(
        head, head_reason, _remote_ref(default), "", fetch=fetch, shallow_fix=SHALLOW_FIX,
        credentials_fix=CREDENTIALS_FIX)
    target = replace(target, base_reason=_new_branch_reason(name, default))
    return Context("gitlab", context, (target,), meta=meta)


def _from_default(head: str, head_reason: str, name: str, default: str) -> Target | None:
    """``name`` judged like a new branch, from its merge base with the default branch; None
    for the default branch itself."""
    if default == name:
        return None
    return Target(head, head_reason, _remote_ref(default), f"from its merge base with the "
                  f"default branch {default}, CI_DEFAULT_BRANCH, as a merge request into it "
                  "would be", fetch=(_branch_refspec(name), _branch_refspec(default)),
                  shallow_fix=SHALLOW_FIX, credentials_fix=CREDENTIALS_FIX)


def _new_branch_reason(name: str, default: str) -> str:
    zero = "CI_COMMIT_BEFORE_SHA is all zeros"
    if name == default:
        return (f"the default branch {default} itself: {zero}, as for a first or a manual "
                "pipeline, so there is no earlier tip to compare with")
    return f"the default branch {default}, CI_DEFAULT_BRANCH, since {zero} for a new branch"


# -- everything else ---------------------------------------------------------------------------


def fallback(repo: GitRepo, request: Request, env: Env) -> Context:
    """A tag, or any pipeline without a merge request or a branch: local rules pick the base."""
    if env.get("CI_COMMIT_TAG"):
        what = f"tag pipeline for {env['CI_COMMIT_TAG']}"
    else:
        what = f"{env.get('CI_PIPELINE_SOURCE') or 'unknown'} pipeline"
    found = local.detect(repo, request)
    return replace(found, kind="gitlab", description=f"GitLab CI {what}, with no merge request "
                   "or branch to compare, so the base follows the local rules")


# -- helpers -----------------------------------------------------------------------------------


def _branch_refspec(name: str) -> str:
    return f"+refs/heads/{name}:{_remote_ref(name)}"


def _remote_ref(name: str) -> str:
    return f"refs/remotes/origin/{name}"


def _required(env: Env, name: str) -> str:
    value = env.get(name)
    if not value:
        raise ChangeSetError(f"GitLab CI did not set {name}, so the base cannot be chosen",
                             hint="run gatekeeper check --base REV, without --ci gitlab")
    return value


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"
