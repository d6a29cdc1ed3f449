"""Composing policies: extends of packs and local files, overrides by id, disable, exceptions."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE, PolicyError
from gatekeeper.policy import compose as composer
from gatekeeper.policy import loader, resolver
from gatekeeper.policy.compose import compose
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.rules.batch_size import Config as BatchSize


def put(root: Path, name: str, text: str) -> Path:
    """Writes ``text`` to ``root/name``, creating parent folders; the path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ids(policy: ComposedPolicy) -> list[str]:
    """The ids of ``policy``'s rules, in order."""
    return [rule.id for rule in policy.rules]


def batch(policy: ComposedPolicy, rule_id: str) -> BatchSize:
    """The batch-size rule ``rule_id`` of ``policy``."""
    rule = policy.rule(rule_id)
    assert isinstance(rule, BatchSize), rule
    return rule


def compose_error(path: Path, display: str) -> PolicyError:
    """The usage error composing the policy at ``path`` raises."""
    with pytest.raises(PolicyError) as info:
        compose(path, display)
    assert info.value.exit_code == EXIT_USAGE
    return info.value


BASE = """\
rules:
  - id: first
    kind: batch-size
    max_files: 5
    exclude: ["docs/**"]
  - id: second
    kind: batch-size
    max_effective_lines: 100
  - id: third
    kind: batch-size
    max_commits: 3
"""


# -- extends ----------------------------------------------------------------------------------


def test_extends_a_builtin_pack_puts_its_rules_first(tmp_path: Path) -> None:
    main = put(tmp_path, ".gatekeeper.yml", """\
extends: gatekeeper:default
rules:
  - {id: mine, kind: batch-size, max_commits: 2}
""")
    policy = compose(main, ".gatekeeper.yml")
    pack = loader.load_file(loader.builtin_policy_dir() / "default.yml")
    assert ids(policy) == [*(r.id for r in pack.rules), "mine"]
    assert policy.rules[:len(pack.rules)] == tuple(pack.rules)
    assert policy.files == ("gatekeeper:default", ".gatekeeper.yml")


def test_local_extends_is_relative_to_the_extending_file_not_the_cwd(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(tmp_path, "common.yml", "rules:\n  - {id: common, kind: batch-size, max_files: 1}\n")
    put(tmp_path, "ci/shared/base.yml", "extends: ../../common.yml\n"
        "rules:\n  - {id: shared, kind: batch-size, max_files: 2}\n")
    main = put(tmp_path, "ci/.gatekeeper.yml", "extends: [shared/base.yml]\n"
               "rules:\n  - {id: main, kind: batch-size, max_files: 3}\n")
    # A decoy where a cwd-relative lookup would find it.
    elsewhere = tmp_path / "elsewhere"
    put(elsewhere, "shared/base.yml", "rules:\n  - {id: decoy, kind: batch-size}\n")
    monkeypatch.chdir(elsewhere)

    policy = compose(main, "ci/.gatekeeper.yml")

    assert ids(policy) == ["common", "shared", "main"]
    assert [batch(policy, i).max_files for i in ids(policy)] == [1, 2, 3]
    assert policy.files == ("common.yml", "ci/shared/base.yml", "ci/.gatekeeper.yml")


def test_several_extends_apply_in_order_and_the_last_wins(tmp_path: Path) -> None:
    put(tmp_path, "one.yml", "rules:\n  - {id: x, kind: batch-size, max_files: 1}\n"
        "  - {id: only-one, kind: batch-size}\n")
    put(tmp_path, "two.yml", "rules:\n  - {id: x, kind: batch-size, max_files: 2}\n")
    main = put(tmp_path, "main.yml", "extends: [one.yml, two.yml]\n")
    policy = compose(main, "main.yml")
    assert ids(policy) == ["x", "only-one"]
    assert batch(policy, "x").max_files == 2
    assert policy.files == ("one.yml", "two.yml", "main.yml")


def test_a_file_reached_twice_without_a_cycle_is_not_circular(tmp_path: Path) -> None:
    put(tmp_path, "d.yml", "rules:\n  - {id: d, kind: batch-size}\n")
    put(tmp_path, "b.yml", "extends: d.yml\nrules:\n  - {id: b, kind: batch-size}\n")
    put(tmp_path, "c.yml", "extends: d.yml\nrules:\n  - {id: c, kind: batch-size}\n")
    main = put(tmp_path, "a.yml", "extends: [b.yml, c.yml]\n")
    policy = compose(main, "a.yml")
    assert ids(policy) == ["d", "b", "c"]
    assert policy.files[-1] == "a.yml" and set(policy.files) == {"a.yml", "b.yml", "c.yml",
                                                                 "d.yml"}


def test_circular_extends_names_the_whole_cycle(tmp_path: Path) -> None:
    put(tmp_path, "a.yml", "extends: b.yml\n")
    put(tmp_path, "b.yml", "rules: []\nextends:\n  - sub/c.yml\n")
    put(tmp_path, "sub/c.yml", "extends: [../a.yml]\n")
    error = compose_error(tmp_path / "a.yml", "a.yml")
    assert error.message == "circular extends: a.yml -> b.yml -> sub/c.yml -> a.yml"
    assert (error.file, error.line, error.column) == ("sub/c.yml", 1, 11)


def test_a_file_extending_itself_is_circular(tmp_path: Path) -> None:
    main = put(tmp_path, "self.yml", "extends: self.yml\n")
    error = compose_error(main, "self.yml")
    assert error.message == "circular extends: self.yml -> self.yml"
    assert (error.line, error.column) == (1, 10)


def test_extends_chain_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    depth = composer.MAX_DEPTH + 1
    for i in range(depth):
        put(tmp_path, f"p{i}.yml", f"extends: p{i + 1}.yml\n" if i + 1 < depth
            else "rules:\n  - {id: deepest, kind: batch-size}\n")
    error = compose_error(tmp_path / "p0.yml", "p0.yml")
    assert f"deeper than {composer.MAX_DEPTH} files" in error.message
    assert error.file == f"p{composer.MAX_DEPTH - 1}.yml" and error.line == 1
    # One file less is fine.
    policy = compose(tmp_path / "p1.yml", "p1.yml")
    assert len(policy.files) == composer.MAX_DEPTH


def test_an_error_in_an_extended_file_names_that_file(tmp_path: Path) -> None:
    put(tmp_path, "ci/shared/base.yml", "rules:\n  - id: a\n    kind: batch-size\n"
        "    max_file: 3\n")
    main = put(tmp_path, "ci/.gatekeeper.yml", "extends: shared/base.yml\n")
    error = compose_error(main, "ci/.gatekeeper.yml")
    assert error.render() == ("ci/shared/base.yml:4:5: unknown key 'max_file' "
                              "(fix: did you mean 'max_files'?)")


def test_missing_local_extends_points_at_the_entry(tmp_path: Path) -> None:
    main = put(tmp_path, "main.yml", "version: 1\nextends:\n  - gatekeeper:default\n"
               "  - nothere.yml\n")
    error = compose_error(main, "main.yml")
    assert error.message == "extends: cannot find 'nothere.yml'"
    assert (error.line, error.column) == (4, 5)


def test_bare_extends_and_disable_still_have_a_location(tmp_path: Path) -> None:
    # `extends: x` is a list of one written bare; the error points at the bare value.
    main = put(tmp_path, "main.yml", "version: 1\nextends: nothere.yml\n")
    error = compose_error(main, "main.yml")
    assert (error.line, error.column) == (2, 10)
    main = put(tmp_path, "main.yml", "extends: gatekeeper:default\ndisable: nope\n")
    error = compose_error(main, "main.yml")
    assert error.message == "disable: no inherited rule 'nope'"
    assert (error.line, error.column) == (2, 10)


def test_unknown_pack_suggests_the_closest(tmp_path: Path) -> None:
    packs = composer.builtin_packs()
    assert "default" in packs
    main = put(tmp_path, "main.yml", "extends:\n  - gatekeeper:defualt\n")
    error = compose_error(main, "main.yml")
    assert error.message == "extends: no built-in pack 'gatekeeper:defualt'"
    assert error.hint == "did you mean 'gatekeeper:default'?"
    assert (error.line, error.column) == (2, 5)


def test_misspelt_recommended_pack_suggests_it(tmp_path: Path) -> None:
    assert "recommended" in composer.builtin_packs()
    main = put(tmp_path, "main.yml", "extends: gatekeeper:recomended\n")
    error = compose_error(main, "main.yml")
    assert error.hint == "did you mean 'gatekeeper:recommended'?"
    assert (error.line, error.column) == (1, 10)


def test_unrelated_pack_name_lists_the_packs_instead_of_guessing(tmp_path: Path) -> None:
    main = put(tmp_path, "main.yml", "extends: gatekeeper:zzzzzz\n")
    error = compose_error(main, "main.yml")
    assert error.hint is not None and error.hint.startswith("use one of ")
    listed = error.hint.removeprefix("use one of ").split(", ")
    assert listed == [f"gatekeeper:{p}" for p in composer.builtin_packs()]


# -- rules by id, disable -------------------------------------------------------------------


def test_later_rule_replaces_by_id_in_place_and_new_rules_follow(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    main = put(tmp_path, "main.yml", """\
extends: base.yml
rules:
  - id: added
    kind: batch-size
    max_files: 9
  - id: second
    kind: batch-size
    max_files: 1
    severity: warning
""")
    policy = compose(main, "main.yml")
    assert ids(policy) == ["first", "second", "third", "added"]
    second = batch(policy, "second")
    # The whole rule is replaced, not merged field by field.
    assert (second.max_files, second.max_effective_lines) == (1, None)
    assert second.severity.value == "warning"
    assert batch(policy, "first").exclude == ["docs/**"]


def test_disable_removes_an_inherited_rule(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    main = put(tmp_path, "main.yml", "extends: base.yml\ndisable: [second, third]\n")
    policy = compose(main, "main.yml")
    assert ids(policy) == ["first"]
    assert policy.rule("second") is None


def test_disabled_rule_can_be_defined_again_further_down(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    put(tmp_path, "middle.yml", "extends: base.yml\ndisable: second\n")
    main = put(tmp_path, "main.yml", "extends: middle.yml\n"
               "rules:\n  - {id: second, kind: batch-size, max_files: 7}\n")
    policy = compose(main, "main.yml")
    assert set(ids(policy)) == {"first", "second", "third"}
    assert batch(policy, "second").max_files == 7


def test_disable_of_an_unknown_rule_suggests_the_closest_inherited_one(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    main = put(tmp_path, "main.yml", "extends: base.yml\ndisable:\n  - third\n  - secnod\n")
    error = compose_error(main, "main.yml")
    assert error.render() == ("main.yml:4:5: disable: no inherited rule 'secnod' "
                              "(fix: did you mean 'second'?)")


def test_disable_cannot_reach_rules_of_the_same_file(tmp_path: Path) -> None:
    main = put(tmp_path, "main.yml", "disable: [own]\nrules:\n  - {id: own, kind: batch-size}\n")
    error = compose_error(main, "main.yml")
    assert error.message == "disable: no inherited rule 'own'"
    assert (error.line, error.column) == (1, 11)


# -- classification ---------------------------------------------------------------------------


def test_classification_merges_class_by_class(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", """\
classification:
  generated: ["gen/**"]
  docs: {include: ["handbook/**"], builtin: false}
""")
    main = put(tmp_path, "main.yml", """\
extends: base.yml
classification:
  generated: ["proto/**/*.pb.go"]
  vendored: ["third_party/**"]
rules:
  - {id: size, kind: batch-size}
""")
    specs = compose(main, "main.yml").class_specs()
    assert set(specs) == {"generated", "docs", "vendored"}
    # A class given again is replaced as a whole, not extended.
    assert specs["generated"].include == ("proto/**/*.pb.go",)
    assert specs["generated"].builtin is True
    assert specs["docs"].include == ("handbook/**",) and specs["docs"].builtin is False
    assert specs["vendored"].include == ("third_party/**",)


# -- exceptions -------------------------------------------------------------------------------


def test_exceptions_are_carried_through_in_file_order(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE + """\
exceptions:
  - rule: first
    paths: legacy/**
    reason: old code
    expires: 2030-01-31
""")
    main = put(tmp_path, "main.yml", """\
extends: base.yml
exceptions:
  - rule: third
    reason: release week
    expires: 2030-02-01
""")
    policy = compose(main, "main.yml")
    assert [(e.rule, e.paths, e.reason) for e in policy.exceptions] == [
        ("first", ["legacy/**"], "old code"), ("third", [], "release week")]
    assert policy.exceptions[1].expires == datetime.date(2030, 2, 1)


def test_exceptions_of_a_disabled_rule_are_dropped(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE + """\
exceptions:
  - {rule: first, reason: r1, expires: 2030-01-01}
  - {rule: second, reason: r2, expires: 2030-01-01}
""")
    main = put(tmp_path, "main.yml", "extends: base.yml\ndisable: first\n")
    policy = compose(main, "main.yml")
    assert [e.rule for e in policy.exceptions] == ["second"]


def test_exception_for_a_rule_disabled_in_the_same_file_is_accepted_and_dropped(
        tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    main = put(tmp_path, "main.yml", "extends: base.yml\ndisable: first\n"
               "exceptions:\n  - {rule: first, reason: r, expires: 2030-01-01}\n")
    assert compose(main, "main.yml").exceptions == ()


def test_exception_naming_an_unknown_rule_points_at_its_rule_key(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", BASE)
    main = put(tmp_path, "main.yml", """\
extends: base.yml
exceptions:
  - reason: typo
    expires: 2030-01-01
    rule: thrid
""")
    error = compose_error(main, "main.yml")
    assert error.render() == ("main.yml:5:11: exception for unknown rule 'thrid' "
                              "(fix: did you mean 'third'?)")


# -- files and sources ------------------------------------------------------------------------


def test_policy_source_lists_every_file_inherited_first(tmp_path: Path) -> None:
    policy, source = resolver.resolve(None, tmp_path)
    assert source.files == policy.files == ("gatekeeper:default",)

    put(tmp_path, "ci/base.yml", "extends: gatekeeper:default\n")
    put(tmp_path, loader.POLICY_FILENAME, "extends: ci/base.yml\n")
    policy, source = resolver.resolve(None, tmp_path)
    assert source.files == policy.files == ("gatekeeper:default", "ci/base.yml",
                                            ".gatekeeper.yml")

    other = put(tmp_path, "other/policy.yml", "extends: ../ci/base.yml\n")
    policy, source = resolver.resolve(str(other), tmp_path)
    assert source.path == str(other)
    assert source.files == policy.files
    assert policy.files[:2] == ("gatekeeper:default", str(tmp_path / "ci" / "base.yml"))
    assert policy.files[-1] == str(other)
