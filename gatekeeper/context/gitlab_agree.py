"""Checks a GitLab merge request pipeline's checkout against GitLab's predefined variables.

The checkout must be the commit GitLab ran the pipeline for, and that commit must be, or merge,
the source branch head the context checks: a script line before gatekeeper could move it.
"""

from __future__ import annotations

from collections.abc import Mapping

from gatekeeper.context import objects
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo

Env = Mapping[str, str]

EVENT_TYPES = {"detached": "detached", "merged_result": "merged results",
               "merge_train": "merge train"}
AGREE_FIX = ("run gatekeeper in a job of its own, on the checkout GitLab Runner makes, with no "
             "script line before it that changes the repository")


def agree(repo: GitRepo, env: Env) -> None:
    """A merge request pipeline's checkout must be the commit GitLab ran it for, and that commit
    must be, or merge, the source branch head the context checks.

    GitLab's documented meanings: CI_COMMIT_SHA is the source branch head in a detached
    pipeline and the merge commit GitLab made in a merged results or merge train one, where
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is the source branch head.
    """
    commit = (env.get("CI_COMMIT_SHA") or "").lower()
    if not commit:
        raise ChangeSetError("GitLab CI did not set CI_COMMIT_SHA, so the checkout cannot be "
                             "checked against the merge request", hint=AGREE_FIX)
    head = repo.resolve_commit("HEAD")
    if head != commit:
        raise _disagree(f"the checked-out commit (HEAD) is {(head or 'missing')[:12]} but "
                        f"CI_COMMIT_SHA is {commit[:12]}", "the checkout is not the commit GitLab "
                        "ran this pipeline for")
    source = (env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or "").lower()
    event = event_type(env)
    if event == "detached":
        if source and source != commit:
            raise _disagree(f"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is {source[:12]} but "
                            f"CI_COMMIT_SHA is {commit[:12]}", "a detached pipeline runs on the "
                            "source branch head itself, and that head decides what is checked")
        return
    _merges_source(repo, event, commit, source)


def _merges_source(repo: GitRepo, event: str, commit: str, source: str) -> None:
    """In a merged results or merge train pipeline, ``commit`` is GitLab's merge commit: the
    source branch head must be one of its parents."""
    if not source:
        raise ChangeSetError(f"GitLab CI did not set CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in a "
                             f"{EVENT_TYPES[event]} pipeline, so the merge request's head is "
                             "unknown", hint=AGREE_FIX)
    parents = objects.parents(repo, commit) or ()
    # A merge train that squashes or rebases makes a one-parent commit that names no source head.
    if source in parents or (event == "merge_train" and len(parents) == 1):
        return
    raise _disagree(f"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA {source[:12]} is not a parent of "
                    f"CI_COMMIT_SHA {commit[:12]}, the merge commit GitLab made for this "
                    f"{EVENT_TYPES[event]} pipeline (its parents are "
                    f"{', '.join(p[:12] for p in parents) or 'none'})",
                    "the source branch head decides which commits are checked")


def _disagree(what: str, why: str) -> ChangeSetError:
    return ChangeSetError(f"the merge request pipeline's variables disagree with the checkout: "
                          f"{what} ({why})", hint=AGREE_FIX)


def event_type(env: Env) -> str:
    """detached, merged_result or merge_train; guessed as GitLab before 12.3 meant it."""
    event = env.get("CI_MERGE_REQUEST_EVENT_TYPE", "")
    if event not in EVENT_TYPES:
        event = "merged_result" if env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") else "detached"
    return event
