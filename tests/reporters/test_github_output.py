"""The GitHub Actions step outputs, and the CLI options and command the action runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.evaluation.verdict import TierDecision, Verdict
from gatekeeper.policy.review import ReviewSettings, Tier
from gatekeeper.reporters import render_all, renderer
from gatekeeper.reporters.github_output import NAMES, VALUE_CHARS
from tests.builders import (
    change,
    commit,
    compose,
    edited,
    facts_of,
    measured,
    verdict,
    with_ai,
    with_coverage,
)
from tests.conftest import Repo, run_cli
from tests.reporters.test_dotenv import REVIEW, SIZE
from tests.test_action import parse_file_command


def parse(text: str) -> dict[str, str]:
    """The outputs as the runner reads the file: one ``name=value`` a line, no other form."""
    assert text.endswith("\n")
    for line in text[:-1].split("\n"):
        name, sep, _ = line.partition("=")
        assert sep and "<<" not in name, line
    found = parse_file_command(text)
    assert len(found) == text.count("\n")  # each name once
    return found


def judged(lines: int = 40, review: dict[str, Any] | None = None, *, limit: int = 100) -> Verdict:
    """The verdict of a size limit of ``limit`` lines on a change of ``lines`` lines."""
    policy = replace(compose({"id": "size", **SIZE, "max_effective_lines": limit}),
                     review=ReviewSettings.model_validate(review or {}))
    return verdict(policy, facts_of(change("src/app.py", lines)))


def test_a_verdict_gives_every_output() -> None:
    found = parse(renderer("github-output")(judged(review=REVIEW, limit=30)))
    assert list(found) == list(NAMES)
    assert found == {"verdict": "fail", "exit-code": "1", "effective-lines": "40",
                     "effective-files": "1", "failed-rules": "1", "patch-coverage": "",
                     "total-coverage": "", "coverage-delta": "", "review-tier": "2",
                     "review-tier-name": "deep review", "review-approvals": "2",
                     "review-owners": "@acme/leads, @octocat", "ai-assisted": "false"}


def test_coverage_outputs_in_percent() -> None:
    facts = with_coverage(facts_of(edited("src/app.py", (1, 4))),
                          [measured("src/app.py", covered=[1, 2, 3], missed=[4])],
                          [measured("src/app.py", covered=[1], missed=[2, 3, 4])])
    found = parse(renderer("github-output")(verdict(compose({"id": "size", **SIZE}), facts)))
    assert (found["patch-coverage"], found["total-coverage"], found["coverage-delta"]) == (
        "75.00", "75.00", "50.00")


def test_no_coverable_changed_line_is_not_applicable() -> None:
    facts = with_coverage(facts_of(change("docs/a.md", 4)), [measured("src/app.py", [1])])
    found = parse(renderer("github-output")(verdict(compose({"id": "size", **SIZE}), facts)))
    assert (found["patch-coverage"], found["total-coverage"], found["coverage-delta"]) == (
        "n/a", "100.00", "")


def test_ai_assisted_follows_the_evidence() -> None:
    claude = commit(1, trailers={"Co-authored-by": "Claude <noreply@anthropic.com>"})
    facts = with_ai(facts_of(change("src/app.py", 5), commits=[claude]))
    found = parse(renderer("github-output")(verdict(compose({"id": "size", **SIZE}), facts)))
    assert found["ai-assisted"] == "true"


def test_hostile_tier_and_owner_text_stays_in_its_own_output() -> None:
    # model_construct skips the policy's checks, as text from a CODEOWNERS file might.
    tier = Tier.model_construct(name="deep\nverdict=pass\r\x00\u2028x<<EOF", approvals=2,
                                owners=[], code_owners=True, description=None)
    owners = ("@a\nverdict=pass", "@b\rexit-code=0", "\x1b[31m@red", "@" + "y" * 2 * VALUE_CHARS)
    decided = replace(judged(limit=10), review=TierDecision(2, tier, (), request=owners))
    text = renderer("github-output")(decided)
    found = parse(text)
    assert list(found) == list(NAMES) and text.count("\n") == len(NAMES)
    assert (found["verdict"], found["exit-code"]) == ("fail", "1")
    assert found["review-tier-name"] == "deepverdict=passx<<EOF"
    assert found["review-owners"].startswith("@averdict=pass, @bexit-code=0, [31m@red, @yyy")
    assert len(found["review-owners"]) == VALUE_CHARS


@pytest.mark.parametrize(("verdicts", "result"), [((True, False), "fail"), ((True, True), "pass"),
                                                  ((), "pass")])
def test_several_checks_give_one_verdict_and_no_tier(verdicts: tuple[bool, ...],
                                                     result: str) -> None:
    made = [judged(40 if ok else 200, REVIEW) for ok in verdicts]
    found = parse(render_all("github-output", made, "push"))
    assert (found["verdict"], found["exit-code"]) == (result, "0" if result == "pass" else "1")
    assert found["effective-lines"] == str(sum(40 if ok else 200 for ok in verdicts))
    assert found["review-tier"] == found["review-owners"] == found["patch-coverage"] == ""


# -- the command line ----------------------------------------------------------------------------


def test_check_appends_outputs_and_writes_the_summary(repo: Repo, tmp_path: Path) -> None:
    repo.write(".gatekeeper.yml", "rules:\n  - {id: size, kind: batch-size, "
               "max_effective_lines: 3}\n")
    base = repo.commit("base")
    repo.write("src/app.py", "a = 1\nb = 2\nc = 3\nd = 4\n")
    repo.commit("feat: app")
    output, summary, report = tmp_path / "output", tmp_path / "summary.md", tmp_path / "r.json"
    output.write_text("earlier=kept\n", encoding="utf-8")
    run = run_cli("check", "--base", base, "--github-output", str(output), "--markdown",
                  str(summary), "--json", str(report), cwd=repo.path)
    assert run.code == 1, run.stderr
    assert run.stdout.startswith("gatekeeper: FAIL")  # the console report stays on stdout
    found = parse(output.read_text(encoding="utf-8"))
    assert found["earlier"] == "kept"
    assert (found["verdict"], found["exit-code"], found["effective-lines"]) == ("fail", "1", "4")
    assert (found["json-report"], found["junit-report"]) == (str(report), "")
    assert report.is_file()
    assert summary.read_text(encoding="utf-8").startswith("### ❌ gatekeeper: FAIL")


def test_an_unwritable_output_file_is_a_usage_error(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit("base")
    repo.write("a.txt", "a\n")
    repo.commit("a")
    run = run_cli("check", "--base", base, "--github-output", str(tmp_path / "no" / "out"),
                  cwd=repo.path)
    assert run.code == 2 and "gatekeeper: error: cannot write" in run.stderr


def test_split_words_prints_each_word_and_option_ending_in_nul() -> None:
    env = {"WORDS": "--label 'two words' \"$(touch pwned)\" x\\ y", "PATHS": "a.info 'c d/*.xml'",
           "EMPTY": ""}
    run = run_cli("split-words", "WORDS", "PATHS=--coverage", "EMPTY=--x", "UNSET_VARIABLE",
                  env=env)
    assert run.code == 0, run.stderr
    assert run.stdout.split("\0") == ["--label", "two words", "$(touch pwned)", "x y",
                                      "--coverage", "a.info", "--coverage", "c d/*.xml", ""]
    assert "split-words" not in run_cli("--help").stdout  # for scripts, not for people


def test_split_words_refuses_an_unclosed_quote() -> None:
    run = run_cli("split-words", "WORDS", env={"WORDS": "--label 'open"})
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.strip() == ("gatekeeper: error: cannot split WORDS into words: No closing "
                                  "quotation (fix: close every quote)")


def test_split_words_passes_escape_sequences_through_unchanged() -> None:
    # Printed as text to a pipe, click would strip the ANSI sequence and change the argument.
    run = run_cli("split-words", "WORDS", env={"WORDS": "--label '\x1b[31mred'"})
    assert run.code == 0, run.stderr
    assert run.stdout.split("\0") == ["--label", "\x1b[31mred", ""]
