"""What a CODEOWNERS file says: its rules and sections, and the owners of given paths."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import field

from gatekeeper.common.records import record
from gatekeeper.facts.codeowners.patterns import Matcher, Syntax, path_keys


@record(slots=True)
class Problem:
    """A line that was ignored or read with a caveat; ``line`` is None for the whole file."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


@record(slots=True)
class Section:
    """A GitLab section, headings of the same name combined. ``name`` None is the part
    before the first heading, and the whole of a GitHub file."""

    name: str | None
    optional: bool
    approvals: int
    line: int | None
    """The first heading's line."""


@record(slots=True)
class Rule:
    """One entry: a pattern and its owners (a section's default owners when it names none)."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    section: str | None
    exclusion: bool
    matcher: Matcher = field(repr=False, compare=False)

    def matches(self, path: str) -> bool:
        """Whether the rule's pattern matches ``path`` (a leading slash is ignored)."""
        return self.matcher.matches(_parts(path))


@record(slots=True)
class SectionOwners:
    """The owners one section gives a path, from the rule on ``line``."""

    section: str | None
    owners: tuple[str, ...]
    optional: bool
    approvals: int
    line: int
    pattern: str


@record(slots=True)
class PathOwners:
    """One path, and the owners each section that owns it gives it."""

    path: str
    sections: tuple[SectionOwners, ...]

    @property
    def owners(self) -> tuple[str, ...]:
        """The path's owners over all its sections, in first-seen order, each once."""
        return _union(s.owners for s in self.sections)


@record(slots=True)
class RequiredApproval:
    """Approvals one group of owners must give in a required section, and for which paths."""

    section: str | None
    owners: tuple[str, ...]
    approvals: int
    paths: tuple[str, ...]


@record(slots=True)
class OwnerSummary:
    """The owners of a change's paths: per path, in all, the approvals required, the unowned."""

    paths: tuple[PathOwners, ...]
    owners: tuple[str, ...]
    """Every owner of any path, optional sections included: the reviewers to request."""
    required: tuple[RequiredApproval, ...]
    unowned: tuple[str, ...]
    """Paths no rule gives an owner."""


@record(slots=True)
class _Index:
    """Rule positions filed under each rule's rarest key, so a path meets few candidates."""

    keyed: dict[str, list[int]]
    unkeyed: list[int]

    @classmethod
    def of(cls, rules: list[tuple[int, Rule]]) -> _Index:
        counts = Counter(key for _, rule in rules for key in rule.matcher.keys)
        index = cls({}, [])
        for position, rule in rules:
            keys = rule.matcher.keys
            if keys:
                index.keyed.setdefault(min(keys, key=counts.__getitem__), []).append(position)
            else:
                index.unkeyed.append(position)
        return index

    def last_match(self, rules: tuple[Rule, ...], parts: tuple[str, ...]) -> Rule | None:
        """The last of these rules that matches, checking candidates latest first."""
        lists = [self.keyed[key] for key in path_keys(parts) if key in self.keyed]
        for position in heapq.merge(*(reversed(x) for x in [*lists, self.unkeyed]),
                                    reverse=True):
            if rules[position].matcher.matches(parts):
                return rules[position]
        return None


@record(slots=True)
class _Lookup:
    section: Section
    entries: _Index
    exclusions: _Index


@record(slots=True)
class CodeOwners:
    """A parsed file: ``rules`` in file order, ``sections`` in order of first heading (the
    unnamed one first), and what could not be used in ``problems``."""

    syntax: Syntax
    source: str
    rules: tuple[Rule, ...]
    sections: tuple[Section, ...]
    problems: tuple[Problem, ...]
    _lookups: tuple[_Lookup, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_section: dict[str | None, list[tuple[int, Rule]]] = {}
        for pair in enumerate(self.rules):
            by_section.setdefault(pair[1].section, []).append(pair)
        lookups = []
        for section in self.sections:
            rules = by_section.get(section.name, [])
            lookups.append(_Lookup(section, _Index.of([p for p in rules if not p[1].exclusion]),
                                   _Index.of([p for p in rules if p[1].exclusion])))
        object.__setattr__(self, "_lookups", tuple(lookups))

    def owners_of(self, path: str) -> tuple[SectionOwners, ...]:
        """Per section, the owners the last matching rule gives ``path``. A section whose
        exclusion matches the path is left out; a rule without owners still counts."""
        parts = _parts(path)
        found: list[SectionOwners] = []
        for lookup in self._lookups:
            if lookup.exclusions.last_match(self.rules, parts) is not None:
                continue
            rule = lookup.entries.last_match(self.rules, parts)
            if rule is not None:
                section = lookup.section
                found.append(SectionOwners(section.name, rule.owners, section.optional,
                                           section.approvals, rule.line, rule.pattern))
        return tuple(found)

    def for_paths(self, paths: Iterable[str]) -> OwnerSummary:
        """Owners of each path, all owners to request, what required sections ask for,
        and the paths without owners."""
        per_path = tuple(PathOwners(p, self.owners_of(p)) for p in dict.fromkeys(paths))
        return OwnerSummary(per_path, _union(e.owners for e in per_path), _required(per_path),
                            tuple(e.path for e in per_path if not e.owners))


def _required(per_path: tuple[PathOwners, ...]) -> tuple[RequiredApproval, ...]:
    """One approval group per required section and set of owners. A rule without owners
    asks for nothing: GitLab approves it automatically."""
    groups: dict[tuple[str | None, frozenset[str]], tuple[SectionOwners, list[str]]] = {}
    for entry in per_path:
        for s in entry.sections:
            if not s.optional and s.owners:
                groups.setdefault((s.section, frozenset(s.owners)), (s, []))[1].append(entry.path)
    return tuple(RequiredApproval(s.section, s.owners, s.approvals, tuple(paths))
                 for s, paths in groups.values())


def _parts(path: str) -> tuple[str, ...]:
    path = path.lstrip("/")
    return tuple(path.split("/")) if path else ()


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(owner for group in groups for owner in group))
