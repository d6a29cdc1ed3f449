"""Pairs test files with the files they test, by the naming conventions of common languages.

``tests/test_cart.py`` tests ``cart.py``, ``cart.test.ts`` tests ``cart.ts`` (or ``cart.tsx``),
``CartTest.java`` and ``CartIT.java`` test ``Cart.java``, ``cart_test.go`` tests ``cart.go``,
``cart_spec.rb`` tests ``cart.rb``, ``__tests__/cart.js`` tests ``cart.js``. Advice that splits a
change must keep each pair together: a test moved away from its subject tests nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# Extensions that name the same language, so that cart.test.js may test cart.ts.
_FAMILIES = (
    ("py", "pyi"),
    ("js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "vue", "svelte"),
    ("java", "kt", "kts", "scala", "groovy"),
    ("rb", "rake"),
    ("ex", "exs"),
    ("c", "cc", "cpp", "cxx", "h", "hh", "hpp", "hxx", "m", "mm"),
)
_FAMILY = {ext: group[0] for group in _FAMILIES for ext in group}
# A test's name around its subject's: a test_ or Test prefix, or a suffix such as _test,
# .spec, Tests or IT. The lazy stem takes the shortest name that leaves a whole affix.
_TEST_NAME = re.compile(
    r"(?:test_|Test(?=[A-Z]))?(?P<stem>.+?)"
    r"(?:[._-](?:test|tests|spec|unittest|e2e)|Tests?|IT|Spec)?")
_AFFIXED = re.compile(r"^(?:test_|Test[A-Z])|(?:[._-](?:test|tests|spec|unittest|e2e)|Tests?|IT"
                      r"|Spec)$")
_TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "spec", "specs", "testing", "e2e"})

_PREFIXES = ("test_", "Test")
_SUFFIXES = ("test", "tests", "spec", "unittest", "e2e", "Test", "Tests", "IT", "Spec", "\n")
"""What _AFFIXED's prefixes and suffixes start or end with; its ``$`` also matches before a
final line break, which a path may hold."""


def _split(path: str) -> tuple[str, str, str]:
    """The folder of ``path`` ("" at the top), its name without the extension, and the
    extension's family."""
    folder, _, name = path.rpartition("/")
    base, dot, extension = name.rpartition(".")
    if not dot or not base:
        return folder, name, ""
    extension = extension.lower()
    return folder, base, _FAMILY.get(extension, extension)


def is_test_name(path: str) -> bool:
    """Whether ``path`` is named or placed as a test by a common convention."""
    folder, base, _family = _split(path)
    return _affixed(base) or _in_test_folder(folder)


def _in_test_folder(folder: str) -> bool:
    """Whether one of the names of ``folder`` is a test folder's. Lowercasing the whole
    folder lowercases each of its names alike."""
    return not _TEST_FOLDERS.isdisjoint(folder.lower().split("/"))


def _affixed(base: str) -> bool:
    """Whether a name without its extension carries a test prefix or suffix. The pattern
    runs only on names that start or end as an affix does: most names do not."""
    return (base.startswith(_PREFIXES) or base.endswith(_SUFFIXES)) \
        and _AFFIXED.search(base) is not None



def subject_key(path: str, test: bool) -> tuple[str, str]:
    """What a test and its subject share: the language family and the subject's name."""
    _folders, base, family = _split(path)
    return _key(base, family, test)


def _key(base: str, family: str, test: bool) -> tuple[str, str]:
    """``subject_key`` of a path already split by ``_split``."""
    if test:
        match = _TEST_NAME.fullmatch(base)
        base = match.group("stem") if match else base
    return family, base.lower()


def _closeness(test: str, subject: str) -> tuple[int, str]:
    """How many folder names ``test`` and ``subject`` share, test folders aside (more is
    closer); the path breaks ties so the choice does not depend on the order of the files."""
    mine = {f for f in test.split("/")[:-1] if f.lower() not in _TEST_FOLDERS}
    return -len(mine & set(subject.split("/")[:-1])), subject


def pair(paths: Iterable[str], is_test: Callable[[str], bool]) -> dict[str, str]:
    """Each test path among ``paths`` whose subject is among them too, mapped to that subject.

    ``is_test`` says which paths are tests (their class); names alone decide the subject.
    """
    tests: list[tuple[str, tuple[str, str]]] = []
    subjects: dict[tuple[str, str], list[str]] = {}
    in_test_folder: dict[str, bool] = {}
    # This runs over every file of a change, 50,000 of them or more: each folder is looked
    # at once.
    for path in paths:
        folder, base, family = _split(path)
        tested = in_test_folder.get(folder)
        if tested is None:
            tested = in_test_folder[folder] = _in_test_folder(folder)
        if tested or is_test(path) or _affixed(base):
            tests.append((path, _key(base, family, test=True)))
        else:
            subjects.setdefault(_key(base, family, test=False), []).append(path)
    pairs: dict[str, str] = {}
    for test, key in tests:
        found = subjects.get(key)
        if found:
            pairs[test] = found[0] if len(found) == 1 else min(
                found, key=lambda s: _closeness(test, s))
    return pairs
