"""Every preset in every language it covers finds the keys of real calls in the documented form.

The snippets live in tests/data/flags/<preset>/ as source files, and expected.yml lists the
keys each one holds (null: a reference whose key is an expression).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from gatekeeper.facts.flags.presets import builtin_presets, language_of, select
from gatekeeper.facts.flags.scan import FlagRef, Line, scan

DATA = Path(__file__).parents[2] / "data" / "flags"
EXPECTED: dict[str, list[str | None]] = yaml.safe_load(
    (DATA / "expected.yml").read_text(encoding="utf-8"))["files"]


def lines_of(name: str) -> list[Line]:
    """The numbered lines of the data file ``name``."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [(name, number, line) for number, line in enumerate(text.splitlines(), 1)]


def test_every_snippet_file_is_listed_and_every_listed_file_exists() -> None:
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*")
               if p.is_file() and p.name != "expected.yml"}
    assert on_disk == set(EXPECTED)


def test_every_preset_has_a_snippet_in_every_language_it_covers() -> None:
    covered = {(name.split("/")[0], language_of(name)) for name in EXPECTED}
    wanted = {(p.id, rules.language) for p in builtin_presets() for rules in p.languages}
    assert wanted - covered == set()
    assert covered - wanted == set(), "a snippet in a language its preset does not cover"
    assert len(wanted) >= 130


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_preset_of_the_folder_finds_exactly_the_listed_keys(name: str) -> None:
    preset = name.split("/")[0]
    refs = scan(lines_of(name), select([preset]))
    assert [r.key for r in refs] == EXPECTED[name]
    assert {r.preset for r in refs} == {preset}
    assert {r.language for r in refs} == {language_of(name)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_all_presets_together_find_the_same_keys_once(name: str) -> None:
    refs = scan(lines_of(name))
    assert Counter(r.key for r in refs) == Counter(EXPECTED[name])


def test_line_numbers_point_at_the_call() -> None:
    refs = scan(lines_of("launchdarkly/node.ts"), select(["launchdarkly"]))
    text = (DATA / "launchdarkly/node.ts").read_text(encoding="utf-8").splitlines()
    for ref in refs:
        assert "Variation" in text[ref.line - 1] or "variation" in text[ref.line - 1]
    # The key of the call split over lines is on the next line; the call starts here.
    assert FlagRef("launchdarkly/node.ts", 8, "checkout-reasons", "launchdarkly",
                   "javascript") in refs
