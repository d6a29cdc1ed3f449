"""Dataclasses whose ``==``, ``hash`` and ``repr`` are shared, not compiled for each class.

``dataclasses.dataclass`` writes each method it adds as source text and compiles it when the
class is created: six compilations for a frozen class. A run of gatekeeper creates over sixty
such classes before it reads anything, so those compilations were a large part of its start-up.
``record`` makes the same frozen dataclass (``dataclasses.fields``, ``replace`` and
``is_dataclass`` work on it; assigning a field raises ``FrozenInstanceError``) and leaves only
``__init__`` and the frozen ``__setattr__`` and ``__delattr__`` to be compiled; a mutable one
(``frozen=False``) compiles ``__init__`` alone. Equality, hashing and repr are the functions
below, which read the fields as dataclasses does: ``==`` compares the tuples of the fields with
``compare``, ``hash`` hashes those with ``hash`` (``compare`` when unset), and ``repr`` shows
those with ``repr``.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, cast

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        """Stands in for Python 3.11's ``typing.dataclass_transform``, which only marks the
        function for type checkers."""
        return lambda function: function

T = TypeVar("T")
Key = Callable[[Any], tuple[Any, ...]]

_KEYS: dict[type, tuple[Key, Key]] = {}
"""Per class: what ``==`` compares and what ``hash`` hashes, worked out on first use."""


def _getter(names: tuple[str, ...]) -> Key:
    """The values of ``names``, always as a tuple (as the dataclass methods build it)."""
    if len(names) > 1:
        return cast(Key, attrgetter(*names))
    if names:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()


def _keys(cls: type) -> tuple[Key, Key]:
    found = _KEYS.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        compared = tuple(f.name for f in fields if f.compare)
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        found = _KEYS[cls] = (_getter(compared), _getter(hashed))
    return found


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = _keys(self.__class__)[0]
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_keys(self.__class__)[1](self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                      for f in dataclasses.fields(self) if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


_SHARED: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("__eq__", _eq), ("__hash__", _hash), ("__repr__", _repr))


def _made(cls: type[T], frozen: bool, slots: bool) -> type[T]:
    own = dict(cls.__dict__)
    made = dataclasses.dataclass(frozen=frozen, eq=False, repr=False, slots=slots)(cls)
    for name, method in _SHARED:
        # A method the class writes itself stays. A class that writes __eq__ alone has
        # __hash__ None, and gets the fields' hash, as dataclasses gives a frozen class; a
        # mutable one, like a mutable dataclass, has no hash.
        if own.get(name) is None:
            setattr(made, name, method if frozen or name != "__hash__" else None)
    return made


@dataclass_transform(frozen_default=True,
                     field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, slots: bool = False) -> Any:
    """A dataclass of ``cls`` (``@record``, ``@record(slots=True)``, ``@record(frozen=False)``
    for state a phase mutates as it works), as ``@dataclass(frozen=True)`` or ``@dataclass``
    makes it, with the shared ``==``, ``hash`` and ``repr``."""
    if cls is None:
        return lambda given: _made(given, frozen, slots)
    return _made(cls, frozen, slots)
