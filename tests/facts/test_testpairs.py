"""Test files pair with the files they test by name, and only with those."""

from __future__ import annotations

from gatekeeper.facts.testpairs import is_test_name, pair, subject_key


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
