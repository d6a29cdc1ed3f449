"""The policy's ai section: validation, and how extends combines it across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE, PolicyError
from gatekeeper.policy.compose import compose
from tests.policy.test_compose import put

MARKER = """\
    - id: our-agent
      tool: our-agent
      kind: author-email
      email: agent@example.com
      strength: agent-authored
      source: https://example.com/our-agent
"""
SIZE = "rules: [{id: size, kind: batch-size}]\n"
"""A rule, so that a file composed on its own is a policy that checks something."""


def test_markers_and_disabled_ids_add_up_across_extends(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", "ai:\n  disable_markers: [made-with]\n  markers:\n" + MARKER
        + "  spot_check: {percent: 20}\n")
    top = put(tmp_path, "top.yml", "extends: base.yml\nai:\n  disable_markers: assisted-by\n"
              "  detectors: [commits, notes]\n" + SIZE)
    ai = compose(top, "top.yml").ai
    assert ai.disable_markers == ["made-with", "assisted-by"]
    assert [m.id for m in ai.markers] == ["our-agent"]
    assert ai.detectors == ["commits", "notes"]
    assert ai.spot_check is not None and ai.spot_check.percent == 20
    assert ai.sources() == {"identity", "subject", "trailer", "body", "footer", "note"}


def test_a_later_file_overrides_the_spot_check(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", "ai:\n  spot_check: {percent: 20, salt: a}\n")
    top = put(tmp_path, "top.yml", "extends: base.yml\nai:\n  spot_check: {percent: 45}\n"
              + SIZE)
    check = compose(top, "top.yml").ai.spot_check
    assert check is not None and (check.percent, check.salt) == (45, "")


def test_the_default_runs_every_detector(tmp_path: Path) -> None:
    ai = compose(put(tmp_path, "p.yml", SIZE), "p.yml").ai
    assert ai.detectors == ["commits", "review", "comments", "notes"]
    assert ai.markers == [] and ai.spot_check is None


def error(path: Path) -> PolicyError:
    """The usage error composing the policy at ``path`` raises."""
    with pytest.raises(PolicyError) as info:
        compose(path, path.name)
    assert info.value.exit_code == EXIT_USAGE
    return info.value


def test_an_unknown_disabled_id_names_the_line_and_a_close_id(tmp_path: Path) -> None:
    path = put(tmp_path, "p.yml", "ai:\n  disable_markers:\n    - made-wiht\n")
    text = error(path).render()
    assert "p.yml:3:" in text and "no built-in marker 'made-wiht'" in text
    assert "did you mean 'made-with'?" in text


def test_reusing_a_builtin_id_needs_it_switched_off(tmp_path: Path) -> None:
    clash = MARKER.replace("our-agent\n      tool", "made-with\n      tool")
    path = put(tmp_path, "p.yml", "ai:\n  markers:\n" + clash)
    assert "'made-with' is a built-in marker's id" in error(path).render()
    ok = put(tmp_path, "ok.yml", SIZE + "ai:\n  disable_markers: [made-with]\n  markers:\n"
             + clash)
    assert [m.id for m in compose(ok, "ok.yml").ai.markers] == ["made-with"]


@pytest.mark.parametrize(("text", "where", "what"), [
    ("ai:\n  detectors: [commits, blame]\n", "p.yml:2:", "detectors"),
    ("ai:\n  spot_check: {percent: 0}\n", "p.yml:2:", "percent"),
    ("ai:\n  markers:\n    - id: x\n      tool: x\n      kind: trailer\n      strength: assisted\n"
     "      source: https://example.com\n", "p.yml:3:", "needs key"),
    ("ai:\n  sampling: {percent: 5}\n", "p.yml:2:", "unknown key 'sampling'"),
])
def test_bad_ai_sections_are_one_line_errors(tmp_path: Path, text: str, where: str,
                                             what: str) -> None:
    message = error(put(tmp_path, "p.yml", text)).render()
    assert where in message and what in message
    assert "\n" not in message


def test_a_marker_listed_twice_in_one_file_is_an_error(tmp_path: Path) -> None:
    path = put(tmp_path, "p.yml", "ai:\n  markers:\n" + MARKER + MARKER)
    rendered = error(path).render()
    assert "p.yml:9:" in rendered and "'our-agent' is listed twice" in rendered
