"""The console report of real verdicts: colour only around gatekeeper's own words, passing rules
on one line, and the quiet and verbose levels."""

from __future__ import annotations

import re

import click

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import console, explain, render_all
from tests.conftest import Repo

TRIGGERS = ", ".join(f"area{i}/**" for i in range(12))
SECRETS = ", ".join(f"'*.secret{i}'" for i in range(12))
POLICY = f"""
rules:
  - {{id: lines, kind: batch-size, max_effective_lines: 10}}
  - {{id: commits, kind: batch-size, max_commits: 0, severity: warning}}
  - {{id: rolling-out, kind: batch-size, max_files: 1, enforce: false}}
  - {{id: files, kind: batch-size, max_files: 50}}
  - {{id: no-secrets, kind: forbidden-paths, paths: [{SECRETS}]}}
  - {{id: changelog, kind: companion-change, paths: [{TRIGGERS}], require: CHANGES.md}}
"""
ANSI = re.compile("\x1b\\[[0-9;]*m")
HOSTILE = "src/evil\x1b[31mgatekeeper: PASS.py"


def verdict_for(repo: Repo, policy: str = POLICY) -> Verdict:
    """The verdict of ``policy`` on a change of 30 lines in two files, one with an ANSI colour
    sequence in its name."""
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/app.py", "".join(f"x{i} = {i}\n" for i in range(29)))
    repo.write(HOSTILE, "y = 1\n")
    (repo.path / ".gatekeeper.yml").write_text(policy, encoding="utf-8")
    repo.commit("feat: add things")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base)))


def rule_line(text: str, rule_id: str) -> str:
    """The first line of ``text`` about the rule ``rule_id``."""
    return next(line for line in text.splitlines() if f"  {rule_id} [" in line)


def test_without_colour_there_is_no_escape_sequence(repo: Repo) -> None:
    text = console.render(verdict_for(repo))
    assert "\x1b" not in text
    assert text.startswith("gatekeeper: FAIL - 1 of 6 rules failed\n")
    assert "\\x1b[31mgatekeeper: PASS.py" in text  # the hostile path, shown escaped


def test_colour_marks_each_status_word_and_the_headline(repo: Repo) -> None:
    verdict = verdict_for(repo)
    text = console.render(verdict, colour=True)
    assert text.startswith(click.style("gatekeeper: FAIL - 1 of 6 rules failed", fg="red",
                                       bold=True) + "\n")
    assert rule_line(text, "lines").startswith(click.style("FAIL", fg="red") + "  lines [")
    assert rule_line(text, "commits").startswith(click.style("WARN", fg="yellow") + "  ")
    assert rule_line(text, "rolling-out").startswith(
        click.style("FAIL (report-only)", fg="yellow") + "  ")
    assert rule_line(text, "files").startswith(click.style("PASS", fg="green") + "  ")
    assert click.unstyle(text) == console.render(verdict)  # colour adds escapes, nothing else


def test_a_passing_verdict_has_a_green_headline(repo: Repo) -> None:
    verdict = verdict_for(repo, "rules:\n  - {id: files, kind: batch-size, max_files: 9}\n")
    assert console.render(verdict, colour=True).startswith(
        click.style("gatekeeper: PASS - 1 rules checked", fg="green", bold=True) + "\n")


def test_escape_sequences_are_only_around_our_own_words(repo: Repo) -> None:
    """A path holding ``\\x1b[31m`` stays escaped; every sequence in the report opens or closes
    a status word or the headline."""
    text = console.render(verdict_for(repo), colour=True)
    ours = {click.style(word, fg=colour) for word, colour in (
        ("FAIL", "red"), ("WARN", "yellow"), ("FAIL (report-only)", "yellow"),
        ("PASS", "green"))}
    ours.add(click.style("gatekeeper: FAIL - 1 of 6 rules failed", fg="red", bold=True))
    rest = text
    for styled in ours:
        rest = rest.replace(styled, "")
    assert "\x1b" not in rest
    assert "\\x1b[31mgatekeeper: PASS.py" in text
    hostile = [line for line in text.splitlines() if "evil" in line]
    assert hostile and not any(ANSI.search(line) for line in hostile)


def test_a_passing_rule_takes_one_line_without_its_globs(repo: Repo) -> None:
    text = console.render(verdict_for(repo))
    lines = text.splitlines()
    assert rule_line(text, "no-secrets") == "PASS  no-secrets [error]  forbidden files 0 <= 0"
    assert rule_line(text, "changelog") == \
        "PASS  changelog [error]  nothing matched the trigger ..."
    assert "secret3" not in text and "area3/**" not in text
    for rule_id in ("no-secrets", "changelog", "files"):
        at = lines.index(rule_line(text, rule_id))
        assert not "".join(lines[at + 1:at + 2]).startswith(" "), rule_id  # nothing under it
    assert all(len(line) <= console.PASS_WIDTH for line in lines if line.startswith("PASS"))
    # A failing rule keeps its files and fix.
    assert "      src/app.py (+29 -0)" in text and "      fix: " in text


def test_a_short_passing_message_is_kept(repo: Repo) -> None:
    text = console.render(verdict_for(repo))
    assert rule_line(text, "files") == \
        "PASS  files [error]  38 effective lines in 3 files, 1 commits"


def test_quiet_keeps_the_headline_and_the_failures(repo: Repo) -> None:
    verdict = verdict_for(repo)
    text = console.render(verdict, level="quiet")
    lines = text.splitlines()
    assert lines[0] == "gatekeeper: FAIL - 1 of 6 rules failed"
    assert [line.split("  ")[1] for line in lines if not line.startswith((" ", "gate"))] == \
        ["lines [error]", "rolling-out [error]"]
    assert "      fix: split out" in text and "      src/app.py (+29 -0)" in text
    assert "compared:" not in text and "PASS  " not in text and "WARN" not in text
    coloured = console.render(verdict, level="quiet", colour=True)
    assert click.unstyle(coloured) == text and coloured.startswith("\x1b[31m")


def test_verbose_is_the_headline_then_the_explain_report(repo: Repo) -> None:
    verdict = verdict_for(repo)
    text = console.render(verdict, level="verbose")
    headline, rest = text.split("\n", 1)
    assert headline == "gatekeeper: FAIL - 1 of 6 rules failed"
    assert rest == explain.render(verdict)
    assert "area3/**" in text  # explain lists everything, globs included


def test_several_verdicts_are_rendered_with_the_given_options(repo: Repo) -> None:
    verdict = verdict_for(repo)
    text = render_all("console", [verdict, verdict], "push",
                      lambda v: console.render(v, level="quiet"))
    assert text.count("gatekeeper: FAIL") == 2 and "compared:" not in text
    assert render_all("console", [verdict], "push") == console.render(verdict)


def test_a_long_passing_message_gives_way_to_the_check_nearest_its_limit() -> None:
    from gatekeeper.evaluation.verdict import RuleResult
    from gatekeeper.rules.findings import Check, Severity, Status

    long = "x " * 80
    checks = (Check("lines", 10, 400), Check("files", 14, 15), Check("coverage", 90, 80,
                                                                      floor=True))
    result = RuleResult("size", "batch-size", Severity.ERROR, Status.PASS, long, checks=checks)
    assert console._result(result, False) == ["PASS  size [error]  files 14 <= 15"]
    plain = RuleResult("size", "batch-size", Severity.ERROR, Status.PASS, "word " * 40)
    line, = console._result(plain, False)
    assert len(line) <= console.PASS_WIDTH and line.endswith(" word ...")
    assert console._result(RuleResult("r", "k", Severity.ERROR, Status.PASS, "a, b"),
                           False) == ["PASS  r [error]  a, b"]
