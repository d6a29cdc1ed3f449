"""A typed JSON codec for frozen dataclasses: what the replay cache stores change sets with.

A cache file is data, never code: values are read back only into the dataclass, enum, tuple,
dict and scalar types the annotations name, each checked as it is read. Nothing is pickled.
Bytes are stored as base64. A value that does not fit its type is a ``CodecError``.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable
from typing import Any, Union

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


class CodecError(ValueError):
    """A stored value that does not fit the type it is read as."""


class Codec:
    """Encodes and decodes values of one dataclass type, with decoders built once per type."""

    def __init__(self, root: type[Any], names: dict[str, Any] | None = None) -> None:
        """``names`` resolves annotations a module imports only for type checking."""
        self._names = dict(names or {})
        self._decoders: dict[Any, Decoder] = {}
        self._encoders: dict[Any, Encoder] = {}
        self._root = root
        self._decode = self._decoder(root)
        self._encode = self._encoder(root)

    def dumps(self, value: Any) -> str:
        """``value`` as compact JSON text."""
        if not isinstance(value, self._root):
            raise TypeError(f"expected {self._root.__name__}, got {type(value).__name__}")
        return json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":"))

    def loads(self, text: str) -> Any:
        """The value ``text`` holds; CodecError when it is not one."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise CodecError(f"not JSON: {exc}") from None
        return self._decode(data)

    # -- decoders ------------------------------------------------------------------------

    def _decoder(self, hint: Any) -> Decoder:
        key = hint
        found = self._decoders.get(key)
        if found is None:
            # A placeholder first: a dataclass may (indirectly) hold its own type.
            self._decoders[key] = lambda data: self._decoders[key](data)
            try:
                found = self._build_decoder(hint)
            except TypeError:
                del self._decoders[key]
                raise
            self._decoders[key] = found
        return found

    def _build_decoder(self, hint: Any) -> Decoder:
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            return self._union(typing.get_args(hint))
        if origin is tuple:
            return self._tuple(typing.get_args(hint))
        if origin is dict:
            key, value = typing.get_args(hint)
            return self._dict(self._decoder(key), self._decoder(value))
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self._dataclass(hint)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return _enum(hint)
        return _scalar(hint)

    def _union(self, options: tuple[Any, ...]) -> Decoder:
        optional = type(None) in options
        rest = [o for o in options if o is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"unions other than Optional are not supported: {options}")
        try:
            inner = self._decoder(rest[0])
        except TypeError:
            if not optional:
                raise
            return _none  # a type never stored (a secret) is only ever stored as None
        if not optional:
            return inner
        return lambda data: None if data is None else inner(data)

    def _tuple(self, args: tuple[Any, ...]) -> Decoder:
        if len(args) == 2 and args[1] is Ellipsis:
            item = self._decoder(args[0])

            def many(data: Any) -> tuple[Any, ...]:
                return tuple(item(x) for x in _list(data))
            return many
        items = [self._decoder(a) for a in args]

        def fixed(data: Any) -> tuple[Any, ...]:
            values = _list(data)
            if len(values) != len(items):
                raise CodecError(f"expected {len(items)} items, got {len(values)}")
            return tuple(decode(x) for decode, x in zip(items, values, strict=True))
        return fixed

    @staticmethod
    def _dict(key: Decoder, value: Decoder) -> Decoder:
        def decode(data: Any) -> dict[Any, Any]:
            if not isinstance(data, dict):
                raise CodecError(f"expected an object, got {type(data).__name__}")
            return {key(k): value(v) for k, v in data.items()}
        return decode

    def _dataclass(self, cls: type[Any]) -> Decoder:
        hints = typing.get_type_hints(cls, localns=self._names)
        fields = {f.name: self._decoder(hints[f.name]) for f in dataclasses.fields(cls)
                  if f.init}

        def decode(data: Any) -> Any:
            if not isinstance(data, dict):
                raise CodecError(f"expected an object for {cls.__name__}")
            unknown = set(data) - set(fields)
            if unknown:
                raise CodecError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
            return cls(**{name: fields[name](value) for name, value in data.items()})
        return decode

    # -- encoders ------------------------------------------------------------------------

    def _encoder(self, hint: Any) -> Encoder:
        found = self._encoders.get(hint)
        if found is None:
            self._encoders[hint] = lambda value: self._encoders[hint](value)
            try:
                found = self._build_encoder(hint)
            except TypeError:
                del self._encoders[hint]
                raise
            self._encoders[hint] = found
        return found

    def _build_encoder(self, hint: Any) -> Encoder:
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            return self._optional_encoder(hint)
        if origin is tuple:
            return self._tuple_encoder(typing.get_args(hint))
        if origin is dict:
            key, val = (self._encoder(a) for a in typing.get_args(hint))
            return lambda value: {key(k): val(v) for k, v in value.items()}
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self._dataclass_encoder(hint)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return lambda value: value.value
        if hint is bytes:
            return lambda value: base64.b64encode(value).decode("ascii")
        if hint in (str, int, float, bool):
            return lambda value: value
        raise TypeError(f"cannot store a {hint!r}")

    def _optional_encoder(self, hint: Any) -> Encoder:
        kept = next(o for o in typing.get_args(hint) if o is not type(None))
        try:
            inner = self._encoder(kept)
        except TypeError:
            return _only_none
        return lambda value: None if value is None else inner(value)

    def _tuple_encoder(self, args: tuple[Any, ...]) -> Encoder:
        if len(args) == 2 and args[1] is Ellipsis:
            item = self._encoder(args[0])
            return lambda value: [item(x) for x in value]
        items = [self._encoder(a) for a in args]
        return lambda value: [e(x) for e, x in zip(items, value, strict=True)]

    def _dataclass_encoder(self, cls: type[Any]) -> Encoder:
        hints = typing.get_type_hints(cls, localns=self._names)
        fields = [(f.name, self._encoder(hints[f.name])) for f in dataclasses.fields(cls)
                  if f.init]
        return lambda value: {name: encode(getattr(value, name)) for name, encode in fields}


def _only_none(value: Any) -> None:
    if value is not None:
        raise TypeError(f"a {type(value).__name__} is never stored")
    return None


def _none(data: Any) -> None:
    if data is not None:
        raise CodecError(f"expected null, got {type(data).__name__}")
    return None


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise CodecError(f"expected a list, got {type(data).__name__}")
    return data


def _enum(cls: type[enum.Enum]) -> Decoder:
    def decode(data: Any) -> Any:
        try:
            return cls(data)
        except ValueError:
            raise CodecError(f"{data!r} is not a {cls.__name__}") from None
    return decode


def _scalar(hint: Any) -> Decoder:
    if hint is bytes:
        def decode_bytes(data: Any) -> bytes:
            if not isinstance(data, str):
                raise CodecError("expected base64 text")
            try:
                return base64.b64decode(data.encode("ascii"), validate=True)
            except ValueError:
                raise CodecError("not base64") from None
        return decode_bytes
    if hint not in (str, int, float, bool):
        raise TypeError(f"cannot read a {hint!r}")

    def decode(data: Any) -> Any:
        # bool is an int to Python; a stored true is never a count, nor a count a flag
        if type(data) is not hint and not (hint is float and type(data) is int):
            raise CodecError(f"expected {hint.__name__}, got {type(data).__name__}")
        return data
    return decode
