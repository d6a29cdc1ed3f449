"""Conditions: each source, their combinations, and how when/unless decide a rule applies."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus
from gatekeeper.conditions.model import Condition, applies, holds, is_bot
from gatekeeper.facts.model import Facts
from tests.builders import change, commit, facts_of


def cond(data: dict[str, Any]) -> Condition:
    """The condition ``data``, validated."""
    return Condition.model_validate(data)


def check(data: dict[str, Any], facts: Facts) -> bool:
    """Whether the condition ``data`` holds on ``facts``."""
    return holds(cond(data), facts)[0]


MIXED = facts_of(change("src/app.py"), change("docs/guide.md"), change("README.md"))
DOCS = facts_of(change("docs/guide.md"), change("README.md"))


def test_paths_hold_when_any_touched_path_matches() -> None:
    ok, why = holds(cond({"paths": ["src/**"]}), MIXED)
    assert ok and "src/app.py" in why
    assert not check({"paths": ["lib/**"]}, MIXED)
    assert check({"paths": "*.md"}, MIXED)  # a bare string is a list of one


def test_the_old_path_of_a_rename_counts_as_touched() -> None:
    moved = facts_of(change("lib/app.py", 0, 0, FileStatus.RENAMED, "src/app.py"))
    assert check({"paths": ["src/**"]}, moved)
    assert not check({"only_paths": ["lib/**"]}, moved)


def test_only_paths_needs_every_path_to_match() -> None:
    assert check({"only_paths": ["docs/**", "*.md"]}, DOCS)
    ok, why = holds(cond({"only_paths": ["docs/**", "*.md"]}), MIXED)
    assert not ok and "src/app.py" in why


def test_classes_and_only_classes_use_the_file_classification() -> None:
    assert check({"only_classes": ["docs"]}, DOCS)
    assert not check({"only_classes": ["docs"]}, MIXED)
    assert check({"classes": ["docs"]}, MIXED)
    assert not check({"classes": ["lockfile"]}, MIXED)
    locked = facts_of(change("src/a.py"), change("package-lock.json", 900))
    assert check({"classes": "lockfile"}, locked)


def test_labels_compare_case_insensitively_and_say_what_is_known() -> None:
    labelled = facts_of(change("a.py"), labels=("No-Changelog",))
    assert check({"labels": "no-changelog"}, labelled)
    ok, why = holds(cond({"labels": ["skip"]}), facts_of(change("a.py")))
    assert not ok and "none known" in why


def test_target_branch_globs_and_unknown_branch() -> None:
    release = facts_of(change("a.py"), target_branch="release/2.1")
    assert check({"target_branch": "release/*"}, release)
    assert not check({"target_branch": ["main"]}, release)
    assert not check({"target_branch": ["release"]}, release)  # names match whole
    ok, why = holds(cond({"target_branch": "main"}), facts_of(change("a.py"),
                                                               target_branch=None))
    assert not ok and "not known" in why


def test_author_is_the_pr_author_else_every_commit_author() -> None:
    by_pr = facts_of(change("a.py"), author="dependabot[bot]")
    assert check({"author": "dependabot[bot]"}, by_pr)  # brackets are literal, not a class
    assert check({"author": "DEPENDABOT*"}, by_pr)
    two = [commit(1, author="Ada", email="ada@example.com"),
           commit(2, author="Bob", email="bob@corp.example")]
    mixed = facts_of(change("a.py"), commits=two)
    assert not check({"author": "Ada"}, mixed)
    assert check({"author": ["Ada", "*@corp.example"]}, mixed)


@pytest.mark.parametrize(("identity", "bot"), [
    (("dependabot[bot]",), True),
    (("renovate",), True),
    (("Bot", "49699333+dependabot[bot]@users.noreply.github.com"), True),
    (("project_42_bot_3f9c", "project_42_bot_3f9c@noreply.gitlab.example.com"), True),
    (("Ada Lovelace", "ada@example.com"), False),
    (("robotics-team", "robots@example.com"), False),
])
def test_bot_detection(identity: tuple[str, ...], bot: bool) -> None:
    assert is_bot(identity) is bot


def test_bot_condition_needs_every_author_to_be_a_bot() -> None:
    bots = facts_of(change("a.py"), commits=[commit(1, author="renovate[bot]")])
    assert check({"bot": True}, bots) and not check({"bot": False}, bots)
    mixed = facts_of(change("a.py"), commits=[commit(1, author="renovate[bot]"),
                                               commit(2, author="Ada")])
    assert not check({"bot": True}, mixed)


def test_trailer_present_in_any_commit() -> None:
    signed = facts_of(change("a.py"), commits=[commit(1), commit(
        2, trailers={"signed-off-by": "Ada <ada@example.com>"})])
    assert check({"trailer": "Signed-off-by"}, signed)
    assert not check({"trailer": ["Reviewed-by"]}, signed)


def test_size_thresholds() -> None:
    big = facts_of(change("a.py", 300), change("b.py", 200), change("yarn.lock", 5000))
    assert check({"size": {"measure": "effective_lines", "over": 400}}, big)
    assert not check({"size": {"measure": "effective_lines", "over": 500}}, big)
    assert check({"size": {"measure": "lines", "over": 5000}}, big)
    assert check({"size": {"measure": "effective_files", "under": 3}}, big)
    assert not check({"size": {"measure": "files", "over": 2, "under": 3}}, big)
    with pytest.raises(ValidationError, match="over, under or both"):
        cond({"size": {"measure": "files"}})


def test_all_any_not_and_several_keys_in_one_mapping() -> None:
    assert check({"all": [{"paths": "src/**"}, {"classes": "docs"}]}, MIXED)
    assert not check({"all": [{"paths": "src/**"}, {"paths": "lib/**"}]}, MIXED)
    assert check({"any": [{"paths": "lib/**"}, {"paths": "docs/**"}]}, MIXED)
    assert not check({"any": [{"paths": "lib/**"}, {"labels": "x"}]}, MIXED)
    assert check({"not": {"paths": "lib/**"}}, MIXED)
    assert not check({"not": {"only_classes": "docs"}}, DOCS)
    assert not check({"paths": "src/**", "labels": "x"}, MIXED)  # keys in one mapping: all
    nested = {"any": [{"not": {"paths": "src/**"}}, {"all": [{"labels": "big"}]}]}
    assert not check(nested, MIXED)
    assert check(nested, DOCS)


def test_a_condition_needs_a_key_and_rejects_unknown_ones() -> None:
    with pytest.raises(ValidationError, match="at least one key"):
        cond({})
    with pytest.raises(ValidationError, match="extra"):
        cond({"path": "src/**"})
    with pytest.raises(ValidationError, match="glob"):
        cond({"paths": ["src/[oops"]})


def test_applies_explains_when_and_unless() -> None:
    when, unless = cond({"paths": "src/**"}), cond({"labels": "no-changelog"})
    ok, why = applies(when, unless, MIXED)
    assert ok and why.startswith("when: paths") and "unless did not hold" in why
    ok, why = applies(when, unless, facts_of(change("src/a.py"), labels=("no-changelog",)))
    assert not ok and why == "unless: label no-changelog is present"
    ok, why = applies(when, None, DOCS)
    assert not ok and why.startswith("when: no path matched")
    assert applies(None, None, DOCS) == (True, "always applies")
