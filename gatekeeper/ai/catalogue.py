"""The catalogue of AI provenance markers: its entries, its loader and its compiled matchers."""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gatekeeper.errors import PolicyError
from gatekeeper.policy.types import Regex

BUILTIN_NAME = "gatekeeper/ai/markers.yml"
ROLES = ("author", "committer", "coauthor")
_NOREPLY = re.compile(r"(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com")


class Strength(str, enum.Enum):
    """How much of a commit the evidence says a tool produced, strongest first."""

    AGENT_AUTHORED = "agent-authored"
    CO_AUTHORED = "co-authored"
    ASSISTED = "assisted"
    SUGGESTION_ACCEPTED = "suggestion-accepted"

    @property
    def rank(self) -> int:
        """0 for the strongest; compare ranks to keep the strongest of several."""
        return list(Strength).index(self)


class Kind(str, enum.Enum):
    AUTHOR_EMAIL = "author-email"
    COMMITTER_EMAIL = "committer-email"
    COAUTHOR_EMAIL = "coauthor-email"
    AUTHOR_NAME_SUFFIX = "author-name-suffix"
    COMMITTER_NAME_SUFFIX = "committer-name-suffix"
    SUBJECT_PREFIX = "subject-prefix"
    TRAILER = "trailer"
    FOOTER = "footer"


_EMAIL_KINDS = {Kind.AUTHOR_EMAIL: "author", Kind.COMMITTER_EMAIL: "committer",
                Kind.COAUTHOR_EMAIL: "coauthor"}
_SUFFIX_KINDS = {Kind.AUTHOR_NAME_SUFFIX: "author", Kind.COMMITTER_NAME_SUFFIX: "committer"}
_MATCHERS = ("email", "pattern", "github_id", "github_login", "key", "prefix", "suffix",
             "exclude")
# The matcher fields each kind takes, and which of them it needs (any one of a tuple).
_ALLOWED: dict[Kind, frozenset[str]] = {
    **dict.fromkeys(_EMAIL_KINDS, frozenset({"email", "pattern", "github_id", "github_login"})),
    **dict.fromkeys(_SUFFIX_KINDS, frozenset({"suffix"})),
    Kind.SUBJECT_PREFIX: frozenset({"prefix"}),
    Kind.TRAILER: frozenset({"key", "pattern", "exclude"}),
    Kind.FOOTER: frozenset({"pattern", "exclude"}),
}
_REQUIRED: dict[Kind, tuple[str, ...]] = {
    **dict.fromkeys(_EMAIL_KINDS, ("email", "pattern", "github_id", "github_login")),
    **dict.fromkeys(_SUFFIX_KINDS, ("suffix",)),
    Kind.SUBJECT_PREFIX: ("prefix",),
    Kind.TRAILER: ("key",),
    Kind.FOOTER: ("pattern",),
}

MarkerId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]


class MarkerEntry(BaseModel):
    """One marker a tool leaves in a commit, where to look for it and what it proves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: MarkerId = Field(description="Unique id; policies switch entries off by it.")
    tool: str = Field(min_length=1, description="The tool family, such as claude-code or aider.")
    kind: Kind = Field(description="Where the marker is looked for.")
    strength: Strength = Field(description="What the evidence says the tool did.")
    source: str = Field(pattern=r"^https?://\S+$",
                        description="Address of the vendor document, spec or public commit.")
    note: str = Field("", description="Anything a reader of the catalogue should know.")
    email: str | None = Field(None, min_length=3, description="An exact address.")
    pattern: Regex | None = Field(None, description="A regular expression (case-insensitive).")
    github_id: int | None = Field(None, gt=0, description="A GitHub account's numeric id.")
    github_login: str | None = Field(None, min_length=1, description="A GitHub app's login.")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                            description="A trailer key (case-insensitive).")
    prefix: str | None = Field(None, min_length=1, description="The start of the subject.")
    suffix: str | None = Field(None, min_length=1, description="The end of a name.")
    exclude: Regex | None = Field(None, description="Values or lines that are no evidence.")

    @model_validator(mode="after")
    def _fits_kind(self) -> MarkerEntry:
        given = {name for name in _MATCHERS if getattr(self, name) is not None}
        extra = given - _ALLOWED[self.kind]
        if extra:
            raise ValueError(f"a {self.kind.value} marker takes no {', '.join(sorted(extra))}")
        needed = _REQUIRED[self.kind]
        if not given & set(needed):
            raise ValueError(f"a {self.kind.value} marker needs {' or '.join(needed)}")
        if self.email is not None and self.pattern is not None:
            raise ValueError("give email or pattern, not both")
        return self


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
        self.footers: list[_Compiled] = []
        for entry in entries:
            self._add(entry)
        self.any_footer = _any_of(c.entry.pattern for c in self.footers)
        self.trailer_keys = frozenset(self.trailers)

    def _add(self, entry: MarkerEntry) -> None:
        compiled = _Compiled(entry, _compile(entry.pattern), _compile(entry.exclude))
        if entry.kind in _EMAIL_KINDS:
            role = _EMAIL_KINDS[entry.kind]
            if entry.email is not None:
                self.emails[role].setdefault(entry.email.lower(), []).append(entry)
            if entry.github_id is not None:
                self.ids[role].setdefault(entry.github_id, []).append(entry)
            if entry.github_login is not None:
                self.logins[role].setdefault(entry.github_login.lower(), []).append(entry)
            if entry.pattern is not None:
                self.email_patterns[role].append(compiled)
        elif entry.kind in _SUFFIX_KINDS:
            self.suffixes[_SUFFIX_KINDS[entry.kind]].append(entry)
        elif entry.kind is Kind.SUBJECT_PREFIX:
            self.prefixes.append(entry)
        elif entry.kind is Kind.TRAILER:
            self.trailers.setdefault(str(entry.key).lower(), []).append(compiled)
        else:
            self.footers.append(compiled)


@dataclass(frozen=True)
class Catalogue:
    """The markers in force: the built-in ones a policy kept, plus the ones it added."""

    entries: tuple[MarkerEntry, ...]

    @functools.cached_property
    def _index(self) -> _Index:
        return _Index(self.entries)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(entry.id for entry in self.entries)

    @property
    def trailer_keys(self) -> frozenset[str]:
        """The trailer keys some entry looks for, lowercased."""
        return self._index.trailer_keys

    def match_address(self, role: str, address: str) -> list[MarkerEntry]:
        """Entries naming ``address`` as an author, committer or co-author (``role``)."""
        wanted = address.strip().lower()
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
        return [e for e in self._index.prefixes if subject.startswith(str(e.prefix))]

    def match_trailer(self, key: str, value: str) -> list[MarkerEntry]:
        """Entries for trailer ``key`` that accept ``value`` (an empty value proves nothing)."""
        if not value.strip():
            return []
        return [c.entry for c in self._index.trailers.get(key.lower(), ()) if c.accepts(value)]

    def match_footer(self, line: str) -> list[MarkerEntry]:
        index = self._index
        if index.any_footer is not None and not index.any_footer.search(line):
            return []
        return [c.entry for c in index.footers if c.accepts(line)]


# -- loading ----------------------------------------------------------------------------------


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _validate(raw: Any, file: str, label: str) -> MarkerEntry:
    if isinstance(raw, MarkerEntry):
        return raw
    try:
        return MarkerEntry.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(f"AI marker {label}: {_invalid(exc)}", file=file,
                          hint="see the fields described in gatekeeper/ai/catalogue.py") from None


@functools.lru_cache(maxsize=1)
def builtin_entries() -> tuple[MarkerEntry, ...]:
    """The entries of the catalogue shipped in the package, validated once per process."""
    text = resources.files("gatekeeper.ai").joinpath("markers.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("markers"), list):
        raise PolicyError("the marker catalogue needs a list under markers:", file=BUILTIN_NAME)
    entries = tuple(_validate(raw, BUILTIN_NAME, _label(raw, n))
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
