"""The Markdown report: real verdicts, the same text from `check --markdown`, and escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gatekeeper.context import Request
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.pipeline import CheckOptions, run_check
from gatekeeper.reporters import markdown, render_all, renderer
from tests.conftest import Repo, run_cli

POLICY = """
rules:
  - {id: lines, kind: batch-size, max_effective_lines: 10}
  - {id: files, kind: batch-size, max_files: 1, enforce: false}
  - {id: legacy, kind: forbidden-paths, paths: ["legacy/**"]}
  - {id: commits, kind: batch-size, max_commits: 5, severity: warning}
exceptions:
  - {rule: legacy, paths: ["legacy/**"], reason: "legacy/ goes in the rewrite", expires: 2099-01-01}
"""
HOSTILE_PATH = "src/a|b `c` <img src=x> [l](https://evil.example) @octo #1.py"


def checked(repo: Repo, policy: str = POLICY, path: str = HOSTILE_PATH) -> Verdict:
    """The verdict of ``policy`` on a change adding ``path`` and legacy/old.py."""
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write(path, "".join(f"x{i} = {i}\n" for i in range(12)))
    repo.write("legacy/old.py", "y = 1\n")
    repo.commit("feat: things")
    (repo.path / ".gatekeeper.yml").write_text(policy, encoding="utf-8")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base)))


def outside_code(text: str) -> str:
    """What a Markdown renderer parses: the text with every code span taken out."""
    return re.sub(r"(`+)(.+?)\1", "", text)


def test_a_failing_verdict(repo: Repo) -> None:
    text = renderer("markdown")(checked(repo, path="src/app.py"))
    lines = text.splitlines()
    assert lines[0] == "### ❌ gatekeeper: FAIL — 1 of 4 rules failed"
    assert "| status | rule | message |" in lines and "| --- | --- | --- |" in lines
    assert "| ❌ FAIL | `lines` | `change set too large: effective lines 13 > 10` |" in lines
    assert any(line.startswith("| ⚠️ FAIL (report-only) | `files` |") for line in lines)
    assert any(line.startswith("| 🛡️ EXCEPTED | `legacy` |") for line in lines)
    assert any(line.startswith("| ✅ PASS | `commits` |") for line in lines)
    fixes = text.split("**How to fix**", 1)[1].split("**Waivers", 1)[0]
    assert "- `lines`: `split out" in fixes and "- `files`:" in fixes
    notes = text.split("**Waivers and exceptions**", 1)[1]
    assert "- `legacy`: `exception for legacy/** until 2099-01-01 (1 files set aside): " \
           "legacy/ goes in the rewrite`" in notes
    assert "**Change:** `raw 2 files, +13 -0; effective 2 files, +13 -0`" in text


def test_text_from_the_change_cannot_become_markup(repo: Repo) -> None:
    text = renderer("markdown")(checked(repo, path=HOSTILE_PATH))
    parsed = outside_code(text)
    for markup in ("<img", "](https://", "@octo", "#1", "|b"):
        assert markup not in parsed, markup
    for row in (line for line in text.splitlines() if line.startswith("| ")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row  # three cells, no more


def test_check_writes_the_same_summary_with_markdown(repo: Repo, tmp_path: Path) -> None:
    verdict = checked(repo)
    summary = tmp_path / "summary.md"
    run = run_cli("check", "--base", repo.git("rev-parse", "HEAD~1"), "--markdown", str(summary),
                  cwd=repo.path)
    assert run.code == 1, run.stderr
    assert summary.read_text(encoding="utf-8") == markdown.render(verdict)


def test_several_verdicts_and_none(repo: Repo) -> None:
    verdict = checked(repo)
    assert markdown.render_many([], "pre-push of 2 refs").startswith(
        "### ✅ gatekeeper: PASS — nothing to check (`pre-push of 2 refs`: no changes to check)")
    text = render_all("markdown", [verdict, verdict], "two checks")
    assert text.startswith("### ❌ gatekeeper: FAIL — 2 of 2 checks failed")
    assert text.count("#### ") == 2


def test_an_empty_change_passes_with_nothing_to_check(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("only")
    verdict = run_check(CheckOptions(repo_path=str(repo.path), request=Request(base="HEAD")))
    text = markdown.render(verdict)
    assert text.startswith("### ✅ gatekeeper: PASS — nothing to check")


@pytest.mark.parametrize(("text", "table", "expected"), [
    ("plain", False, "`plain`"),
    ("a `tick` b", False, "``a `tick` b``"),
    ("`edge``", False, "``` `edge`` ```"),
    ("a | b", True, "`a \u2223 b`"),
    ("a | b", False, "`a | b`"),
    ("line\nbreak\r\tand tab", False, "`line\\nbreak\\r\\tand tab`"),
    ("bidi \u202e evil \x1b[31m", False, "`bidi \\u202e evil \\x1b[31m`"),
    ("", False, "_(empty)_"),
    ("   ", False, "_(empty)_"),
])
def test_code_spans(text: str, table: bool, expected: str) -> None:
    assert markdown.code(text, table=table) == expected


def test_long_text_is_cut() -> None:
    assert markdown.code("x" * 1000) == "`" + "x" * (markdown.CELL_CHARS - 1) + "…`"


def test_the_summary_fits_in_a_step_summary() -> None:
    lines = [f"- `{i}`: " + "y" * 500 for i in range(1000)]
    text = markdown._cap(lines)
    assert len(text.encode("utf-8")) <= markdown.MAX_BYTES + 100
    assert text.rstrip().endswith("_The summary was cut short; the JSON report has everything._")
