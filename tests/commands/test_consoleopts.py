"""When the console report is coloured, and how much it says."""

from __future__ import annotations

import io

import pytest

from gatekeeper.commands.consoleopts import colour_wanted, console_level
from gatekeeper.errors import UsageError


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Always: it stands for a terminal."""
        return True


@pytest.mark.parametrize(("env", "terminal", "wanted"), [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": ""}, True, True),  # empty counts as unset (no-color.org)
    ({"NO_COLOR": "0"}, True, False),  # any other value turns colour off
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": ""}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),  # the user's "no" wins
])
def test_colour_wanted(env: dict[str, str], terminal: bool, wanted: bool) -> None:
    stream = Terminal() if terminal else io.StringIO()
    assert colour_wanted(env, stream) is wanted
    assert colour_wanted(env, None) is (wanted and bool(env.get("FORCE_COLOR")))


def test_console_level() -> None:
    assert [console_level(q, v) for q, v in ((False, False), (True, False), (False, True))] \
        == ["normal", "quiet", "verbose"]
    with pytest.raises(UsageError, match="cannot be combined"):
        console_level(True, True)
