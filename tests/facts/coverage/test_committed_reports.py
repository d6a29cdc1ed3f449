"""A coverage report that the checked commit tracks is refused, unless the policy allows it.

A change that commits a report claiming full coverage, matched by the job's --coverage glob
next to the honest report, would turn a failing patch coverage into a pass: the union of
reports counts a line covered if any report says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE
from tests.conftest import Repo, RunResult, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload

CALC = "def add(a, b):\n    return a + b\n"
CALC_CHANGED = CALC + "".join(f"v{i} = {i}\n" for i in range(3, 13))  # lines 3-12 added
POLICY = """\
version: 1
rules:
  - {id: tested, kind: patch-coverage, min: 80}
"""
ALLOW = POLICY + "coverage:\n  allow_committed_reports: true\n"


def lcov(covered: range, missed: range) -> str:
    """An LCOV report of src/calc.py with ``covered`` and ``missed`` lines."""
    lines = [f"DA:{n},1" for n in covered] + [f"DA:{n},0" for n in missed]
    return "SF:src/calc.py\n" + "\n".join(lines) + "\nend_of_record\n"


HONEST = lcov(range(1, 5), range(5, 13))  # 2 of the 10 changed lines ran: 20%
CLAIMED = lcov(range(1, 13), range(0))  # every line "ran"
HINT = ("(fix: have the test job write its reports to untracked files and match only those "
        "with --coverage, or set coverage.allow_committed_reports: true in the policy)")


def refusal(path: str, tracked: str, how: str = "is", kind: str = "file") -> list[str]:
    """The error lines refusing the report ``path`` tracked in the checked commit."""
    return [f"gatekeeper: error: coverage report {path!r} {how} {tracked!r}, a {kind} tracked "
            f"in the commit being checked: the change could supply its own coverage {HINT}"]


def project(path: Path, policy: str = POLICY) -> Repo:
    """main with a policy and calc.py; feature adds ten lines to calc.py."""
    repo = make_repo(path)
    repo.write(".gatekeeper.yml", policy)
    repo.write("src/calc.py", CALC)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/calc.py", CALC_CHANGED)
    return repo


def check(repo: Repo, *args: str) -> RunResult:
    """Runs ``gatekeeper check`` against main with ``args``."""
    return run_cli("check", "--base", "main", *args, cwd=repo.path)


# -- the attack, as a pull request checked out the way actions/checkout does -----------------


def pull_request_with_a_report(tmp_path: Path, policy: str) -> tuple[Repo, dict[str, str]]:
    """A PR that adds untested code and commits cov/claimed.info saying it is all covered;
    the test job then writes its honest, untracked report beside it."""
    seed = project(tmp_path / "seed", policy)
    seed.write("cov/claimed.info", CLAIMED)
    seed.commit("feat: more calc (and a report)")
    head, base = seed.head(), seed.git("rev-parse", "main")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    work = checkout(bare.as_uri(), tmp_path / "work", head, "refs/remotes/pull/7/head")
    work.write("cov/honest.info", HONEST)
    return work, github_env(tmp_path, "pull_request", pr_payload(head, base))


def test_a_committed_report_matched_by_the_glob_is_refused(tmp_path: Path) -> None:
    work, env = pull_request_with_a_report(tmp_path, POLICY)
    result = run_cli("check", "--coverage", "cov/*.info", cwd=work.path, env=env)
    assert result.code == EXIT_USAGE, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == refusal("cov/claimed.info", "cov/claimed.info")
    honest = run_cli("check", "--coverage", "cov/honest.info", cwd=work.path, env=env)
    assert honest.code == 1, honest.stderr
    assert "patch coverage 20%" in honest.stdout


def test_the_policy_can_accept_committed_reports(tmp_path: Path) -> None:
    work, env = pull_request_with_a_report(tmp_path, ALLOW)
    result = run_cli("check", "--coverage", "cov/*.info", cwd=work.path, env=env)
    assert result.code == 0, result.stdout + result.stderr
    assert "patch coverage 100%" in result.stdout


# -- where a report may hide: symlinks, .., base reports --------------------------------------


def test_an_untracked_report_inside_the_checkout_is_accepted(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    repo.commit("feat")
    repo.write("build/cov/one.info", HONEST)
    result = check(repo, "--coverage", "build/**/*.info")
    assert result.code == 1, result.stderr
    assert "patch coverage 20%" in result.stdout


def test_a_committed_base_report_is_refused_too(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    repo.write("cov/base.info", CLAIMED)
    repo.commit("feat")
    repo.write("cov/head.info", HONEST)
    result = check(repo, "--coverage", "cov/head.info", "--coverage-base", "cov/base.info")
    assert result.code == EXIT_USAGE
    assert result.stderr.splitlines() == refusal("cov/base.info", "cov/base.info")


def test_a_committed_symlink_to_a_file_outside_is_refused(tmp_path: Path) -> None:
    """The change chooses which file the glob reads, even if the file is not its own."""
    outside = tmp_path / "elsewhere.info"
    outside.write_text(CLAIMED, encoding="utf-8")
    repo = project(tmp_path / "repo")
    (repo.path / "cov").mkdir()
    os.symlink(outside, repo.path / "cov/link.info")
    repo.commit("feat")
    repo.write("cov/honest.info", HONEST)
    result = check(repo, "--coverage", "cov/*.info")
    assert result.code == EXIT_USAGE
    assert result.stderr.splitlines() == refusal("cov/link.info", "cov/link.info",
                                                 "goes through", "symlink")


def test_a_committed_folder_symlink_on_the_way_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "report.info").write_text(CLAIMED, encoding="utf-8")
    repo = project(tmp_path / "repo")
    os.symlink(shared, repo.path / "cov")
    repo.commit("feat")
    result = check(repo, "--coverage", "cov/*.info")
    assert result.code == EXIT_USAGE
    assert result.stderr.splitlines() == refusal("cov/report.info", "cov", "goes through",
                                                 "symlink")


def test_a_path_outside_that_links_to_a_committed_file_is_refused(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    repo.write("fixtures/full.info", CLAIMED)
    repo.commit("feat")
    reports = tmp_path / "reports"
    reports.mkdir()
    os.symlink(repo.path / "fixtures/full.info", reports / "head.info")
    result = check(repo, "--coverage", str(reports / "*.info"))
    assert result.code == EXIT_USAGE
    assert result.stderr.splitlines() == refusal(str(reports / "head.info"),
                                                 "fixtures/full.info")


@pytest.mark.parametrize("link", [True, False])
def test_dot_dot_is_followed_as_the_file_system_does(tmp_path: Path, link: bool) -> None:
    """``alias/../../cov/x.info`` with alias -> src/deep opens the repository's cov/x.info
    (it is folded after the link, not before), so a committed one there is refused."""
    repo = project(tmp_path / "repo")
    repo.write("src/deep/keep.txt", "")
    repo.write("cov/x.info", CLAIMED)
    repo.commit("feat")
    if link:
        os.symlink("src/deep", repo.path / "alias")  # untracked, made by the job
        given = "alias/../../cov/x.info"
    else:
        given = "src/../cov/x.info"
    result = check(repo, "--coverage", given)
    assert result.code == EXIT_USAGE
    assert result.stderr.splitlines() == refusal(given, "cov/x.info")


def test_a_report_read_with_a_diff_file_is_not_judged(tmp_path: Path) -> None:
    """Without git there is no commit to compare with: every file on disk is listed, and an
    honest report there must not be mistaken for a committed one."""
    repo = project(tmp_path / "repo")
    repo.commit("feat")
    (repo.path / "change.diff").write_text(repo.git("diff", "main", "HEAD") + "\n",
                                           encoding="utf-8")
    repo.write("cov/honest.info", HONEST)
    result = run_cli("check", "--diff-file", "change.diff", "--coverage", "cov/*.info",
                     cwd=repo.path)
    assert result.code == 1, result.stderr
    assert "patch coverage 20%" in result.stdout
