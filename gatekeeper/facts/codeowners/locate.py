"""Where each platform looks for its CODEOWNERS file, in the order it looks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType

from gatekeeper.facts.codeowners.patterns import Syntax

CANDIDATES: Mapping[Syntax, tuple[str, ...]] = MappingProxyType({
    "github": (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"),
    "gitlab": ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"),
})
"""GitHub and GitLab use only the first file found; the others are ignored."""


def first_present(paths: Collection[str], *, syntax: Syntax) -> str | None:
    """The CODEOWNERS file the platform would use among the repository ``paths``."""
    return next((c for c in CANDIDATES[syntax] if c in paths), None)
