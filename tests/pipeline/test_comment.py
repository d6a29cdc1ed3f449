"""``gatekeeper check --comment`` end to end: a real repository, a pull request in GitHub
Actions, and a local server answering as GitHub's issue comments API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.facts.approvals.comments import MARKER, MAX_CHARS
from tests.conftest import RunResult, make_repo, run_cli
from tests.context.test_github import github_env, pr_payload
from tests.context.test_gitlab import Origin, clone, mr_env, origin  # noqa: F401 (a fixture)
from tests.facts.approvals.comment_server import CommentApi
from tests.facts.approvals.conftest import TOKEN

POLICY = """\
version: 1
rules:
  - id: small
    kind: batch-size
    max_files: 10
"""


@pytest.fixture
def server() -> Iterator[CommentApi]:
    """GitHub's comments on pull request 7 of octo/repo, stopped after the test."""
    api = CommentApi()
    yield api
    api.stop()


def pull_request(tmp_path: Path, server: CommentApi, policy: str = POLICY,
                 token: str = TOKEN) -> tuple[Path, dict[str, str]]:
    """A repository with a feature branch pushed, and the variables of its pull request."""
    server.number = 7
    bare = tmp_path / "origin.git"
    repo = make_repo(tmp_path / "work")
    repo.git("init", "-q", "--bare", str(bare))
    repo.write(".gatekeeper.yml", policy)
    repo.write("README.md", "hi\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", "x = 1\n")
    head = repo.commit("feat: app")
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", f"{base}:refs/heads/main", "feature")
    env = github_env(tmp_path, "pull_request", pr_payload(head, base), GITHUB_API_URL=server.url,
                     GITHUB_REPOSITORY="octo/app", GATEKEEPER_TOKEN=token, GITHUB_TOKEN="")
    return repo.path, env


def check(path: Path, env: dict[str, str], *extra: str) -> RunResult:
    """``gatekeeper check --format json`` in ``path``, with ``extra`` options."""
    return run_cli("check", "--format", "json", *extra, cwd=path, env=env)


def notes(result: RunResult) -> list[Any]:
    """The notes of the JSON report ``result`` printed."""
    report = json.loads(result.stdout)
    found: list[Any] = report.get("notes", [])
    return found


def test_the_comment_is_created_then_updated_in_place(tmp_path: Path,
                                                      server: CommentApi) -> None:
    path, env = pull_request(tmp_path, server)
    for _ in range(2):
        result = check(path, env, "--comment")
        assert result.code == 0, result.stderr
        assert notes(result) == []
    (comment,) = server.comments
    assert comment.body.startswith(f"{MARKER}\n### ✅ gatekeeper: PASS")
    assert [r.method for r in server.seen if r.method != "GET"] == ["POST", "PATCH"]


def test_without_the_flag_nothing_is_posted(tmp_path: Path, server: CommentApi) -> None:
    path, env = pull_request(tmp_path, server)
    assert check(path, env).code == 0
    assert server.seen == []


@pytest.mark.parametrize("status", [403, 404, 422])
def test_a_refused_comment_is_a_note(tmp_path: Path, server: CommentApi, status: int) -> None:
    server.fail = {"POST": status}
    server.echo = TOKEN
    path, env = pull_request(tmp_path, server)
    result = check(path, env, "--comment", "--markdown", str(tmp_path / "summary.md"))
    assert result.code == 0, result.stderr
    (note,) = notes(result)
    assert note.startswith("no sticky comment written: cannot write the gatekeeper comment")
    assert f"answered {status}" in note
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    for shown in (result.stdout, result.stderr, summary):
        assert TOKEN not in shown


def test_a_missing_token_is_a_note(tmp_path: Path, server: CommentApi) -> None:
    path, env = pull_request(tmp_path, server, token="")
    result = check(path, env, "--comment")
    assert result.code == 0, result.stderr
    assert notes(result)[0].startswith("no sticky comment written: there is no token")
    assert server.seen == []


def test_a_comment_the_policy_requires_fails_with_exit_3(tmp_path: Path,
                                                         server: CommentApi) -> None:
    server.fail = {"POST": 403}
    server.echo = TOKEN
    path, env = pull_request(tmp_path, server, POLICY + "report: {comment: required}\n")
    result = check(path, env)  # required: written without the flag
    assert result.code == 3
    assert "the sticky comment the policy requires: cannot write" in result.stderr
    assert "pull-requests: write" in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_a_required_comment_without_a_token_fails_with_exit_2(tmp_path: Path,
                                                              server: CommentApi) -> None:
    path, env = pull_request(tmp_path, server, POLICY + "report: {comment: required}\n",
                             token="")
    result = check(path, env)
    assert result.code == 2
    assert "there is no token to write it with" in result.stderr


def test_a_required_comment_is_written_without_the_flag(tmp_path: Path,
                                                        server: CommentApi) -> None:
    path, env = pull_request(tmp_path, server, POLICY + "report: {comment: required}\n")
    assert check(path, env).code == 0
    assert len(server.comments) == 1


def test_outside_a_pull_request_the_flag_only_notes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write(".gatekeeper.yml", POLICY)
    base = repo.commit("base")
    repo.write("a.py", "x = 1\n")
    repo.commit("a")
    result = run_cli("check", "--base", base, "--format", "json", "--comment", "--ci", "local",
                     cwd=repo.path)
    assert result.code == 0, result.stderr
    assert "there is no pull or merge request to comment on here" in notes(result)[0]


def test_a_long_report_is_cut_by_its_lists_to_fit_the_comment(tmp_path: Path,
                                                               server: CommentApi) -> None:
    server.number = 7
    bare = tmp_path / "origin.git"
    repo = make_repo(tmp_path / "work")
    repo.git("init", "-q", "--bare", str(bare))
    repo.write(".gatekeeper.yml", "version: 1\nrules:\n  - id: covered\n    kind: patch-coverage\n"
                                  "    min: 90\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    lcov = []
    for i in range(900):  # each uncovered file is a line of the summary: about 90 KB in all
        name = f"src/a_rather_long_package_name/module_number_{i:04}.py"
        repo.write(name, "v = 1\n")
        lcov.append(f"SF:{name}\nDA:1,0\nend_of_record\n")
    head = repo.commit("feat: many modules")
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", f"{base}:refs/heads/main", "feature")
    report = tmp_path / "lcov.info"
    report.write_text("".join(lcov), encoding="utf-8")
    env = github_env(tmp_path, "pull_request", pr_payload(head, base), GITHUB_API_URL=server.url,
                     GITHUB_REPOSITORY="octo/app", GATEKEEPER_TOKEN=TOKEN, GITHUB_TOKEN="")
    summary = tmp_path / "summary.md"
    result = check(repo.path, env, "--comment", "--coverage", str(report),
                   "--markdown", str(summary))
    assert result.code == 1, result.stderr
    assert len(summary.read_bytes()) > 65_536  # the step summary keeps everything
    (comment,) = server.comments
    assert len(comment.body.encode("utf-16-le")) // 2 <= MAX_CHARS
    assert comment.body.startswith(MARKER)
    last = comment.body.rstrip().splitlines()[-1]
    assert last.startswith("_The summary was cut to fit: Uncovered changed lines (")
    assert comment.body.count("module_number_") > 100  # cut to fit, not emptied


def test_a_merge_request_gets_one_note_edited_in_place(
        tmp_path: Path, origin: Origin) -> None:  # noqa: F811
    api = CommentApi(platform="gitlab")
    try:
        api.add("someone-else", f"{MARKER}\nnot ours")  # another bot's marker: left alone
        work = clone(tmp_path, origin.url, "refs/merge-requests/7/head")
        env = {**mr_env(origin, CI_PROJECT_ID="278964", CI_MERGE_REQUEST_PROJECT_ID="278964",
                        CI_MERGE_REQUEST_SOURCE_PROJECT_ID="278964", CI_API_V4_URL=api.api_url,
                        GATEKEEPER_TOKEN=TOKEN)}
        for _ in range(2):
            result = run_cli("check", "--format", "json", "--comment", cwd=work.path, env=env)
            assert result.code in (0, 1), result.stderr
            assert notes(result) == []
    finally:
        api.stop()
    theirs, ours = api.comments
    assert theirs.body == f"{MARKER}\nnot ours"
    assert ours.author == "gatekeeper-bot" and ours.body.startswith(f"{MARKER}\n### ")
    writes = [(r.method, r.path.split("?")[0]) for r in api.seen if r.method != "GET"]
    assert writes == [("POST", api.collection), ("PUT", api.item_path(ours.id))]
    assert all(r.headers.get("private-token") == TOKEN for r in api.seen)
