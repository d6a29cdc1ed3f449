"""The gitlab context: placeholder, being written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from gatekeeper.context.model import Context, Request
from gatekeeper.errors import UsageError
from gatekeeper.gitio import GitRepo


def detect(repo: GitRepo, request: Request, env: Mapping[str, str],
           stdin: IO[str] | None) -> Context:
    raise UsageError("the gitlab context is not available yet")
