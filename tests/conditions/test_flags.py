"""The flag_guarded condition: true when an added line references a flag, false when none
does, and neither when the flags were not scanned."""

from __future__ import annotations

from gatekeeper.changeset.model import ChangeSet, FileChange, FileText
from gatekeeper.common.globs import PathSet
from gatekeeper.conditions.flags import holds
from gatekeeper.conditions.model import Condition
from gatekeeper.conditions.model import holds as condition_holds
from gatekeeper.facts.classify import Classifier
from gatekeeper.facts.flags.facts import gather
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.facts.model import Facts, derive, without
from tests.facts.flags.test_facts import LD, changeset, edit


def facts(*edits: tuple[FileChange, FileText], unscanned: tuple[str, ...] = (),
          scanned: bool = True) -> Facts:
    """Facts of the ``edits``, with their flags scanned when ``scanned``."""
    change: ChangeSet = changeset(*edits, unscanned=unscanned)
    flags = gather(change, FlagSettings.model_validate({}), None) if scanned else None
    return derive(change, Classifier(), flags=flags)


GUARDED = facts(edit("src/a.ts", {1: [f"if ({LD.format('new-checkout')}) {{"]}),
                edit("src/b.ts", {1: ["plain()"]}))
PLAIN = facts(edit("src/b.ts", {1: ["plain()"]}),
              edit("src/c.ts", None, {4: [LD.format("old-flag")]}))


def test_true_holds_when_an_added_line_references_a_flag() -> None:
    assert holds(True, GUARDED) == (
        True, "flag references in added lines of src/a.ts (new-checkout)")
    assert holds(False, GUARDED)[0] is False


def test_false_holds_when_no_added_line_does_even_if_a_removed_one_did() -> None:
    assert holds(False, PLAIN) == (True, "no added line references a feature flag")
    assert holds(True, PLAIN) == (False, "no added line references a feature flag")


def test_a_computed_key_is_a_reference_too() -> None:
    found = facts(edit("src/a.ts", {1: ["ldClient.boolVariation(FLAGS.CHECKOUT, ctx, false)"]}))
    ok, why = holds(True, found)
    assert ok and why == "flag references in added lines of src/a.ts (a computed key)"


def test_many_guarded_files_are_shortened() -> None:
    found = facts(*(edit(f"src/{n}.ts", {1: [LD.format(f"k{n}")]}) for n in range(5)))
    assert holds(True, found)[1] == ("flag references in added lines of src/0.ts (k0), "
                                     "src/1.ts (k1), src/2.ts (k2) and 2 more")


def test_neither_value_holds_when_flags_were_not_scanned() -> None:
    unscanned = facts(edit("src/a.ts", {1: [LD.format("x")]}), scanned=False)
    assert holds(True, unscanned) == (False, "feature flags were not scanned")
    assert holds(False, unscanned) == (False, "feature flags were not scanned")


def test_an_unscanned_file_keeps_false_from_holding() -> None:
    found = facts(edit("src/b.ts", {1: ["plain()"]}), edit("src/huge.ts", {1: ["x"]}),
                  unscanned=("src/huge.ts",))
    ok, why = holds(False, found)
    assert not ok and "src/huge.ts went unscanned" in why
    assert holds(True, found)[0] is False
    guarded = facts(edit("src/a.ts", {1: [LD.format("x")]}), edit("src/huge.ts", {1: ["x"]}),
                    unscanned=("src/huge.ts",))
    assert holds(True, guarded)[0] is True


def test_files_an_exception_takes_out_do_not_count() -> None:
    view, removed = without(GUARDED, PathSet(["src/a.ts"]))
    assert removed == 1
    assert holds(True, view)[0] is False and holds(False, view)[0] is True


def test_the_policy_condition_key_reads_it() -> None:
    condition = Condition.model_validate({"flag_guarded": True})
    assert condition_holds(condition, GUARDED)[0] is True
    assert condition_holds(condition, PLAIN)[0] is False
    negated = Condition.model_validate({"flag_guarded": False})
    assert condition_holds(negated, PLAIN)[0] is True


def test_a_key_the_registry_does_not_list_guards_nothing() -> None:
    from gatekeeper.facts.flags.registry import Registry

    change = changeset(edit("src/a.ts", {1: [LD.format("new-chekout")]}),
                       edit("src/b.ts", {2: [LD.format("dark-mode")]}))
    registry = Registry("flags.yml", frozenset({"new-checkout", "dark-mode"}))
    found = derive(change, Classifier(),
                   flags=gather(change, FlagSettings.model_validate({}), registry))
    assert holds(True, found) == (True, "flag references in added lines of src/b.ts (dark-mode)")
    only_typo = changeset(edit("src/a.ts", {1: [LD.format("new-chekout")]}))
    found = derive(only_typo, Classifier(),
                   flags=gather(only_typo, FlagSettings.model_validate({}), registry))
    assert holds(False, found) == (
        True, "no added line references a flag the registry flags.yml lists "
        "(not in it: new-chekout)")
    assert holds(True, found)[0] is False
