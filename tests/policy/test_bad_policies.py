"""Bad policy files through the real CLI: one `file:line:col: message` line on stderr, exit 2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE
from gatekeeper.policy import document, loader
from tests.conftest import Repo, RunResult, run_cli

SYNTAX_HINT = "(fix: fix the YAML syntax at that position)"


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    files: dict[str, str]
    """The files to write; the first is the one given to the command."""
    stderr: str
    """The one line expected on stderr; a trailing ``...`` matches any rest of the line."""

    @property
    def main(self) -> str:
        """The file given to the command."""
        return next(iter(self.files))


CASES = {
    "yaml-syntax": Case(
        {"bad.yml": "version: 1\nrules:\n  - id: a\n    kind: batch-size\n"
                    "   severity: warning\n"},
        "bad.yml:5:4: YAML syntax error: expected <block end>, but found "
        "'<block mapping start>' (while parsing a block collection that starts at line 3, "
        f"column 3) {SYNTAX_HINT}"),
    "yaml-unclosed-flow": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n    exclude: [docs/**\n"},
        "bad.yml:5:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
        f"(while parsing a flow sequence that starts at line 4, column 14) {SYNTAX_HINT}"),
    "wrong-type": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n    max_files: lots\n"},
        "bad.yml:4:16: rules.0.max_files: Input should be a valid integer, unable to parse "
        "string as an integer"),
    "unknown-top-level-key": Case(
        {"bad.yml": "version: 1\nrulez: []\n"},
        "bad.yml:2:1: unknown key 'rulez' (fix: did you mean 'rules'?)"),
    "unknown-key-in-a-condition": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n    when:\n"
                    "      any:\n        - labels: big\n        - pahts: ['src/**']\n"},
        "bad.yml:7:11: unknown key 'pahts' (fix: did you mean 'paths'?)"),
    "unknown-key-in-an-exception": Case(
        {"bad.yml": "rules:\n  - {id: a, kind: batch-size}\nexceptions:\n"
                    "  - rules: a\n    reason: r\n    expires: 2030-01-01\n"},
        "bad.yml:4:5: unknown key 'rules' (fix: did you mean 'rule'?)"),
    "unknown-key-in-a-classification-spec": Case(
        {"bad.yml": "classification:\n  docs:\n    includes: [handbook/**]\n"},
        "bad.yml:3:5: unknown key 'includes' (fix: did you mean 'include'?)"),
    "misspelt-severity": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n    severity: warn\n"},
        "bad.yml:4:15: rules.0.severity: Input should be 'error', 'warning' or 'notice' "
        "(fix: did you mean 'warning'?)"),
    "null-in-a-branch-list": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n"
                    "    when: {target_branch: [null]}\n"},
        "bad.yml:4:28: rules.0.when.target_branch.0: Input should be a valid string"),
    "unknown-rule-kind": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-sise\n"},
        "bad.yml:3:11: unknown rule kind 'batch-sise' (fix: did you mean 'batch-size'?)"),
    "duplicate-rule-id": Case(
        {"bad.yml": "rules:\n  - id: same\n    kind: batch-size\n  - kind: batch-size\n"
                    "    id: same\n"},
        "bad.yml:5:9: duplicate rule id 'same' (fix: give each rule its own id)"),
    "invalid-glob": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: batch-size\n    exclude:\n"
                    "      - docs/**\n      - src/[abc\n"},
        "bad.yml:6:9: rules.0.exclude.1: unclosed '[' in glob 'src/[abc'"),
    "invalid-regex": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: commits\n    subject_pattern: '(feat|fix'\n"},
        "bad.yml:4:22: rules.0.subject_pattern: invalid regular expression '(feat|fix': ..."),
    "regex-repeat-too-large": Case(
        {"bad.yml": "rules:\n  - id: a\n    kind: commits\n"
                    "    subject_pattern: 'a{99999999999}'\n"},
        "bad.yml:4:22: rules.0.subject_pattern: invalid regular expression 'a{99999999999}': "
        "the repetition number is too large"),
    "circular-extends": Case(
        {"a.yml": "extends: b.yml\n", "b.yml": "version: 1\nextends:\n  - a.yml\n"},
        "b.yml:3:5: circular extends: a.yml -> b.yml -> a.yml "
        "(fix: remove one of the extends in the cycle)"),
    "extends-missing-file": Case(
        {"main.yml": "extends:\n  - gatekeeper:default\n  - shared/nothere.yml\n"},
        "main.yml:3:5: extends: cannot find 'shared/nothere.yml' (fix: give a path relative "
        "to this file, or a built-in pack such as gatekeeper:recommended)"),
    "alias-bomb": Case(
        {"bomb.yml": _alias_bomb()},
        # The expansion overflows inside the first alias on line 5 (e: &e [*d, ...]).
        f"bomb.yml:5:8: the document expands to more than {document.MAX_NODES} values (YAML "
        "alias bomb?) (fix: write the values out instead of nesting aliases)"),
    "recursive-alias": Case(
        {"loop.yml": "rules: &r\n  - *r\n"},
        f"loop.yml:2:5: values nest deeper than {document.MAX_NESTING} levels (a recursive "
        "alias?) (fix: flatten the structure; policies need only a few levels)"),
    "impossible-date": Case(
        {"bad.yml": "rules:\n  - {id: a, kind: batch-size}\nexceptions:\n"
                    "  - {rule: a, reason: r, expires: 2030-02-30}\n"},
        "bad.yml:4:35: cannot read '2030-02-30' as timestamp: day is out of range for month "
        "(fix: quote the value to keep it as text, or correct it)"),
    "control-character": Case(
        {"bad.yml": "version: 1\nrules: []\x01\n"},
        "bad.yml:2:10: YAML error: unacceptable character #x0001 "
        "(fix: remove control characters from the file)"),
}


def assert_one_line_error(result: RunResult, expected: str) -> None:
    """Asserts ``result`` is a usage error whose one line is ``expected``."""
    assert result.code == EXIT_USAGE, (result.code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr[:-1]
    if expected.endswith("..."):
        assert line.startswith(expected[:-3]), line
    else:
        assert line == expected


def write_case(root: Path, case: Case) -> None:
    """Writes the files of ``case`` under ``root``."""
    for name, text in case.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_validate_reports_one_located_line(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    write_case(tmp_path, case)
    assert_one_line_error(run_cli("validate", case.main, cwd=tmp_path), case.stderr)


def _feature_repo(repo: Repo) -> str:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("src/app.py", "print('hi')\n")
    repo.commit("feature")
    return base


@pytest.mark.parametrize("name", ["unknown-rule-kind", "circular-extends", "alias-bomb",
                                  "wrong-type"])
def test_check_with_a_bad_policy_reports_the_same_line(name: str, repo: Repo) -> None:
    base = _feature_repo(repo)
    case = CASES[name]
    write_case(repo.path, case)
    result = run_cli("check", "--base", base, "--policy", case.main, cwd=repo.path)
    assert_one_line_error(result, case.stderr)


def test_check_reports_a_bad_repository_policy_it_extends(repo: Repo) -> None:
    base = _feature_repo(repo)
    repo.write(".gatekeeper.yml", "extends: ci/base.yml\n")
    repo.write("ci/base.yml", "rules:\n  - id: a\n    kind: batch-size\n    max_fils: 1\n")
    result = run_cli("check", "--base", base, cwd=repo.path)
    assert_one_line_error(result, "ci/base.yml:4:5: unknown key 'max_fils' "
                                  "(fix: did you mean 'max_files'?)")


def test_validate_a_good_policy_says_ok(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.yml").write_text(
        "extends: gatekeeper:default\nrules:\n  - {id: mine, kind: batch-size, max_files: 3}\n",
        encoding="utf-8")
    (tmp_path / loader.POLICY_FILENAME).write_text(
        "extends: shared/base.yml\nexceptions:\n"
        "  - {rule: mine, reason: migration, expires: 2030-01-01}\n", encoding="utf-8")
    pack_rules = len(loader.load_file(loader.builtin_policy_dir() / "default.yml").rules)

    result = run_cli("validate", cwd=tmp_path)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == (
        f".gatekeeper.yml: ok, {pack_rules + 1} rules, 1 exceptions (built from "
        "gatekeeper:default, shared/base.yml, .gatekeeper.yml)\n")

    result = run_cli("validate", "shared/base.yml", loader.POLICY_FILENAME, cwd=tmp_path)
    assert result.code == 0
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "shared/base.yml", ".gatekeeper.yml"]
    assert all(": ok, " in line for line in result.stdout.splitlines())


def test_validate_stops_at_the_first_bad_file_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text("rules: []\nallow_no_rules: true\n", encoding="utf-8")
    (tmp_path / "bad.yml").write_text("rules: {}\n", encoding="utf-8")
    result = run_cli("validate", "good.yml", "bad.yml", cwd=tmp_path)
    assert result.code == EXIT_USAGE
    assert result.stdout == "good.yml: ok, 0 rules, 0 exceptions\n"
    assert result.stderr == "bad.yml:1:8: rules: Input should be a valid list\n"


def test_validate_without_a_policy_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.code == EXIT_USAGE and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("gatekeeper: error: no .gatekeeper.yml here (fix: ")


@pytest.mark.parametrize("path", ["missing.yml", "a-folder", "x" * 5000])
def test_validate_of_a_path_that_is_not_a_file(path: str, tmp_path: Path) -> None:
    (tmp_path / "a-folder").mkdir()
    result = run_cli("validate", path, cwd=tmp_path)
    assert_one_line_error(result, f"{path}: cannot read policy: no such file ...")
