"""The shipped presets: well formed, cited, and selectable by id."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from gatekeeper.errors import PolicyError
from gatekeeper.facts.flags.presets import (
    Preset,
    builtin,
    builtin_presets,
    extension_of,
    language_of,
    preset_ids,
    select,
)

PRESETS = builtin_presets()
HTTPS = re.compile(r"https://[\w.-]+\.[a-z]{2,}/\S*")


def test_the_requested_sdks_all_have_a_preset() -> None:
    assert {"launchdarkly", "openfeature", "unleash", "flagsmith", "growthbook", "split",
            "configcat", "statsig", "flipper", "django-waffle", "posthog", "optimizely",
            "harness", "flipt", "vercel-flags"} <= set(preset_ids())
    assert len(set(preset_ids())) == len(PRESETS)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_every_preset_and_language_cites_a_document(preset: Preset) -> None:
    assert HTTPS.fullmatch(preset.source), preset.source
    assert preset.sdk
    for rules in preset.languages:
        assert HTTPS.fullmatch(rules.source), (rules.language, rules.source)
        assert rules.extensions == builtin().languages[rules.language]
        for pattern in rules.patterns:
            assert pattern.keywords and all(pattern.keywords)
            assert pattern.groups and all(pattern.regex.groupindex[g] for g in pattern.groups)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_no_pattern_matches_an_empty_or_a_blank_line(preset: Preset) -> None:
    for rules in preset.languages:
        for pattern in rules.patterns:
            assert pattern.regex.search("") is None
            assert pattern.regex.search("    \t  ") is None


def test_the_file_has_only_known_top_level_keys_and_unique_extensions() -> None:
    text = resources.files("gatekeeper.facts.flags").joinpath("presets.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"version", "languages", "presets"}
    extensions = [e for exts in data["languages"].values() for e in exts]
    assert len(extensions) == len(set(extensions))


def test_select_keeps_the_order_given_and_drops_repeats() -> None:
    chosen = select(["statsig", "launchdarkly", "statsig"])
    assert [p.id for p in chosen] == ["statsig", "launchdarkly"]
    assert select() == PRESETS
    assert select([]) == ()


def test_an_unknown_preset_is_a_policy_error_with_the_closest_id() -> None:
    with pytest.raises(PolicyError) as caught:
        select(["launchdarkley"], source="policy.yml")
    error = caught.value
    assert error.file == "policy.yml"
    assert "unknown flag preset 'launchdarkley'" in error.message
    assert error.hint == "did you mean 'launchdarkly'?"
    with pytest.raises(PolicyError) as caught:
        select(["zzz"])
    assert caught.value.hint is not None and "openfeature" in caught.value.hint


@pytest.mark.parametrize(("path", "extension", "language"), [
    ("src/app.TSX", "tsx", "javascript"),
    ("a/b.c/views.py", "py", "python"),
    ("templates/base.html", "html", "django-template"),
    ("app/views/home.html.erb", "erb", "ruby"),
    ("Views/Index.cshtml", "cshtml", "razor"),
    (".eslintrc", "", ""),
    ("Makefile", "", ""),
    ("notes.txt", "txt", "txt"),
])
def test_extension_and_language_of_a_path(path: str, extension: str, language: str) -> None:
    assert extension_of(path) == extension
    assert language_of(path) == language


def test_rules_for_an_extension_the_preset_does_not_cover_is_none() -> None:
    flipper = select(["flipper"])[0]
    assert flipper.rules_for("py") is None
    rules = flipper.rules_for("rb")
    assert rules is not None and rules.language == "ruby"
