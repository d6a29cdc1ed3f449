"""Fuzz GitHub event payloads: every event handler reads a mutated or generated payload, with
runner variables that agree with it, into a context or refuses it with gatekeeper's own error.

No git runs: the repository is a stand-in with no commits and no remote, which stops the case
where git would have to run.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, NoReturn, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper import context
from gatekeeper.context.model import Request
from gatekeeper.errors import GatekeeperError
from gatekeeper.gitread.gitio import GitRepo
from tests.fuzz import mutations
from tests.fuzz.engine import HYPOTHESIS, Target, check, fuzz, scratch

CI_CASES = 3_500
CI_PROPERTY_CASES = 200
EVENTS = ("pull_request", "pull_request_target", "push", "merge_group")
HEAD, BASE = "a" * 40, "b" * 40
TOKENS = (b'"sha"', b'"ref"', b'"before"', b'"after"', b'"forced"', b'"deleted"', b'"number"',
          b'"labels"', b'"name"', b'"head"', b'"base"', b'"draft"', b'"default_branch"',
          b'"head_sha"', b'"base_sha"', b'"head_ref"', b'"base_ref"', b'"merge_group"',
          b'"pull_request"', b'"repository"', b'"user"', b'"login"', b'"body"', b'"title"',
          b'"refs/heads/main"', b'"refs/heads/gh-readonly-queue/main/pr-1-' + b"a" * 40 + b'"',
          b'"' + b"0" * 40 + b'"', b'"' + b"A" * 40 + b'"', b'"' + b"c" * 64 + b'"', b"true",
          b"false", b"null", b"[]", b"{}", b"-1", b"1e400", b"1.0", b'"x..y"', b'"-x"',
          b'"a b"', b'"@{"', b'".lock"', b'"\\u0000"', b'"\\ud800"', b"push\n",
          b"pull_request\n", b"pull_request_target\n", b"merge_group\n", b"workflow_run\n")
KEYS = tuple(t.decode().strip('"') for t in TOKENS[:24])
_PR: dict[str, Any] = {
    "action": "synchronize", "number": 7,
    "pull_request": {"number": 7, "draft": False, "title": "feat: a", "body": "text\n\nmore",
                     "user": {"login": "ada"}, "labels": [{"name": "x"}, {"name": "y z"}],
                     "head": {"sha": HEAD, "ref": "feature/a"},
                     "base": {"sha": BASE, "ref": "main"}},
    "repository": {"full_name": "o/r", "default_branch": "main"}}
_PUSH: dict[str, Any] = {"ref": "refs/heads/feature", "before": BASE, "after": HEAD,
                         "forced": False, "deleted": False, "created": False,
                         "repository": {"full_name": "o/r", "default_branch": "main"}}
_QUEUE: dict[str, Any] = {"merge_group": {
    "head_sha": HEAD, "base_sha": BASE, "base_ref": "refs/heads/main",
    "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{BASE}"}}
PAYLOADS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("pull_request", _PR), ("pull_request_target", _PR), ("push", _PUSH),
    ("push", {**_PUSH, "before": "0" * 40}), ("push", {**_PUSH, "forced": True}),
    ("push", {**_PUSH, "deleted": True, "after": "0" * 40}),
    ("push", {**_PUSH, "ref": "refs/tags/v1"}), ("merge_group", _QUEUE),
    ("workflow_dispatch", {"ref": "refs/heads/main"}))
FIRST = {"pull_request": _PR, "pull_request_target": _PR, "push": _PUSH, "merge_group": _QUEUE}


class NeedsGit(Exception):
    """The case reached a place where git would have to run."""


class EmptyRepo:
    """A stand-in for a repository without commits or remotes: lookups find nothing, and any
    other use of it ends the case as "needs git"."""

    def resolve_commit(self, _rev: str) -> str | None:
        """No revision resolves."""
        return None

    def upstream(self) -> str | None:
        """No upstream branch."""
        return None

    def symbolic_ref(self, _ref: str, *, short: bool = True) -> str | None:
        """No symbolic reference."""
        return None

    def remotes(self) -> list[str]:
        """No remotes."""
        return []

    def is_shallow(self) -> bool:
        """A complete clone."""
        return False

    def __getattr__(self, name: str) -> Any:
        def refuse(*_args: object, **_kwargs: object) -> NoReturn:
            raise NeedsGit(name)

        return refuse


def _dig(data: object, path: str) -> object:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def runner_env(event: str, payload: object, path: Path) -> dict[str, str]:
    """The variables GitHub's runner sets for this payload, where the payload says them."""
    said: dict[str, object] = {}
    if event == "pull_request":
        said = {"GITHUB_REF": f"refs/pull/{_dig(payload, 'pull_request.number')}/merge",
                "GITHUB_SHA": _dig(payload, "pull_request.head.sha")}
    elif event == "pull_request_target":
        said = {"GITHUB_REF": f"refs/heads/{_dig(payload, 'pull_request.base.ref')}",
                "GITHUB_SHA": BASE}
    elif event == "push":
        said = {"GITHUB_REF": _dig(payload, "ref"), "GITHUB_SHA": _dig(payload, "after")}
    elif event == "merge_group":
        said = {"GITHUB_REF": _dig(payload, "merge_group.head_ref"),
                "GITHUB_SHA": _dig(payload, "merge_group.head_sha")}
    if event.startswith("pull_request"):
        said["GITHUB_BASE_REF"] = _dig(payload, "pull_request.base.ref")
        said["GITHUB_HEAD_REF"] = _dig(payload, "pull_request.head.ref")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path),
           "GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": " secret\n"}
    env.update({name: value for name, value in said.items() if isinstance(value, str) and value})
    return env


def encode(event: str, payload: object) -> bytes:
    """A case: the event's name on the first line, then the payload."""
    return f"{event}\n".encode() + json.dumps(payload).encode()


def json_or_none(data: bytes) -> object:
    """The payload as the runner's variables are derived from it; None when not JSON."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def payload_target(workdir: Path) -> Target:
    """An event name line, then the payload: detected as a GitHub Actions run would be."""
    path = workdir / "event.json"

    def run(data: bytes) -> str:
        name, _, body = data.partition(b"\n")
        event = name.decode("utf-8", errors="replace")
        path.write_bytes(body)
        try:
            found = context.detect(cast(GitRepo, EmptyRepo()), Request(), runner_env(
                event, json_or_none(body), path))
        except NeedsGit:
            return "needs-git"
        for target in found.targets:
            assert target.head and target.fetch, target
        return f"{found.kind}-{len(found.targets)}"

    # Most byte mutations break the JSON at once, so most cases are generated instead: valid
    # JSON with one value swapped for a value of another kind.
    return Target("payload", lambda: [encode(e, p) for e, p in PAYLOADS], run, TOKENS,
                  generate, fresh=0.6)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from([HEAD, HEAD.upper(), "main", "refs/heads/main", "0" * 40]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3), max_leaves=8)


def generate(rng: random.Random) -> bytes:
    """A seed payload with a node or two swapped for values of other kinds: still JSON."""
    event, payload = rng.choice(PAYLOADS)
    for _ in range(rng.randint(1, 2)):
        payload = mutations.tree(rng, payload, KEYS)
    return f"{event}\n".encode() + json.dumps(payload, default=str).encode()


def test_mutated_payloads_give_a_context_or_fail_cleanly() -> None:
    with scratch() as folder:
        stats = fuzz(payload_target(folder), CI_CASES, seed=1)
    check(stats, CI_CASES)
    assert {"github-0", "github-1"} <= set(stats.outcomes), stats.outcomes


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(event=st.sampled_from(EVENTS), value=JSON_VALUES,
       where=st.sampled_from(["pull_request.head.sha", "pull_request.number", "pull_request",
                              "pull_request.labels", "pull_request.base.ref", "ref", "after",
                              "before", "forced", "repository.default_branch", "merge_group",
                              "merge_group.base_sha", "merge_group.head_ref", "deleted"]))
def test_any_value_anywhere_is_read_or_refused(event: str, value: object, where: str) -> None:
    """Whatever JSON value stands at a path the handlers read, the payload gives a context
    whose head is the payload's own commit, or one line saying what is wrong and the fix."""
    payload = json.loads(json.dumps(FIRST[event]))
    node = payload
    *parents, last = where.split(".")
    for key in parents:
        node = node.setdefault(key, {}) if isinstance(node.get(key, {}), dict) else {}
    node[last] = value
    with scratch() as folder:
        path = folder / "event.json"
        path.write_text(json.dumps(payload))
        try:
            found = context.detect(cast(GitRepo, EmptyRepo()), Request(),
                                   runner_env(event, payload, path))
        except NeedsGit:
            return
        except GatekeeperError as error:
            assert "\n" not in error.render() and error.hint
            return
    heads = [_dig(payload, p) for p in ("pull_request.head.sha", "after", "merge_group.head_sha")]
    assert all(t.head in [h.lower() for h in heads if isinstance(h, str)]
               for t in found.targets), (found.targets, heads)
