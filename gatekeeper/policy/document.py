"""Reads YAML safely, keeping the line and column of every key and value for error messages."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

import yaml
from yaml.reader import ReaderError

from gatekeeper.common.records import record
from gatekeeper.errors import PolicyError
from gatekeeper.policy.places import Location, Places

MAX_NODES = 20_000
"""Nodes visited with aliases expanded; an alias bomb passes this long before memory runs out."""
MAX_BYTES = 1 << 20
MAX_NESTING = 64
"""Levels of nested lists and mappings; deeper documents (or recursive aliases) are refused
before they exhaust the Python stack."""


@record(frozen=False)
class Walk(Places):
    """One YAML read: where each value and key was written, by path, and its loader."""

    loader: yaml.SafeLoader
    visited: int = 0
    aliases: dict[tuple[int, object], Location] = field(default_factory=dict)
    """Where each alias was written, by (id of the parent node, index or id of the key node)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting and remembers where each alias was written."""

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.depth = 0
        self.aliases: dict[tuple[int, object], Location] = {}
        super().__init__(text)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark or self.get_mark()
        where = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.AliasEvent):
            if parent is not None and index is not None:
                self.aliases[(id(parent), index if isinstance(index, int) else id(index))] = where
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise _too_deep(self.filename, where)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep(filename: str, where: Location) -> PolicyError:
    return PolicyError(f"values nest deeper than {MAX_NESTING} levels (a recursive alias?)",
                       file=filename, line=where[0], column=where[1],
                       hint="flatten the structure; policies need only a few levels")


def read_yaml_file(path: Path, display: str, what: str = "policy") -> tuple[Any, Walk]:
    """Read ``path`` as YAML with locations; every problem is a PolicyError naming ``display``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read {what}: {exc.strerror}", file=display,
                          hint="check the path") from None
    except ValueError:  # an embedded NUL byte in the path
        raise PolicyError(f"cannot read {what}: invalid path", file=display) from None
    return read_yaml_bytes(raw, display, what)


def read_yaml_bytes(raw: bytes, display: str, what: str = "policy") -> tuple[Any, Walk]:
    """Parse ``raw`` as YAML with locations, refusing oversized or non-UTF-8 input."""
    if len(raw) > MAX_BYTES:
        raise PolicyError(f"{what} file larger than {MAX_BYTES} bytes", file=display)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{what} file is not valid UTF-8", file=display, line=1,
                          column=exc.start + 1) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, filename: str) -> tuple[Any, Walk]:
    """Parse ``text`` into its data and the Walk of locations; every problem is a PolicyError."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text, filename)
        walk = Walk(filename, {}, {}, loader, aliases=loader.aliases)
        node = loader.get_single_node()
        data = None if node is None else _build(node, (), walk, None)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, filename) from None
    except ReaderError as exc:
        line, column = _position(text, exc.position)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise PolicyError(f"YAML error: unacceptable character #x{code:04x}",
                          file=filename, line=line, column=column,
                          hint="remove control characters from the file") from None
    except yaml.YAMLError as exc:
        raise PolicyError("YAML error: " + " ".join(str(exc).split()), file=filename) from None
    except (ValueError, OverflowError) as exc:
        # PyYAML's scanner lets some escapes fail in Python itself ("\U11111111" -> chr()).
        mark = loader.get_mark() if loader is not None else None
        raise PolicyError(f"YAML syntax error: {' '.join(str(exc).split())}", file=filename,
                          line=mark.line + 1 if mark else None,
                          column=mark.column + 1 if mark else None,
                          hint="fix the escape sequence in the quoted string") from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, walk


def _position(text: str, offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _syntax_error(exc: yaml.MarkedYAMLError, filename: str) -> PolicyError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem and exc.problem.startswith("but "):
        problem = f"{exc.context}, {exc.problem}"
    elif exc.context and exc.context_mark and exc.context_mark is not mark:
        problem += (f" ({exc.context} that starts at line {exc.context_mark.line + 1}, "
                    f"column {exc.context_mark.column + 1})")
    return PolicyError(f"YAML syntax error: {' '.join(problem.split())}", file=filename,
                       line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None,
                       hint="fix the YAML syntax at that position")


def _build(node: yaml.Node, path: tuple[Any, ...], walk: Walk, alias: Location | None) -> Any:
    """The value of ``node``; ``alias`` is where the alias being expanded was written, if any."""
    here = (node.start_mark.line + 1, node.start_mark.column + 1)
    walk.visited += 1
    if walk.visited > MAX_NODES:
        line, column = alias or here
        raise PolicyError(
            f"the document expands to more than {MAX_NODES} values (YAML alias bomb?)",
            file=walk.filename, line=line, column=column,
            hint="write the values out instead of nesting aliases")
    if len(path) >= MAX_NESTING:
        raise _too_deep(walk.filename, alias or here)
    walk.values.setdefault(path, here)
    if isinstance(node, yaml.MappingNode):
        walk.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            key = _scalar(key_node, walk) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)):
                raise PolicyError("mapping keys must be plain scalars", file=walk.filename,
                                  line=where[0], column=where[1])
            if key in result:
                raise PolicyError(f"duplicate key {key!r}", file=walk.filename, line=where[0],
                                  column=where[1], hint="keep one of the two entries")
            walk.keys[(*path, key)] = where
            result[key] = _build(value_node, (*path, key), walk,
                                 alias or walk.aliases.get((id(node), id(key_node))))
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), walk, alias or walk.aliases.get((id(node), i)))
                for i, item in enumerate(node.value)]
    return _scalar(node, walk)


def _scalar(node: yaml.Node, walk: Walk) -> Any:
    try:
        return walk.loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except Exception as exc:  # the constructors raise ValueError, AttributeError, ...
        text = str(node.value)
        shown = repr(text if len(text) <= 40 else text[:37] + "...")
        raise PolicyError(f"cannot read {shown} as {node.tag.rsplit(':', 1)[-1]}: {exc}",
                          file=walk.filename, line=node.start_mark.line + 1,
                          column=node.start_mark.column + 1,
                          hint="quote the value to keep it as text, or correct it") from None
