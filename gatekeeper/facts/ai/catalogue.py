"""The catalogue of AI provenance markers in force: its loader and its compiled matchers."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from gatekeeper.common.fields import TRUSTED_PATTERNS
from gatekeeper.errors import PolicyError
from gatekeeper.facts.ai.entries import EMAIL_KINDS, LINE_KINDS, SUFFIX_KINDS, Kind, MarkerEntry

BUILTIN_NAME = "gatekeeper/facts/ai/markers.yml"
ROLES = ("author", "committer", "coauthor")
MAX_ADDRESS = 320
"""The longest e-mail address (RFC 3696); a longer one is matched against nothing."""
_NOREPLY = re.compile(r"(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com")


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.IGNORECASE) if pattern is not None else None


def _any_of(patterns: Iterable[str | None]) -> re.Pattern[str] | None:
    """One pattern that finds whatever one of ``patterns`` finds: most lines are no footer."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns if p), re.IGNORECASE)
    except re.error:  # inline flags such as (?i) are allowed only at the start of a pattern
        return None


@dataclass(frozen=True)
class _Compiled:
    entry: MarkerEntry
    pattern: re.Pattern[str] | None
    exclude: re.Pattern[str] | None

    def accepts(self, text: str) -> bool:
        if self.pattern is not None and not self.pattern.search(text):
            return False
        return self.exclude is None or not self.exclude.search(text)


class _Lines:
    """The entries looked for in single lines of one place, behind one combined pre-filter."""

    def __init__(self) -> None:
        self.compiled: list[_Compiled] = []
        self.any: re.Pattern[str] | None = None

    def seal(self) -> None:
        self.any = _any_of(c.entry.pattern for c in self.compiled)

    def match(self, line: str) -> list[MarkerEntry]:
        if not self.compiled or (self.any is not None and not self.any.search(line)):
            return []
        return [c.entry for c in self.compiled if c.accepts(line)]


class _Index:
    """The entries sorted by where they are looked for, with their patterns compiled."""

    def __init__(self, entries: tuple[MarkerEntry, ...]) -> None:
        self.emails: dict[str, dict[str, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.ids: dict[str, dict[int, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.logins: dict[str, dict[str, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.email_patterns: dict[str, list[_Compiled]] = {r: [] for r in ROLES}
        self.suffixes: dict[str, list[MarkerEntry]] = {r: [] for r in ROLES}
        self.prefixes: list[MarkerEntry] = []
        self.trailers: dict[str, list[_Compiled]] = {}
        self.lines = {kind: _Lines() for kind in LINE_KINDS}
        self.labels: list[_Compiled] = []
        self.pr_logins: dict[str, list[MarkerEntry]] = {}
        for entry in entries:
            self._add(entry)
        for lines in self.lines.values():
            lines.seal()
        self.trailer_keys = frozenset(self.trailers)

    def _add(self, entry: MarkerEntry) -> None:
        compiled = _Compiled(entry, _compile(entry.pattern), _compile(entry.exclude))
        if entry.kind in EMAIL_KINDS:
            self._add_identity(EMAIL_KINDS[entry.kind], entry, compiled)
        elif entry.kind in SUFFIX_KINDS:
            self.suffixes[SUFFIX_KINDS[entry.kind]].append(entry)
        elif entry.kind is Kind.SUBJECT_PREFIX:
            self.prefixes.append(entry)
        elif entry.kind is Kind.TRAILER:
            self.trailers.setdefault(str(entry.key).lower(), []).append(compiled)
        elif entry.kind is Kind.LABEL:
            self.labels.append(compiled)
        else:
            self.lines[entry.kind].compiled.append(compiled)

    def _add_identity(self, role: str, entry: MarkerEntry, compiled: _Compiled) -> None:
        if entry.email is not None:
            self.emails[role].setdefault(entry.email.lower(), []).append(entry)
        if entry.github_id is not None:
            self.ids[role].setdefault(entry.github_id, []).append(entry)
        if entry.github_login is not None:
            self.logins[role].setdefault(entry.github_login.lower(), []).append(entry)
        if entry.pattern is not None:
            self.email_patterns[role].append(compiled)
        if role == "author":
            for login in {name.lower() for name in (entry.github_login, entry.pr_login) if name}:
                self.pr_logins.setdefault(login, []).append(entry)


@dataclass(frozen=True)
class Catalogue:
    """The markers in force: the built-in ones a policy kept, plus the ones it added."""

    entries: tuple[MarkerEntry, ...]

    @functools.cached_property
    def _index(self) -> _Index:
        return _Index(self.entries)

    @property
    def ids(self) -> frozenset[str]:
        """The id of every entry in force, built-in or added by the policy."""
        return frozenset(entry.id for entry in self.entries)

    @property
    def trailer_keys(self) -> frozenset[str]:
        """The trailer keys some entry looks for, lowercased."""
        return self._index.trailer_keys

    def match_address(self, role: str, address: str) -> list[MarkerEntry]:
        """Entries naming ``address`` as an author, committer or co-author (``role``)."""
        wanted = address.strip().lower()
        if len(wanted) > MAX_ADDRESS:  # no address; and a policy's patterns take time with it
            return []
        index = self._index
        found = list(index.emails[role].get(wanted, ()))
        noreply = _NOREPLY.fullmatch(wanted)
        if noreply:
            account, login = noreply.groups()
            if account:
                found += index.ids[role].get(int(account), ())
            found += index.logins[role].get(login, ())
        found += [c.entry for c in index.email_patterns[role] if c.pattern
                  and c.pattern.fullmatch(wanted)]
        return list(dict.fromkeys(found))

    def match_name(self, role: str, name: str) -> list[MarkerEntry]:
        """Entries whose suffix ends the author's or committer's name."""
        text = name.rstrip()
        return [e for e in self._index.suffixes[role] if text.endswith(str(e.suffix))]

    def match_subject(self, subject: str) -> list[MarkerEntry]:
        """Entries whose prefix starts the commit subject ``subject``."""
        return [e for e in self._index.prefixes if subject.startswith(str(e.prefix))]

    def match_trailer(self, key: str, value: str) -> list[MarkerEntry]:
        """Entries for trailer ``key`` that accept ``value`` (an empty value proves nothing)."""
        if not value.strip():
            return []
        return [c.entry for c in self._index.trailers.get(key.lower(), ()) if c.accepts(value)]

    def match_footer(self, line: str) -> list[MarkerEntry]:
        """Footer entries found in a line of a commit message or PR/MR description."""
        return self._index.lines[Kind.FOOTER].match(line)

    def match_description(self, line: str) -> list[MarkerEntry]:
        """Description entries found in a line of a PR/MR description."""
        return self._index.lines[Kind.DESCRIPTION].match(line)

    def match_comment(self, line: str) -> list[MarkerEntry]:
        """Comment entries found in an added line that holds a comment."""
        return self._index.lines[Kind.COMMENT].match(line)

    def match_label(self, name: str) -> list[MarkerEntry]:
        """Label entries whose pattern matches the whole label name."""
        text = name.strip()
        if len(text) > MAX_ADDRESS:  # platforms allow 50 or 255 characters: this is no label
            return []
        return [c.entry for c in self._index.labels if c.pattern and c.pattern.fullmatch(text)]

    def match_pr_author(self, login: str) -> list[MarkerEntry]:
        """Author entries whose app login (or pull request login) is ``login``."""
        return list(self._index.pr_logins.get(login.strip().lower(), ()))


# -- loading ----------------------------------------------------------------------------------


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _validate(raw: Any, file: str, label: str, *, trusted: bool = False) -> MarkerEntry:
    if isinstance(raw, MarkerEntry):
        return raw
    try:
        return MarkerEntry.model_validate(raw, context={TRUSTED_PATTERNS: trusted})
    except ValidationError as exc:
        raise PolicyError(f"AI marker {label}: {_invalid(exc)}", file=file,
                          hint="see the fields described in gatekeeper/facts/ai/entries.py"
                          ) from None


@functools.lru_cache(maxsize=1)
def builtin_entries() -> tuple[MarkerEntry, ...]:
    """The entries of the catalogue shipped in the package, validated once per process."""
    text = resources.files("gatekeeper.facts.ai").joinpath("markers.yml").read_text("utf-8")
    # libyaml's safe loader when PyYAML has it: the same data, read ten times faster.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or not isinstance(data.get("markers"), list):
        raise PolicyError("the marker catalogue needs a list under markers:", file=BUILTIN_NAME)
    # Its patterns are proven linear enough by the tests, not in every run (see policy.types).
    entries = tuple(_validate(raw, BUILTIN_NAME, _label(raw, n), trusted=True)
                    for n, raw in enumerate(data["markers"], 1))
    _check_unique(entries, BUILTIN_NAME)
    return entries


def _label(raw: Any, number: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        return repr(raw["id"])
    return f"#{number}"


def _check_unique(entries: Iterable[MarkerEntry], file: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise PolicyError(f"duplicate AI marker id {entry.id!r}", file=file,
                              hint="give each marker its own id, or switch the built-in one off")
        seen.add(entry.id)


def load(extra_entries: Iterable[MarkerEntry | Mapping[str, Any]] = (),
         disabled_ids: Iterable[str] = (), *, source: str = "policy") -> Catalogue:
    """The built-in catalogue without ``disabled_ids``, plus ``extra_entries``.

    ``source`` names where the extra entries and disabled ids came from, for errors.
    """
    builtin = builtin_entries()
    known = {entry.id for entry in builtin}
    disabled = set(disabled_ids)
    for marker_id in sorted(disabled - known):
        close = difflib.get_close_matches(marker_id, sorted(known), n=1)
        raise PolicyError(f"unknown AI marker {marker_id!r} cannot be switched off", file=source,
                          hint=f"did you mean {close[0]!r}?" if close
                          else f"use the id of an entry in {BUILTIN_NAME}")
    extra = tuple(_validate(raw, source, _label(raw, n)) for n, raw in enumerate(extra_entries, 1))
    kept = tuple(entry for entry in builtin if entry.id not in disabled)
    # A disabled built-in entry may be replaced by an added one with its id.
    _check_unique((*kept, *extra), source)
    return Catalogue((*kept, *extra))
