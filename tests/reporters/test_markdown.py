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
    lines = [f"- `{i}`: " + "y" * 500 for i in range(3000)]  # 1.5 MB
    text = markdown._cap(lines, markdown.MAX_BYTES)
    assert markdown.MAX_BYTES - 600 < len(text.encode("utf-8")) < 1 << 20  # GitHub's 1 MiB
    assert text.rstrip().endswith("_The summary was cut short; the JSON report has everything._")


RICH_POLICY = """
version: 1
extends: gatekeeper:ai-aware
flags:
  presets: launchdarkly
ai:
  spot_check: {percent: 100, salt: team-a}
review:
  tiers:
    - {name: light, approvals: 1}
    - {name: deep, approvals: 2, owners: "@org/security"}
  rules:
    - {id: code, tier: deep, when: {not: {only_classes: docs}}, reason: code changed}
rules:
  - {id: guard, kind: flag-guard, paths: "src/**", added_over: 1}
  - {id: tested, kind: patch-coverage, min: 90}
  - {id: legacy, kind: forbidden-paths, paths: ["legacy/**"]}
  - {id: raw, kind: batch-size, max_raw_lines: 1, waivers: {trailer: true}}
exceptions:
  - {rule: legacy, paths: ["legacy/**"], reason: "legacy/ goes in the rewrite", expires: 2099-01-01}
"""
FLAGGED = "src/pay `x` <b>[l](https:evil.example) @octo.py"
OLD_FLAG = 'import ldclient\nc = ldclient.get()\nif c.variation("old-flag", u, False):\n    pass\n'
NEW_FLAG = ('import ldclient\nc = ldclient.get()\nif c.variation("new-checkout", u, False):\n'
            "    x = 1\n    y = 2\n")


def rich(repo: Repo, tmp_path: Path, extra_files: int = 0) -> Verdict:
    """A verdict with a review tier, coverage, AI evidence, flags, a waiver and an exception;
    ``extra_files`` more files, each with an uncovered changed line."""
    (repo.path / ".gatekeeper.yml").write_text(RICH_POLICY, encoding="utf-8")
    repo.write(FLAGGED, OLD_FLAG)
    base = repo.commit("base")
    repo.write(FLAGGED, NEW_FLAG)
    repo.write("legacy/old.py", "z = 1\n")
    lcov = [f"SF:{FLAGGED}\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nDA:5,0\nend_of_record\n"]
    for i in range(extra_files):
        repo.write(f"src/many/m{i:04}.py", f"v = {i}\n")
        lcov.append(f"SF:src/many/m{i:04}.py\nDA:1,0\nend_of_record\n")
    repo.commit("feat: new checkout\n\nGatekeeper-Waive: raw: a one-off import\n"
                "Co-authored-by: Claude <noreply@anthropic.com>")
    report = tmp_path / "lcov.info"
    report.write_text("".join(lcov), encoding="utf-8")
    return run_check(CheckOptions(repo_path=str(repo.path), request=Request(base=base),
                                  coverage=(str(report),)))


def section(text: str, title: str) -> list[str]:
    """The list entries under ``**title**``, up to the next blank line."""
    after = text.split(f"\n**{title}**\n\n", 1)[1]
    return after.split("\n\n", 1)[0].splitlines()


def test_every_section_the_console_shows(repo: Repo, tmp_path: Path) -> None:
    text = markdown.render(rich(repo, tmp_path))
    review = section(text, "Review")
    assert review[0] == "- `tier 2 deep (2 approvals; from @org/security)`"
    assert any("because code: raises to deep (code changed; when: " in line for line in review)
    assert "- `request review from @org/security`" in review
    coverage = section(text, "Coverage")
    assert coverage[0] == "- `patch 33.33% (1 of 3 changed lines); total 60.00%`"
    assert "- `1 changed files are not in any report: legacy/old.py`" in coverage
    assert section(text, "Uncovered changed lines") == [
        "- ``src/pay `x` <b>[l](https:evil.example) @octo.py:4-5`` "
        "(2 of 3 coverable changed lines not run)"]
    ai = section(text, "AI evidence")
    assert ai[0].startswith("- `co-authored (claude-code); 1 piece of evidence, in 1 of 1 commits")
    assert any(line.startswith("- `spot check picked: ") for line in ai)
    assert any("evidence: commit " in line and "Co-authored-by: Claude" in line for line in ai)
    flags = section(text, "Feature flags")
    assert flags[:2] == ["- `1 key(s) referenced in added lines of 1 file(s): new-checkout`",
                         "- `cleanups: old-flag`"]
    assert flags[2].endswith(": `added lines reference new-checkout; new to the change: "
                             "new-checkout; cleans up old-flag`")
    waivers = section(text, "Waivers and exceptions")
    assert any(line.startswith("- `raw`: `waived by trailer in ") and
               line.endswith(": a one-off import`") for line in waivers)
    assert any("exception for legacy/** until 2099-01-01" in line for line in waivers)
    parsed = outside_code(text)
    for markup in ("<b>", "](https:", "@octo"):
        assert markup not in parsed, markup


def test_sections_appear_only_with_their_data(repo: Repo) -> None:
    text = markdown.render(checked(repo, path="src/app.py"))
    for title in ("Review", "Coverage", "Uncovered changed lines", "AI evidence",
                  "Feature flags"):
        assert f"**{title}**" not in text, title


def test_a_large_summary_cuts_its_longest_list_first(repo: Repo, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = rich(repo, tmp_path, extra_files=150)
    whole = markdown.render(verdict)
    assert len(section(whole, "Uncovered changed lines")) == 151
    text = markdown.render(verdict, limit=12_000)
    assert len(text.encode("utf-8")) <= 12_000
    uncovered = section(text, "Uncovered changed lines")
    assert 1 < len(uncovered) < 151
    assert uncovered[-1] == f"- _… and {151 - len(uncovered) + 1} more, cut to fit_"
    # The short lists stay whole; the note says what was cut and where everything is.
    assert section(text, "Review") == section(whole, "Review")
    assert section(text, "Feature flags") == section(whole, "Feature flags")
    assert text.rstrip().endswith(
        f"_The summary was cut to fit: Uncovered changed lines ({len(uncovered) - 1} of 151 "
        "shown). The JSON report has everything._")


def test_several_large_summaries_are_cut_together(repo: Repo, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = rich(repo, tmp_path, extra_files=150)
    monkeypatch.setattr(markdown, "MAX_BYTES", 20_000)
    text = render_all("markdown", [verdict, verdict], "two checks")
    assert len(text.encode("utf-8")) <= 20_000
    assert text.count("**Uncovered changed lines**") == 2 and text.count("**Review**") == 2
    note = text.rstrip().splitlines()[-1]
    assert note.count("Uncovered changed lines (") == 2 and "JSON report has everything" in note
