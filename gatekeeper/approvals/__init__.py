"""Reads who approved a pull or merge request from the GitHub or GitLab REST API."""

from gatekeeper.approvals.github import GitHubClient
from gatekeeper.approvals.gitlab import GitLabClient
from gatekeeper.approvals.http import ApprovalsError, Secret
from gatekeeper.approvals.model import Approvals, Assessment, Membership, Requirement, evaluate

__all__ = ["Approvals", "ApprovalsError", "Assessment", "GitHubClient", "GitLabClient",
           "Membership", "Requirement", "Secret", "evaluate"]
