"""Chooses the policy a check applies: --policy, the repository's own file, or the default pack,
read from the work tree or from a commit, and composed with the packs and files it extends."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper.errors import PolicyError
from gatekeeper.policy.compose import compose
from gatekeeper.policy.loader import POLICY_FILENAME, builtin_policy_dir
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource, TreeSource

if TYPE_CHECKING:
    from gatekeeper.changeset.model import Revisions
    from gatekeeper.gitread.gitio import GitRepo


def resolve(explicit: str | None, root: Path) -> tuple[ComposedPolicy, PolicySource]:
    """The policy to apply: --policy, else .gatekeeper.yml at the root, else the default pack."""
    if explicit is not None:
        policy = compose(Path(explicit), explicit)
        return policy, PolicySource(explicit, False, f"policy {explicit}", policy.files)
    local = root / POLICY_FILENAME
    if local.is_file():
        policy = compose(local, POLICY_FILENAME)
        return policy, PolicySource(POLICY_FILENAME, False, f"policy {POLICY_FILENAME}",
                                    policy.files)
    policy = compose(builtin_policy_dir() / "default.yml", "gatekeeper:default")
    return policy, PolicySource(None, True, f"built-in default policy (no {POLICY_FILENAME} "
                                "found)", policy.files)


def resolve_in_repo(explicit: str | None, repo: GitRepo, revisions: Revisions,
                    wanted: str) -> tuple[ComposedPolicy, PolicySource]:
    """The policy from the work tree, or from the base or head commit (``wanted``).

    Reading from the base is what makes a pull request unable to loosen the policy that
    judges it: the files come from the commit it is compared with, not from the change.
    """
    root = Path(repo.root)
    if wanted == "worktree" or revisions.mode != "range":
        policy, source = resolve(explicit, root)
        return policy, replace(source, description=source.description + " from the work tree")
    rev = revisions.base_sha if wanted == "base" else revisions.head_sha
    if rev is None:
        raise PolicyError(f"there is no {wanted} commit to read the policy from",
                          file=explicit or POLICY_FILENAME, hint="use --policy-source worktree")
    tree = TreeSource(wanted, rev, repo.read_blob, repo.entry_mode)
    where = f"the {wanted} commit {rev[:12]}"
    name = _in_repo(explicit, root) if explicit is not None else POLICY_FILENAME
    if explicit is None and tree.read(name) is None:
        policy = compose(builtin_policy_dir() / "default.yml", "gatekeeper:default")
        return policy, PolicySource(None, True, f"built-in default policy (no {POLICY_FILENAME} "
                                    f"in {where})", policy.files)
    policy = compose(Path(name), name, tree)
    return policy, PolicySource(name, False, f"policy {name} from {where}", policy.files)


def _in_repo(explicit: str, root: Path) -> str:
    """``explicit`` as a repository path, found lexically: ``..`` is folded as written and no
    symlink of the work tree is followed, since a change decides what those point at.

    Folders above the repository are the runner's, so the root may be reached through a link
    (``/tmp`` on macOS): the first ancestor that is the root starts the repository path.
    """
    absolute = Path(os.path.normpath(os.path.join(os.getcwd(), explicit)))
    for ancestor in reversed(absolute.parents):
        try:
            if not os.path.samefile(ancestor, root):
                continue
        except OSError:  # a folder that does not exist is not the root
            continue
        return absolute.relative_to(ancestor).as_posix()
    raise PolicyError("a policy read from a commit must be inside the repository",
                      file=explicit, hint="name a file under the repository root, or use "
                      "--policy-source worktree")
