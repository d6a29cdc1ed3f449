"""CODEOWNERS files in GitHub's and GitLab's syntax: who owns which paths."""

from gatekeeper.codeowners.locate import CANDIDATES, first_present
from gatekeeper.codeowners.model import (
    CodeOwners,
    OwnerSummary,
    PathOwners,
    Problem,
    RequiredApproval,
    Rule,
    Section,
    SectionOwners,
)
from gatekeeper.codeowners.patterns import Syntax
from gatekeeper.codeowners.reader import MAX_BYTES, MAX_LINE, parse

__all__ = [
    "CANDIDATES",
    "MAX_BYTES",
    "MAX_LINE",
    "CodeOwners",
    "OwnerSummary",
    "PathOwners",
    "Problem",
    "RequiredApproval",
    "Rule",
    "Section",
    "SectionOwners",
    "Syntax",
    "first_present",
    "parse",
]
