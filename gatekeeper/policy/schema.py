"""The JSON Schema of policy files, as ``gatekeeper schema`` prints it.

Pydantic describes a field by the type its validators end with, so a field that also takes a
shorthand (a bare string for a list, ``ai: true`` for a mapping) would be described without it,
and editors would flag documented policies. Each shorthand validator is listed in
``SHORTHANDS`` with the schema of what it accepts beside the long form."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from gatekeeper.common.fields import one_or_many
from gatekeeper.conditions.ai import _shorthand as ai_shorthand
from gatekeeper.policy.model import Policy

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"


def _branches(schema: JsonSchemaValue) -> list[JsonSchemaValue]:
    """The alternatives of a schema: its anyOf, or the schema itself."""
    return list(schema["anyOf"]) if set(schema) == {"anyOf"} else [schema]


def _one_or_many(long_form: JsonSchemaValue) -> JsonSchemaValue:
    """A list may be written as one bare string, which must itself be a valid item."""
    branches = _branches(long_form)
    arrays = [b for b in branches if b.get("type") == "array"]
    if not arrays:
        return long_form
    # A copy: later passes over the schema may edit it in place, and an edit of the bare
    # form must not reach the list's items through a shared object.
    item = copy.deepcopy(arrays[0].get("items", {}))
    single = item if item.get("type") == "string" else {"allOf": [item, {"type": "string"}]}
    return {"anyOf": [single, *branches]}


def _true_or_false(long_form: JsonSchemaValue) -> JsonSchemaValue:
    """``ai: true`` and ``ai: false`` stand for the mapping with ``present`` set."""
    return {"anyOf": [{"type": "boolean"}, *_branches(long_form)]}


SHORTHANDS: dict[Callable[..., Any], Callable[[JsonSchemaValue], JsonSchemaValue]] = {
    one_or_many: _one_or_many,
    ai_shorthand: _true_or_false,
}
"""Every validator of the policy model that turns a short form into the long one, with the
schema of the forms it accepts given the schema of the long form."""


class _PolicySchema(GenerateJsonSchema):
    """Pydantic's generator, with the shorthands of ``SHORTHANDS`` described."""

    def function_before_schema(
            self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        """The long form's schema, widened by the shorthand the validator accepts."""
        long_form = super().function_before_schema(schema)
        widen = SHORTHANDS.get(schema["function"]["function"])
        return widen(long_form) if widen is not None else long_form


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file, as a dict ready to dump."""
    schema = Policy.model_json_schema(by_alias=True, schema_generator=_PolicySchema)
    return {"$schema": SCHEMA_ID, **schema, "title": "gatekeeper policy"}
