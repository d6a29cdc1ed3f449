"""Finds feature-flag references in lines of code, by the presets and custom patterns in force.

The scan is pure: it reads ``(path, line number, text)`` triples, added or removed lines of a
diff, and returns one FlagRef per call site. A line is looked at closely only when it holds a
keyword of a pattern of its file's language, so most lines cost one regex search.

A reference in a comment guards nothing, so comments are blanked first, by each language's
syntax (``gatekeeper.lexing.syntax``). A preset's call form counts only where it starts in
code, never inside a string literal (a log message that names the call); a policy's own
pattern may match in strings, as it knows how its code is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from gatekeeper.common.records import record
from gatekeeper.facts.flags.custom import CustomPattern
from gatekeeper.facts.flags.presets import Preset, builtin_presets, extension_of, language_of
from gatekeeper.lexing.lexer import Lexed
from gatekeeper.lexing.lexfile import lex_lines

Line = tuple[str, int, str]
"""A line of a file: its path, its 1-based number, its text without the line break."""

WINDOW = 3
"""Following lines read with a line that ends inside an open call: f(\\n  "key", ...)."""
_OPENERS = ("(", "{", "[", ",")
_LITERAL = re.compile(r"""["'`]([^"'`\\\r\n${}]{1,256})["'`]""")
_NAME = re.compile(r"[A-Za-z_$][\w$]*")


@record
class FlagRef:
    """A reference to a flag: ``key`` is None where the call names it with an expression."""

    path: str
    line: int
    key: str | None
    preset: str
    language: str


@record
class _Rule:
    origin: str
    language: str | None
    regex: re.Pattern[str]
    keywords: tuple[str, ...]
    groups: tuple[str, ...]
    in_strings: bool = False
    """Whether a match may start inside a string literal (custom patterns only)."""


def _trie(words: Iterable[str]) -> str:
    """One regex for ``words`` that shares their prefixes: far fewer tries per position."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + build(node[c]) for c in sorted(node) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


class _Table:
    """The rules for one file extension, behind one keyword pre-filter."""

    def __init__(self, rules: list[_Rule]) -> None:
        self.rules = rules
        self.always = [i for i, r in enumerate(rules) if not r.keywords]
        self.by_keyword: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            for keyword in rule.keywords:
                self.by_keyword.setdefault(keyword, []).append(index)
        # The finder reports the longest keyword at each position; shorter ones that start
        # there too are its prefixes, which it implies.
        self.implied = {k: [p for p in self.by_keyword if k.startswith(p)]
                        for k in self.by_keyword}
        trie = _trie(self.by_keyword)
        self.prefilter = re.compile(trie) if trie else None
        self.finder = re.compile(f"(?=({trie}))") if trie else None

    def wanted(self, text: str) -> list[_Rule]:
        """The rules that may match in ``text``: those with no keyword and those whose keywords
        occur in it, in the table's order."""
        if self.finder is None or self.prefilter is None or not self.prefilter.search(text):
            return [self.rules[i] for i in self.always]
        indices = set(self.always)
        for keyword in {m.group(1) for m in self.finder.finditer(text)}:
            for prefix in self.implied[keyword]:
                indices.update(self.by_keyword[prefix])
        return [self.rules[i] for i in sorted(indices)]


def _keys_of(match: re.Match[str], groups: tuple[str, ...]) -> list[str | None]:
    for name in groups:
        value = match.group(name)
        if value is None:
            continue
        if name.startswith("keys"):
            found: list[str | None] = [k.strip() for k in _LITERAL.findall(value) if k.strip()]
            return found or [None]
        if name.startswith("names"):
            found = [_destructured(part.strip()) for part in value.split(",")]
            return [k for k in found if k] or [None]
        return [value.strip() or None]
    return [None]


def _destructured(part: str) -> str | None:
    """The property a destructuring entry reads: ``a``, ``a: alias``, ``'a-b': alias``."""
    if part.startswith("..."):
        return None
    literal = _LITERAL.match(part)
    if literal:
        return literal.group(1)
    name = _NAME.match(part)
    return name.group(0) if name else None


class Scanner:
    """Scans lines with the given presets (in order) and custom patterns (which come first)."""

    def __init__(self, presets: Iterable[Preset] = (),
                 custom: Iterable[CustomPattern] = ()) -> None:
        self.presets = tuple(presets)
        self.custom = tuple(custom)
        self._tables: dict[str, _Table] = {}

    def _table(self, extension: str) -> _Table:
        table = self._tables.get(extension)
        if table is None:
            rules = [_Rule(c.name, None, c.regex, c.keywords, c.groups, in_strings=True)
                     for c in self.custom if c.applies_to(extension)]
            for preset in self.presets:
                lang = preset.rules_for(extension)
                if lang is not None:
                    rules += [_Rule(preset.id, lang.language, p.regex, p.keywords, p.groups)
                              for p in lang.patterns]
            table = self._tables[extension] = _Table(rules)
        return table

    def scan(self, lines: Iterable[Line]) -> tuple[FlagRef, ...]:
        """Every flag reference in ``lines``, in their order; one per call site."""
        items: Sequence[Line] = lines if isinstance(lines, Sequence) else list(lines)
        tables: dict[str, tuple[_Table, str]] = {}
        candidates: list[int] = []
        for index, (path, _number, text) in enumerate(items):
            known = tables.get(path)
            if known is None:
                known = tables[path] = (self._table(extension_of(path)), language_of(path))
            if known[0].wanted(text):
                candidates.append(index)
        # Only lines with a keyword, and the lines a call on them may run on to, are lexed in
        # full; the others are read only for what they leave open.
        code = lex_lines(items, extension_of,
                         {i + ahead for i in candidates for ahead in range(WINDOW + 1)})
        found: list[FlagRef] = []
        for index in candidates:
            path, number, _text = items[index]
            table, language = tables[path]
            lexed = code[index]
            assert lexed is not None  # every candidate is wanted
            rules = table.wanted(lexed.text)
            if rules:
                found += self._line(rules, path, number, language, lexed,
                                    _window(items, code, index))
        return tuple(found)

    def _line(self, rules: list[_Rule], path: str, number: int, language: str, code: Lexed,
              text: tuple[str, int]) -> list[FlagRef]:
        window, own = text
        candidates: list[tuple[bool, int, int, int, list[FlagRef]]] = []
        for order, rule in enumerate(rules):
            for match in rule.regex.finditer(window):
                start, end = match.span()
                if start >= own:
                    break
                if end > start and (rule.in_strings or not code.in_string(start)):
                    refs = [FlagRef(path, number, key, rule.origin, rule.language or language)
                            for key in _keys_of(match, rule.groups)]
                    unknown = all(ref.key is None for ref in refs)
                    candidates.append((unknown, order, start, end, refs))
        return _one_per_site(candidates)


def _one_per_site(candidates: list[tuple[bool, int, int, int, list[FlagRef]]]) -> list[FlagRef]:
    """The references of the matches that win their call site, in the order of the line."""
    # One reference per call site: where matches overlap, a known key beats an unknown
    # one, then the earlier rule (custom patterns, then presets in the order given) wins.
    taken: list[tuple[int, int, list[FlagRef]]] = []
    for _, _, start, end, refs in sorted(candidates, key=lambda c: (c[0], c[1])):
        if not any(s < end and start < e for s, e, _ in taken):
            taken.append((start, end, refs))
    return [ref for _, _, refs in sorted(taken, key=lambda t: t[0]) for ref in refs]


def _window(items: Sequence[Line], code: list[Lexed | None], index: int) -> tuple[str, int]:
    """The text to search for calls that start on line ``index``, and that line's length,
    comments blanked.

    A line ending inside an open call is read with the next few lines of the same file, when
    they follow it directly, so that a key written on the next line is still found.
    """
    path, number, text = items[index]
    text = (code[index] or Lexed(text)).text
    if not text.rstrip().endswith(_OPENERS):
        return text, len(text)
    parts = [text]
    for ahead in range(index + 1, min(index + 1 + WINDOW, len(items))):
        next_path, next_number, next_text = items[ahead]
        if next_path != path or next_number != number + len(parts):
            break
        parts.append((code[ahead] or Lexed(next_text)).text.strip())
    return " ".join(parts), len(text)


def scan(lines: Iterable[Line], presets: Iterable[Preset] | None = None,
         custom: Iterable[CustomPattern] = ()) -> tuple[FlagRef, ...]:
    """Flag references in ``lines`` by ``presets`` (all built-in ones for None) and ``custom``."""
    chosen = builtin_presets() if presets is None else presets
    return Scanner(chosen, custom).scan(lines)
