"""The GitHub Actions context on real shallow checkouts, with payloads as GitHub documents them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.context import github
from gatekeeper.context.model import Context, Request
from gatekeeper.errors import ChangeSetError, GatekeeperError, UsageError
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, make_repo, run_cli

pytestmark = pytest.mark.usefixtures("hermetic_git")

ZERO = "0" * 40
LONG_RUN = 60
"""Commits on the release branch after the fork point: more than the first fetch's 50."""


@dataclass(frozen=True)
class Origin:
    """A bare origin laid out as GitHub keeps a repository with open pull requests."""

    path: Path
    fork: str
    """Where feature and topic left main, and feature2 left release."""
    opened_at: str
    """main's tip when pull request #7 was opened: the payload's (stale) base.sha."""
    main: str
    feature: str
    merge: str
    """The test merge commit of #7 (GITHUB_SHA of a pull_request run)."""
    topic: str
    release: str
    feature2: str

    @property
    def url(self) -> str:
        """The file:// address of the origin."""
        return self.path.as_uri()


def make_origin(root: Path) -> Origin:
    """A bare origin with feature, feature2, topic and release branches and PR refs."""
    seed = make_repo(root / "seed")
    for i in range(3):
        seed.write("app.py", f"version = {i}\n")
        seed.commit(f"main {i}")
    fork = seed.head()
    seed.git("branch", "release")
    seed.git("checkout", "-q", "-b", "feature")
    seed.write("feature/one.py", "one = 1\n")
    seed.commit("feature one")
    seed.write("feature/two.py", "two = 2\n")
    feature = seed.commit("feature two")
    seed.git("checkout", "-q", "-b", "feature2", fork)
    seed.write("feature2.py", "x = 2\n")
    feature2 = seed.commit("feature2")
    seed.git("checkout", "-q", "release")
    for i in range(LONG_RUN):
        seed.write("release.txt", f"{i}\n")
        seed.commit(f"release {i}")
    release = seed.head()
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "1\n")
    opened_at = seed.commit("main moves on")
    seed.git("checkout", "-q", "-b", "topic")
    seed.write("topic.py", "t = 1\n")
    topic = seed.commit("topic")
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "2\n")
    main = seed.commit("main moves on again")
    seed.git("checkout", "-q", "--detach", "main")
    seed.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
    merge = seed.head()
    bare = root / "origin.git"
    Repo(root).git("clone", "-q", "--bare", str(seed.path), str(bare))
    origin = Repo(bare)
    # GitHub serves any commit reachable from its refs, pull request refs among them.
    origin.git("config", "uploadpack.allowReachableSHA1InWant", "true")
    origin.git("update-ref", "refs/pull/7/head", feature)
    origin.git("update-ref", "refs/pull/7/merge", merge)
    origin.git("update-ref", "refs/pull/8/head", feature2)
    origin.git("update-ref", f"refs/heads/gh-readonly-queue/main/pr-7-{feature}", merge)
    return Origin(bare, fork, opened_at, main, feature, merge, topic, release, feature2)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """The origin, built once for the module."""
    return make_origin(tmp_path_factory.mktemp("github-origin"))


def checkout(url: str, where: Path, sha: str, ref: str) -> Repo:
    """The work tree actions/checkout leaves with its default fetch-depth of 1."""
    work = make_repo(where)
    work.git("remote", "add", "origin", url)
    work.git("fetch", "-q", "--no-tags", "--prune", "--depth=1", "origin", f"+{sha}:{ref}")
    work.git("checkout", "-q", "--force", "--detach", ref)
    assert work.git("rev-parse", "--is-shallow-repository") == "true"
    return work


def pr_payload(head: str, base_sha: str, *, number: int = 7, base_ref: str = "main",
               title: str = "Add feature",
               body: str | None = "Adds the feature.", labels: tuple[str, ...] = ("small",),
               login: str | None = "octocat", draft: bool = False) -> dict[str, Any]:
    """A pull_request payload with the fields GitHub documents (and some it sends besides)."""
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number, "state": "open", "locked": False, "title": title, "body": body,
            "draft": draft, "merged": False, "merge_commit_sha": None,
            "user": None if login is None else {"login": login, "id": 1, "type": "User"},
            "labels": [{"id": i, "name": name, "color": "ededed", "default": False}
                       for i, name in enumerate(labels)],
            "head": {"label": "octo:feature", "ref": "feature",
                     "sha": head, "repo": {"full_name": "octo/repo"}},
            "base": {"label": f"octo:{base_ref}", "ref": base_ref,
                     "sha": base_sha, "repo": {"full_name": "octo/repo"}},
        },
        "repository": {"full_name": "octo/repo", "default_branch": "main"},
        "sender": {"login": "octocat"},
    }


def opened(origin: Origin, **fields: Any) -> dict[str, Any]:
    """The payload of pull request #7, feature into main."""
    return pr_payload(origin.feature, origin.opened_at, **fields)


def push_payload(ref: str, before: str, after: str, *, deleted: bool = False) -> dict[str, Any]:
    """A GitHub push event payload moving ``ref`` from ``before`` to ``after``."""
    return {"ref": ref, "before": before, "after": after, "created": before == ZERO,
            "deleted": deleted, "forced": False, "base_ref": None, "commits": [],
            "head_commit": None if deleted else {"id": after, "message": "change"},
            "repository": {"full_name": "octo/repo", "default_branch": "main"},
            "pusher": {"name": "octocat"}}


def github_env(where: Path, event: str, payload: object, **variables: str) -> dict[str, str]:
    """The variables GitHub Actions sets for a step, with the payload written to a file.

    GITHUB_SHA, GITHUB_REF and GITHUB_BASE_REF / GITHUB_HEAD_REF agree with the payload, as
    the runner's do with the payload GitHub wrote; ``variables`` replace any of them (a pull
    request's GITHUB_SHA is its head unless given, say as the test merge commit).
    """
    path = where / f"event-{event}.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload),
                    encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(path), "GITHUB_REPOSITORY": "octo/repo",
            "GITHUB_WORKSPACE": str(where), **runner_variables(event, payload), **variables}


def runner_variables(event: str, payload: object) -> dict[str, str]:
    """The default variables the runner sets for ``event``, read from an honest payload."""
    def at(path: str) -> str | None:
        node = payload
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        return str(node) if isinstance(node, (str, int)) and not isinstance(node, bool) else None

    found: dict[str, str | None] = {}
    if event in ("pull_request", "pull_request_target"):
        base = at("pull_request.base.ref")
        found = {"GITHUB_BASE_REF": base, "GITHUB_HEAD_REF": at("pull_request.head.ref")}
        if event == "pull_request":
            found |= {"GITHUB_REF": f"refs/pull/{at('pull_request.number')}/merge",
                      "GITHUB_SHA": at("pull_request.head.sha")}
        else:  # the base branch's tip, which the payload's base.sha stands for here
            found |= {"GITHUB_REF": f"refs/heads/{base}", "GITHUB_SHA": at("pull_request.base.sha")}
    elif event == "push":
        found = {"GITHUB_REF": at("ref"), "GITHUB_SHA": at("after")}
    elif event == "merge_group":
        found = {"GITHUB_REF": at("merge_group.head_ref"), "GITHUB_SHA": at("merge_group.head_sha")}
    return {name: value for name, value in found.items() if value is not None}


def detect_and_resolve(work: Repo, env: dict[str, str],
                       request: Request | None = None) -> tuple[Context, list[Revisions]]:
    """The context detected in ``work`` under ``env``, and each target resolved."""
    repo = GitRepo.discover(str(work.path))
    try:
        found = context.detect(repo, request or Request(), env)
        return found, [context.resolve_target(repo, target) for target in found.targets]
    finally:
        repo.close()


def test_pull_request_compares_the_head_with_the_target_branch_tip(origin: Origin,
                                                                   tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    env = github_env(tmp_path, "pull_request", opened(origin, labels=("small", "ui")),
                     GITHUB_SHA=origin.merge)
    found, [revisions] = detect_and_resolve(work, env)
    assert found.kind == "github" and found.review
    assert found.description == "GitHub Actions pull_request #7"
    [target] = found.targets
    assert target.head == origin.feature != origin.merge  # not GITHUB_SHA, the test merge
    assert target.base == "refs/remotes/origin/main"
    assert target.head_reason == "pull_request.head.sha from the event payload"
    assert target.base_reason == "tip of origin/main, the pull request's target branch"
    assert "fetch-depth: 0" in target.shallow_fix
    assert revisions.head_sha == origin.feature
    assert revisions.base_sha == origin.main != origin.opened_at  # the payload's base.sha is old
    assert revisions.merge_base == origin.fork
    assert "fetched" in revisions.base_reason
    meta = found.meta
    assert (meta.number, meta.title, meta.description, meta.author, meta.draft) == (
        7, "Add feature", "Adds the feature.", "octocat", False)
    assert meta.labels == ("small", "ui") and meta.target_branch == "main"


def test_pull_request_target_with_null_body_and_no_author(origin: Origin, tmp_path: Path) -> None:
    # pull_request_target checks out the base branch, not a merge commit.
    work = checkout(origin.url, tmp_path / "work", origin.main, "refs/remotes/origin/main")
    payload = opened(origin, body=None, login=None, labels=(), draft=True)
    found, [revisions] = detect_and_resolve(work, github_env(tmp_path, "pull_request_target",
                                                             payload))
    assert found.description == "GitHub Actions pull_request_target #7" and found.review
    assert (revisions.head_sha, revisions.merge_base) == (origin.feature, origin.fork)
    meta = found.meta
    assert (meta.description, meta.author, meta.labels, meta.draft) == (None, None, (), True)


def test_pull_request_deepens_to_a_distant_merge_base(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.feature2, "refs/remotes/pull/8/merge")
    payload = pr_payload(origin.feature2, origin.release, number=8, base_ref="release")
    found, [revisions] = detect_and_resolve(work, github_env(tmp_path, "pull_request", payload))
    assert found.targets[0].base_reason == "tip of origin/release, the pull request's target branch"
    assert (revisions.base_sha, revisions.merge_base) == (origin.release, origin.fork)
    assert "deepened the shallow clone" in revisions.base_reason
    assert found.meta.target_branch == "release"


def test_an_unreachable_origin_fails_closed_with_the_checkout_fix(origin: Origin,
                                                                  tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    work.git("remote", "set-url", "origin", (tmp_path / "gone.git").as_uri())
    with pytest.raises(ChangeSetError) as info:
        detect_and_resolve(work, github_env(tmp_path, "pull_request", opened(origin)))
    assert "fetch-depth: 0" in (info.value.hint or "")
    assert "git fetch --unshallow origin" in (info.value.hint or "")


def test_push_compares_after_with_before(origin: Origin, tmp_path: Path) -> None:
    before = Repo(origin.path).git("rev-parse", f"{origin.feature}~1")
    work = checkout(origin.url, tmp_path / "work", origin.feature, "refs/remotes/origin/feature")
    env = github_env(tmp_path, "push", push_payload("refs/heads/feature", before, origin.feature))
    found, [revisions] = detect_and_resolve(work, env)
    assert found.description == "GitHub Actions push to feature" and not found.review
    assert (revisions.head_sha, revisions.base_sha, revisions.merge_base) == (
        origin.feature, before, before)
    assert found.targets[0].base_reason.startswith("before from the push event payload")
    assert found.meta.target_branch == "feature"


def test_push_of_a_new_branch_compares_with_the_default_branch(origin: Origin,
                                                               tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.topic, "refs/remotes/origin/topic")
    env = github_env(tmp_path, "push", push_payload("refs/heads/topic", ZERO, origin.topic))
    found, [revisions] = detect_and_resolve(work, env)
    [target] = found.targets
    assert target.base == "refs/remotes/origin/main" and "all zeros" in target.base_reason
    assert (revisions.base_sha, revisions.merge_base) == (origin.main, origin.opened_at)
    assert found.meta.target_branch == "topic"


@pytest.mark.parametrize(("ref", "before", "after", "deleted", "why"), [
    ("refs/heads/feature", "feature", ZERO, True, "deleted"),
    ("refs/heads/feature", "feature", ZERO, False, "deleted"),
    ("refs/heads/main", ZERO, "main", False, "first push of the default branch"),
])
def test_pushes_with_nothing_to_check(origin: Origin, tmp_path: Path, ref: str, before: str,
                                      after: str, deleted: bool, why: str) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.main, "refs/remotes/origin/main")
    shas = {"feature": origin.feature, "main": origin.main, ZERO: ZERO}
    env = github_env(tmp_path, "push", push_payload(ref, shas[before], shas[after],
                                                    deleted=deleted))
    found, revisions = detect_and_resolve(work, env)
    assert found.targets == () and revisions == [] and why in found.description


def test_merge_group_compares_the_group_with_its_base(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/origin/queue")
    payload = {"action": "checks_requested", "merge_group": {
        "head_sha": origin.merge, "head_ref": "refs/heads/gh-readonly-queue/main/pr-7-x",
        "base_sha": origin.main, "base_ref": "refs/heads/main",
        "head_commit": {"id": origin.merge, "message": "Merge", "tree_id": "t"}},
        "repository": {"full_name": "octo/repo"}}
    found, [revisions] = detect_and_resolve(work, github_env(tmp_path, "merge_group", payload))
    assert found.description == "GitHub Actions merge_group into main" and found.review
    assert (revisions.head_sha, revisions.base_sha, revisions.merge_base) == (
        origin.merge, origin.main, origin.main)
    assert found.meta.target_branch == "main"


def test_other_events_use_the_local_rules_and_say_so(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.topic, "refs/remotes/origin/topic")
    work.git("fetch", "-q", "--depth=5", "origin", "+refs/heads/main:refs/remotes/origin/main")
    work.git("remote", "set-head", "origin", "main")
    found, [revisions] = detect_and_resolve(
        work, github_env(tmp_path, "workflow_dispatch", {"inputs": {}}))
    assert found.kind == "github" and not found.review
    assert found.description.startswith("GitHub Actions workflow_dispatch (not a pull request")
    assert "local run" in found.description
    assert revisions.merge_base == origin.opened_at


def test_explicit_revisions_narrow_the_event_and_keep_its_trust(origin: Origin,
                                                                tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    env = github_env(tmp_path, "pull_request", opened(origin, labels=("ui",)),
                     GITHUB_SHA=origin.merge)
    request = Request(base=origin.fork, head=origin.feature)
    found, [revisions] = detect_and_resolve(work, env, request)
    assert (found.kind, found.review, found.meta.labels, found.meta.number) == (
        "github", True, ("ui",), 7)
    assert found.api is not None and found.api.number == 7
    assert found.description == ("GitHub Actions pull_request #7 (base given with --base and "
                                 "head given with --head, overriding the event's)")
    [target] = found.targets
    assert target.policy_base == "refs/remotes/origin/main"
    assert revisions.base_reason.startswith("given with --base, in place of the event's: tip of "
                                            "origin/main")
    assert "the policy is still read from that one" in revisions.base_reason
    assert (revisions.base_sha, revisions.merge_base) == (origin.fork, origin.fork)


def test_explicit_revisions_do_not_skip_the_payload_check(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    env = github_env(tmp_path, "pull_request", "not even json")
    with pytest.raises(ChangeSetError, match="not valid JSON"):
        detect_and_resolve(work, env, Request(base="HEAD", ci="github"))


def test_the_cli_reports_a_pull_request(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    env = github_env(tmp_path, "pull_request", opened(origin, labels=("needs review",)))
    result = run_cli("check", "--format", "json", cwd=work.path, env=env)
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["revisions"]["head_sha"] == origin.feature
    assert report["revisions"]["merge_base"] == origin.fork
    assert report["change"]["labels"] == ["needs review"]
    assert report["change"]["target_branch"] == "main" and report["change"]["author"] == "octocat"
    assert sorted(f["path"] for f in report["changeset"]["files"]) == [
        "feature/one.py", "feature/two.py"]


def _pr(mutate: Any) -> Any:
    """A pull_request payload (from placeholders) changed by ``mutate``."""
    payload = pr_payload("a" * 40, "b" * 40)
    mutate(payload)
    return payload


HOSTILE_PAYLOADS: list[tuple[str, object, str]] = [
    ("pull_request", "{not json", "not valid JSON"),
    ("pull_request", "[1, 2]", "not a JSON object"),
    ("pull_request", "[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ("pull_request", _pr(lambda p: p.pop("pull_request")), "nothing at pull_request"),
    ("pull_request", _pr(lambda p: p.update(pull_request=5)), "at pull_request"),
    ("pull_request", _pr(lambda p: p["pull_request"]["head"].update(sha=None)), "commit sha"),
    ("pull_request", _pr(lambda p: p["pull_request"]["head"].update(sha=7)), "a commit sha"),
    ("pull_request", _pr(lambda p: p["pull_request"]["head"].update(sha="--upload-pack=x")),
     "a commit sha"),
    ("pull_request", _pr(lambda p: p["pull_request"]["base"].update(ref="a:refs/heads/b")),
     "a git ref name"),
    ("pull_request", _pr(lambda p: p["pull_request"]["base"].update(ref="x\n::error::y")),
     "a git ref name"),
    ("pull_request", _pr(lambda p: p["pull_request"]["base"].update(ref="../../etc")),
     "a git ref name"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(labels="big")), "list of labels"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(labels=[{"name": 3}])),
     "labels with names"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(body=["x"])), "a string"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(number=True)), "a number"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(draft="yes")), "true or false"),
    ("pull_request", _pr(lambda p: p["pull_request"].update(user="octocat")), "an object"),
    ("push", push_payload("refs/heads/x", "b" * 40, "a" * 40) | {"ref": 1}, "a git ref name"),
    ("push", push_payload("refs/heads/x", "b" * 40, "a" * 40) | {"before": "HEAD~1"},
     "a commit sha"),
    ("push", push_payload("refs/heads/x", ZERO, "a" * 40) | {"repository": {}},
     "nothing at repository.default_branch"),
    ("merge_group", {"merge_group": {"head_sha": "a" * 40, "base_sha": "b" * 40}},
     "nothing at merge_group.base_ref"),
]


@pytest.mark.parametrize(("event", "payload", "says"), HOSTILE_PAYLOADS)
def test_a_hostile_payload_is_one_line_with_a_fix(tmp_path: Path, event: str, payload: object,
                                                  says: str) -> None:
    work = make_repo(tmp_path / "work")
    work.write("a.txt", "a\n")
    work.commit("a")
    with pytest.raises(ChangeSetError) as info:
        detect_and_resolve(work, github_env(tmp_path, event, payload))
    error = info.value
    assert says in error.message and error.hint == github.PAYLOAD_HINT
    assert "\n" not in error.render() and len(error.render()) < 600


def test_hostile_payload_errors_reach_the_cli_as_one_line(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    work.write("a.txt", "a\n")
    work.commit("a")
    payload = _pr(lambda p: p["pull_request"]["base"].update(ref="$(touch pwned)\n::error::x"))
    result = run_cli("check", cwd=work.path, env=github_env(tmp_path, "pull_request", payload))
    assert result.code == 3 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (work.path / "pwned").exists()


@pytest.mark.parametrize(("env", "says"), [
    ({"GITHUB_ACTIONS": "true"}, "GITHUB_EVENT_NAME is not set"),
    ({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push"}, "GITHUB_EVENT_PATH is not set"),
    ({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "/nope.json"},
     "cannot read the event payload"),
])
def test_a_missing_environment_says_what_is_missing(tmp_path: Path, env: dict[str, str],
                                                    says: str) -> None:
    work = make_repo(tmp_path / "work")
    work.write("a.txt", "a\n")
    work.commit("a")
    with pytest.raises(GatekeeperError) as info:
        detect_and_resolve(work, env)
    assert says in info.value.message and info.value.hint
    assert isinstance(info.value, UsageError) == ("is not set" in says)


@pytest.mark.parametrize(("name", "valid"), [
    ("main", True), ("feature/x-1.2", True), ("refs/heads/release/2024", True),
    ("", False), ("-x", False), ("/x", False), ("x/", False), ("a..b", False), ("a b", False),
    ("a:b", False), ("a*", False), ("a?", False), ("a[b", False), ("a\\b", False),
    ("a~1", False), ("a^", False), ("a@{0}", False), ("@", False), ("x.lock", False),
    ("a/.hidden", False), ("a//b", False), ("x.", False), ("tab\there", False), ("a\x7f", False),
])
def test_ref_names_follow_gits_rules(name: str, valid: bool) -> None:
    assert github.valid_ref(name) is valid
