"""Git AI notes in CI checkouts, which do not fetch refs/notes/*: fetched once per run from the
remote, over file:// shallow clones made as actions/checkout and GitLab Runner make them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from gatekeeper.changeset.model import NOTES_REF
from gatekeeper.context.model import Context, Request, Target
from gatekeeper.context.notes import fetch_notes
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.ai.attribute import NoteFile, attribute
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.pipeline import CheckOptions, Outcome, run
from tests.conftest import Repo, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload
from tests.facts.ai.test_gitnotes import CLAUDE, CURSOR, add_note, authorship

pytestmark = pytest.mark.usefixtures("hermetic_git")

SPACED = "docs/my notes.md"
EXPECTED = (NoteFile(SPACED, 3, ((1, 3),), ("claude",)),
            NoteFile("src/a.py", 6, ((1, 1), (3, 4)), ("cursor",)))
"""Cursor wrote lines 1-4 of src/a.py and a person rewrote line 2; Claude wrote the notes."""
UNREACHABLE = "AI notes (refs/notes/ai) not read: the remote origin could not be reached"


@dataclass(frozen=True)
class Origin:
    """Bare remotes holding a feature branch, one with its refs/notes/ai and one without."""

    with_notes: Path
    without_notes: Path
    main: str
    feature: str
    merge: str
    """The test merge of the feature into main, which a pull_request run checks out."""
    noted: tuple[str, ...]

    def url(self, notes: bool = True) -> str:
        """The file:// address of the origin with its notes, or of the one without."""
        return (self.with_notes if notes else self.without_notes).as_uri()


def make_origin(root: Path) -> Origin:
    """Two bare origins of a feature branch, one with its AI notes and one without."""
    seed = make_repo(root / "seed")
    for i in range(3):
        seed.write("app.py", f"version = {i}\n")
        seed.commit(f"main {i}")
    seed.git("checkout", "-q", "-b", "feature")
    seed.write("src/a.py", "".join(f"a{i}\n" for i in range(1, 7)))
    wrote_a = seed.commit("a.py, mostly by cursor")
    add_note(seed, wrote_a, authorship({"src/a.py": {CURSOR: "1-4"}}))
    seed.write("src/a.py", "a1\nA2\na3\na4\na5\na6\n")
    seed.commit("a person rewrites line 2")
    seed.write(SPACED, "# Notes\n\nBy claude.\n")
    wrote_notes = seed.commit("notes by claude")
    add_note(seed, wrote_notes, authorship({SPACED: {CLAUDE: "1-3"}}))
    feature = seed.head()
    seed.git("checkout", "-q", "main")
    seed.write("app.py", "version = 3\n")
    main = seed.commit("main moves on")
    seed.git("checkout", "-q", "--detach", "main")
    seed.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    merge = seed.head()
    seed.git("update-ref", "refs/pull/7/merge", merge)
    seed.git("update-ref", "refs/merge-requests/7/head", feature)
    remotes = []
    for name, refs in (("with-notes", (f"{NOTES_REF}:{NOTES_REF}",)), ("without-notes", ())):
        bare = root / f"{name}.git"
        Repo(root).git("init", "-q", "--bare", str(bare))
        seed.git("push", "-q", bare.as_uri(), "refs/heads/*:refs/heads/*",
                 "refs/pull/*:refs/pull/*", "refs/merge-requests/*:refs/merge-requests/*", *refs)
        Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
        remotes.append(bare)
    return Origin(remotes[0], remotes[1], main, feature, merge, (wrote_a, wrote_notes))


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """The origins, built once for the module."""
    return make_origin(tmp_path_factory.mktemp("notes-origin"))


def pull_request(origin: Origin, where: Path, *, notes: bool = True) -> tuple[Repo, dict[str, str]]:
    """A pull_request run of #7, checked out in ``where``; the work tree and env."""
    work = checkout(origin.url(notes), where / "work", origin.merge, "refs/remotes/pull/7/merge")
    payload = pr_payload(origin.feature, origin.main, title="Add a.py")
    return work, github_env(where, "pull_request", payload)


def only(outcome: Outcome) -> Verdict:
    """The one verdict of ``outcome``."""
    [verdict] = outcome.verdicts
    return verdict


def test_a_pull_request_run_fetches_the_notes_and_traces_the_lines(origin: Origin,
                                                                   tmp_path: Path) -> None:
    work, env = pull_request(origin, tmp_path)
    assert work.git("for-each-ref", "refs/notes/") == ""  # actions/checkout brings none
    verdict = only(run(CheckOptions(repo_path=str(work.path)), env=env))
    found = verdict.facts.changeset
    assert found.revisions.head_sha == origin.feature
    assert set(found.notes) == set(origin.noted)
    assert set(found.origins) == {SPACED, "src/a.py"}
    assert [o.line for o in found.origins["src/a.py"]] == [1, 2, 3, 4, 5, 6]
    facts = attribute(found)
    assert facts.files == EXPECTED and facts.problems == ()
    assert facts.commits == origin.noted[::-1]
    assert not any("AI notes" in note for note in verdict.notes)
    assert work.git("rev-parse", NOTES_REF) == Repo(origin.with_notes).git("rev-parse",
                                                                            NOTES_REF)
    assert work.git("rev-parse", "--is-shallow-repository") == "true"


def test_a_remote_without_notes_gives_none_and_says_nothing(origin: Origin,
                                                           tmp_path: Path) -> None:
    work, env = pull_request(origin, tmp_path, notes=False)
    verdict = only(run(CheckOptions(repo_path=str(work.path)), env=env))
    found = verdict.facts.changeset
    assert found.revisions.head_sha == origin.feature and len(found.commits) == 3
    assert (found.notes, found.origins) == ({}, {})
    assert attribute(found).files == () and not any("AI notes" in n for n in verdict.notes)


def test_an_unreachable_remote_leaves_the_notes_out_and_says_so(origin: Origin,
                                                               tmp_path: Path) -> None:
    # A full checkout (fetch-depth: 0) has both sides already, so only the notes need the remote.
    work, env = pull_request(origin, tmp_path)
    work.git("fetch", "-q", "--unshallow", "origin", "+refs/heads/*:refs/remotes/origin/*")
    work.git("remote", "set-url", "origin", (tmp_path / "gone.git").as_uri())
    verdict = only(run(CheckOptions(repo_path=str(work.path)), env=env))
    assert verdict.facts.changeset.revisions.head_sha == origin.feature
    assert verdict.facts.changeset.notes == {}
    assert verdict.notes[-1] == UNREACHABLE


def test_a_full_clone_stays_full(origin: Origin, tmp_path: Path) -> None:
    work, env = pull_request(origin, tmp_path)
    work.git("fetch", "-q", "--unshallow", "origin", "+refs/heads/*:refs/remotes/origin/*")
    verdict = only(run(CheckOptions(repo_path=str(work.path)), env=env))
    assert attribute(verdict.facts.changeset).files == EXPECTED
    assert work.git("rev-parse", "--is-shallow-repository") == "false"


def test_a_gitlab_merge_request_pipeline_fetches_the_notes(origin: Origin,
                                                           tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    work.git("remote", "add", "origin", origin.url())
    work.git("fetch", "-q", "--depth", "1", "origin", "refs/merge-requests/7/head")
    work.git("checkout", "-q", "--detach", "FETCH_HEAD")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_COMMIT_SHA": origin.feature, "CI_MERGE_REQUEST_IID": "7",
           "CI_MERGE_REQUEST_EVENT_TYPE": "detached", "CI_PROJECT_ID": "1",
           "CI_MERGE_REQUEST_PROJECT_ID": "1", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    outcome = run(CheckOptions(repo_path=str(work.path)), env=env)
    assert outcome.context == "GitLab CI merge request !7 (detached)"
    found = only(outcome).facts.changeset
    assert set(found.notes) == set(origin.noted)
    assert attribute(found).files == EXPECTED


def test_a_local_run_uses_the_local_notes_and_fetches_nothing(origin: Origin,
                                                              tmp_path: Path) -> None:
    work = Repo(tmp_path)
    work.git("clone", "-q", origin.url(), "work")
    work = Repo(tmp_path / "work")
    work.git("checkout", "-q", "feature")
    assert work.git("for-each-ref", "refs/notes/") == ""  # a clone brings no notes either
    wrote_a = origin.noted[0]
    add_note(work, wrote_a, authorship({"src/a.py": {CURSOR: "5-6"}}))
    local = work.git("rev-parse", NOTES_REF)
    options = CheckOptions(repo_path=str(work.path), request=Request(base="origin/main"))
    found = only(run(options, env={})).facts.changeset
    assert set(found.notes) == {wrote_a}
    assert attribute(found).files == (NoteFile(SPACED, 3, (), ()),
                                      NoteFile("src/a.py", 6, ((5, 6),), ("cursor",)))
    assert work.git("rev-parse", NOTES_REF) == local


@pytest.mark.parametrize("kind", ["local", "pre-push", "pre-commit"])
def test_only_ci_contexts_fetch(origin: Origin, tmp_path: Path, kind: str) -> None:
    work = make_repo(tmp_path / "work")
    work.git("remote", "add", "origin", origin.url())
    target = Target("HEAD", "the checked-out commit", None, "no base")
    repo = GitRepo.discover(str(work.path))
    try:
        assert fetch_notes(repo, Context(kind, kind, (target,))) == ()
        assert work.git("for-each-ref", "refs/notes/") == ""
        assert fetch_notes(repo, Context("github", "push", ())) == ()  # nothing to check
        assert work.git("for-each-ref", "refs/notes/") == ""
        assert fetch_notes(repo, Context("github", "push", (target,))) == ()
        assert work.git("for-each-ref", "--format=%(refname)", "refs/notes/") == NOTES_REF
    finally:
        repo.close()


DISCLOSE = """\
rules:
  - id: disclose-ai
    kind: ai-disclosure
    trailers: [Assisted-by]
    sources: [note]
"""


def test_the_cli_reports_note_evidence_in_every_format(origin: Origin, tmp_path: Path) -> None:
    work, env = pull_request(origin, tmp_path)
    policy = tmp_path / "policy.yml"
    policy.write_text(DISCLOSE, encoding="utf-8")
    args = ("check", "--policy-source", "worktree", "--policy", str(policy))
    junit = tmp_path / "report.xml"
    result = run_cli(*args, "--format", "json", "--junit", str(junit), cwd=work.path, env=env)
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    files = {f["path"]: f for f in report["ai"]["files"]}
    assert files["src/a.py"]["ai_lines"] == [[1, 1], [3, 4]]
    assert files["src/a.py"]["share"] == pytest.approx(50.0)
    assert files[SPACED]["tools"] == ["claude"]
    [rule] = report["results"]
    assert rule["status"] == "fail"
    assert {e["path"] for e in rule["evidence"]} == {SPACED, "src/a.py"}
    assert "note on commit" in rule["message"] and "src/a.py:1,3-4" in rule["message"]
    properties = cast("dict[str, str]", {p.get("name"): p.get("value")
                                         for p in ET.parse(junit).getroot().iter("property")})
    assert properties["ai.assisted"] == "true"
    assert properties["ai.tools"] == "claude, cursor"
    assert any("src/a.py:1,3-4" in v for k, v in properties.items() if k.startswith("ai.evid"))
    console = run_cli(*args, cwd=work.path, env=env)
    assert "notes: src/a.py 50% of 6 added lines (cursor)" in console.stdout
    assert "src/a.py:1,3-4 (note: cursor, co-authored)" in console.stdout


def test_a_policy_without_the_notes_detector_fetches_and_blames_nothing(
        origin: Origin, tmp_path: Path) -> None:
    work, env = pull_request(origin, tmp_path)
    policy = tmp_path / "policy.yml"
    policy.write_text("ai:\n  detectors: [commits, review]\n"
                      "rules: [{id: size, kind: batch-size}]\n", encoding="utf-8")
    options = CheckOptions(repo_path=str(work.path), policy=str(policy),
                           policy_source="worktree")
    verdict = only(run(options, env=env))
    assert verdict.facts.changeset.revisions.head_sha == origin.feature
    assert (verdict.facts.changeset.notes, verdict.facts.changeset.origins) == ({}, {})
    assert work.git("for-each-ref", "refs/notes/") == ""
