"""What keys the spot check's draw besides the change: who the repository is, the branch, and a
secret salt, read from the CI platform's variables (which a change cannot set) or the clone.

Every source gives the same name for the same repository (``github.com/acme/app``), so a local
run and a CI run agree on it: GitHub's ``GITHUB_SERVER_URL`` and ``GITHUB_REPOSITORY``, GitLab's
``CI_SERVER_HOST`` and the project path (the merge request's target project in a fork's
pipeline, as its IID is numbered there), else the remote's URL without credentials, port,
scheme or ``.git``, lower-cased, else the root commit for a repository without a remote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context.model import Context, is_object_name
from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo

if TYPE_CHECKING:
    from gatekeeper.common.secret import Secret

Env = Mapping[str, str]

SALT_VARIABLE = "GATEKEEPER_SPOT_CHECK_SALT"
MIN_SALT = 32
"""Characters a secret salt needs: the reports show draws, so a short salt could be guessed
from them; 32 is what ``openssl rand -hex 16`` prints (128 bits)."""
SALT_FIX = f"set {SALT_VARIABLE} to a random value, such as the output of openssl rand -hex 32"
_SCP = re.compile(r"(?:[^@/]*@)?(?P<host>[^:/]+):(?P<path>.*)")
"""git's scp-like address, ``user@host:path`` (a colon before any slash)."""


def stamp(meta: ChangeMeta, context: Context, repo: GitRepo, env: Env) -> ChangeMeta:
    """``meta`` with the repository, the branch and the secret salt the spot check is keyed
    with."""
    repository, source = repository_of(context, repo, env)
    return replace(meta, repository=repository, repository_from=source,
                   branch=meta.branch or checked_out_branch(context, repo), salt=salt(env))


def salt(env: Env) -> Secret | None:
    """The secret salt, or None; a salt too short to stay secret is a usage error that never
    shows the value."""
    value = env.get(SALT_VARIABLE, "").strip()
    if not value:
        return None
    if len(value) < MIN_SALT:
        raise UsageError(f"{SALT_VARIABLE} is set but shorter than {MIN_SALT} characters, so "
                         "the spot check's draw could be guessed from the reports", hint=SALT_FIX)
    from gatekeeper.common.secret import Secret  # only when a salt is set

    return Secret(value)


def repository_of(context: Context, repo: GitRepo, env: Env) -> tuple[str | None, str]:
    """The repository's name and where it came from; (None, "") when nothing names it."""
    platform = {"github": _github, "gitlab": _gitlab}.get(context.kind)
    found = platform(env) if platform is not None else None
    if found is not None:
        return found
    remote = context.targets[0].remote if context.targets else "origin"
    url = repo.config(f"remote.{remote}.url") or (remote if _looks_like_url(remote) else None)
    name = normalise(url) if url else None
    if name:
        return name, f"the URL of the remote {remote}"
    root = _root(context, repo)
    return (f"root commit {root}", "the root commit (no remote URL)") if root else (None, "")


def _github(env: Env) -> tuple[str, str] | None:
    name = env.get("GITHUB_REPOSITORY", "").strip()
    if not name:
        return None
    host = urlsplit(env.get("GITHUB_SERVER_URL", "").strip()).hostname or "github.com"
    return f"{host}/{name.lower()}", "GITHUB_REPOSITORY"


def _gitlab(env: Env) -> tuple[str, str] | None:
    # The merge request's IID is numbered in its target project, which in a fork's pipeline is
    # not CI_PROJECT_PATH.
    for variable in ("CI_MERGE_REQUEST_PROJECT_PATH", "CI_PROJECT_PATH"):
        path = env.get(variable, "").strip().strip("/")
        if path:
            host = env.get("CI_SERVER_HOST", "").strip() or \
                urlsplit(env.get("CI_SERVER_URL", "").strip()).hostname
            return (f"{host.lower()}/{path.lower()}" if host else path.lower()), variable
    for variable in ("CI_MERGE_REQUEST_PROJECT_ID", "CI_PROJECT_ID"):
        number = env.get(variable, "").strip()
        if number.isdigit():
            return f"gitlab project {number}", variable
    return None


def normalise(url: str) -> str | None:
    """A remote's URL as ``host/path``: no credentials, port, scheme, ``.git`` or trailing
    slash, lower-cased; a local path keeps its case after ``file:``."""
    text = url.strip()
    if "://" in text:
        parts = urlsplit(text)
        host, path = (parts.hostname or "").lower(), parts.path
        if parts.scheme.lower() == "file" or not host:
            return _local(path)
    else:
        scp = _SCP.fullmatch(text)
        if scp is None or len(scp["host"]) == 1:  # C:\repo is a Windows path
            return _local(text)
        host, path = scp["host"].lower(), scp["path"]
    path = path.strip("/").removesuffix(".git").strip("/").lower()
    return f"{host}/{path}" if path else None


def _local(path: str) -> str | None:
    path = path.rstrip("/").removesuffix(".git").rstrip("/")
    return f"file:{path}" if path else None


def _looks_like_url(remote: str) -> bool:
    """git push takes a URL or a path where a remote's name goes."""
    return "/" in remote or ":" in remote


def _root(context: Context, repo: GitRepo) -> str | None:
    """The first root commit of the base (the change cannot add roots to it), else of the
    head."""
    target = context.targets[0] if context.targets else None
    revisions = [target.base, target.head] if target is not None else ["HEAD"]
    for rev in revisions:
        commit = repo.resolve_commit(rev) if rev and rev != "index" else None
        if commit is not None:
            return min(repo.rev_list("--max-parents=0", commit), default=None)
    return None


def checked_out_branch(context: Context, repo: GitRepo) -> str | None:
    """The branch a local run checks: the checked-out one for HEAD or the index, or the local
    branch ``--head`` names; None when detached or when there are several targets."""
    if len(context.targets) != 1:
        return None
    target = context.targets[0]
    if target.staged or target.head == "HEAD":
        return repo.symbolic_ref("HEAD", short=True)
    name = target.head.removeprefix("refs/heads/")
    if is_object_name(name.lower()):  # git reads a full object name as the object
        return None
    return name if repo.resolve_commit(f"refs/heads/{name}") and name else None
