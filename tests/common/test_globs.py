"""Gitignore-style globs: anchoring, ``**``, folders, negation and invalid patterns."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.common.globs import GlobError, PathSet, _tokens, compile_glob, wildcard


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
        ("a[[b].md", "a[.md", True),  # a '[' inside a bracket expression is a member
        ("a[[b].md", "ab.md", True),
        ("a[!]x].md", "a].md", False),  # a ']' first is a member, after '!' too
        ("a[!]x].md", "ay.md", True),
        ("[a&&b]", "&", True),  # '&&' is no set operation
        ("[a-c]x", "bx", True),
        ("a[!b]c", "a/c", False),  # as in git, no bracket expression matches a '/'
        ("a[/]c", "a/c", False),
        ("*_*_*_test.py", "a_b_c_test.py", True),
        ("*_*_*_test.py", "a_b_test.py", False),
        ("a/**/b/**/c", "a/x/b/y/b/c", True),
        ("a/**/b/**/c", "a/b/c/d", True),  # ...and what c holds
        ("a/**/b/**/c", "a/c/b", False),
    ],
)
def test_matching(pattern: str, path: str, expected: bool) -> None:
    assert compile_glob(pattern).matches(path) is expected


def _plain(glob: str) -> re.Pattern[str]:
    """The glob as it was translated before: every star and ``**/`` free to backtrack."""
    text = glob.rstrip("/")
    anchored = "/" in text
    body = "".join("(?:.*/)?" if kind == "gap" else regex
                   for kind, regex in _tokens(text.lstrip("/")))
    return re.compile(body if anchored else "(?:.*/)?" + body, re.DOTALL)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "*", "**", "/", "**/", "?", "[ab]", "/**", "[!a]"]),
                min_size=1, max_size=7).map("".join),
       st.lists(st.sampled_from(["a", "b", "ab", "ba", "/", "bb"]), max_size=8).map("".join))
def test_leftmost_placement_matches_what_backtracking_matched(glob: str, path: str) -> None:
    """The lookaheads that keep many stars linear change no answer."""
    try:
        compiled = compile_glob(glob)
    except GlobError:
        return
    plain = _plain(glob)
    assert bool(compiled.exact.fullmatch(path)) == bool(plain.fullmatch(path))
    parents = re.compile(f"(?:{plain.pattern})" + ("/.*" if glob.endswith("/") else "(?:/.*)?"),
                         re.DOTALL)
    assert compiled.matches(path) == bool(parents.fullmatch(path))
    assert PathSet([glob, "zzz/*z*z*"]).matches(path) == compiled.matches(path)


def test_many_stars_and_folders_in_a_glob_take_linear_time() -> None:
    """`*a*a*a*b` on one long name, and `**/a/**/a/**/b` on a path of many folders, each
    took longer than any CI job lasts the old way."""
    done = subprocess.run(
        [sys.executable, "-c", "from gatekeeper.common.globs import PathSet, compile_glob\n"
         "print(compile_glob('*a*a*a*a*b').matches('a' * 100_000),"
         " PathSet(['**/a/**/a/**/a/**/b', 'x']).matches('a/' * 20_000 + 'c'))"],
        capture_output=True, text=True, timeout=20)
    assert done.stdout == "False False\n", done.stderr


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
        [sys.executable, "-c", "from gatekeeper.common.globs import wildcard\n"
         "print(wildcard('*a*b*c*d*e').fullmatch('ab' * 40_000) is None)"],
        capture_output=True, text=True, timeout=10)
    assert done.stdout == "True\n", done.stderr
