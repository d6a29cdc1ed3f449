"""Path patterns in both dialects, git itself as the oracle for GitHub's gitignore rules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gatekeeper.facts.codeowners.patterns import PatternError, Syntax, compile_pattern
from tests.conftest import make_repo


def matches(pattern: str, path: str, syntax: Syntax) -> bool:
    """Whether ``pattern`` in ``syntax`` matches ``path``."""
    return compile_pattern(pattern, syntax).matches(path.split("/"))


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*", "a/b/c.txt", True),
        ("*.js", "src/deep/app.js", True),
        ("*.js", "src/app.jsx", False),
        ("/build/logs/", "build/logs/x/y.log", True),
        ("/build/logs/", "src/build/logs/y.log", False),
        ("/build/logs/", "build/logs", False),  # a folder pattern never matches a file
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),  # GitHub's documented case
        ("docs/*", "src/docs/a.md", False),  # a slash in the middle anchors the pattern
        ("apps/", "apps/web/index.js", True),
        ("apps/", "deep/apps/web/index.js", True),  # only a trailing slash: any depth
        ("/apps/github", "apps/github/index.js", True),  # a folder without its slash
        ("**/logs", "deeply/nested/logs/app.log", True),
        ("**/logs", "logs/app.log", True),
        ("src/**", "src/a/b.py", True),
        ("src/**", "src", False),
        ("**", "any/thing", True),
        ("src/**/test_*.py", "src/test_a.py", True),
        ("src/**/test_*.py", "src/x/y/test_a.py", True),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("*.md", "README.MD", False),  # case-sensitive
        ("README.md", "readme.md", False),
        ("/*", "top.txt", True),
        ("/*", "dir/nested.txt", False),
        ("*.rb", ".hidden.rb", True),  # wildcards match dotfiles
        ("ab*ba", "aba", False),  # the star's two sides may not overlap
        ("ab*ba", "abba", True),
        ("a*b*c*d", "axxbyycd", True),
        ("a*b*c*d", "axxcyybd", False),
    ],
)
def test_github_patterns(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path, "github") is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*", "a/b/c.txt", True),
        ("/README.md", "README.md", True),
        ("/README.md", "docs/README.md", False),
        ("README.md", "app/lib/README.md", True),
        ("internal/README.md", "docs/api/internal/README.md", True),  # no leading /: any depth
        ("/docs/", "docs/a/b/c.md", True),
        ("/docs/*", "docs/index.md", True),
        ("/docs/*", "docs/projects/index.md", False),
        ("/docs/*.md", "docs/x.md", True),
        ("/docs/index.*", "docs/index.html", True),
        ("/docs/*spec*", "docs/qa_specs.rb", True),
        ("/docs/*/README.md", "docs/api/README.md", True),
        ("/docs/*/README.md", "docs/a/b/README.md", False),
        ("/docs/**/index.md", "docs/index.md", True),
        ("/docs/**/index.md", "docs/api/graphql/index.md", True),
        ("/db/**/index.md", "db/x/index.md", True),
        ("lib/", "a/b/lib/x.rb", True),
        ("ee/docs", "ee/docs/x.md", False),  # whole-path match: no folder contents
        ("ee/docs", "x/ee/docs", True),
        ("/docs/**", "docs/a", True),
        ("/docs/**", "docs/a/b", False),  # fnmatch reads a last ** as *
        ("*.RB", "a.rb", False),  # case-sensitive
        ("[ab].txt", "b.txt", True),  # fnmatch brackets work in GitLab
        ("[!ab].txt", "b.txt", False),
        ("[a-c].txt", "c.txt", True),
        ("[^a-c].txt", "d.txt", True),
        ("[]a].txt", "].txt", True),  # a ] first is a member
        ("[a-].txt", "-.txt", True),
        ("[\\]].txt", "].txt", True),
        ("x[!.]y", "x.y", False),
        ("x[", "x[", True),  # an unclosed bracket is an ordinary character
        ("\\#file_with_pound.rb", "lib/#file_with_pound.rb", True),
        ("path\\ with\\ spaces/", "path with spaces/a.md", True),
        ("*", ".gitignore", True),
    ],
)
def test_gitlab_patterns(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path, "gitlab") is expected


@pytest.mark.parametrize(
    ("pattern", "syntax", "why"),
    [
        ("!docs/", "github", "negate"),
        ("*.[ch]", "github", "character ranges"),
        ("[z-a]", "github", "character ranges"),
        ("\\#notes", "github", "leading '#'"),
        ("a\\", "github", "lone backslash"),
        ("/", "github", "matches nothing"),
        ("", "gitlab", "empty"),
        ("[z-a].txt", "gitlab", "reversed"),
        ("/".join(["a"] * 200), "gitlab", "path segments"),
    ],
)
def test_rejected_patterns_say_why(pattern: str, syntax: Syntax, why: str) -> None:
    with pytest.raises(PatternError, match=why):
        compile_pattern(pattern, syntax)


TREE = ["README.md", "docs/getting-started.md", "docs/build-app/troubleshooting.md",
        "apps/github/index.js", "src/apps/web.js", "build/logs/x/z.log", "deep/nested/logs/q",
        "src/a.js", "src/lib/b.js", "lib/c.py", ".github/CODEOWNERS", "x.txt", "src/x.txt"]
GITIGNORE_PATTERNS = ["*.js", "docs/", "/docs/", "apps/", "/apps/github", "**/logs", "src/**",
                      "src/**/*.js", "*.txt", "/x.txt", "lib", "build/logs/", "a?ps/",
                      "docs/*", "/*", "src/*", ".github/*", "*"]


def test_github_follows_git_except_for_a_last_star(tmp_path: Path) -> None:
    """git lists what a .gitignore holding the pattern ignores; GitHub owns the same files,
    except that a last ``*`` segment stops at files directly in that folder."""
    repo = make_repo(tmp_path / "repo")
    for name in TREE:
        repo.write(name, "x\n")
    for pattern in GITIGNORE_PATTERNS:
        repo.write(".gitignore", pattern + "\n")
        ignored = set(repo.git("ls-files", "-o", "-i", "--exclude-standard").split("\n"))
        ignored &= set(TREE)
        ours = {p for p in TREE if matches(pattern, p, "github")}
        if pattern.endswith("/*"):
            depth = len(pattern.lstrip("/").split("/"))
            ignored = {p for p in ignored if p.count("/") + 1 == depth}
        assert ours == ignored, pattern
    assert matches("docs/*", "docs/build-app/troubleshooting.md", "github") is False


@pytest.mark.parametrize("syntax", ["github", "gitlab"])
def test_pathological_patterns_stay_fast(syntax: Syntax) -> None:
    many_stars = "*a" * 2000 + "*b"
    many_globstars = "/".join(["**", "a*"] * 60)
    deep = "/".join(["a"] * 2000)
    start = time.perf_counter()
    assert matches(many_stars, "a" * 4000, syntax) is False
    assert matches(many_stars, "a" * 4000 + "b", syntax) is True
    assert matches(many_globstars, deep, syntax) is True
    assert matches(many_globstars, deep + "/z", syntax) is (syntax == "github")
    assert matches(many_globstars + "/b", deep, syntax) is False
    assert time.perf_counter() - start < 2.0
