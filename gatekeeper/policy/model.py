"""The policy document model; unknown keys anywhere are errors (``extra="forbid"``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gatekeeper.classify import ClassSpec
from gatekeeper.rules import RULE_KINDS
from gatekeeper.rules.base import GlobPattern, RuleConfig

ClassName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]


class ClassificationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    include: list[GlobPattern] = Field(
        default_factory=list,
        description="Globs that put a path in the class; a leading ! takes it out again.",
    )
    builtin: bool = Field(
        True, description="Keep the built-in detection (attributes, names, banners) as well."
    )


def _rule_union() -> Any:
    configs = tuple(kind.config for kind in RULE_KINDS.values())
    if len(configs) == 1:
        return configs[0]
    return Annotated[Union[configs], Field(discriminator="kind")]  # noqa: UP007


class Policy(BaseModel):
    """A gatekeeper policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = Field(1, description="Version of the policy format.")
    classification: dict[ClassName, list[GlobPattern] | ClassificationSpec] = Field(
        default_factory=dict,
        description="Extra or overriding globs per file class (generated, lockfile, vendored, "
        "test, docs, or a class of your own).",
    )
    rules: list[_rule_union()] = Field(  # type: ignore[valid-type]
        default_factory=list, description="The rules to evaluate, in order."
    )

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[RuleConfig]) -> list[RuleConfig]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        return rules

    def class_specs(self) -> dict[str, ClassSpec]:
        specs = {}
        for name, value in self.classification.items():
            if isinstance(value, ClassificationSpec):
                specs[name] = ClassSpec(tuple(value.include), value.builtin)
            else:
                specs[name] = ClassSpec(tuple(value))
        return specs
