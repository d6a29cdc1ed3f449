"""Custom flag patterns: the validator a policy model uses, and their normalised extensions."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from gatekeeper.facts.flags.custom import (
    CustomPattern,
    KeyPattern,
    normal_extensions,
    valid_key_pattern,
)


class Settings(BaseModel):
    pattern: KeyPattern


def test_a_pattern_with_a_key_group_is_accepted_unchanged() -> None:
    pattern = r"\bisOn\(\s*['\"](?P<key>[\w.-]+)['\"]"
    assert valid_key_pattern(pattern) == pattern
    assert Settings(pattern=pattern).pattern == pattern


@pytest.mark.parametrize(("pattern", "message"), [
    (r"isOn\('([\w-]+)'\)", "has no named group 'key'; write the part that matches the flag "
                            "key as (?P<key>...)"),
    (r"isOn\('(?P<name>[\w-]+)'\)", "has no named group 'key'"),
    (r"isOn\((?P<key>[\w-]+", "invalid flag pattern"),
    (r"(?P<key>\w*)", "matches an empty line"),
    ("(?P<key>x)" + "y" * 1000, "longer than 1000 characters"),
])
def test_a_bad_pattern_is_a_value_error_with_a_clear_message(pattern: str,
                                                              message: str) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        valid_key_pattern(pattern)
    assert message in str(caught.value)
    with pytest.raises(ValidationError) as wrapped:
        Settings(pattern=pattern)
    assert message in str(wrapped.value)


def test_a_huge_repetition_count_is_reported_not_raised_as_overflow() -> None:
    with pytest.raises(ValueError, match="invalid flag pattern"):
        valid_key_pattern(r"(?P<key>a{99999999999})")


def test_extensions_are_normalised_and_checked() -> None:
    assert normal_extensions([".PY", "py", " tsx "]) == ("py", "tsx")
    for bad in ["", ".", "src/py", "p y"]:
        with pytest.raises(ValueError, match="invalid file extension"):
            normal_extensions([bad])


def test_a_custom_pattern_validates_itself_and_knows_where_it_applies() -> None:
    pattern = CustomPattern(r"feature\((?P<key>\w+)\)", extensions=(".Kt", "kts"))
    assert pattern.extensions == ("kt", "kts")
    assert pattern.applies_to("kt") and not pattern.applies_to("py")
    assert CustomPattern(r"feature\((?P<key>\w+)\)").applies_to("anything")
    assert pattern.groups[0] == "key"
    with pytest.raises(ValueError, match="no named group"):
        CustomPattern(r"feature\((\w+)\)")
    with pytest.raises(ValueError, match="needs a name"):
        CustomPattern(r"feature\((?P<key>\w+)\)", name=" ")
    with pytest.raises(ValueError, match="keywords must not be empty"):
        CustomPattern(r"feature\((?P<key>\w+)\)", keywords=("",))
