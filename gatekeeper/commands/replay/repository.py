"""Who a replayed repository is (name, forge and web URL, from the remote's URL) and the
limits of its policy that the report draws."""

from __future__ import annotations

import os
from typing import Any

from gatekeeper.context.identity import normalise
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.policy.model import ComposedPolicy

FORGES = {"github.com": "github", "gitlab.com": "gitlab"}


def forge_of(host: str) -> str | None:
    """``github`` or ``gitlab`` for their hosts (and self-hosted ``gitlab.*``), else None."""
    if host in FORGES:
        return FORGES[host]
    if host.startswith("gitlab.") or host.startswith("github."):
        return host.split(".", 1)[0]
    return None


def describe(repo: GitRepo, branch: str) -> dict[str, Any]:
    """The repository's name, web URL, forge and the branch replayed."""
    remote = repo.config("remote.origin.url")
    where = normalise(remote) if remote else None
    folder = os.path.basename(os.path.normpath(repo.root))
    if where is None or where.startswith("file:"):
        return {"name": folder, "url": None, "forge": None, "branch": branch}
    host, _, path = where.partition("/")
    forge = forge_of(host)
    return {"name": path or folder, "url": f"https://{host}/{path}" if forge else None,
            "forge": forge, "branch": branch}


def limits(policy: ComposedPolicy) -> dict[str, int | None]:
    """The first batch-size rule's line and file limits; nulls without one."""
    for rule in policy.rules:
        if rule.kind == "batch-size":
            return {"max_lines": getattr(rule, "max_effective_lines", None),
                    "max_files": getattr(rule, "max_files", None)}
    return {"max_lines": None, "max_files": None}
