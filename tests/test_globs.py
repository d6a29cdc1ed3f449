"""Gitignore-style globs: anchoring, ``**``, folders, negation and invalid patterns."""

from __future__ import annotations

import pytest

from gatekeeper.globs import GlobError, PathSet, compile_glob


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
