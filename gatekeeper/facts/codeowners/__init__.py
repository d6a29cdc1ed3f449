"""CODEOWNERS files in GitHub's and GitLab's syntax: who owns which paths."""

from typing import TYPE_CHECKING

from gatekeeper.common import lazy

_HOMES = {"CANDIDATES": "locate", "first_present": "locate", "CodeOwners": "model",
          "OwnerSummary": "model", "PathOwners": "model", "Problem": "model",
          "RequiredApproval": "model", "Rule": "model", "Section": "model",
          "SectionOwners": "model", "Syntax": "patterns", "MAX_BYTES": "reader",
          "MAX_LINE": "reader", "parse": "reader"}
__all__ = sorted(_HOMES)

__getattr__ = lazy.exports(__name__, _HOMES)

# Seen only by type checkers, so that each name has its real type; at run time the names
# come from __getattr__, which imports a submodule only when one of its names is used.
if TYPE_CHECKING:
    from gatekeeper.facts.codeowners.locate import CANDIDATES as CANDIDATES
    from gatekeeper.facts.codeowners.locate import first_present as first_present
    from gatekeeper.facts.codeowners.model import CodeOwners as CodeOwners
    from gatekeeper.facts.codeowners.model import OwnerSummary as OwnerSummary
    from gatekeeper.facts.codeowners.model import PathOwners as PathOwners
    from gatekeeper.facts.codeowners.model import Problem as Problem
    from gatekeeper.facts.codeowners.model import RequiredApproval as RequiredApproval
    from gatekeeper.facts.codeowners.model import Rule as Rule
    from gatekeeper.facts.codeowners.model import Section as Section
    from gatekeeper.facts.codeowners.model import SectionOwners as SectionOwners
    from gatekeeper.facts.codeowners.patterns import Syntax as Syntax
    from gatekeeper.facts.codeowners.reader import MAX_BYTES as MAX_BYTES
    from gatekeeper.facts.codeowners.reader import MAX_LINE as MAX_LINE
    from gatekeeper.facts.codeowners.reader import parse as parse
