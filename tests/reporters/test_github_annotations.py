"""GitHub annotations (``--format github``) of real verdicts: locations, order, caps, escaping."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import render_all, renderer
from gatekeeper.reporters.github import (
    PER_JOB,
    PER_STEP,
    Annotation,
    escape_data,
    escape_property,
)
from tests.conftest import Repo
from tests.reporters.test_reports import FAILING, verdict_for

COMMAND = re.compile(r"::(error|warning|notice) ([^:]*)::(.*)")
"""A workflow command as the runner reads it: name, properties up to the first ``::``, data."""


def parse(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Each line of ``text`` as the runner would read it, values unescaped; every line must be
    a command."""
    found = []
    for line in text.splitlines():
        match = COMMAND.fullmatch(line)
        assert match is not None, line
        properties = dict(p.split("=", 1) for p in match.group(2).split(","))
        found.append((match.group(1), {k: unescape(v) for k, v in properties.items()},
                      unescape(match.group(3))))
    return found


def unescape(text: str) -> str:
    """The runner's unescaping of data and properties."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def run(repo: Repo, base: str, policy: str, **options: object) -> Verdict:
    """The verdict of ``policy`` (written to the work tree) on base..HEAD."""
    (repo.path / ".gatekeeper.yml").write_text(policy, encoding="utf-8")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base),
                                  **options))  # type: ignore[arg-type]


def test_escaping_follows_the_workflow_commands_page() -> None:
    assert escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert escape_property("50%\r\nnext: a, b") == "50%25%0D%0Anext%3A a%2C b"
    assert escape_property("%0A") == "%250A"  # an escape in the text stays text


def test_failing_and_warning_rules_are_annotated_errors_first(repo: Repo) -> None:
    verdict = verdict_for(repo, FAILING)
    found = parse(renderer("github")(verdict))
    assert [(kind, props["title"]) for kind, props, _ in found] == [
        ("error", "gatekeeper/lines"), ("warning", "gatekeeper/commits")]
    _, props, message = found[0]
    assert props["file"] == verdict.results[0].files[0].path and "line" not in props
    assert message.startswith("change set too large: effective lines 51 > 40\nfix: ")
    assert found[1][1]["file"] == verdict.results[2].files[0].path


def test_a_rule_without_files_points_at_the_policy_file(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 1\n")
    repo.commit("feat: x")
    verdict = run(repo, base, "rules:\n  - {id: signed, kind: commits, "
                  "required_trailers: [Signed-off-by], severity: warning}\n")
    [(kind, props, message)] = parse(renderer("github")(verdict))
    assert (kind, props["file"], props["title"]) == ("warning", ".gatekeeper.yml",
                                                     "gatekeeper/signed")
    assert "Signed-off-by" in message
    builtin = replace(verdict, policy=replace(verdict.policy, path=None, builtin=True))
    [(_, props, _)] = parse(renderer("github")(builtin))
    assert "file" not in props  # no location: an annotation without a file


def test_passing_waived_and_skipped_rules_are_not_annotated(repo: Repo) -> None:
    verdict = verdict_for(repo, "rules:\n  - {id: big, kind: batch-size, max_files: 100}\n")
    # One line of plain text, which no runner reads as a command.
    assert renderer("github")(verdict) == (
        "gatekeeper: nothing to annotate (no rule failed or warned)\n")
    assert not render_all("github", [], "pre-push").startswith("::")


def test_uncovered_line_ranges_are_annotated_with_lines(repo: Repo, tmp_path: Path) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/a.py", "".join(f"x{i} = {i}\n" for i in range(1, 21)))
    repo.commit("code")
    report = tmp_path / "lcov.info"
    report.write_text("SF:src/a.py\n" + "".join(
        f"DA:{i},{0 if i in (3, 4, 5, 9) else 1}\n" for i in range(1, 21)) + "end_of_record\n",
        encoding="utf-8")
    verdict = run(repo, base, "rules:\n  - {id: tested, kind: patch-coverage, min: 100}\n",
                  coverage=(str(report),))
    found = parse(renderer("github")(verdict))
    assert [(p["file"], p["line"], p["endLine"]) for _, p, _ in found] == [
        ("src/a.py", "3", "5"), ("src/a.py", "9", "9")]
    assert all(kind == "error" and p["title"] == "gatekeeper/tested" for kind, p, _ in found)


def test_caps_keep_the_most_important_and_count_the_rest(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 1\ny = 2\n")
    repo.commit("code")
    rules = [f"  - {{id: n{i}, kind: batch-size, max_files: 0, enforce: false}}"
             for i in range(12)]  # report-only first in the policy: order is by importance
    rules += [f"  - {{id: w{i}, kind: batch-size, max_files: 0, severity: warning}}"
              for i in range(12)]
    rules += [f"  - {{id: e{i}, kind: batch-size, max_files: 0}}" for i in range(15)]
    verdict = run(repo, base, "rules:\n" + "\n".join(rules) + "\n")
    found = parse(renderer("github")(verdict))
    kinds = [kind for kind, _, _ in found]
    assert kinds == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 10
    assert [p["title"] for _, p, _ in found[:10]] == [f"gatekeeper/e{i}" for i in range(10)]
    assert [p["title"] for _, p, _ in found[20:29]] == [f"gatekeeper/n{i}" for i in range(9)]
    assert "report-only" in found[20][2]
    last_props, last = found[-1][1], found[-1][2]
    assert "file" not in last_props and last_props["title"] == "gatekeeper"
    # 39 annotations, 29 shown: 5 errors, 2 warnings and 3 notices left out.
    assert last.startswith("10 more annotations were left out")
    assert "step summary" in last and "JSON report" in last
    assert len(found) <= min(PER_JOB, sum(PER_STEP.values()))


def test_hostile_paths_and_messages_cannot_end_or_start_a_command(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    hostile = "a::error::x, y: 100%\n::warning file=z::b.py"
    repo.write(hostile, "x = 1\n")
    repo.commit("code")
    verdict = run(repo, base, "rules:\n  - {id: one, kind: batch-size, max_files: 0}\n")
    assert verdict.results[0].files[0].path == hostile
    text = renderer("github")(verdict)
    assert text.count("\n") == 1 and text.startswith("::error file=a%3A%3Aerror%3A%3Ax%2C y%3A ")
    [(kind, props, _)] = parse(text)
    assert (kind, props["file"]) == ("error", hostile)  # the runner reads the real path back
    message = "fail\r\n::error::injected 100% %0A\x1b[31m\u2028" + "long " * 2000
    result = replace(verdict.results[0], message=message, remediation="split it,\nplease")
    text = renderer("github")(replace(verdict, results=(result,)))
    assert text.count("\n") == 1 and "\n::error::injected" not in text
    [(_, _, shown)] = parse(text)
    assert shown.startswith("fail\\r\\n::error::injected 100% %0A\\x1b[31m\\u2028long")
    assert shown.endswith(" ... (cut: the JSON report has it all)") and len(shown) < 4100
    result = replace(result, message="fine: 100%, done")
    [(_, _, shown)] = parse(renderer("github")(replace(verdict, results=(result,))))
    assert shown == "fine: 100%, done\nfix: split it,\\nplease"


def test_a_path_with_other_control_characters_is_named_in_the_message(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("odd\x1b[2Jname\t.py", "x = 1\n")
    repo.commit("code")
    verdict = run(repo, base, "rules:\n  - {id: one, kind: batch-size, max_files: 0}\n")
    [(_, props, message)] = parse(renderer("github")(verdict))
    assert "file" not in props and "in odd\\x1b[2Jname\\t.py" in message
    assert "\x1b" not in renderer("github")(verdict)


def test_very_long_paths_stay_one_command() -> None:
    path = "d/" * 2000 + "f,:%.py"
    line = Annotation("warning", "gatekeeper/x", "m", path, 3, 4).command()
    [(kind, props, message)] = parse(line)
    assert (kind, props["file"], props["line"], props["endLine"], message) == (
        "warning", path, "3", "4", "m")
