"""Mapping the file paths a coverage report names to the files of the repository."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gatekeeper.common.records import record

_NEEDS_WORK = re.compile(r"\\|/\.|//|^[A-Za-z]:")
"""What a path must contain for normalising to change it."""

_SHOWN_CANDIDATES = 5
"""How many ambiguous candidates the reason names before saying how many more there are."""

_REPORT_ROOT, _SOURCE_ROOT, _AS_IS = 0, 1, 2
"""Tiers of an exact match, best first: the report's own roots are the most specific claim."""


@record(slots=True)
class Mapped:
    """Where one report path lands in the repository, and how; or why it lands nowhere."""

    report_path: str
    repo_path: str | None
    """The repository file, ``None`` when the path could not be mapped."""
    how: str
    """The steps that mapped it (``exact``, ``prefix /app/, suffix``...), or why it is unmapped."""
    candidates: tuple[str, ...] = ()
    """The repository files an ambiguous path matches equally well."""


@record(slots=True)
class _Candidate:
    path: str
    """Normalised; absolute paths keep their leading slash."""
    steps: tuple[str, ...]
    tier: int
    in_checkout: bool
    """Made relative to the repository root, as a path that lies inside the checkout."""


def normalise(path: str) -> str:
    """A posix path without drive letter, ``.``, ``..`` after a name, or repeated slashes.

    Absolute paths keep one leading slash; ``..`` that climbs above a relative path is kept,
    above an absolute one it is dropped, as the file system does at ``/``.
    """
    if not (_NEEDS_WORK.search(path) or path.startswith(".") or path.endswith("/")):
        return path
    text = path.replace("\\", "/")
    if len(text) >= 2 and text[1] == ":" and text[0].isascii() and text[0].isalpha():
        text = text[2:]
    absolute = text.startswith("/")
    parts: list[str] = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not absolute:
                parts.append(part)
            continue
        parts.append(part)
    joined = "/".join(parts)
    return "/" + joined if absolute else joined


def _join(root: str, path: str) -> str:
    return normalise(f"{root}/{path}") if root else path


def _ambiguous(candidates: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    names = tuple(sorted(set(candidates)))
    shown = ", ".join(names[:_SHOWN_CANDIDATES])
    more = len(names) - _SHOWN_CANDIDATES
    return f"ambiguous: matches {shown}" + (f" and {more} more" if more > 0 else ""), names


def _depth(path: str) -> int:
    return path.count("/") + 1


class PathMapper:
    """Maps report paths to repository files, remembering each answer.

    A path is normalised, stripped of a configured prefix, joined to the report's roots and
    the configured source roots, made relative to the checkout when it lies inside it, then
    matched exactly; failing that, by the longest unambiguous run of whole trailing path
    components, in either direction. Matching is case-sensitive.
    """

    def __init__(self, repo_files: Iterable[str], *, repo_root: str | None = None,
                 source_roots: Sequence[str] = (), strip_prefixes: Sequence[str] = ()) -> None:
        self._files = frozenset(repo_files)
        self._root = normalise(repo_root) if repo_root else None
        self._source_roots = tuple(dict.fromkeys(
            root for root in map(normalise, source_roots) if root))
        prefixes = {normalise(p): p for p in strip_prefixes if normalise(p)}
        self._prefixes = sorted(prefixes.items(), key=lambda item: len(item[0]), reverse=True)
        self._suffixes: dict[str, list[str]] | None = None
        self._roots_cache: dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], Mapped] = {}

    def map(self, report_path: str, report_roots: Sequence[str] = ()) -> Mapped:
        """Where ``report_path`` lands in the repository, given the report's own roots; cached."""
        key = (report_path, tuple(report_roots))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._map(report_path, key[1])
        return found

    def _map(self, report_path: str, report_roots: tuple[str, ...]) -> Mapped:
        path, steps = self._strip(normalise(report_path))
        if not path:
            return Mapped(report_path, None, "empty path")
        if path in self._files and not (report_roots or self._source_roots):
            return Mapped(report_path, path, ", ".join(steps) or "exact")
        candidates = self._candidates(path, steps, report_roots)
        exact = self._exact(report_path, candidates)
        if exact is not None:
            return exact
        suffix = self._suffix(report_path, candidates)
        if suffix is not None:
            return suffix
        if any(c.in_checkout for c in candidates):
            return Mapped(report_path, None, "inside the repository but not one of its files")
        if self._root is not None and path.startswith("/"):
            return Mapped(report_path, None, "outside the repository")
        return Mapped(report_path, None, "no repository file matches")

    def _strip(self, path: str) -> tuple[str, tuple[str, ...]]:
        """``path`` without its longest configured prefix, and the step that removed it."""
        for prefix, given in self._prefixes:
            head = prefix if prefix.endswith("/") else prefix + "/"
            if path.startswith(head):
                return path[len(head):], (f"prefix {given}",)
        return path, ()

    def _report_roots(self, roots: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The report's roots, normalised and stripped, each with the steps that shaped it."""
        known = self._roots_cache.get(roots)
        if known is None:
            stripped = (self._strip(normalise(root)) for root in roots)
            known = self._roots_cache[roots] = tuple(dict.fromkeys(stripped))
        return known

    def _candidates(self, path: str, steps: tuple[str, ...],
                    report_roots: tuple[str, ...]) -> list[_Candidate]:
        """Every reading of ``path``, as absolute paths turned relative where possible."""
        readings: list[tuple[str, tuple[str, ...], int]] = []
        if not path.startswith("/"):
            for root, root_steps in self._report_roots(report_roots):
                bases = ("",) if root.startswith("/") else ("", *self._source_roots)
                for base in bases:
                    where = _join(base, root)
                    named = (f"source root {where}",) if where else ()
                    readings.append((_join(where, path), (*steps, *root_steps, *named),
                                     _REPORT_ROOT))
            readings.extend((_join(root, path), (*steps, f"source root {root}"), _SOURCE_ROOT)
                            for root in self._source_roots)
        readings.append((path, steps, _AS_IS))
        return [self._place(*reading) for reading in readings]

    def _place(self, path: str, steps: tuple[str, ...], tier: int) -> _Candidate:
        root = self._root
        if root is None or not path.startswith("/"):
            return _Candidate(path, steps, tier, False)
        head = root if root.endswith("/") else root + "/"
        if path.startswith(head) or path == root:
            inside = path[len(head):]
            return _Candidate(inside, (*steps, "absolute under the repository"), tier, True)
        return _Candidate(path, steps, tier, False)

    def _exact(self, report_path: str, candidates: list[_Candidate]) -> Mapped | None:
        """The exact match of the best tier that has any; ambiguous if that tier has several."""
        for tier in (_REPORT_ROOT, _SOURCE_ROOT, _AS_IS):
            hits = {c.path: c for c in candidates if c.tier == tier and c.path in self._files}
            if len(hits) == 1:
                repo_path, hit = next(iter(hits.items()))
                return Mapped(report_path, repo_path, ", ".join(hit.steps) or "exact")
            if hits:
                how, names = _ambiguous(hits)
                return Mapped(report_path, None, how, names)
        return None

    def _suffix(self, report_path: str, candidates: list[_Candidate]) -> Mapped | None:
        """The repository files sharing the longest run of whole trailing components."""
        best = 0
        hits: dict[str, _Candidate] = {}
        for candidate in candidates:
            for repo_path, length in self._suffix_hits(candidate.path):
                if length > best:
                    best, hits = length, {}
                if length == best:
                    hits.setdefault(repo_path, candidate)
        if len(hits) == 1:
            repo_path, hit = next(iter(hits.items()))
            return Mapped(report_path, repo_path, ", ".join((*hit.steps, "suffix")))
        if hits:
            how, names = _ambiguous(hits)
            return Mapped(report_path, None, how, names)
        return None

    def _suffix_hits(self, path: str) -> list[tuple[str, int]]:
        """Repository files that end with ``path``, or that ``path`` ends with, longest first."""
        absolute = path.startswith("/")
        rel = path.lstrip("/")
        while rel.startswith("../"):  # directories above an unknown base: no evidence either way
            rel = rel[3:]
        if not rel or rel == "..":
            return []
        hits: list[tuple[str, int]] = []
        if not absolute:
            # The report path is the tail of repository files; each is as long a match as any.
            hits.extend((repo_path, _depth(rel)) for repo_path in self._suffix_index().get(rel, ()))
        # A relative path as it stands was already tried exactly; one changed here was not.
        starts = [0] if absolute or path != rel else []
        slash = rel.find("/")
        while slash != -1:
            starts.append(slash + 1)
            slash = rel.find("/", slash + 1)
        for start in starts:  # longest tail first: the first one found is the best
            tail = rel[start:]
            if tail in self._files:
                hits.append((tail, _depth(tail)))
                break
        return hits

    def _suffix_index(self) -> dict[str, list[str]]:
        """Every proper tail of whole components of every repository file, built when needed."""
        if self._suffixes is None:
            index: dict[str, list[str]] = {}
            for repo_path in self._files:
                slash = repo_path.find("/")
                while slash != -1:
                    index.setdefault(repo_path[slash + 1:], []).append(repo_path)
                    slash = repo_path.find("/", slash + 1)
            self._suffixes = index
        return self._suffixes
