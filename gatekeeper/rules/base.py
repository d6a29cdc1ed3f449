"""What every rule kind shares: common config fields, templates, and the ``Finding`` it returns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from gatekeeper.common.fields import GlobPattern, Regex, RuleId, empty_list, one_or_many
from gatekeeper.common.records import record
from gatekeeper.conditions.model import Condition
from gatekeeper.facts.model import FileFacts
from gatekeeper.rules.findings import Check, Detail, FileShare, Severity

if TYPE_CHECKING:
    from gatekeeper.facts.ai.detect import Evidence

__all__ = [
    "COMMON_VARIABLES",
    "Finding",
    "GlobPattern",
    "Regex",
    "RuleConfig",
    "TrailerKey",
    "Value",
    "WaiverPolicy",
    "render_template",
    "shares",
]

Value = int | float | str
COMMON_VARIABLES = {
    "rule_id": "the rule's id",
    "severity": "the rule's severity",
    "paths": "the paths that drove the result, comma-separated",
}
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_TRAILER_KEY = r"^[A-Za-z0-9][A-Za-z0-9-]*$"


def _trailer_key(key: str) -> str:
    if not re.fullmatch(_TRAILER_KEY, key):
        raise ValueError(f"trailer key {key!r} should match the pattern {_TRAILER_KEY}: "
                         "letters, digits and dashes, without the colon, such as "
                         "Security-Reviewed-by")
    return key


TrailerKey = Annotated[str, AfterValidator(_trailer_key),
                       WithJsonSchema({"type": "string", "pattern": _TRAILER_KEY})]
"""A commit trailer key as a policy names one (Signed-off-by), without the colon."""


@record
class Finding:
    """What a rule kind measured: whether it passed, and why, in its own words."""

    passed: bool
    message: str
    remediation: str | None = None
    checks: tuple[Check, ...] = ()
    files: tuple[FileShare, ...] = ()
    values: Mapping[str, Value] = field(default_factory=dict)
    applicable: bool = True
    """False when there is nothing for the rule to measure (no commits in a diff file, say);
    the rule is then reported as not applicable with ``message`` as the reason, never passed."""
    details: tuple[Detail, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    """The AI evidence the result rests on, for the report."""


def placeholders(template: str) -> list[str]:
    """The names inside ``{...}`` in ``template``, in order; ``{{`` and ``}}`` are skipped."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1) is not None]


def render_template(template: str, values: Mapping[str, Value]) -> str:
    """Fill ``{name}`` from ``values``; ``{{`` and ``}}`` are literal braces."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        value = values.get(match.group(1).strip(), "")
        return f"{value:g}" if isinstance(value, float) else str(value)

    return _PLACEHOLDER.sub(fill, template)


class WaiverPolicy(BaseModel):
    """How a change may waive this rule. Without this block, the rule cannot be waived."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    labels: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Labels that waive the rule; the change must still give a reason in a "
        "Gatekeeper-Waive line.")
    trailer: bool = Field(
        False, description="Let a `Gatekeeper-Waive: <rule-id>: <reason>` commit trailer or "
        "description line waive the rule on its own, without a label.")


class RuleConfig(BaseModel):
    """Fields every rule has, whatever its kind."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    variables: ClassVar[dict[str, str]] = {}
    """Measured values the kind offers to ``message`` and ``remediation`` templates."""

    id: RuleId = Field(description="Unique name of the rule, used in reports and overrides.")
    kind: str = Field(description="Which rule kind this is; see docs/policies.md.")
    severity: Severity = Field(
        Severity.ERROR,
        description="error fails the check; warning and notice are reported without failing.")
    description: str | None = Field(None, description="What the rule is for, shown in reports.")
    message: str | None = Field(
        None, description="Replaces the kind's message when the rule does not pass; may use "
        "{placeholders} for measured values.")
    remediation: str | None = Field(
        None, description="Replaces the kind's suggested fix; may use {placeholders}.")
    enforce: bool = Field(
        True, description="false reports the rule's outcome without ever failing the check, "
        "for rolling a rule out.")
    when: Condition | None = Field(None, description="The rule applies only when this holds.")
    unless: Condition | None = Field(None, description="The rule is skipped when this holds.")
    waivers: WaiverPolicy | None = Field(
        None, description="Let a change waive this rule with a label or trailer and a reason.")

    @field_validator("message", "remediation")
    @classmethod
    def _known_placeholders(cls, template: str | None) -> str | None:
        if template is None:
            return None
        known = {**COMMON_VARIABLES, **cls.variables}
        for name in placeholders(template):
            if name.strip() not in known:
                raise ValueError(f"unknown placeholder {{{name}}}; this kind offers "
                                 + ", ".join(f"{{{k}}}" for k in sorted(known)))
        return template


def shares(files: Iterable[FileFacts]) -> tuple[FileShare, ...]:
    """What each file contributed, for the report."""
    return tuple(FileShare(f.path, f.change.added, f.change.deleted) for f in files)
