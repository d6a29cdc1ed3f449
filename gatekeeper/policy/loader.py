"""Loads one policy file: safe YAML with locations, validated against the policy model."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from gatekeeper.errors import PolicyError
from gatekeeper.policy.document import Walk, read_yaml_bytes, read_yaml_file
from gatekeeper.policy.locate import located_error
from gatekeeper.policy.model import ComposedPolicy, Policy
from gatekeeper.policy.sources import PolicySource, TreeSource

if TYPE_CHECKING:
    from gatekeeper.changeset.model import Revisions
    from gatekeeper.gitread.gitio import GitRepo

POLICY_FILENAME = ".gatekeeper.yml"


def builtin_policy_dir() -> Path:
    """Where the shipped packs live: inside the wheel, or policies/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies"
    return packaged if packaged.is_dir() else here.parent / "policies"


def _check_unique_ids(data: dict[Any, Any], walk: Walk) -> None:
    """Point at the second of two rules sharing an id (pydantic would point at the list)."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return
    seen: set[Any] = set()
    for index, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        if rule_id in seen:
            line, column = walk.values.get(("rules", index, "id"), (None, None))
            raise PolicyError(f"duplicate rule id {rule_id!r}", file=walk.filename, line=line,
                              column=column, hint="give each rule its own id")
        seen.add(rule_id)


def validate(data: Any, walk: Walk) -> Policy:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy must be a mapping of keys (version, rules, ...)",
                          file=walk.filename, line=1, column=1)
    _check_unique_ids(data, walk)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, data, walk, Policy) from None


def load_file(path: Path, display: str | None = None) -> Policy:
    """One policy file on its own, without following ``extends``."""
    return load_document(path, display)[0]


def load_document(path: Path, display: str | None = None) -> tuple[Policy, Walk]:
    data, walk = read_yaml_file(path, display or str(path))
    return validate(data, walk), walk


def load_bytes(raw: bytes, display: str) -> tuple[Policy, Walk]:
    data, walk = read_yaml_bytes(raw, display)
    return validate(data, walk), walk


def resolve(explicit: str | None, root: Path) -> tuple[ComposedPolicy, PolicySource]:
    """The policy to apply: --policy, else .gatekeeper.yml at the root, else the default pack."""
    from gatekeeper.policy.compose import compose

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
    from gatekeeper.policy.compose import compose

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
