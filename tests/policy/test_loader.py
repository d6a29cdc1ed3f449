"""Policy files: valid ones load, bad ones fail with file:line:col and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE, PolicyError
from gatekeeper.policy import loader, resolver
from gatekeeper.rules.batch_size import Config as BatchSize


def write(tmp_path: Path, text: str) -> Path:
    """Writes ``text`` as .gatekeeper.yml; its path."""
    path = tmp_path / ".gatekeeper.yml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> PolicyError:
    """The usage error loading the policy ``text`` raises."""
    with pytest.raises(PolicyError) as info:
        loader.load_file(write(tmp_path, text), ".gatekeeper.yml")
    assert info.value.exit_code == EXIT_USAGE
    return info.value


def test_valid_policy_loads_rules_and_classification(tmp_path: Path) -> None:
    policy = loader.load_file(write(tmp_path, """
version: 1
classification:
  generated: ["**/*.pb.go"]
  docs: {include: ["handbook/**"], builtin: false}
rules:
  - id: small
    kind: batch-size
    max_effective_lines: 150
    max_files: 10
    max_commits: 3
    exclude: ["docs/**"]
    severity: warning
"""))
    rule = policy.rules[0]
    assert isinstance(rule, BatchSize)
    assert (rule.max_effective_lines, rule.max_files, rule.max_commits) == (150, 10, 3)
    assert rule.severity.value == "warning"
    specs = policy.class_specs()
    assert specs["generated"].include == ("**/*.pb.go",) and specs["generated"].builtin
    assert specs["docs"].builtin is False


def test_unknown_key_points_at_the_key_and_suggests_the_right_one(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - id: a\n    kind: batch-size\n    max_file: 3\n")
    assert (error.line, error.column) == (4, 5)
    assert "unknown key 'max_file'" in error.message
    assert error.hint == "did you mean 'max_files'?"
    assert error.render().startswith(".gatekeeper.yml:4:5: unknown key 'max_file'")


def test_wrong_type_points_at_the_value(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - id: a\n    kind: batch-size\n"
                                 "    max_files: lots\n")
    assert (error.line, error.column) == (4, 16)
    assert "max_files" in error.message


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - id: [unclosed\n")
    assert error.line is not None and error.line >= 2
    assert "YAML syntax error" in error.message


def test_unknown_rule_kind(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - id: a\n    kind: batch-sise\n")
    assert (error.line, error.column) == (3, 11)
    assert error.message == "unknown rule kind 'batch-sise'"
    assert error.hint == "did you mean 'batch-size'?"


def test_duplicate_rule_id(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - {id: a, kind: batch-size}\n"
                                 "  - {id: a, kind: batch-size}\n")
    assert error.message == "duplicate rule id 'a'"
    assert (error.line, error.column) == (3, 10)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, "version: 1\nversion: 1\n")
    assert (error.line, error.message) == (2, "duplicate key 'version'")


def test_invalid_glob(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rules:\n  - id: a\n    kind: batch-size\n"
                                 "    exclude: ['src/[abc']\n")
    assert error.line == 4
    assert "unclosed '['" in error.message


def test_alias_bomb_is_stopped(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    error = load_error(tmp_path, "\n".join(lines) + "\n")
    assert "alias bomb" in error.message


def test_not_a_mapping(tmp_path: Path) -> None:
    error = load_error(tmp_path, "- just\n- a list\n")
    assert "mapping" in error.message and error.line == 1


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    error = load_error(tmp_path, "version: !!python/object/apply:os.system ['true']\n")
    assert error.line == 1


def test_empty_file_is_an_empty_policy(tmp_path: Path) -> None:
    policy = loader.load_file(write(tmp_path, "# nothing yet\n"))
    assert policy.rules == []


def test_resolve_prefers_explicit_then_repo_file_then_default(tmp_path: Path) -> None:
    policy, source = resolver.resolve(None, tmp_path)
    assert source.builtin and "built-in default" in source.description
    assert [r.id for r in policy.rules] == ["batch-size"]
    write(tmp_path, "rules: []\nallow_no_rules: true\n")
    policy, source = resolver.resolve(None, tmp_path)
    assert not source.builtin and source.path == ".gatekeeper.yml" and policy.rules == ()
    other = tmp_path / "other.yml"
    other.write_text("rules:\n  - {id: x, kind: batch-size, max_files: 1}\n", encoding="utf-8")
    policy, source = resolver.resolve(str(other), tmp_path)
    assert source.path == str(other) and policy.rules[0].id == "x"


def test_missing_explicit_policy_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        resolver.resolve(str(tmp_path / "nope.yml"), tmp_path)
    assert "cannot read policy" in info.value.message


def test_an_out_of_range_escape_is_a_located_syntax_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, 'rules:\n  - id: "\\U11111111"\n')
    assert error.line == 2 and error.message.startswith("YAML syntax error")
