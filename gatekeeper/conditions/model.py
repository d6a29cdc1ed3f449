"""Conditions for ``when`` and ``unless``: facts about a change combined with all, any and not.

A new condition key is one field on ``Condition`` plus one function in ``SOURCES``; a key that
reads an optional fact source is a module listed in ``sources.MODULES``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from gatekeeper.common.fields import ClassName, GlobPattern, one_or_many
from gatekeeper.common.globs import GlobError, PathSet, compile_glob, wildcard
from gatekeeper.conditions import ai as ai_condition
from gatekeeper.conditions import coverage as coverage_condition
from gatekeeper.conditions import sources
from gatekeeper.facts.ai.detect import Evidence
from gatekeeper.facts.model import Facts

Outcome = tuple[bool, str]
SHOWN = 3

BOT_NAMES = ("dependabot", "renovate", "renovate-bot", "github-actions", "gitlab-bot",
             "pre-commit-ci", "snyk-bot", "greenkeeper", "mergify", "allcontributors",
             "imgbot", "depfu", "pyup-bot", "whitesource-bolt", "copybara-service")
# GitHub apps post as "name[bot]"; GitLab project and group access tokens as project_N_bot_X.
_BOT_PATTERN = re.compile(
    r"\[bot\]$|\[bot\]@users\.noreply\.github\.com$|^(?:project|group)_\d+_bot\w*(?:@|$)",
    re.IGNORECASE)


def _valid_branch_glob(pattern: str) -> str:
    try:
        compile_glob("/" + pattern.lstrip("/"))
    except GlobError as exc:
        raise ValueError(str(exc)) from None
    return pattern


Names = Annotated[list[str], BeforeValidator(one_or_many)]
Globs = Annotated[list[GlobPattern], BeforeValidator(one_or_many)]
BranchGlobs = Annotated[list[Annotated[str, AfterValidator(_valid_branch_glob)]],
                        BeforeValidator(one_or_many)]
Classes = Annotated[list[ClassName], BeforeValidator(one_or_many)]
Measure = Literal["lines", "effective_lines", "files", "effective_files", "commits"]


class SizeCondition(BaseModel):
    """The ``size`` key: holds when a measure of the change is over and/or under a bound."""
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    measure: Measure = Field(description="What to measure: lines, effective_lines, files, "
                             "effective_files or commits.")
    over: int | None = Field(None, ge=0, description="Holds when the measure is above this.")
    under: int | None = Field(None, ge=0, description="Holds when the measure is below this.")

    @model_validator(mode="after")
    def _bounded(self) -> SizeCondition:
        if self.over is None and self.under is None:
            raise ValueError("size needs over, under or both")
        return self


class Condition(BaseModel):
    """Holds when every key in it holds; combine with all, any and not."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    all: list[Condition] | None = Field(None, description="Holds when every condition holds.")
    any: list[Condition] | None = Field(None, description="Holds when one condition holds.")
    not_: Condition | None = Field(None, alias="not",
                                   description="Holds when the condition does not.")
    paths: Globs | None = Field(None, description="Holds when any touched path matches a glob.")
    only_paths: Globs | None = Field(
        None, description="Holds when every touched path matches a glob.")
    classes: Classes | None = Field(
        None, description="Holds when any touched file is in one of these classes.")
    only_classes: Classes | None = Field(
        None, description="Holds when every touched file is in one of these classes.")
    labels: Names | None = Field(
        None, description="Holds when the PR or MR carries one of these labels.")
    target_branch: BranchGlobs | None = Field(
        None, description="Holds when the target branch matches one of these globs.")
    author: Names | None = Field(
        None, description="Holds when the author matches one of these names (* wildcards): "
        "the PR or MR author, else every commit author (by name or email).")
    bot: bool | None = Field(
        None, description="true holds when the author is a bot; false when it is not.")
    trailer: Names | None = Field(
        None, description="Holds when a commit carries one of these trailers.")
    size: SizeCondition | None = Field(None, description="Holds when a size is over or under "
                                       "a threshold.")
    ai: ai_condition.AiValue | None = Field(
        None, description="Holds when the change carries AI evidence (true, or the strength, "
        "tools, sources, commit share or spot check wanted); false when it carries none.")
    code_owners: Names | None = Field(
        None, description="Holds when CODEOWNERS gives a touched file one of these owners "
        "(@user, @org/team, * wildcards).")
    coverage: coverage_condition.CoverageCondition | None = Field(
        None, description="Holds when patch coverage or the change in total coverage is "
        "below a bound (needs --coverage).")
    flag_guarded: bool | None = Field(
        None, description="true holds when an added line references a feature flag; false "
        "when none does.")

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set:
            raise ValueError("a condition needs at least one key, such as paths or labels")
        return self


def holds(condition: Condition, facts: Facts) -> Outcome:
    """Whether ``condition`` holds for the change, with the reason in words."""
    parts: list[Outcome] = []
    for name in Condition.model_fields:
        value = getattr(condition, name)
        if value is not None:
            parts.append(SOURCES[name](value, facts))
    ok = all(p[0] for p in parts)
    shown = [p[1] for p in parts if p[0] == ok] if not ok else [p[1] for p in parts]
    return ok, " and ".join(shown)


def _all(conditions: list[Condition], facts: Facts) -> Outcome:
    results = [holds(c, facts) for c in conditions]
    failed = [r[1] for r in results if not r[0]]
    if failed:
        return False, failed[0]
    return True, "; ".join(r[1] for r in results)


def _any(conditions: list[Condition], facts: Facts) -> Outcome:
    results = [holds(c, facts) for c in conditions]
    for ok, why in results:
        if ok:
            return True, why
    return False, "none held: " + "; ".join(r[1] for r in results)


def _not(condition: Condition, facts: Facts) -> Outcome:
    ok, why = holds(condition, facts)
    return not ok, f"not ({why})"


def _sample(items: list[str]) -> str:
    text = ", ".join(items[:SHOWN])
    return text + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _touched(facts: Facts) -> list[str]:
    return [path for f in facts.files for path in f.touched]


def _paths(globs: list[str], facts: Facts) -> Outcome:
    wanted = PathSet(globs)
    hits = [p for p in _touched(facts) if wanted.matches(p)]
    if hits:
        return True, f"paths {globs} matched {_sample(hits)}"
    return False, f"no path matched {globs}"


def _only_paths(globs: list[str], facts: Facts) -> Outcome:
    wanted = PathSet(globs)
    misses = [p for p in _touched(facts) if not wanted.matches(p)]
    if facts.files and not misses:
        return True, f"every path matched {globs}"
    return False, f"not only {globs}: {_sample(misses) or 'no files'}"


def _classes(names: list[str], facts: Facts) -> Outcome:
    hits = [f.path for f in facts.files if f.classes & set(names)]
    if hits:
        return True, f"classes {names} include {_sample(hits)}"
    return False, f"no file is {' or '.join(names)}"


def _only_classes(names: list[str], facts: Facts) -> Outcome:
    misses = [f.path for f in facts.files if not f.classes & set(names)]
    if facts.files and not misses:
        return True, f"every file is {' or '.join(names)}"
    return False, f"not only {' or '.join(names)}: {_sample(misses) or 'no files'}"


def _labels(names: list[str], facts: Facts) -> Outcome:
    present = {label.lower(): label for label in facts.changeset.meta.labels}
    hits = [present[n.lower()] for n in names if n.lower() in present]
    if hits:
        return True, f"label {hits[0]} is present"
    known = ", ".join(facts.changeset.meta.labels) or "none known"
    return False, f"no label {' or '.join(names)} (labels: {known})"


def _target_branch(globs: list[str], facts: Facts) -> Outcome:
    branch = facts.changeset.meta.target_branch
    if branch is None:
        return False, "the target branch is not known"
    for pattern in globs:
        if compile_glob("/" + pattern.lstrip("/")).matches(branch, parents=False):
            return True, f"target branch {branch} matches {pattern}"
    return False, f"target branch {branch} matches none of {globs}"


def authors(facts: Facts) -> list[tuple[str, ...]]:
    """The identities that count as the author: the PR author, else each commit's author."""
    meta = facts.changeset.meta
    if meta.author:
        return [(meta.author,)]
    return sorted({(c.author_name, c.author_email) for c in facts.changeset.commits})


def _author(patterns: list[str], facts: Facts) -> Outcome:
    people = authors(facts)
    compiled = [wildcard(p) for p in patterns]
    misses = [who[0] for who in people
              if not any(rx.fullmatch(name) for rx in compiled for name in who)]
    if people and not misses:
        return True, f"author {_sample([who[0] for who in people])} matches {patterns}"
    return False, f"author {_sample(misses) or 'unknown'} does not match {patterns}"


def is_bot(identity: tuple[str, ...]) -> bool:
    """Whether any name or e-mail of an author is a known bot account or a bot pattern."""
    return any(_BOT_PATTERN.search(name) or name.lower() in BOT_NAMES for name in identity)


def _bot(wanted: bool, facts: Facts) -> Outcome:
    people = authors(facts)
    bot = bool(people) and all(is_bot(who) for who in people)
    names = _sample([who[0] for who in people]) or "unknown"
    return bot == wanted, f"author {names} {'is' if bot else 'is not'} a bot"


def _trailer(keys: list[str], facts: Facts) -> Outcome:
    for commit in facts.changeset.commits:
        for key in keys:
            if commit.trailer_values(key):
                return True, f"commit {commit.sha[:12]} has trailer {key}"
    return False, f"no commit has trailer {' or '.join(keys)}"


def measure(name: str, facts: Facts) -> int:
    """The change's size in the unit ``name`` picks: lines, files (raw or effective) or commits."""
    values = {
        "lines": facts.raw.changed, "effective_lines": facts.effective.changed,
        "files": facts.raw.files, "effective_files": facts.effective.files,
        "commits": len(facts.changeset.commits),
    }
    return values[name]


def _size(size: SizeCondition, facts: Facts) -> Outcome:
    value = measure(size.measure, facts)
    ok = (size.over is None or value > size.over) and (size.under is None or value < size.under)
    bounds = [f"over {size.over}" if size.over is not None else "",
              f"under {size.under}" if size.under is not None else ""]
    wanted = " and ".join(b for b in bounds if b)
    return ok, f"{size.measure} {value} {'is' if ok else 'is not'} {wanted}"


SOURCES: dict[str, Callable[[Any, Facts], Outcome]] = {
    "all": _all, "any": _any, "not_": _not, "paths": _paths, "only_paths": _only_paths,
    "classes": _classes, "only_classes": _only_classes, "labels": _labels,
    "target_branch": _target_branch, "author": _author, "bot": _bot, "trailer": _trailer,
    "size": _size, **{module.KEY: module.holds for module in sources.MODULES},
}


def ai_evidence(*found: Condition | None, facts: Facts) -> tuple[Evidence, ...]:
    """The AI evidence every ``ai`` key in the conditions counts, for the report."""
    seen: dict[int, Evidence] = {}
    stack = [c for c in found if c is not None]
    while stack:
        condition = stack.pop()
        if condition.ai is not None:
            for item in ai_condition.matching(condition.ai, facts):
                seen.setdefault(id(item), item)
        stack.extend(condition.all or ())
        stack.extend(condition.any or ())
        if condition.not_ is not None:
            stack.append(condition.not_)
    return tuple(seen.values())


def applies(when: Condition | None, unless: Condition | None, facts: Facts) -> Outcome:
    """Whether a rule applies: ``when`` holds (or is absent) and ``unless`` does not."""
    reasons = []
    if when is not None:
        ok, why = holds(when, facts)
        if not ok:
            return False, f"when: {why}"
        reasons.append(f"when: {why}")
    if unless is not None:
        ok, why = holds(unless, facts)
        if ok:
            return False, f"unless: {why}"
        reasons.append(f"unless did not hold: {why}")
    return True, "; ".join(reasons) or "always applies"
