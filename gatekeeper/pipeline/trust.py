"""Files the policy leans on (flag registry, CODEOWNERS), read from where the policy came from.

A pull request reads its policy from the base commit so that it cannot loosen the rules that
judge it; the registry of known flags and the code owners are part of those rules, so they are
read from the same tree, never from the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.common.records import record
from gatekeeper.errors import PolicyError
from gatekeeper.policy import needs
from gatekeeper.policy.model import ComposedPolicy

if TYPE_CHECKING:
    from gatekeeper.gitread.gitio import GitRepo

MAX_BYTES = 8 << 20
"""Larger files are read only this far: every reader has a smaller limit of its own."""


@record
class Trusted:
    """Reads a repository-relative path (bytes, or None when absent) from one tree."""

    read: Callable[[str], bytes | None]
    where: str
    """The tree, in words, for messages: "the base commit 1a2b3c4d5e6f"."""


def in_repo(repo: GitRepo, revisions: Revisions, wanted: str) -> Trusted:
    """The tree the policy was read from: the base or head commit, or the work tree."""
    if wanted == "worktree" or revisions.mode != "range":
        return worktree(Path(repo.root))
    rev = revisions.base_sha if wanted == "base" else revisions.head_sha
    if rev is None:  # the policy loader refuses this first; never fall back to the change
        raise PolicyError(f"there is no {wanted} commit to read the flag registry and "
                          "CODEOWNERS from", file="CODEOWNERS",
                          hint="use --policy-source worktree")
    return Trusted(lambda path: repo.read_blob(rev, path), f"the {wanted} commit {rev[:12]}")


def worktree(root: Path) -> Trusted:
    """The work tree under ``root``: reads at most ``MAX_BYTES`` + 1 bytes; None if unreadable."""
    def read(path: str) -> bytes | None:
        try:
            with (root / path).open("rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except (OSError, ValueError):  # missing, a folder, a bad name
            return None

    return Trusted(read, "the work tree")


def facts(policy: ComposedPolicy, changeset: ChangeSet, trusted: Trusted,
          platform: str) -> dict[str, Any]:
    """The flag and code-owner facts the policy reads, as keyword arguments of facts.derive."""
    found: dict[str, Any] = {}
    if needs.flags(policy):
        from gatekeeper.facts.flags import facts as flag_facts

        registry = flag_facts.read_registry(policy.flags, trusted.read, trusted.where)
        found["flags"] = flag_facts.gather(changeset, policy.flags, registry)
    if needs.owners(policy):
        from gatekeeper.facts.codeowners import facts as owner_facts

        touched = [p for f in changeset.files for p in (f.path, f.old_path) if p]
        found["owners"] = owner_facts.gather(policy.codeowners, platform, trusted.read,
                                             trusted.where, touched)
    return found
