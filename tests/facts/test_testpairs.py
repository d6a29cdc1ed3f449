"""Test files pair with the files they test by name, and only with those."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.facts.testpairs import (
    _AFFIXED,
    _affixed,
    _closeness,
    is_test_name,
    pair,
    subject_key,
)


def never(path: str) -> bool:
    """No path is classed as a test; names alone decide."""
    return False


def test_names_pair_by_each_languages_convention() -> None:
    paths = ["src/cart.py", "tests/test_cart.py", "web/Cart.tsx", "web/Cart.test.tsx",
             "src/main/java/Cart.java", "src/test/java/CartTest.java", "pkg/cart.go",
             "pkg/cart_test.go"]
    assert pair(paths, never) == {
        "tests/test_cart.py": "src/cart.py", "web/Cart.test.tsx": "web/Cart.tsx",
        "src/test/java/CartTest.java": "src/main/java/Cart.java",
        "pkg/cart_test.go": "pkg/cart.go"}


def test_the_closest_subject_wins_whatever_the_order() -> None:
    paths = ["billing/models.py", "shop/models.py", "tests/shop/test_models.py"]
    assert pair(paths, never) == {"tests/shop/test_models.py": "shop/models.py"}
    assert pair(list(reversed(paths)), never) == {"tests/shop/test_models.py": "shop/models.py"}


def test_no_subject_in_the_change_means_no_pair_and_languages_do_not_mix() -> None:
    assert pair(["tests/test_cart.py", "src/app.py"], never) == {}
    assert pair(["src/cart.go", "tests/test_cart.py"], never) == {}


def test_what_counts_as_a_test_name() -> None:
    assert is_test_name("tests/helpers.py") and is_test_name("CartIT.java")
    assert not is_test_name("src/latest.py") and not is_test_name("src/contest.py")
    assert not is_test_name("src/Protest.java")
    assert subject_key("spec/cart_spec.rb", test=True) == ("rb", "cart")
    assert subject_key("lib/cart.rb", test=False) == ("rb", "cart")


def test_the_caller_says_which_files_are_tests_by_class() -> None:
    assert pair(["qa/cart.py", "src/cart.py"], lambda p: p.startswith("qa/")) == {
        "qa/cart.py": "src/cart.py"}


def reference_pair(paths: list[str], is_test: Callable[[str], bool]) -> dict[str, str]:
    """``pair`` as its documentation words it, a path at a time through the public helpers."""
    tests = [p for p in paths if is_test(p) or is_test_name(p)]
    subjects = [p for p in paths if p not in tests]
    found: dict[str, str] = {}
    for test in tests:
        mine = [s for s in subjects if subject_key(s, test=False) == subject_key(test, test=True)]
        if mine:
            found[test] = min(mine, key=lambda s: _closeness(test, s))
    return found


PARTS = st.sampled_from(["src", "Tests", "TEST", "spec", "__tests__", "e2e", "lib", "x.y", "",
                         "\u212aest", "testing", "\u0130", "a-b", "Cart", "cart"])
NAMES = st.sampled_from(["cart", "Cart", "test_cart", "TestCart", "Testcart", "cart_test",
                         "cart.test", "cart-spec", "CartIT", "CartTests", "cart_e2e", "latest",
                         "contest", "cart_unittest", "cartSpec", "cart\n", "cart_test\n", "",
                         ".cart", "test_", "IT", "Test\u212a"])
EXTENSIONS = st.sampled_from(["", ".py", ".PY", ".pyi", ".ts", ".test.js", ".go", ".java", ".",
                              ".rb", ".Kt", ".tar.gz"])
PATHS = st.builds(lambda folders, name, ext: "/".join([*folders, name + ext]),
                  st.lists(PARTS, max_size=3), NAMES, EXTENSIONS)


@settings(max_examples=300, deadline=None)
@given(st.lists(PATHS, max_size=12, unique=True), st.sets(st.integers(0, 11), max_size=3))
def test_pairs_match_the_path_at_a_time_reading(paths: list[str], classed: set[int]) -> None:
    """The batched reading of a whole change pairs exactly as the public helpers do, whatever
    the case, extension, folder or line break of the names; and a class from the caller
    makes a test of any path."""
    chosen = {p for n, p in enumerate(paths) if n in classed}

    def is_test(path: str) -> bool:
        return path in chosen

    assert pair(paths, is_test) == reference_pair(paths, is_test)


def test_a_name_affixed_before_a_final_line_break_is_a_test() -> None:
    """The affix pattern's ``$`` also matches before a final line break, as git allows in a
    path: such a file is a test, so it is no subject for a test in a test folder."""
    paths = ["src/cart_test\n.py", "tests/cart_test\n.py"]
    assert is_test_name(paths[0])
    assert pair(paths, never) == reference_pair(paths, never) == {}
    assert pair(["src/cart_x\n.py", "tests/cart_x\n.py"], never) == {
        "tests/cart_x\n.py": "src/cart_x\n.py"}


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("testTESIpcunia_.-2\n\u212a"), max_size=14) | NAMES)
def test_the_affix_pre_filter_lets_every_affixed_name_through(base: str) -> None:
    """The test on a name's start and end, before the pattern, never turns a test away."""
    assert _affixed(base) == (_AFFIXED.search(base) is not None)
