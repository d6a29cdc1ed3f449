"""The JSON Schema of policy files, as ``gatekeeper schema`` prints it."""

from __future__ import annotations

from typing import Any

from gatekeeper.policy.model import Policy

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file, as a dict ready to dump."""
    schema = Policy.model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_ID, **schema, "title": "gatekeeper policy"}
