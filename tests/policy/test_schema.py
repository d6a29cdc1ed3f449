"""The JSON Schema accepts a shorthand exactly when the policy model does: a form ``validate``
takes is never underlined by an editor, and a form it refuses is underlined too."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, BeforeValidator

from gatekeeper.conditions.ai import AiCondition
from gatekeeper.conditions.model import Condition
from gatekeeper.errors import PolicyError
from gatekeeper.facts.ai.settings import AiSettings
from gatekeeper.facts.coverage.settings import CoverageSettings
from gatekeeper.facts.flags.settings import FlagSettings, PatternSpec
from gatekeeper.policy import loader
from gatekeeper.policy.document import parse_yaml
from gatekeeper.policy.model import Policy, PolicyException
from gatekeeper.policy.review import Tier
from gatekeeper.policy.schema import SHORTHANDS, policy_schema
from gatekeeper.rules import (
    ai_disclosure,
    commits,
    companion_change,
    coverage_delta,
    flag_guard,
    forbidden_paths,
    patch_coverage,
    restricted_paths,
    tests_required,
)
from gatekeeper.rules.base import WaiverPolicy

V = "$V"
"""Where a form goes in a policy template."""


def rule(fields: str) -> str:
    """A policy of one batch-size rule with ``fields`` added to it."""
    return f"rules: [{{id: r, kind: batch-size, max_files: 3, {fields}}}]"


def kind(name: str, fields: str) -> str:
    """A policy of one rule of kind ``name`` with ``fields``."""
    return f"rules: [{{id: r, kind: {name}, {fields}}}]"


# Each field that takes a shorthand: a policy with the field's value left as $V, a value its
# shorthand accepts, and a single value that neither the model nor the schema may accept. The
# rest of each policy is valid whatever $V is: a check across fields (a rule that needs labels
# or trailers) is the model's, and beyond what a JSON Schema of the fields says.
FORMS: dict[tuple[type[BaseModel], str], tuple[str, str, str]] = {
    (Policy, "extends"): (f"extends: {V}", '"gatekeeper:recommended"', "5"),
    (Policy, "disable"): (f"disable: {V}", '"batch-size"', '"Not An Id"'),
    (AiCondition, "tools"): (rule(f"when: {{ai: {{tools: {V}}}}}"), '"copilot"', "5"),
    (AiCondition, "sources"): (rule(f"when: {{ai: {{sources: {V}}}}}"), '"trailer"', '"x"'),
    (AiSettings, "detectors"): (f"ai: {{detectors: {V}}}", '"commits"', '"nowhere"'),
    (AiSettings, "disable_markers"): (f"ai: {{disable_markers: {V}}}", '"made-with"', '"A B"'),
    (Condition, "paths"): (rule(f"when: {{paths: {V}}}"), '"src/**"', "5"),
    (Condition, "only_paths"): (rule(f"when: {{only_paths: {V}}}"), '"docs/**"', "5"),
    (Condition, "classes"): (rule(f"when: {{classes: {V}}}"), '"docs"', '"Docs!"'),
    (Condition, "only_classes"): (rule(f"when: {{only_classes: {V}}}"), '"docs"', '"D D"'),
    (Condition, "labels"): (rule(f"unless: {{labels: {V}}}"), '"no-changelog"', "5"),
    (Condition, "target_branch"): (rule(f"when: {{target_branch: {V}}}"), '"release/*"', "5"),
    (Condition, "author"): (rule(f"unless: {{author: {V}}}"), '"renovate*"', "5"),
    (Condition, "trailer"): (rule(f"unless: {{trailer: {V}}}"), '"Reviewed-by"', "5"),
    (Condition, "code_owners"): (rule(f"when: {{code_owners: {V}}}"), '"@acme/ops"', "5"),
    (Condition, "ai"): (rule(f"when: {{ai: {V}}}"), "true", '"yes"'),
    (CoverageSettings, "source_roots"): (f"coverage: {{source_roots: {V}}}", '"src"', "5"),
    (CoverageSettings, "strip_prefixes"): (f"coverage: {{strip_prefixes: {V}}}", '"/app/"', "5"),
    (FlagSettings, "presets"): (f"flags: {{presets: {V}}}", '"launchdarkly"', "5"),
    (PatternSpec, "extensions"): (
        f"flags: {{patterns: [{{regex: 'on\\((?P<key>\\w+)\\)', extensions: {V}}}]}}",
        '"py"', "5"),
    (PolicyException, "paths"): (
        rule("") + f'\nexceptions: [{{rule: r, paths: {V}, reason: why, expires: "2030-01-01"}}]',
        '"legacy/**"', "5"),
    (Tier, "owners"): (f"review: {{tiers: [{{name: deep, owners: {V}}}]}}", '"@acme/sec"',
                       '"nobody"'),
    (WaiverPolicy, "labels"): (rule(f"waivers: {{labels: {V}}}"), '"big-ok"', "5"),
    (ai_disclosure.Config, "trailers"): (kind("ai-disclosure", f"labels: ai, trailers: {V}"),
                                         '"Assisted-by"', '"Assisted by:"'),
    (ai_disclosure.Config, "labels"): (
        kind("ai-disclosure", f"trailers: Assisted-by, labels: {V}"), '"ai"', "5"),
    (ai_disclosure.Config, "sources"): (kind("ai-disclosure", f"labels: ai, sources: {V}"),
                                        '"trailer"', '"nowhere"'),
    (commits.Config, "required_trailers"): (
        kind("commits", f"max_commits: 9, required_trailers: {V}"), '"Signed-off-by"',
        '"Signed off"'),
    (companion_change.Config, "paths"): (
        kind("companion-change", f"paths: {V}, require: CHANGES.md"), '"src/**"', "5"),
    (companion_change.Config, "require"): (
        kind("companion-change", f'paths: "src/**", require: {V}'), '"CHANGES.md"', "5"),
    (companion_change.Config, "exclude"): (
        kind("companion-change", f'paths: "src/**", require: CHANGES.md, exclude: {V}'),
        '"src/gen/**"', "5"),
    (coverage_delta.Config, "exclude"): (kind("coverage-delta", f"max_drop: 1, exclude: {V}"),
                                         '"gen/**"', "5"),
    (flag_guard.Config, "paths"): (kind("flag-guard", f"paths: {V}"), '"src/**"', "5"),
    (forbidden_paths.Config, "paths"): (kind("forbidden-paths", f"paths: {V}"), '"*.pem"', "5"),
    (patch_coverage.Config, "exclude"): (kind("patch-coverage", f"min: 80, exclude: {V}"),
                                         '"gen/**"', "5"),
    (restricted_paths.Config, "paths"): (kind("restricted-paths", f"labels: ok, paths: {V}"),
                                         '"infra/**"', "5"),
    (restricted_paths.Config, "labels"): (
        kind("restricted-paths", f"paths: x, trailers: Ok-by, labels: {V}"), '"ok"', '""'),
    (restricted_paths.Config, "trailers"): (
        kind("restricted-paths", f"paths: x, labels: ok, trailers: {V}"), '"Approved-by"', '"no:"'),
    (tests_required.Config, "source"): (kind("tests-required", f"source: {V}"), '"src/**"', "5"),
    (tests_required.Config, "exclude"): (kind("tests-required", f"exclude: {V}"),
                                         '"src/gen/**"', "5"),
}

LONG_FORMS: dict[tuple[type[BaseModel], str], tuple[str, str]] = {
    (Condition, "ai"): ("{present: false}", "{min_strength: assisted}")}
"""The long forms of a shorthand that stands for a mapping; a list's are lists of the value."""

SCHEMA = Draft202012Validator(policy_schema())


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation holds, however deep in lists, unions and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models(arg)


def _shorthand(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field's type, or any type inside it, is read through a shorthand validator."""
    if any(isinstance(m, BeforeValidator) and m.func in SHORTHANDS for m in metadata):
        return True
    if get_origin(annotation) is Annotated:
        return _shorthand(get_args(annotation)[0], list(annotation.__metadata__))
    if get_origin(annotation) in (Union, types.UnionType, list, dict):
        return any(_shorthand(arg, []) for arg in get_args(annotation))
    return False


def shorthand_fields() -> set[tuple[type[BaseModel], str]]:
    """Every field of the policy model, at any depth, that takes a shorthand."""
    found: set[tuple[type[BaseModel], str]] = set()
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [Policy]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            if _shorthand(info.annotation, info.metadata):
                found.add((model, name))
            todo.extend(_models(info.annotation))
    return found


def model_accepts(text: str) -> bool:
    """Whether the policy model (what ``gatekeeper validate`` checks first) accepts ``text``."""
    data, walk = parse_yaml(text, "policy.yml")
    try:
        loader.validate(data, walk)
    except PolicyError:
        return False
    return True


def schema_accepts(text: str) -> bool:
    """Whether the JSON Schema of ``gatekeeper schema`` accepts ``text``."""
    data, _ = parse_yaml(text, "policy.yml")
    return bool(SCHEMA.is_valid(data))


def test_the_table_covers_every_shorthand_of_the_model() -> None:
    assert shorthand_fields() == set(FORMS)
    assert len(FORMS) == 39


def test_every_validator_that_rewrites_input_has_its_schema() -> None:
    """A new shorthand validator without an entry in SHORTHANDS fails here, not in editors."""
    functions: set[Any] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "function-before":
                functions.add(node["function"]["function"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(Policy.__pydantic_core_schema__)
    assert functions == set(SHORTHANDS)


@pytest.mark.parametrize("key", FORMS, ids=[f"{m.__module__}.{m.__name__}.{f}" for m, f in FORMS])
def test_shorthand_is_accepted_by_both_or_refused_by_both(
        key: tuple[type[BaseModel], str]) -> None:
    template, good, bad = FORMS[key]
    for form in (good, *LONG_FORMS.get(key, (f"[{good}]", f"[{good}, {good}]"))):
        text = template.replace(V, form)
        assert model_accepts(text), text
        assert schema_accepts(text), text
    for form in (bad, f"[{bad}]", "{a: 1}", "[[]]"):
        text = template.replace(V, form)
        assert not model_accepts(text), text
        assert not schema_accepts(text), text
    for form in ("null", "[]", f"[{good}, 5]", "false"):
        text = template.replace(V, form)
        assert model_accepts(text) == schema_accepts(text), text


def test_the_long_form_without_shorthand_keeps_its_item_constraints() -> None:
    """A bare string is one item: it must meet the item's own pattern, as the model says."""
    template = FORMS[(Tier, "owners")][0]
    assert schema_accepts(template.replace(V, '"dev@example.com"'))
    assert not schema_accepts(template.replace(V, '"@"'))
    assert not model_accepts(template.replace(V, '"@"'))
