"""The placeholders preset patterns are written with."""

from __future__ import annotations

import re

import pytest

from gatekeeper.facts.flags.templates import TemplateError, expand, key_groups


def compiled(template: str, *calls: str) -> re.Pattern[str]:
    """The pattern of ``template`` expanded for ``calls``."""
    return re.compile(expand(template, calls))


def test_each_key_placeholder_gets_its_own_groups() -> None:
    pattern = compiled("{recv}{call}{open}{key}\\s*,\\s*{key}", "pick")
    groups = key_groups(pattern)
    assert groups[0] == "key" and len(groups) == len(set(groups)) == 6
    match = pattern.search("client.pick('a', \"b\")")
    assert match is not None
    assert [match.group(g) for g in groups if match.group(g)] == ["a", "b"]


def test_call_names_are_whole_words_and_escaped() -> None:
    pattern = compiled("{recv}{call}{open}{key}", "enabled?", "on")
    assert pattern.search("x.enabled?('a')") and pattern.search("x.on('a')")
    assert not pattern.search("x.enabledX('a')") and not pattern.search("x.only('a')")
    assert not pattern.search("x.enabledd('a')")


def test_via_requires_a_receiver_named_like_the_sdk() -> None:
    pattern = compiled("{via:unleash|toggles}{call}{open}{key}", "isEnabled")
    for text in ["unleash.isEnabled(x)", "$unleash->isEnabled(x)", "myToggles?.isEnabled(x)",
                 "UNLEASH_CLIENT.isEnabled(x)", "Unleash().isEnabled(x)"]:
        assert pattern.search(text), text
    assert not pattern.search("logger.isEnabled(x)")


def test_bare_calls_are_not_methods() -> None:
    pattern = compiled("{bare}{call}{open}{lit}", "useFlag")
    assert pattern.search("const a = useFlag('x')")
    assert not pattern.search("hooks.useFlag('x')") and not pattern.search("myuseFlag('x')")


def test_literal_only_placeholders_refuse_expressions() -> None:
    pattern = compiled("{recv}{call}{open}{lit}", "get")
    assert pattern.search("a.get('x')") and not pattern.search("a.get(x)")


@pytest.mark.parametrize(("template", "message"), [
    ("{call}(", "needs a list of calls"),
    ("{nope}", "unknown placeholder {nope}"),
    ("{key:x}", "takes no argument"),
])
def test_bad_templates_are_template_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        expand(template)


def test_regex_quantifiers_are_not_placeholders() -> None:
    assert expand(r"a{1,3}\{%\s*flag") == r"a{1,3}\{%\s*flag"
