"""The ``flags:`` policy section: preset choice, custom patterns, the registry path, and which
files the collect stage keeps text for."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.facts.flags.presets import preset_ids
from gatekeeper.facts.flags.settings import FlagSettings

LD_CALL = "if (ldClient.boolVariation('new-checkout', ctx, false)) {"
UNLEASH_CALL = "if unleash.is_enabled('dark-mode'):"


def settings(**data: Any) -> FlagSettings:
    """Flag settings of ``data``, validated."""
    return FlagSettings.model_validate(data)


def error(**data: Any) -> str:
    """The validation error of the flag settings ``data``."""
    with pytest.raises(ValidationError) as caught:
        settings(**data)
    return str(caught.value)


def found(chosen: FlagSettings, path: str, text: str) -> list[tuple[str | None, str]]:
    """Each flag reference ``chosen`` finds in ``text``: key and preset."""
    return [(r.key, r.preset) for r in chosen.scanner().scan([(path, 1, text)])]


def test_by_default_every_built_in_preset_is_in_force() -> None:
    chosen = settings()
    assert chosen.presets is None
    assert chosen.origins() == preset_ids()
    assert found(chosen, "src/a.ts", LD_CALL) == [("new-checkout", "launchdarkly")]
    assert found(chosen, "src/a.py", UNLEASH_CALL) == [("dark-mode", "unleash")]


def test_a_single_preset_may_be_written_without_the_list() -> None:
    chosen = settings(presets="unleash")
    assert chosen.presets == ["unleash"]
    assert found(chosen, "src/a.py", UNLEASH_CALL) == [("dark-mode", "unleash")]
    assert found(chosen, "src/a.ts", LD_CALL) == []


def test_a_repeated_preset_is_kept_once() -> None:
    chosen = settings(presets=["unleash", "launchdarkly", "unleash"])
    assert chosen.presets == ["unleash", "launchdarkly"]
    assert chosen.origins() == ("unleash", "launchdarkly")


def test_an_unknown_preset_suggests_the_closest_id() -> None:
    message = error(presets=["launchdarkley"])
    assert "unknown flag preset 'launchdarkley'" in message
    assert "did you mean 'launchdarkly'?" in message


def test_an_unknown_preset_with_no_close_id_lists_them() -> None:
    message = error(presets="qqqqqqqq")
    assert "use one of launchdarkly, " in message and "unleash" in message


def test_custom_patterns_come_before_the_presets() -> None:
    chosen = settings(presets="launchdarkly", patterns=[
        {"name": "wrapper", "regex": r"boolVariation\('(?P<key>[\w-]+)'", "extensions": "ts"}])
    assert chosen.patterns[0].extensions == ["ts"]
    assert found(chosen, "src/a.ts", LD_CALL) == [("new-checkout", "wrapper")]
    assert chosen.origins() == ("launchdarkly", "wrapper")


def test_a_custom_pattern_without_extensions_applies_to_every_file() -> None:
    chosen = settings(presets=[], patterns=[{"regex": r"feature\?\((?P<key>\w+)\)"}])
    assert chosen.patterns[0].name == "custom"
    assert found(chosen, "templates/page.liquid", "{% if feature?(beta) %}") == [
        ("beta", "custom")]
    assert chosen.wants("templates/page.liquid") and chosen.wants("Makefile")


def test_custom_extensions_are_normalised_and_validated() -> None:
    chosen = settings(patterns=[{"regex": r"on\((?P<key>\w+)\)", "extensions": [".TSX", "py"]}])
    assert chosen.patterns[0].extensions == ["tsx", "py"]
    assert "invalid file extension 'a/b'" in error(
        patterns=[{"regex": r"on\((?P<key>\w+)\)", "extensions": ["a/b"]}])


@pytest.mark.parametrize(("regex", "expected"), [
    (r"isOn\((\w+)\)", "has no named group 'key'"),
    (r"isOn\((?P<key>\w+\)", "invalid flag pattern"),
    (r"(?P<key>\w*)", "matches an empty line"),
])
def test_a_bad_custom_regex_is_refused(regex: str, expected: str) -> None:
    assert expected in error(patterns=[{"regex": regex}])


def test_a_custom_pattern_name_is_an_id() -> None:
    assert "patterns.0.name" in error(patterns=[{"name": "my flags", "regex": r"(?P<key>x)"}])


def test_wants_follows_the_extensions_the_patterns_reach() -> None:
    chosen = settings(presets="flipper",
                      patterns=[{"regex": r"flag\((?P<key>\w+)\)", "extensions": "jinja"}])
    assert chosen.wants("app/models/user.rb") and chosen.wants("app/views/page.erb")
    assert chosen.wants("app/templates/page.JINJA")
    assert not chosen.wants("web/app.ts") and not chosen.wants("app/views.py")
    assert not chosen.wants("README")
    assert settings().wants("web/app.ts") and not settings().wants("docs/guide.md")


def test_no_preset_and_no_pattern_wants_no_file() -> None:
    chosen = settings(presets=[])
    assert not chosen.wants("src/a.ts")
    assert chosen.scanner().scan([("src/a.ts", 1, LD_CALL)]) == ()


def test_a_registry_path_inside_the_repository_is_kept() -> None:
    chosen = settings(registry="config/flags.yml", registry_format="yaml")
    assert chosen.registry == "config/flags.yml" and chosen.registry_format == "yaml"


@pytest.mark.parametrize("path", [
    "/etc/flags.yml", "C:/flags.yml", "config\\flags.yml", "../flags.yml",
    "config/../../flags.yml", "config//flags.yml", "",
])
def test_a_registry_path_must_stay_inside_the_repository(path: str) -> None:
    message = error(registry=path)
    assert "must lie inside the repository" in message
    assert "such as flags/registry.yml" in message


def test_unknown_keys_and_formats_are_refused() -> None:
    assert "registry_format" in error(registry="flags.toml", registry_format="toml")
    assert "Extra inputs are not permitted" in error(preset="launchdarkly")


def test_settings_built_alike_compare_equal_after_use() -> None:
    first, second = settings(presets="unleash"), settings(presets=["unleash"])
    assert first.wants("a.py")
    assert first == second
