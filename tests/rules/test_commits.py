"""commits: trailers, subjects and the number of commits, with the git commands that fix them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import Commit, Revisions
from gatekeeper.evaluation.verdict import RuleResult
from gatekeeper.facts.model import Facts
from gatekeeper.rules.commits import Config
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, facts_of, judge
from tests.conftest import Repo, run_cli

CONVENTIONAL = (r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)"
                r"(\([\w.-]+\))?!?: \S")
SIGNED = {"Signed-off-by": "Ada <ada@example.com>"}
MERGE_BASE = "ab" * 20


def made(n: int, subject: str, **fields: Any) -> Commit:
    """A commit from the builder with a sha whose short form (7 digits) is ``c00000n``."""
    return replace(commit(n, subject, **fields), sha=f"c{n:06x}".ljust(40, "0"))


def rule(**fields: object) -> dict[str, Any]:
    """A commits rule with ``fields``."""
    return {"id": "hygiene", "kind": "commits", **fields}


def with_revisions(facts: Facts, **fields: Any) -> Facts:
    """``facts`` with ``fields`` of its revisions replaced."""
    cs = facts.changeset
    return replace(facts, changeset=replace(cs, revisions=replace(cs.revisions, **fields)))


def run(config: dict[str, Any], *commits: Commit, head: str | None = None) -> RuleResult:
    """The result of ``config`` on a change of ``commits`` against main, head ``head``."""
    facts = facts_of(change("a.py"), commits=list(commits))
    return judge(config, with_revisions(facts, base_ref="main", merge_base=MERGE_BASE,
                                        head_sha=head))


def test_signed_conventional_commits_pass() -> None:
    result = run(rule(required_trailers=["Signed-off-by"], subject_pattern=CONVENTIONAL),
                 made(1, "feat(api): add login", trailers=SIGNED),
                 made(2, "fix: handle empty token", trailers={"signed-off-by": "Bo <b@x>"}))
    assert result.status is Status.PASS
    assert result.message == "2 commits, all pass"
    assert [c.describe() for c in result.checks] == ["bad commits 0 <= 0"]


def test_missing_sign_off_lists_the_commits_and_suggests_rebase_signoff() -> None:
    result = run(rule(required_trailers="Signed-off-by"),
                 made(1, "feat: one", trailers=SIGNED), made(2, "feat: two"),
                 made(3, "feat: three", trailers={"Signed-off-by": "  "}))
    assert result.status is Status.FAIL
    assert result.message == ('2 of 3 checked commits fail: c000002 "feat: two" '
                              '(no Signed-off-by); c000003 "feat: three" (no Signed-off-by)')
    assert result.remediation == ("sign off every commit with "
                                  f"`git rebase --signoff {MERGE_BASE[:12]}`")
    assert dict(result.values)["problems"] == "2 commits without Signed-off-by"
    assert result.files == ()


def test_only_the_head_commit_bad_suggests_amending() -> None:
    head = made(2, "wip")
    result = run(rule(required_trailers=["Signed-off-by", "Reviewed-by"],
                      subject_pattern=CONVENTIONAL),
                 head, made(1, "feat: ok", trailers={**SIGNED, "reviewed-by": "Cy"}),
                 head=head.sha)
    assert result.status is Status.FAIL
    assert result.remediation == (
        "sign off the last commit with `git commit --amend --no-edit -s`; "
        "add a `Reviewed-by: ...` trailer with `git commit --amend --trailer "
        "'Reviewed-by: ...'`; "
        f"reword with `git commit --amend` so subjects match `{CONVENTIONAL}`")


def test_bad_subjects_name_the_commits_to_reword() -> None:
    result = run(rule(subject_pattern=CONVENTIONAL, max_subject_length=20),
                 made(1, "Fixed stuff"), made(2, "feat: a subject that rambles on"),
                 made(3, "fix: fine"))
    assert result.status is Status.FAIL
    assert result.message == (
        '2 of 3 checked commits fail: c000001 "Fixed stuff" (subject does not match '
        'subject_pattern); c000002 "feat: a subject that rambles on" '
        "(subject has 31 characters (max 20))")
    assert result.remediation == (
        f"reword with `git rebase -i {MERGE_BASE[:12]}`, marking c000001, c000002 as `reword` "
        f"so subjects match `{CONVENTIONAL}` and fit in 20 characters")


def test_pattern_is_searched_so_unanchored_patterns_match_anywhere() -> None:
    wip = made(1, "feat: WIP login")
    assert run(rule(subject_pattern="WIP"), wip).status is Status.PASS
    assert run(rule(subject_pattern="^WIP"), wip).status is Status.FAIL


def test_too_many_commits_counts_merges_and_suggests_squashing() -> None:
    commits = [made(1, "feat: a"), made(2, "Merge branch 'main'", parents=2),
               made(3, "fix: b")]
    assert run(rule(max_commits=3), *commits).status is Status.PASS
    result = run(rule(max_commits=2), *commits)
    assert result.status is Status.FAIL
    assert result.message == "3 commits, more than 2"
    assert result.remediation == (f"squash to at most 2 commits with `git rebase -i "
                                  f"{MERGE_BASE[:12]}` (mark fix-ups `fixup`), or split the branch")
    assert dict(result.values)["max_commits"] == 2


def test_merge_commits_are_skipped_unless_included() -> None:
    merge = made(2, "Merge branch 'main' into feature", parents=2)
    config = rule(required_trailers=["Signed-off-by"], subject_pattern=CONVENTIONAL)
    result = run(config, made(1, "feat: a", trailers=SIGNED), merge)
    assert result.status is Status.PASS
    assert result.message == "2 commits; the 1 checked pass, 1 merge not checked"
    included = run({**config, "include_merges": True}, made(1, "feat: a", trailers=SIGNED),
                   merge)
    assert included.status is Status.FAIL
    assert "c000002 \"Merge branch 'main' into feature\" (no Signed-off-by, subject does not " \
        "match subject_pattern)" in included.message


def test_only_merge_commits_is_not_applicable_not_a_pass() -> None:
    result = run(rule(required_trailers=["Signed-off-by"]), made(1, "Merge x", parents=2))
    assert result.status is Status.NOT_APPLICABLE
    assert result.message.startswith("not applicable: no commits to check: every commit is a "
                                     "merge")


@pytest.mark.parametrize(("revisions", "where"), [
    (Revisions(mode="diff-file", source="change.diff"), "diff read from change.diff"),
    (Revisions(mode="staged", base_ref="HEAD"), "staged changes against HEAD"),
])
def test_no_commits_is_not_applicable_not_a_pass(revisions: Revisions, where: str) -> None:
    facts = facts_of(change("a.py"), commits=0)
    facts = replace(facts, changeset=replace(facts.changeset, revisions=revisions))
    result = judge(rule(max_commits=1, required_trailers=["Signed-off-by"]), facts)
    assert result.status is Status.NOT_APPLICABLE
    assert result.message == f"not applicable: no commits to check ({where} carries none)"


def test_long_lists_are_capped() -> None:
    result = run(rule(required_trailers=["Signed-off-by"]),
                 *(made(i, f"feat: {i}") for i in range(1, 9)))
    assert result.message.endswith('c000005 "feat: 5" (no Signed-off-by); and 3 more')
    assert dict(result.values)["bad_commits"] == 8


def test_long_subjects_are_clipped_in_the_listing() -> None:
    subject = "feat: " + "x" * 100
    result = run(rule(max_subject_length=72), made(1, subject))
    assert f'"{subject[:57]}..." (subject has 106 characters (max 72))' in result.message


def test_templates_use_the_kind_variables() -> None:
    config = rule(required_trailers=["Signed-off-by"], max_commits=1,
                  message="{bad_commits} of {commits} (max {max_commits}): {problems}")
    result = run(config, made(1, "a"), made(2, "b", trailers=SIGNED))
    assert result.message == ("1 of 2 (max 1): 2 commits, more than 1; "
                              "1 commit without Signed-off-by")


@pytest.mark.parametrize("fields", [
    {},
    {"include_merges": True},
    {"subject_pattern": "^(feat|fix"},
    {"max_commits": 0},
    {"max_subject_length": 0},
    {"required_trailers": ["Signed off by"]},
    {"required_trailers": ["Signed-off-by:"]},
    {"max_commits": 5, "message": "{nope}"},
])
def test_invalid_configs_are_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Config.model_validate(rule(**fields))


def test_invalid_regex_error_names_the_pattern() -> None:
    with pytest.raises(ValidationError, match=r"invalid regular expression '\^\(feat'"):
        Config.model_validate(rule(subject_pattern="^(feat"))


# -- end to end, on a real repository ---------------------------------------------------------


def signed_commit(repo: Repo, message: str) -> str:
    """Commits everything with a Signed-off-by line; the new commit's sha."""
    repo.git("add", "-A")
    repo.git("commit", "-q", "-s", "-m", message)
    return repo.head()


def test_git_commit_signoff_is_detected_and_a_bad_subject_fails(repo: Repo,
                                                                  tmp_path: Path) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/app.py", "x = 1\n")
    signed_commit(repo, "feat: add app")
    policy = tmp_path / "policy.yml"
    policy.write_text("rules:\n"
                      "  - id: hygiene\n"
                      "    kind: commits\n"
                      "    required_trailers: [Signed-off-by]\n"
                      f"    subject_pattern: '{CONVENTIONAL}'\n", encoding="utf-8")
    args = ("check", "--base", "main", "--policy", str(policy))

    passed = run_cli(*args, "--format", "json", cwd=repo.path)
    assert passed.code == 0, passed.stdout + passed.stderr
    assert json.loads(passed.stdout)["results"][0]["status"] == "pass"

    repo.write("src/app.py", "x = 2\n")
    bad = signed_commit(repo, "wip stuff")
    failed = run_cli(*args, cwd=repo.path)
    assert failed.code == 1, failed.stdout + failed.stderr
    assert f'{bad[:7]} "wip stuff" (subject does not match subject_pattern)' in failed.stdout
    assert "no Signed-off-by" not in failed.stdout
    assert "fix: reword with `git commit --amend`" in failed.stdout

    repo.write("src/app.py", "x = 3\n")
    unsigned = repo.commit("fix: unsigned")
    failed = run_cli(*args, "--format", "json", cwd=repo.path)
    result = json.loads(failed.stdout)["results"][0]
    assert failed.code == 1 and result["status"] == "fail"
    assert f'{unsigned[:7]} "fix: unsigned" (no Signed-off-by)' in result["message"]
    base = repo.git("merge-base", "main", "HEAD")
    assert result["remediation"] == (
        "sign off the last commit with `git commit --amend --no-edit -s`; reword with "
        f"`git rebase -i {base[:12]}`, marking {bad[:7]} as `reword` so subjects match "
        f"`{CONVENTIONAL}`")
