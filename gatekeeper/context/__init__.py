"""Works out what to check and against what, from the command line and the CI environment.

This package is the only place that reads CI environment variables or a hook's stdin. Each
context (GitHub Actions, GitLab CI, a pre-push hook, the pre-commit framework, a local run) is
one module with a ``detect`` function, plus one entry in ``CONTEXTS``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any

from gatekeeper.changeset.model import ChangeMeta, Revisions
from gatekeeper.context import identity, local
from gatekeeper.context.model import Context, Request, Target
from gatekeeper.context.override import refuse_staged
from gatekeeper.context.resolve import SHALLOW_FIX, policy_revisions
from gatekeeper.context.resolve import resolve as resolve_target
from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo

__all__ = ["CONTEXTS", "SHALLOW_FIX", "Context", "Request", "Target", "branch_name", "detect",
           "meta", "policy_revisions", "resolve", "resolve_target"]

Env = Mapping[str, str]
Detector = Callable[[GitRepo, Request, Env, "IO[str] | None"], Context]


def _detector(module: str) -> Detector:
    """The ``detect`` of context module ``module``, imported on the first call: a run
    imports only the context it runs in (a platform's brings its payload checks)."""
    def detect(repo: GitRepo, request: Request, env: Env, stdin: IO[str] | None) -> Context:
        found: Any = importlib.import_module(f"{__name__}.{module}")
        context: Context = found.detect(repo, request, env, stdin)
        return context

    return detect


if TYPE_CHECKING:
    # For mypy only: each context module's detect fits the Detector signature.
    from gatekeeper.context import github, gitlab, precommit, prepush

    _CHECKED: tuple[Detector, ...] = (github.detect, gitlab.detect, prepush.detect,
                                      precommit.detect)


CONTEXTS: dict[str, Detector] = {
    "github": _detector("github"),
    "gitlab": _detector("gitlab"),
    "pre-push": _detector("prepush"),
    "pre-commit": _detector("precommit"),
    "local": lambda repo, request, env, stdin: local.detect(repo, request),
}


def kind_of(request: Request, env: Env) -> str:
    """The context asked for with --ci, else the one the environment shows."""
    if request.ci:
        if request.ci not in CONTEXTS:
            raise UsageError(f"unknown --ci {request.ci!r}",
                             hint="use one of " + ", ".join(CONTEXTS))
        kind = request.ci
    else:
        kind = _shown(request, env)
    refuse_staged(kind, request)
    return kind


def _shown(request: Request, env: Env) -> str:
    # In a CI job, --base and --head only narrow the range: the job's context, and the trust
    # that comes with it, stays (override.py).
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    if request.base or request.head or request.staged:
        return "local"  # explicit revisions win over a pre-commit range
    if env.get("PRE_COMMIT_FROM_REF") or env.get("PRE_COMMIT_TO_REF"):
        return "pre-commit"
    return "local"


def detect(repo: GitRepo, request: Request, env: Env | None = None,
           stdin: IO[str] | None = None) -> Context:
    """The context, with the command line's metadata laid over what the platform said."""
    environment = os.environ if env is None else env
    context = CONTEXTS[kind_of(request, environment)](repo, request, environment, stdin)
    meta = merge_meta(context.meta, request, context.targets)
    return replace(context, meta=identity.stamp(meta, context, repo, environment))


def merge_meta(found: ChangeMeta, request: Request, targets: tuple[Target, ...]) -> ChangeMeta:
    """``found`` with the command line's labels added and its target, author and text winning."""
    labels = tuple(dict.fromkeys((*found.labels, *request.labels)))
    target = request.target_branch or found.target_branch
    if target is None and len(targets) == 1:
        target = branch_name(targets[0].base)
    return replace(found, labels=labels, target_branch=target,
                   author=request.author or found.author,
                   description=request.description or found.description)


def resolve(repo: GitRepo, request: Request) -> Revisions:
    """The revisions of a local run (the single target of the local context)."""
    return resolve_target(repo, local.detect(repo, request).targets[0])


def meta(request: Request, revisions: Revisions | None) -> ChangeMeta:
    """Metadata from the command line alone, for a diff read from a file."""
    target = request.target_branch
    if target is None and revisions is not None and revisions.mode == "range":
        target = branch_name(revisions.base_ref)
    return ChangeMeta(labels=request.labels, target_branch=target, author=request.author,
                      description=request.description)


def branch_name(ref: str | None) -> str | None:
    """The branch a base ref names (origin/main -> main); None for a sha or an expression."""
    if not ref or any(ch in ref for ch in "~^@:") or ref == "HEAD":
        return None
    for prefix in ("refs/heads/", "refs/remotes/origin/", "remotes/origin/", "origin/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    if ref.startswith("refs/") or _looks_like_sha(ref):
        return None
    return ref


def _looks_like_sha(ref: str) -> bool:
    return 7 <= len(ref) <= 64 and all(ch in "0123456789abcdef" for ch in ref)
