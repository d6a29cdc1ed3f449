"""Plain globs matched as text agree with their expressions, glob by glob and path by path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.common import plainglobs
from gatekeeper.common.globs import PathSet, compile_glob
from gatekeeper.facts.classify import BUILTIN_PATTERNS

_NAMES = ["a", "b.py", "vendor", "yarn.lock", "x.min.js", "CHANGELOG.md", "README", ".ci",
          "test_a.py", "docs", "a.test.ts", "b", ".github", "workflows"]


def _expected(patterns: list[str], path: str) -> bool:
    """The reference: each glob's own expression, one at a time."""
    return any(compile_glob(p).matches(path) for p in patterns)


def test_the_builtin_class_patterns_agree_with_their_expressions() -> None:
    patterns = [p for group in BUILTIN_PATTERNS.values() for p in group]
    paths = ["/".join(parts) for parts in (
        [a] for a in _NAMES)] + [f"{a}/{b}" for a in _NAMES for b in _NAMES] + [
        f"{a}/{b}/{c}" for a in _NAMES[:6] for b in _NAMES for c in _NAMES[6:]] + [
        ".github/workflows/ci.yml", "vendor", "src/vendor", "Godeps/_workspace/x.go",
        "CODEOWNERS", "docs/CODEOWNERS", "a/CODEOWNERS", "src/CODEOWNERS/x"]
    together = PathSet(patterns)
    wrong = [p for p in paths if together.matches(p) != _expected(patterns, p)]
    assert wrong == []
    # Most of them are plain: the alternation holds only the few that are not.
    plain, rest = plainglobs.split((compile_glob(p).source, compile_glob(p).anchored,
                                    compile_glob(p).dir_only) for p in patterns)
    assert 0 < len(rest) < len(patterns) // 5
    assert plain.matches("deep/in/yarn.lock") and not plain.matches("yarn.lock.txt")


def test_each_plain_form_matches_what_its_expression_matches() -> None:
    cases = {
        "yarn.lock": (["yarn.lock", "a/yarn.lock", "yarn.lock/x"], ["yarn.lockx", "ayarn.lock"]),
        "vendor/": (["vendor/x", "a/vendor/b/c"], ["vendor", "a/vendor", "vendors/x"]),
        "*.min.js": ([".min.js", "a/b.min.js", "b.min.js/c"], ["b.min.jsx", "b.minjs"]),
        "CHANGELOG*": (["CHANGELOG", "a/CHANGELOG.md"], ["XCHANGELOG", "changelog"]),
        "/CODEOWNERS": (["CODEOWNERS", "CODEOWNERS/x"], ["a/CODEOWNERS", "CODEOWNERSx"]),
        "/.ci/": ([".ci/run", ".ci/a/b"], [".ci", "a/.ci/run", ".cix/run"]),
        "Godeps/_workspace/": (["Godeps/_workspace/a"], ["x/Godeps/_workspace/a"]),
    }
    for pattern, (hits, misses) in cases.items():
        together = PathSet([pattern])
        assert [p for p in hits if not together.matches(p)] == [], pattern
        assert [p for p in misses if together.matches(p)] == [], pattern
        assert all(compile_glob(pattern).matches(p) for p in hits), pattern
        assert not any(compile_glob(pattern).matches(p) for p in misses), pattern


_PIECE = st.sampled_from(["a", "b", ".", "x.y", "*", "?", "[ab]", "**", "/", "\\*"])
_GLOB = st.lists(_PIECE, min_size=1, max_size=5).map("".join).filter(
    lambda g: g.strip("/!") != "")
_PATH = st.lists(st.sampled_from(["a", "b", "x.y", "ab", "*", ".", "a.b"]), min_size=1,
                 max_size=4).map("/".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_GLOB, min_size=1, max_size=4), st.lists(_PATH, min_size=1, max_size=6))
def test_a_set_matches_what_its_globs_match_one_by_one(patterns: list[str],
                                                       paths: list[str]) -> None:
    try:
        for pattern in patterns:
            compile_glob(pattern)
    except ValueError:
        return  # an invalid glob has no expression to agree with
    together = PathSet(patterns)
    for path in paths:
        assert together.matches(path) == _expected(patterns, path), (patterns, path)
