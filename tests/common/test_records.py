"""``record`` classes behave as the dataclasses they replace: fields, ==, hash, repr, frozen."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest

from gatekeeper.common.records import record


def _pair(frozen: bool, slots: bool = False) -> tuple[type[Any], type[Any]]:
    """The same class body made by ``record`` and by ``dataclass``."""
    def body() -> type[Any]:
        class Shape:
            """A test shape."""

            name: str
            size: int = 0
            tags: tuple[str, ...] = ()
            note: str = field(default="", compare=False)
            secret: str = field(default="", repr=False)
            weight: int = field(default=0, hash=False)

        return Shape

    return (record(frozen=frozen, slots=slots)(body()),
            dataclass(frozen=frozen, slots=slots)(body()))


def _values(rng: random.Random) -> dict[str, Any]:
    return {"name": rng.choice("ab"), "size": rng.randrange(2), "tags": rng.choice(((), ("x",))),
            "note": rng.choice("pq"), "secret": rng.choice("st"), "weight": rng.randrange(2)}


@pytest.mark.parametrize("slots", [False, True])
def test_equality_hash_and_repr_are_the_dataclass_ones(slots: bool) -> None:
    ours, theirs = _pair(frozen=True, slots=slots)
    rng = random.Random(7)
    for _ in range(300):
        one, two = _values(rng), _values(rng)
        assert (ours(**one) == ours(**two)) == (theirs(**one) == theirs(**two))
        assert hash(ours(**one)) == hash(ours(**two)) or ours(**one) != ours(**two)
        # Fields left out of the hash (weight) and of == (note) leave the hash alone.
        assert hash(ours(**one)) == hash(ours(**{**one, "weight": 9, "note": "z"}))
        assert repr(ours(**one)) == repr(theirs(**one))


def test_a_frozen_record_is_a_frozen_dataclass() -> None:
    shape_class, _ = _pair(frozen=True, slots=True)
    shape: Any = shape_class("a", 1)
    assert dataclasses.is_dataclass(type(shape))
    assert [f.name for f in dataclasses.fields(shape)][:2] == ["name", "size"]
    with pytest.raises(FrozenInstanceError):
        shape.size = 2
    with pytest.raises(FrozenInstanceError):
        del shape.name
    assert dataclasses.replace(shape, size=3) == shape_class("a", 3)
    assert not hasattr(shape, "__dict__")  # slots=True keeps its slots
    assert len({shape, shape_class("a", 1), shape_class("b", 1)}) == 2


def test_a_mutable_record_compares_but_has_no_hash() -> None:
    ours, theirs = _pair(frozen=False)
    shape = ours("a")
    shape.size = 5
    assert shape == ours("a", 5) and shape != ours("a", 6)
    assert ours.__hash__ is None and theirs.__hash__ is None
    with pytest.raises(TypeError):
        hash(shape)
    assert repr(shape) == repr(theirs("a", 5))


def test_other_classes_and_subclasses_are_never_equal() -> None:
    @record
    class Base:
        """A base."""

        x: int

    @record
    class Child(Base):
        """A child with a field more."""

        y: int = 0

    assert Base(1) != Child(1)
    assert Child(1) != Base(1)
    same_values: object = (1,)
    assert Base(1) != same_values
    assert Child(1, 2) == Child(1, 2) and Child(1, 2) != Child(1, 3)
    assert repr(Child(1, 2)) == f"{Child.__qualname__}(x=1, y=2)"


def test_methods_a_class_writes_itself_stay() -> None:
    @record
    class Named:
        """Compared by name only, as its own == says."""

        name: str
        extra: int = 0

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name == self.name

        def __repr__(self) -> str:
            return f"<{self.name}>"

    @record
    class Hashed:
        """Hashes itself."""

        name: str

        def __hash__(self) -> int:
            return 42

    assert Named("a", 1) == Named("a", 2)
    assert repr(Named("a")) == "<a>"
    @dataclass(frozen=True)
    class Plain:
        """The same fields and own ==, as a dataclass."""

        name: str
        extra: int = 0

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Plain) and other.name == self.name

    # A frozen class that writes __eq__ alone still hashes its fields, as a dataclass does.
    assert hash(Named("a", 1)) == hash(Plain("a", 1)) != hash(Named("a", 2))
    assert hash(Hashed("x")) == 42


def test_no_fields_compare_equal_within_a_class() -> None:
    @record
    class Empty:
        """Nothing in it."""

    assert Empty() == Empty()
    assert hash(Empty()) == hash(Empty())
    assert repr(Empty()).endswith("Empty()")
