"""The catalogue of AI provenance markers in force: its loader and its compiled matchers."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from importlib import resources
from typing import Any, TypeVar

from pydantic import ValidationError

from gatekeeper.common.fields import TRUSTED_PATTERNS
from gatekeeper.common.records import record
from gatekeeper.common.suggest import did_you_mean
from gatekeeper.errors import PolicyError
from gatekeeper.facts.ai.compiled import Compiled, LineEntries
from gatekeeper.facts.ai.entries import EMAIL_KINDS, LINE_KINDS, SUFFIX_KINDS, Kind, MarkerEntry
from gatekeeper.facts.ai.literals import Finder

BUILTIN_NAME = "gatekeeper/facts/ai/markers.yml"
ROLES = ("author", "committer", "coauthor")
MAX_ADDRESS = 320
"""The longest e-mail address (RFC 3696); a longer one is matched against nothing."""
REMEMBERED = 4096
"""How many answers are kept of each question a history asks again and again (an address,
a pair of people, a trailer): the memory stays small on any history."""
_NOREPLY = re.compile(r"(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com")


Worded = tuple[tuple[MarkerEntry, ...], str]
"""Entries found in a piece of text, and that text as evidence words it."""


K = TypeVar("K")
V = TypeVar("V")


def remember(store: dict[K, V], key: K, answer: V) -> V:
    """``answer``, kept in ``store`` under ``key``; a full store is emptied first."""
    if len(store) >= REMEMBERED:
        store.clear()
    store[key] = answer
    return answer


@record(frozen=False)
class Remembered:
    """What was found in text that a history repeats (its addresses, its people, its
    trailers), for one catalogue; each store holds at most REMEMBERED answers."""

    addresses: dict[tuple[str, str], tuple[MarkerEntry, ...]] = field(default_factory=dict)
    """Answers of ``match_address``, by role and address."""
    people: dict[tuple[str, str, str, str], tuple[Worded, ...]] = field(default_factory=dict)
    """By author name and address, then committer name and address."""
    trailers: dict[tuple[str, str], Worded] = field(default_factory=dict)
    """By trailer key and value."""
    key_finder: Finder | None = None
    """The body detector's search for the trailer keys it wants, once built."""


class _Index:
    """The entries sorted by where they are looked for, with their patterns compiled."""

    def __init__(self, entries: tuple[MarkerEntry, ...]) -> None:
        self.emails: dict[str, dict[str, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.ids: dict[str, dict[int, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.logins: dict[str, dict[str, list[MarkerEntry]]] = {r: {} for r in ROLES}
        self.email_patterns: dict[str, list[Compiled]] = {r: [] for r in ROLES}
        self.suffixes: dict[str, list[MarkerEntry]] = {r: [] for r in ROLES}
        self.prefixes: list[MarkerEntry] = []
        self.trailers: dict[str, list[Compiled]] = {}
        self.lines = {kind: LineEntries() for kind in LINE_KINDS}
        # Each looked up once here: an enum member's look-up and hash are Python calls, made
        # for every message and line otherwise.
        self.footers, self.descriptions, self.comments = (
            self.lines[Kind.FOOTER], self.lines[Kind.DESCRIPTION], self.lines[Kind.COMMENT])
        self.labels: list[Compiled] = []
        self.pr_logins: dict[str, list[MarkerEntry]] = {}
        self.remembered = Remembered()
        for entry in entries:
            self._add(entry)
        self.trailer_keys = frozenset(self.trailers)
        self.suffix_texts = {role: tuple(str(e.suffix) for e in entries)
                             for role, entries in self.suffixes.items()}
        self.prefix_texts = tuple(str(e.prefix) for e in self.prefixes)

    def _add(self, entry: MarkerEntry) -> None:
        compiled = Compiled(entry)
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

    def _add_identity(self, role: str, entry: MarkerEntry, compiled: Compiled) -> None:
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


@record
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
    def remembered(self) -> Remembered:
        """Where the detectors keep what they found in text a history repeats."""
        return self._index.remembered

    @property
    def trailer_keys(self) -> frozenset[str]:
        """The trailer keys some entry looks for, lowercased."""
        return self._index.trailer_keys

    def match_address(self, role: str, address: str) -> list[MarkerEntry]:
        """Entries naming ``address`` as an author, committer or co-author (``role``)."""
        wanted = address.strip().lower()
        if len(wanted) > MAX_ADDRESS:  # no address; and a policy's patterns take time with it
            return []
        # A history names the same few people again and again: remember their answers.
        known = self._index.remembered.addresses
        found = known.get((role, wanted))
        if found is None:
            found = remember(known, (role, wanted), tuple(self._match_address(role, wanted)))
        return list(found)

    def _match_address(self, role: str, wanted: str) -> list[MarkerEntry]:
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

    def match_identity(self, role: str, name: str, email: str) -> tuple[MarkerEntry, ...]:
        """``match_address`` then ``match_name`` of an author or committer."""
        return (*self.match_address(role, email), *self.match_name(role, name))

    def match_name(self, role: str, name: str) -> list[MarkerEntry]:
        """Entries whose suffix ends the author's or committer's name."""
        text = name.rstrip()
        if not text.endswith(self._index.suffix_texts[role]):  # one test for most names
            return []
        return [e for e in self._index.suffixes[role] if text.endswith(str(e.suffix))]

    def match_subject(self, subject: str) -> list[MarkerEntry]:
        """Entries whose prefix starts the commit subject ``subject``."""
        if not subject.startswith(self._index.prefix_texts):  # one test for most subjects
            return []
        return [e for e in self._index.prefixes if subject.startswith(str(e.prefix))]

    def match_trailer(self, key: str, value: str) -> list[MarkerEntry]:
        """Entries for trailer ``key`` that accept ``value`` (an empty value proves nothing)."""
        if not value.strip():
            return []
        return [c.entry for c in self._index.trailers.get(key.lower(), ()) if c.accepts(value)]

    def footer_lines(self, text: str, low: str | None) -> Callable[[str], bool] | None:
        """None when no footer entry can match any line of ``text`` (most messages); else a
        test of its lines that rules out most of them before ``match_footer``. ``low`` is
        ``literals.lowered(text)``."""
        return self._index.footers.line_test(text, low)

    def match_footer(self, line: str) -> list[MarkerEntry]:
        """Footer entries found in a line of a commit message or PR/MR description."""
        return self._index.footers.match(line)

    def match_description(self, line: str) -> list[MarkerEntry]:
        """Description entries found in a line of a PR/MR description."""
        return self._index.descriptions.match(line)

    def comment_lines(self, text: str, low: str | None) -> Callable[[str], bool] | None:
        """None when no comment entry can match any line of ``text`` (the comments of a change,
        one per line, most of them); else a test that rules out most lines before
        ``match_comment``. ``low`` is ``literals.lowered(text)``."""
        return self._index.comments.line_test(text, low)

    def match_comment(self, line: str) -> list[MarkerEntry]:
        """Comment entries found in an added line that holds a comment."""
        return self._index.comments.match(line)

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
    # markers.yml as JSON (docs/sync_markers.py writes it, and a test holds the two the same):
    # libyaml took about 10 ms of every run to read it, json 0.3 ms.
    text = resources.files("gatekeeper.facts.ai").joinpath("markers.json").read_text("utf-8")
    data = json.loads(text)
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
        raise PolicyError(f"unknown AI marker {marker_id!r} cannot be switched off", file=source,
                          hint=did_you_mean(marker_id, known,
                                            f"use the id of an entry in {BUILTIN_NAME}"))
    extra = tuple(_validate(raw, source, _label(raw, n)) for n, raw in enumerate(extra_entries, 1))
    kept = tuple(entry for entry in builtin if entry.id not in disabled)
    # A disabled built-in entry may be replaced by an added one with its id.
    _check_unique((*kept, *extra), source)
    return Catalogue((*kept, *extra))
