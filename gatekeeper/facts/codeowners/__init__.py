"""CODEOWNERS files in GitHub's and GitLab's syntax: who owns which paths."""

from gatekeeper.common import lazy

_HOMES = {"CANDIDATES": "locate", "first_present": "locate", "CodeOwners": "model",
          "OwnerSummary": "model", "PathOwners": "model", "Problem": "model",
          "RequiredApproval": "model", "Rule": "model", "Section": "model",
          "SectionOwners": "model", "Syntax": "patterns", "MAX_BYTES": "reader",
          "MAX_LINE": "reader", "parse": "reader"}
__all__ = sorted(_HOMES)

__getattr__ = lazy.exports(__name__, _HOMES)
