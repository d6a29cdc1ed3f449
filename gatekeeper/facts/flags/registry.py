"""A registry of known flag keys (YAML, JSON or plain text) and the check of keys against it.

Accepted shapes, in YAML or JSON: a list of keys; a list of objects with a ``key``, ``name``
or ``id``; a mapping of key to description or metadata; any of these under ``flags:``. Plain
text holds one key per line, with ``#`` comments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from gatekeeper.common.records import record
from gatekeeper.common.suggest import closest
from gatekeeper.errors import PolicyError

MAX_BYTES = 4 << 20
MAX_KEYS = 100_000
MAX_KEY_LENGTH = 256
_ID_FIELDS = ("key", "name", "id")
_STR = "tag:yaml.org,2002:str"
Entry = tuple[Any, int | None]
"""A raw key and the line it was written on, where known."""


@record
class Registry:
    """The flag keys a registry file lists; ``source`` names the file for messages."""

    source: str
    keys: frozenset[str]


@record
class UnknownKey:
    """A key the registry does not list, and the listed key it most resembles, if any."""

    key: str
    suggestion: str | None


def check(keys: Iterable[str], registry: Registry) -> tuple[UnknownKey, ...]:
    """The ``keys`` the registry does not list, sorted, each with a typo suggestion."""
    unknown = sorted(set(keys) - registry.keys)
    if not unknown:
        return ()
    lowered: dict[str, str] = {}
    for known in sorted(registry.keys):
        lowered.setdefault(known.lower(), known)
    # Compare lowercased, so that a key differing only in case is suggested too.
    choices = list(lowered)
    result = []
    for key in unknown:
        close = closest(key.lower(), choices, cutoff=0.7)
        result.append(UnknownKey(key, lowered[close] if close is not None else None))
    return tuple(result)


def load(path: Path, display: str | None = None) -> Registry:
    """Read the registry at ``path``; every problem is a PolicyError naming ``display``."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(shown)
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read flag registry: {exc.strerror}", file=shown,
                          hint="check the path") from None
    return parse(raw, shown)


def parse(raw: bytes, display: str, fmt: str | None = None) -> Registry:
    """The registry in ``raw``; ``fmt`` is yaml, json or text, else taken from the name."""
    if len(raw) > MAX_BYTES:
        raise _too_large(display)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError("flag registry is not valid UTF-8", file=display, line=line) from None
    kind = fmt or _format_of(display)
    if kind == "json":
        entries = _json_entries(text, display)
    elif kind == "yaml":
        entries = _yaml_entries(text, display)
    elif kind == "text":
        entries = _text_entries(text)
    else:
        raise PolicyError(f"unknown flag registry format {kind!r}", file=display,
                          hint="use yaml, json or text")
    if len(entries) > MAX_KEYS:
        raise PolicyError(f"flag registry lists more than {MAX_KEYS} keys", file=display)
    return Registry(display, frozenset(_valid_key(key, line, display) for key, line in entries))


def _too_large(display: str) -> PolicyError:
    return PolicyError(f"flag registry larger than {MAX_BYTES >> 20} MiB", file=display)


def _format_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yml", ".yaml")):
        return "yaml"
    return "text"


def _valid_key(key: Any, line: int | None, display: str) -> str:
    if not isinstance(key, str) or isinstance(key, bool):
        raise PolicyError(f"flag key {key!r} is not text", file=display, line=line,
                          hint="quote it")
    stripped = key.strip()
    if not stripped:
        raise PolicyError("empty flag key", file=display, line=line)
    if len(stripped) > MAX_KEY_LENGTH:
        raise PolicyError(f"flag key longer than {MAX_KEY_LENGTH} characters", file=display,
                          line=line)
    if any(ord(c) < 32 or ord(c) == 127 for c in stripped):
        raise PolicyError(f"flag key {stripped!r} holds a control character", file=display,
                          line=line)
    return stripped


def _text_entries(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # A comment may follow a key after a blank: "new-checkout  # owner: payments".
        for mark in (" #", "\t#"):
            line = line.split(mark, 1)[0].rstrip()
        entries.append((line, number))
    return entries


# -- JSON ------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_entries(text: str, display: str) -> list[Entry]:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"JSON error: {exc.msg}", file=display, line=exc.lineno,
                          column=exc.colno, hint="fix the JSON syntax at that position") from None
    except ValueError as exc:
        raise PolicyError(f"JSON error: {exc}", file=display,
                          hint="keep one of the two entries") from None
    except RecursionError:
        raise PolicyError("JSON nests too deeply", file=display) from None
    return [(key, None) for key in _shape(data, display)]


def _shape(data: Any, display: str) -> list[Any]:
    """The raw keys of a decoded JSON registry of any accepted shape."""
    if isinstance(data, dict) and isinstance(data.get("flags"), (list, dict)):
        data = data["flags"]
    if data is None:
        return []
    if isinstance(data, dict):
        return list(data)
    if not isinstance(data, list):
        raise PolicyError("a flag registry is a list or a mapping of keys", file=display)
    keys = []
    for item in data:
        if isinstance(item, dict):
            field = next((f for f in _ID_FIELDS if f in item), None)
            if field is None:
                raise PolicyError("a flag entry needs a key, name or id field", file=display)
            item = item[field]
        keys.append(item)
    return keys


# -- YAML ------------------------------------------------------------------------------------


def _yaml_entries(text: str, display: str) -> list[Entry]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PolicyError(f"YAML syntax error: {' '.join(str(exc.problem).split())}",
                          file=display, line=mark.line + 1 if mark else None,
                          column=mark.column + 1 if mark else None,
                          hint="fix the YAML syntax at that position") from None
    except yaml.YAMLError as exc:
        raise PolicyError("YAML error: " + " ".join(str(exc).split()), file=display) from None
    except RecursionError:
        raise PolicyError("YAML nests too deeply", file=display) from None
    if node is None:
        return []
    # Only the top two levels are read from the node tree, so aliases are never expanded.
    if isinstance(node, yaml.MappingNode):
        flags = _child(node, "flags", display)
        if isinstance(flags, (yaml.SequenceNode, yaml.MappingNode)):
            node = flags
    if isinstance(node, yaml.MappingNode):
        return [(_scalar(k, display), _line(k)) for k, _ in _pairs(node, display)]
    if not isinstance(node, yaml.SequenceNode):
        raise PolicyError("a flag registry is a list or a mapping of keys", file=display,
                          line=_line(node))
    return [_item(item, display) for item in node.value]


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _pairs(node: yaml.MappingNode, display: str) -> list[tuple[yaml.Node, yaml.Node]]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise PolicyError("YAML merge keys (<<) are not supported in a flag registry",
                              file=display, line=_line(key_node))
        value = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
        if value in seen:
            raise PolicyError(f"duplicate key {value!r}", file=display, line=_line(key_node),
                              hint="keep one of the two entries")
        seen.add(value)
    return list(node.value)


def _child(node: yaml.MappingNode, name: str, display: str) -> yaml.Node | None:
    for key_node, value_node in _pairs(node, display):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == name \
                and key_node.tag == _STR:
            return value_node
    return None


def _scalar(node: yaml.Node, display: str) -> Any:
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
        return node.value
    shown = node.value if isinstance(node, yaml.ScalarNode) else "a list or mapping"
    raise PolicyError(f"flag key {shown!r} is not text", file=display, line=_line(node),
                      hint="quote it")


def _item(node: yaml.Node, display: str) -> Entry:
    if isinstance(node, yaml.MappingNode):
        for field in _ID_FIELDS:
            value = _child(node, field, display)
            if value is not None:
                return _scalar(value, display), _line(value)
        raise PolicyError("a flag entry needs a key, name or id field", file=display,
                          line=_line(node))
    return _scalar(node, display), _line(node)
