"""Gitignore-style globs: anchoring, ``**``, folders, negation and invalid patterns."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.globs import GlobError, PathSet, compile_glob, wildcard


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.py", "a.py", True),
        ("*.py", "src/deep/a.py", True),  # no slash: any depth
        ("*.py", "a.pyc", False),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/sub/a.py", False),  # * does not cross folders
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("**/migrations/**", "app/migrations/0001.sql", True),
        ("src/payments/**", "src/payments/api/x.go", True),
        ("src/payments/**", "src/payment/x.go", False),
        ("/README.md", "README.md", True),
        ("/README.md", "docs/README.md", False),
        ("docs/", "docs/guide/intro.md", True),  # a folder pattern covers its contents
        ("docs/", "src/docs", False),  # ...but never a file of that name
        ("vendor", "vendor/lib/x.js", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("[ab].txt", "b.txt", True),
        ("[!ab].txt", "b.txt", False),
        ("[!ab].txt", "c.txt", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("services/*", "services/api/main.go", True),
        ("dïr/*.txt", "dïr/ü.txt", True),
    ],
)
def test_matching(pattern: str, path: str, expected: bool) -> None:
    assert compile_glob(pattern).matches(path) is expected


def test_without_parents_only_the_path_itself_matches() -> None:
    assert not compile_glob("vendor").matches("vendor/x.js", parents=False)
    assert compile_glob("vendor/**").matches("vendor/x.js", parents=False)


def test_last_match_wins_and_negation_reincludes() -> None:
    paths = PathSet(["docs/**", "!docs/api/**"])
    assert paths.matches("docs/guide.md")
    assert not paths.matches("docs/api/ref.md")
    assert PathSet(["!x", "x"]).matches("x")
    assert not PathSet([]).matches("anything")


@pytest.mark.parametrize("bad", ["src/[abc", "", "!", "trailing\\", "/"])
def test_invalid_globs_raise(bad: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(bad)


# -- wildcards for names: only * is special --------------------------------------------------


def _joined(pattern: str) -> re.Pattern[str]:
    """The wildcard as it was: its parts joined by .*, which backtracks over every split."""
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.IGNORECASE)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab*A.[", max_size=8), st.text(alphabet="abAB.[\n", max_size=10))
def test_a_wildcard_matches_what_joined_parts_matched(pattern: str, name: str) -> None:
    assert bool(wildcard(pattern).fullmatch(name)) == bool(_joined(pattern).fullmatch(name))


def test_a_wildcard_with_many_stars_takes_linear_time() -> None:
    """`*a*b*c*d` took ten seconds on a name of 2,000 characters, the old way."""
    done = subprocess.run(
        [sys.executable, "-c", "from gatekeeper.globs import wildcard\n"
         "print(wildcard('*a*b*c*d*e').fullmatch('ab' * 40_000) is None)"],
        capture_output=True, text=True, timeout=10)
    assert done.stdout == "True\n", done.stderr
