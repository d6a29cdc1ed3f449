"""Reads who approved a pull or merge request from the GitHub or GitLab REST API."""

from gatekeeper.common import lazy

_HOMES = {"GitHubClient": "github", "GitLabClient": "gitlab", "ApprovalsError": "http",
          "Approvals": "model", "Assessment": "model", "Membership": "model",
          "Requirement": "model", "evaluate": "model"}
__all__ = sorted(_HOMES)

__getattr__ = lazy.exports(__name__, _HOMES)
