"""Reads who approved a pull or merge request from the GitHub or GitLab REST API."""

from typing import TYPE_CHECKING

from gatekeeper.common import lazy

_HOMES = {"GitHubClient": "github", "GitLabClient": "gitlab", "ApprovalsError": "http",
          "Approvals": "model", "Assessment": "model", "Membership": "model",
          "Requirement": "model", "evaluate": "model"}
__all__ = sorted(_HOMES)

__getattr__ = lazy.exports(__name__, _HOMES)

# Seen only by type checkers, so that each name has its real type; at run time the names
# come from __getattr__, which imports a submodule only when one of its names is used.
if TYPE_CHECKING:
    from gatekeeper.facts.approvals.github import GitHubClient as GitHubClient
    from gatekeeper.facts.approvals.gitlab import GitLabClient as GitLabClient
    from gatekeeper.facts.approvals.http import ApprovalsError as ApprovalsError
    from gatekeeper.facts.approvals.model import Approvals as Approvals
    from gatekeeper.facts.approvals.model import Assessment as Assessment
    from gatekeeper.facts.approvals.model import Membership as Membership
    from gatekeeper.facts.approvals.model import Requirement as Requirement
    from gatekeeper.facts.approvals.model import evaluate as evaluate
