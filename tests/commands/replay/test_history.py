"""PR and MR numbers from commit messages (hostile ones too), and dates for --since."""

from __future__ import annotations

import time

import pytest

from gatekeeper.commands.replay.history import check_date, number_of
from gatekeeper.errors import UsageError


@pytest.mark.parametrize(("subject", "body", "number"), [
    ("Merge pull request #12 from octo/feature", "", 12),
    ("Merge pull request #7", "", 7),
    ("Add the parser (#3601)", "", 3601),
    ("Add the parser (#3601)  ", "", 3601),
    ("Fix (#1) and (#2)", "", 2),
    ("Merge branch 'x' into 'main'", "Body\n\nSee merge request group/sub/app!88", 88),
    ("Merge branch 'x' into 'main'", "See merge request app!5\n\nSee merge request app!6", 6),
    ("Refer to (#12) in the middle", "", None),
    ("Merge pull request #x12 from y", "", None),
    ("Squash (#1234567890)", "", None),  # ten digits: no PR number is that long
    ("Unicode digits (#\u0661\u0662)", "", None),
    ("Merge pull request #\u0661 from y", "", None),
    ("Plain commit", "See merge request !5", None),
    ("Plain commit", "See merge request a b!5", None),
    ("Plain commit", "", None),
])
def test_numbers_come_from_the_subject_or_the_gitlab_line(subject: str, body: str,
                                                          number: int | None) -> None:
    assert number_of(subject, body) == number


@pytest.mark.parametrize(("subject", "body"), [
    ("(#" * 200_000 + ")", ""),
    ("Merge pull request #" + "9" * 400_000, ""),
    ("x" * 400_000 + "(#" + "1" * 400_000 + ")", ""),
    ("x", ("See merge request " + "a/" * 50_000 + "!\n") * 20),
    ("x", "See merge request " + "!" * 400_000),
])
def test_hostile_messages_take_linear_time(subject: str, body: str) -> None:
    started = time.perf_counter()
    assert number_of(subject, body) is None
    assert time.perf_counter() - started < 1.0


def test_only_the_end_of_a_long_body_is_searched() -> None:
    body = "See merge request a/b!9\n" + "filler\n" * 20_000
    assert number_of("x", body) is None
    assert number_of("x", "filler\n" * 20_000 + "See merge request a/b!9") == 9


@pytest.mark.parametrize("value", ["2024-01-31", "2024-01-31T10:00:00+02:00",
                                   "2024-01-31 10:00", "2024-01-31T10:00:00Z"])
def test_dates_in_iso_form_are_taken(value: str) -> None:
    assert check_date("--since", value) == value


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30", "1 week ago",
                                   "--all", "2024-01-31; rm"])
def test_anything_else_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_date("--since", value)
    assert caught.value.exit_code == 2 and "--since" in caught.value.message
