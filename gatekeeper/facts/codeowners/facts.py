"""The code owners of a change's touched files, from the CODEOWNERS file of a trusted tree."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gatekeeper.common.records import record
from gatekeeper.errors import PolicyError
from gatekeeper.facts.codeowners.locate import CANDIDATES
from gatekeeper.facts.codeowners.model import OwnerSummary, Problem
from gatekeeper.facts.codeowners.patterns import Syntax
from gatekeeper.facts.codeowners.reader import parse
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings

Read = Callable[[str], "bytes | None"]


@record
class OwnerFacts:
    """Who owns what the change touches, by the file ``source`` read from ``where``."""

    source: str
    where: str
    syntax: Syntax
    summary: OwnerSummary
    problems: tuple[Problem, ...]

    def owners_of(self, path: str) -> tuple[str, ...]:
        """Every owner the file gives ``path``; empty for a path unowned or not in the change."""
        return next((p.owners for p in self.summary.paths if p.path == path), ())


def syntax_for(settings: CodeOwnersSettings, platform: str, read: Read) -> Syntax:
    """The syntax asked for, else the CI platform's, else a guess from the repository."""
    if settings.syntax != "auto":
        return settings.syntax
    if platform in ("github", "gitlab"):
        return platform  # type: ignore[return-value]
    chosen = settings.file or ""
    if chosen.startswith(".github/"):
        return "github"
    if chosen.startswith(".gitlab/") or read(".gitlab/CODEOWNERS") is not None \
            or read(".gitlab-ci.yml") is not None:
        return "gitlab"
    return "github"


def gather(settings: CodeOwnersSettings, platform: str, read: Read, where: str,
           paths: Iterable[str]) -> OwnerFacts | None:
    """The owners of ``paths``; None when disabled or no CODEOWNERS file exists. A file the
    policy names must exist: it is a PolicyError otherwise, never a silent no owners."""
    if not settings.enabled:
        return None
    syntax = syntax_for(settings, platform, read)
    names = (settings.file,) if settings.file else CANDIDATES[syntax]
    for name in names:
        raw = read(name)
        if raw is not None:
            owners = parse(raw, syntax=syntax, source=name)
            return OwnerFacts(name, where, syntax, owners.for_paths(paths), owners.problems)
    if settings.file:
        raise PolicyError(f"codeowners.file: {settings.file} is not in {where}",
                          file=settings.file,
                          hint="fix the path, or leave codeowners.file out to use the file "
                          "the platform uses")
    return None
