"""The condition modules that read an optional fact source, and what each declares."""

from __future__ import annotations

from gatekeeper.conditions import model, sources
from gatekeeper.facts.needs import Need


def test_every_source_module_serves_a_condition_key_and_is_dispatched_to() -> None:
    for module in sources.MODULES:
        assert module.KEY in model.Condition.model_fields
        assert model.SOURCES[module.KEY] is module.holds


def test_each_optional_fact_has_the_condition_key_that_reads_it() -> None:
    assert dict(sources.NEEDS) == {"ai": {Need.AI}, "coverage": {Need.COVERAGE},
                                   "flag_guarded": {Need.FLAGS}, "code_owners": {Need.OWNERS}}
    assert sources.needs(frozenset({"paths", "labels"})) == frozenset()
    assert sources.needs(frozenset({"any", "code_owners", "coverage"})) == {
        Need.OWNERS, Need.COVERAGE}
