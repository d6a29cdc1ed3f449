"""Reads a CODEOWNERS file in GitHub's or GitLab's syntax; bad lines become problems."""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator

from gatekeeper.common.records import record
from gatekeeper.facts.codeowners.model import CodeOwners, Problem, Rule, Section
from gatekeeper.facts.codeowners.patterns import PatternError, Syntax, compile_pattern

MAX_BYTES = 3 * 1024 * 1024
"""GitHub does not load a CODEOWNERS file of 3 MB or more; the same bound serves GitLab."""
MAX_LINE = 8192
MAX_PROBLEMS = 200

_SPACE = " \t\r\f\v"
_BLANK = re.compile(r"[ \t\r\f\v]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_GITHUB_OWNER = re.compile(r"@\w[\w.-]*(?:/\w[\w.-]*)?", re.ASCII)
_GITLAB_OWNER = re.compile(r"@\w[\w.+-]*(?:/\w[\w.+-]*)*")
_GITLAB_ROLE = re.compile(r"@@(?:developer|maintainer|owner)s?", re.IGNORECASE)
_HEADING = re.compile(r"(\^?)\[([^\]]*)\](?:\[([^\]]*)\])?(.*)", re.DOTALL)


def parse(text: str | bytes, *, syntax: Syntax, source: str) -> CodeOwners:
    """Every rule with its line and section; lines that cannot be used become problems."""
    size = len(text) if isinstance(text, bytes) else _utf8_size(text)
    if size >= MAX_BYTES:
        problem = Problem(source, None, f"the file is {size} bytes, at or over the limit of "
                          f"{MAX_BYTES}; it is not read (GitHub ignores such files)")
        return CodeOwners(syntax, source, (), (Section(None, False, 1, None),), (problem,))
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    reader = _Reader(syntax, source)
    with _no_cycle_collection():
        for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
            reader.read(number, raw.strip(_SPACE))
        return reader.result()


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Parsing makes many small objects and no cycles; the collector would scan them
    over and over (half the time of a large file) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _utf8_size(text: str) -> int:
    if len(text) >= MAX_BYTES or len(text) * 4 < MAX_BYTES:
        return len(text)  # already over, or under even at four bytes a character
    return len(text.encode("utf-8", errors="surrogatepass"))


@record(frozen=False)
class _Heading:
    name: str
    optional: bool
    approvals: int
    line: int


class _Reader:
    def __init__(self, syntax: Syntax, source: str) -> None:
        self.syntax = syntax
        self.source = source
        self.rules: list[Rule] = []
        self.problems: list[Problem] = []
        self.dropped = 0
        self.headings: dict[str, _Heading] = {}
        self.section: str | None = None
        self.defaults: tuple[str, ...] = ()

    def result(self) -> CodeOwners:
        problems = self.problems
        if self.dropped:
            problems = [*problems, Problem(self.source, None,
                                           f"{self.dropped} more problems not listed")]
        sections = [Section(None, False, 1, None)]
        sections += [Section(h.name, h.optional, h.approvals, h.line)
                     for h in self.headings.values()]
        return CodeOwners(self.syntax, self.source, tuple(self.rules), tuple(sections),
                          tuple(problems))

    def problem(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.source, line, message))
        else:
            self.dropped += 1

    def read(self, number: int, line: str) -> None:
        if not line or line.startswith("#"):
            return
        if len(line) > MAX_LINE:
            self.problem(number, f"the line is longer than {MAX_LINE} characters; ignored")
            return
        if self.syntax == "gitlab" and line.startswith(("[", "^[")):
            heading = _HEADING.match(line)
            if heading is not None:
                self.heading(number, heading)
                return
            self.problem(number, "the section heading has no closing ']'; "
                                 "it is read as an entry, as GitLab does")
        self.entry(number, line)

    def heading(self, number: int, match: re.Match[str]) -> None:
        caret, name, count, rest = match.groups()
        if not name.strip():
            self.problem(number, "the section heading has no name")
        if rest and rest[0] not in _SPACE:
            self.problem(number, f"unexpected text after the section heading: {rest!r}")
            rest = ""
        approvals = self.approvals(number, count, optional=bool(caret))
        key = name.lower()
        seen = self.headings.get(key)
        if seen is None:
            self.headings[key] = _Heading(name, bool(caret), approvals, number)
        else:  # same name, any case: one section, required if any heading is
            seen.optional = seen.optional and bool(caret)
            seen.approvals = max(seen.approvals, approvals)
        self.section = self.headings[key].name
        self.defaults = self.owners(number, rest.split()) or ()

    def approvals(self, number: int, count: str | None, *, optional: bool) -> int:
        if count is None:
            return 1
        if optional:
            self.problem(number, "an optional section cannot require approvals; "
                                 "the count is ignored")
            return 1
        if not count.isdecimal() or len(count) > 6:
            self.problem(number, f"approvals [{count}] is not a number; GitLab counts it as 1")
            return 1
        if int(count) < 1:
            self.problem(number, "approvals must be at least 1; GitLab counts 0 as 1")
            return 1
        return int(count)

    def entry(self, number: int, line: str) -> None:
        pattern, rest = _split_entry(line)
        exclusion = self.syntax == "gitlab" and pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:]
            if rest:
                self.problem(number, "owners after an exclusion are ignored")
        try:
            matcher = compile_pattern(pattern, self.syntax)
        except PatternError as exc:
            self.problem(number, f"{exc}; line ignored")
            return
        owners: tuple[str, ...] = ()
        if not exclusion:
            tokens = rest.split()
            found = self.owners(number, tokens)
            if found is None:
                return
            owners = found if tokens else self.defaults
            if self.syntax == "gitlab" and not owners:
                self.problem(number, "the entry has no owners; GitLab approves it automatically")
        self.rules.append(Rule(pattern, owners, number, self.section, exclusion, matcher))

    def owners(self, number: int, tokens: list[str]) -> tuple[str, ...] | None:
        """The owners among ``tokens``, or None when the whole line must be ignored."""
        if self.syntax == "github":
            owners: list[str] = []
            for token in tokens:
                if token.startswith("#"):  # an inline comment ends the line
                    break
                if not _is_owner(token, "github"):
                    self.problem(number, f"{token!r} is not @user, @org/team or an e-mail "
                                         "address; line ignored")
                    return None
                owners.append(token)
            return tuple(dict.fromkeys(owners))
        good = [t for t in tokens if _is_owner(t, "gitlab")]
        bad = [t for t in tokens if not _is_owner(t, "gitlab")]
        if bad:  # GitLab ignores malformed owners, and reads owners even after a '#'
            shown = ", ".join(repr(t) for t in bad[:5]) + (", ..." if len(bad) > 5 else "")
            self.problem(number, f"ignored text that is not an owner: {shown}")
        return tuple(dict.fromkeys(good))


def _is_owner(token: str, syntax: Syntax) -> bool:
    if token.startswith("@"):
        if syntax == "github":
            return _GITHUB_OWNER.fullmatch(token) is not None
        return bool(_GITLAB_OWNER.fullmatch(token) or _GITLAB_ROLE.fullmatch(token))
    return _EMAIL.fullmatch(token) is not None


def _split_entry(line: str) -> tuple[str, str]:
    """The pattern (up to the first whitespace not escaped with ``\\``) and the rest."""
    if "\\" not in line:
        found = _BLANK.search(line)
        i = len(line) if found is None else found.start()
        return line[:i], line[i:].strip(_SPACE)
    i = 0
    while i < len(line) and line[i] not in _SPACE:
        i += 2 if line[i] == "\\" else 1
    return line[:i], line[i:].strip(_SPACE)
