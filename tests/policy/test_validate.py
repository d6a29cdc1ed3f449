"""``gatekeeper validate`` lists every error of every file it is given, each as
``file:line:col: message (fix: ...)``, and exits 2; a run that loads a policy still stops at
the first error and says how many more there are."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.errors import EXIT_USAGE
from tests.conftest import make_repo, run_cli

THREE_ERRORS = """\
version: 1
rules:
  - id: small
    kind: batch-size
    max_fils: 3
  - id: typed
    kind: batch-size
    max_files: lots
  - id: changelog
    kind: companion-change
    paths: src/**
    require: CHANGES.md
    severity: eror
"""
GOOD = "rules:\n  - {id: ok, kind: batch-size, max_files: 3}\n"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def located(stderr: str) -> list[tuple[str, int, int, str]]:
    """The located error lines of ``stderr``: file, line, column and the rest."""
    found = []
    for text in stderr.splitlines():
        match = LOCATED.match(text)
        if match:
            found.append((match["file"], int(match["line"]), int(match["col"]),
                          match["message"]))
    return found


def test_a_file_with_three_errors_gives_three_located_lines(tmp_path: Path) -> None:
    (tmp_path / "team.yml").write_text(THREE_ERRORS, encoding="utf-8")
    result = run_cli("validate", "team.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    lines = located(result.stderr)
    assert [(f, line, col) for f, line, col, _ in lines] == [
        ("team.yml", 5, 5), ("team.yml", 8, 16), ("team.yml", 13, 15)]
    assert "unknown key 'max_fils' (fix: did you mean 'max_files'?)" in lines[0][3]
    assert "max_files" in lines[1][3] and "integer" in lines[1][3]
    assert "(fix: did you mean 'error'?)" in lines[2][3]
    assert "more)" not in result.stderr  # each error has its line: none is summed up
    assert len(result.stderr.splitlines()) == 3
    assert result.stdout == ""


def test_two_bad_files_give_the_errors_of_both(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(THREE_ERRORS, encoding="utf-8")
    (tmp_path / "b.yml").write_text(
        "rules:\n  - {id: x, kind: nope}\n  - {id: x, kind: batch-size, max_files: 1}\n",
        encoding="utf-8")
    result = run_cli("validate", "a.yml", "b.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    where = [(f, line, col) for f, line, col, _ in located(result.stderr)]
    assert where[:3] == [("a.yml", 5, 5), ("a.yml", 8, 16), ("a.yml", 13, 15)]
    # The repeated id and the unknown kind are both said, each where it was written.
    assert sorted(where[3:]) == [("b.yml", 2, 19), ("b.yml", 3, 10)]
    assert "duplicate rule id 'x'" in result.stderr
    assert "unknown rule kind 'nope'" in result.stderr
    assert len(result.stderr.splitlines()) == 5


def test_a_good_and_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.yml").write_text("rules: [{id: r, kind: batch-size, max_files: -1}]\n",
                                      encoding="utf-8")
    result = run_cli("validate", "bad.yml", "good.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    assert result.stdout == "good.yml: ok, 1 rules, 0 exceptions\n"
    lines = located(result.stderr)
    assert len(lines) == 1 and lines[0][:3] == ("bad.yml", 1, 46)
    assert len(result.stderr.splitlines()) == 1


def test_errors_found_after_loading_and_in_parsing_are_listed_per_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("rules: [\n", encoding="utf-8")
    (tmp_path / "missing.yml").write_text("extends: gatekeeper:recomended\n", encoding="utf-8")
    result = run_cli("validate", "broken.yml", "missing.yml", "absent.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    files = [f for f, *_ in located(result.stderr)]
    assert files == ["broken.yml", "missing.yml"]
    assert "did you mean 'gatekeeper:recommended'?" in result.stderr
    assert "absent.yml: cannot read policy: no such file" in result.stderr
    assert len(result.stderr.splitlines()) == 3


def test_all_good_files_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yml").write_text("extends: a.yml\n", encoding="utf-8")
    result = run_cli("validate", "a.yml", "b.yml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "a.yml: ok, 1 rules, 0 exceptions",
        "b.yml: ok, 1 rules, 0 exceptions (built from a.yml, b.yml)"]
    assert result.stderr == ""


def test_hostile_text_in_an_error_stays_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(
        'rules: [{id: r, kind: batch-size, max_files: 1, "x\\nPASS: forged": 1}]\n'
        'version: 2\n', encoding="utf-8")
    result = run_cli("validate", "p.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    assert len(located(result.stderr)) == 2
    assert not any(line.startswith("PASS") for line in result.stderr.splitlines())


def test_check_still_stops_at_the_first_error(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    work.write("README.md", "hi\n")
    work.commit("base")
    (tmp_path / "team.yml").write_text(THREE_ERRORS, encoding="utf-8")
    result = run_cli("check", "--policy", str(tmp_path / "team.yml"), cwd=work.path)
    assert result.code == EXIT_USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(":5:5: unknown key 'max_fils' (and 2 more) "
                             "(fix: did you mean 'max_files'?)")


COMPOSED_ERRORS = """\
version: 1
extends: gatekeeper:recommended
disable: [no-secret]
ai:
  disable_markers: [not-a-marker]
rules:
  - {id: small, kind: batch-size, max_files: 3}
exceptions:
  - {rule: smal, reason: legacy, expires: 2099-01-01}
"""


def test_names_that_point_at_nothing_are_all_listed(tmp_path: Path) -> None:
    make_repo(tmp_path).commit("empty")
    (tmp_path / "policy.yml").write_text(COMPOSED_ERRORS, encoding="utf-8")
    result = run_cli("validate", "policy.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    found = located(result.stderr)
    assert [(line, col) for _, line, col, _ in found] == [(3, 11), (5, 21), (9, 12)]
    messages = [message for _, _, _, message in found]
    assert messages[0].startswith("disable: no inherited rule 'no-secret' (fix: did you mean")
    assert messages[1].startswith("ai.disable_markers: no built-in marker 'not-a-marker'")
    assert messages[2].startswith("exception for unknown rule 'smal' (fix: did you mean 'small'")
    check = run_cli("check", "--base", "HEAD", "--policy", "policy.yml", cwd=tmp_path)
    assert check.code == EXIT_USAGE and "(and 2 more)" in check.stderr


def test_a_missing_key_says_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "policy.yml").write_text("version: 1\nrules:\n  - {id: c, kind: forbidden-paths}\n",
                                         encoding="utf-8")
    result = run_cli("validate", "policy.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    assert located(result.stderr) == [("policy.yml", 3, 5, "rules.0.paths: Field required (fix: "
                                       "add paths; `gatekeeper schema` says what it takes)")]
