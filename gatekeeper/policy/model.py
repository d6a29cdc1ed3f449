"""The policy document model; unknown keys anywhere are errors (``extra="forbid"``)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import field
from types import GenericAlias
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from gatekeeper.common.fields import (
    ClassName,
    GlobPattern,
    RuleId,
    empty_dict,
    empty_list,
    one_or_many,
)
from gatekeeper.common.records import record
from gatekeeper.facts.ai.settings import AiSettings
from gatekeeper.facts.classify import ClassSpec
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.facts.coverage.settings import CoverageSettings as CoverageSettings
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.policy.review import ReviewSettings
from gatekeeper.rules import RULE_KINDS
from gatekeeper.rules.base import RuleConfig


class ClassificationSpec(BaseModel):
    """A file class in long form: its globs, and whether the built-in detection still applies."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    include: list[GlobPattern] = Field(
        default_factory=empty_list,
        description="Globs that put a path in the class; a leading ! takes it out again.",
    )
    builtin: bool = Field(
        True, description="Keep the built-in detection (attributes, names, banners) as well."
    )


class PolicyException(BaseModel):
    """Lets a rule off for some paths (or entirely) until a date, for a stated reason."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rule: RuleId = Field(description="The id of the rule the exception is for.")
    paths: Annotated[list[GlobPattern], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Globs of the paths the rule ignores; leave out to except the whole rule.")
    reason: str = Field(min_length=1, description="Why the exception exists; shown in reports.")
    expires: datetime.date = Field(
        description="Last day (UTC) the exception applies; after it, it is reported as expired.")


class ReportSettings(BaseModel):
    """Where the report goes besides the job's own output: the sticky pull or merge request
    comment."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    comment: Literal["optional", "required"] = Field(
        "optional", description="optional: the sticky comment is written only when asked for "
        "(check --comment, the action's or job's comment input), and one that cannot be written "
        "is a note in the report; required: it is written on every pull or merge request, and "
        "one that cannot be written is an error (exit 3, or 2 without a token).")


def _rule_union(kinds: tuple[str, ...]) -> Any:
    configs = tuple(RULE_KINDS[kind].config for kind in kinds)
    if not configs:  # no rule to validate: the item type is never used
        return RuleConfig
    if len(configs) == 1:
        return configs[0]
    return Annotated[Union[configs], Field(discriminator="kind")]  # noqa: UP007


class PolicySections(BaseModel):
    """The sections of a policy file before its rules; ``Policy`` adds the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1] = Field(1, description="Version of the policy format.")
    extends: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Policies this one builds on, in order: built-in packs as gatekeeper:NAME, "
        "or files relative to this one. Rules here replace inherited rules with the same id.")
    disable: Annotated[list[RuleId], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list, description="Ids of inherited rules to switch off.")
    classification: dict[ClassName, list[GlobPattern] | ClassificationSpec] = Field(
        default_factory=empty_dict,
        description="Extra or overriding globs per file class (generated, lockfile, vendored, "
        "test, docs, or a class of your own).",
    )
    coverage: CoverageSettings = Field(
        default_factory=CoverageSettings.model_construct,
        description="How coverage reports are matched to the repository (coverage rules).")
    ai: AiSettings = Field(
        default_factory=AiSettings.model_construct,
        description="How AI provenance is detected (the ai condition, ai-disclosure rules).")
    review: ReviewSettings = Field(
        default_factory=ReviewSettings.model_construct,
        description="Review tiers, the rules that raise a change to one, and lowerings.")
    flags: FlagSettings = Field(
        default_factory=FlagSettings.model_construct,
        description="How feature-flag references are found (flag-guard rules, the "
        "flag_guarded condition): SDK presets, custom patterns, a registry of known keys.")
    codeowners: CodeOwnersSettings = Field(
        default_factory=CodeOwnersSettings.model_construct,
        description="Which CODEOWNERS file gives the code owners (the code_owners condition, "
        "tiers with code_owners).")
    report: ReportSettings = Field(
        default_factory=ReportSettings.model_construct,
        description="Where the report goes besides the job's output (the sticky comment).")

    def class_specs(self) -> dict[str, ClassSpec]:
        """The ``classification`` section as the classifier's ClassSpec for each class name."""
        return class_specs(self.classification)


def _unique_ids(cls: type[BaseModel], rules: list[RuleConfig]) -> list[RuleConfig]:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ValueError(f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


@functools.cache
def _policy_class(kinds: tuple[str, ...]) -> Any:
    """The model of a policy file whose rules are of ``kinds``; the model of every kind is
    ``Policy`` itself (for the schema and for error messages)."""
    namespace = {
        "__module__": __name__,
        "__qualname__": "Policy",
        "__doc__": "A gatekeeper policy file.",
        "__annotations__": {"rules": GenericAlias(list, (_rule_union(kinds),)),
                            "allow_no_rules": bool,
                            "exceptions": list[PolicyException]},
        "rules": Field(default_factory=empty_list, description="The rules to evaluate, in order."),
        "allow_no_rules": Field(
            False, description="Accept a policy that ends up with no rules (none written, or "
            "all disabled); without it such a policy is an error, so a gate never passes "
            "having checked nothing by mistake."),
        "exceptions": Field(default_factory=empty_list,
                            description="Time-limited exceptions to rules, with reasons."),
        "_unique_ids": field_validator("rules")(classmethod(_unique_ids)),
    }
    return type("Policy", (PolicySections,), namespace)


def policy_model(kinds: Iterable[str] | None = None) -> type[Policy]:
    """The model that validates a policy whose rules are all of ``kinds`` (None: any kind).

    A document validated by it is exactly what ``Policy`` makes of it (each rule is validated
    by its kind's model alone), but only the models of those kinds are built, and their
    modules imported. Errors must come from ``Policy``: it alone names every kind.
    """
    wanted = set(RULE_KINDS if kinds is None else kinds)
    model: type[Policy] = _policy_class(tuple(k for k in RULE_KINDS if k in wanted))
    return model


if TYPE_CHECKING:
    class Policy(PolicySections):
        """A gatekeeper policy file."""

        rules: list[RuleConfig]
        allow_no_rules: bool
        exceptions: list[PolicyException]
else:
    def __getattr__(name: str) -> Any:
        # Built on first use: its rules accept every kind, so building it imports them all.
        if name == "Policy":
            return policy_model()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


    def class_specs(self) -> dict[str, ClassSpec]:
        """The ``classification`` section as the classifier's ClassSpec for each class name."""
        return class_specs(self.classification)


def class_specs(
    classification: dict[str, list[str] | ClassificationSpec],
) -> dict[str, ClassSpec]:
    """Turn a classification section (globs, or the long form) into a ClassSpec per class name."""
    specs = {}
    for name, value in classification.items():
        if isinstance(value, ClassificationSpec):
            specs[name] = ClassSpec(tuple(value.include), value.builtin)
        else:
            specs[name] = ClassSpec(tuple(value))
    return specs


@record
class ComposedPolicy:
    """The policy in force after ``extends`` and ``disable``: what evaluation reads."""

    rules: tuple[RuleConfig, ...]
    classification: dict[str, ClassSpec]
    exceptions: tuple[PolicyException, ...]
    files: tuple[str, ...]
    """Every file it was built from, inherited ones first."""
    coverage: CoverageSettings = field(
        default_factory=CoverageSettings.model_construct)
    ai: AiSettings = field(default_factory=AiSettings.model_construct)
    review: ReviewSettings = field(default_factory=ReviewSettings.model_construct)
    flags: FlagSettings = field(default_factory=FlagSettings.model_construct)
    codeowners: CodeOwnersSettings = field(
        default_factory=CodeOwnersSettings.model_construct)
    report: ReportSettings = field(default_factory=ReportSettings.model_construct)
    allow_no_rules: bool = False
    """The policy has no rules on purpose: a run checks nothing and must say so."""

    def class_specs(self) -> dict[str, ClassSpec]:
        """The composed classification, already a ClassSpec for each class name."""
        return self.classification

    def rule(self, rule_id: str) -> RuleConfig | None:
        """The rule in force with id ``rule_id``, or None when the policy has none."""
        return next((r for r in self.rules if r.id == rule_id), None)
