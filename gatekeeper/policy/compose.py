"""Follows ``extends`` through built-in packs and local files, and merges them into one policy."""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from gatekeeper.common.records import record
from gatekeeper.common.suggest import closest, did_you_mean
from gatekeeper.errors import PolicyError
from gatekeeper.facts.ai.catalogue import BUILTIN_NAME as BUILTIN_MARKERS
from gatekeeper.facts.ai.catalogue import builtin_entries
from gatekeeper.facts.ai.entries import MarkerEntry
from gatekeeper.facts.ai.settings import AiSettings
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.policy.loader import builtin_policy_dir, read_policy, unreadable
from gatekeeper.policy.locate import combined, one_line
from gatekeeper.policy.model import (
    ComposedPolicy,
    CoverageSettings,
    PolicyException,
    ReportSettings,
    class_specs,
)
from gatekeeper.policy.places import Places
from gatekeeper.policy.review import ReviewSettings
from gatekeeper.policy.sources import FileSource, Source
from gatekeeper.rules.base import RuleConfig

if TYPE_CHECKING:
    from gatekeeper.policy.model import Policy

BUILTIN_PREFIX = "gatekeeper:"
MAX_DEPTH = 16


@record(frozen=False)
class _State:
    rules: dict[str, RuleConfig] = field(default_factory=dict)
    ever_defined: set[str] = field(default_factory=set)
    disabled: set[str] = field(default_factory=set)
    classification: dict[str, object] = field(default_factory=dict)
    exceptions: list[PolicyException] = field(default_factory=list)
    coverage: dict[str, object] = field(default_factory=dict)
    ai: dict[str, object] = field(default_factory=dict)
    markers: dict[str, MarkerEntry] = field(default_factory=dict)
    review: dict[str, object] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)
    codeowners: dict[str, object] = field(default_factory=dict)
    report: dict[str, object] = field(default_factory=dict)
    disabled_markers: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    allow_no_rules: bool = False
    last_disable: tuple[str, int | None, int | None] | None = None
    """Where the last ``disable`` was written, to point at when it leaves no rule."""
    top: tuple[str, int | None, int | None] = ("", None, None)
    """The file composed last (the one named) and where its ``rules`` are, or line 1."""
    problems: list[PolicyError] = field(default_factory=list)
    """Names that point at nothing, found while composing: all are reported, not the first."""


def builtin_packs() -> list[str]:
    # Test cases (name.test.yml) sit beside the packs but are not packs themselves.
    """The names of the shipped packs, for ``extends: gatekeeper:<name>``."""
    return sorted(p.stem for p in builtin_policy_dir().glob("*.yml") if "." not in p.stem)


def _where(walk: Places, *path: object) -> tuple[int | None, int | None]:
    """Where ``path`` was written; a list of one written as a bare value counts as the list."""
    for cut in range(len(path), 0, -1):
        if path[:cut] in walk.values:
            return walk.values[path[:cut]]
    return None, None


BUILTIN = FileSource()


@record
class _File:
    source: Source
    key: str
    display: str

    @property
    def identity(self) -> tuple[str, str]:
        """What tells two files apart: the source they come from and their key in it."""
        return (self.source.label if self.source is not BUILTIN else "builtin", self.key)


def _target(entry: str, parent: _File, walk: Places, index: int) -> _File:
    line, column = _where(walk, "extends", index)
    if entry.startswith(BUILTIN_PREFIX):
        name = entry[len(BUILTIN_PREFIX):]
        names = builtin_packs()
        if name not in names:
            packs = ", ".join(BUILTIN_PREFIX + n for n in names)
            close = closest(name, names)
            raise PolicyError(
                f"extends: no built-in pack {entry!r}", file=walk.filename, line=line,
                column=column, hint=f"did you mean '{BUILTIN_PREFIX}{close}'?"
                if close is not None else f"use one of {packs}")
        return _File(BUILTIN, BUILTIN.key(builtin_policy_dir() / f"{name}.yml"), entry)
    if parent.display.startswith(BUILTIN_PREFIX):
        raise PolicyError("a built-in pack may only extend other packs", file=walk.filename,
                          line=line, column=column)
    key = parent.source.join(parent.key, entry)
    display = os.path.normpath(os.path.join(os.path.dirname(parent.display), entry))
    try:
        found = None if key is None else parent.source.read(key)
    except OSError as exc:
        raise unreadable(display, exc) from None
    if key is None or found is None:
        raise PolicyError(f"extends: cannot find {entry!r}", file=walk.filename, line=line,
                          column=column, hint="give a path relative to this file, or a "
                          f"built-in pack such as {BUILTIN_PREFIX}recommended")
    return _File(parent.source, key, display)


def _visit(file: _File, stack: list[tuple[tuple[str, str], str]], state: _State) -> None:
    policy, walk = read_policy(file.source, file.key, file.display,
                               shipped=file.source is BUILTIN)
    stack = [*stack, (file.identity, file.display)]
    for index, entry in enumerate(policy.extends):
        target = _target(entry, file, walk, index)
        if target.identity in (k for k, _ in stack):
            cycle = one_line(" -> ".join([d for _, d in stack] + [target.display]))
            line, column = _where(walk, "extends", index)
            raise PolicyError(f"circular extends: {cycle}", file=file.display, line=line,
                              column=column, hint="remove one of the extends in the cycle")
        if len(stack) >= MAX_DEPTH:
            line, column = _where(walk, "extends", index)
            raise PolicyError(f"extends nests deeper than {MAX_DEPTH} files",
                              file=file.display, line=line, column=column)
        _visit(target, stack, state)
    _apply(policy, walk, state)
    state.files.append(file.display)


def _track_emptiness(policy: Policy, walk: Places, state: _State) -> None:
    """Remember what a policy left without rules points at, and whether it opted in."""
    if policy.disable:
        state.last_disable = (walk.filename, *_where(walk, "disable"))
    state.top = (walk.filename, *walk.keys.get(("rules",), (1, 1)))
    if "allow_no_rules" in policy.model_fields_set:
        state.allow_no_rules = policy.allow_no_rules


def _apply(policy: Policy, walk: Places, state: _State) -> None:
    _track_emptiness(policy, walk, state)
    for index, rule_id in enumerate(policy.disable):
        if rule_id not in state.rules:
            line, column = _where(walk, "disable", index)
            state.problems.append(PolicyError(
                f"disable: no inherited rule {rule_id!r}", file=walk.filename, line=line,
                column=column, hint=did_you_mean(rule_id, state.rules, "remove it")))
            continue
        del state.rules[rule_id]
        state.disabled.add(rule_id)
    for rule in policy.rules:
        state.rules[rule.id] = rule  # dicts keep the first position when a key is replaced
        state.ever_defined.add(rule.id)
        state.disabled.discard(rule.id)
    state.classification.update(policy.classification)
    # Key by key, so a local file can set source_roots and keep a pack's mismatch setting.
    state.coverage.update(policy.coverage.model_dump(include=policy.coverage.model_fields_set))
    _apply_ai(policy.ai, walk, state)
    # Key by key: a local file can keep a pack's tiers and bring its own rules.
    state.review.update({name: getattr(policy.review, name)
                         for name in policy.review.model_fields_set})
    state.flags.update({name: getattr(policy.flags, name)
                        for name in policy.flags.model_fields_set})
    state.codeowners.update(policy.codeowners.model_dump(
        include=policy.codeowners.model_fields_set))
    state.report.update(policy.report.model_dump(include=policy.report.model_fields_set))
    for index, exception in enumerate(policy.exceptions):
        if exception.rule not in state.ever_defined:
            line, column = _where(walk, "exceptions", index, "rule")
            state.problems.append(PolicyError(
                f"exception for unknown rule {exception.rule!r}", file=walk.filename, line=line,
                column=column, hint=did_you_mean(exception.rule, state.rules,
                                                 "name a rule defined in this policy")))
            continue
        state.exceptions.append(exception)


def _apply_ai(ai: AiSettings, walk: Places, state: _State) -> None:
    """Markers and switched-off ids add up across files; detectors and spot_check override."""
    known = {entry.id for entry in builtin_entries()}
    for index, marker_id in enumerate(ai.disable_markers):
        if marker_id not in known:
            line, column = _where(walk, "ai", "disable_markers", index)
            state.problems.append(PolicyError(
                f"ai.disable_markers: no built-in marker {marker_id!r}", file=walk.filename,
                line=line, column=column,
                hint=did_you_mean(marker_id, known, f"use an id from {BUILTIN_MARKERS}")))
            continue
        if marker_id not in state.disabled_markers:
            state.disabled_markers.append(marker_id)
    for index, entry in enumerate(ai.markers):
        if any(other.id == entry.id for other in ai.markers[:index]):
            line, column = _where(walk, "ai", "markers", index, "id")
            state.problems.append(PolicyError(
                f"ai.markers: {entry.id!r} is listed twice", file=walk.filename, line=line,
                column=column, hint="give each marker its own id"))
        elif entry.id in known and entry.id not in state.disabled_markers:
            line, column = _where(walk, "ai", "markers", index, "id")
            state.problems.append(PolicyError(
                f"ai.markers: {entry.id!r} is a built-in marker's id", file=walk.filename,
                line=line, column=column, hint="choose another id, or list it in "
                "ai.disable_markers to replace the built-in entry"))
        else:
            state.markers[entry.id] = entry
    state.ai.update(ai.model_dump(include=ai.model_fields_set & {"detectors", "spot_check"}))


def _ai(state: _State) -> AiSettings:
    return AiSettings.model_validate({**state.ai, "markers": list(state.markers.values()),
                                      "disable_markers": state.disabled_markers})


def _review(state: _State) -> ReviewSettings:
    if not state.review:  # validating nothing gives this, but builds a validator first
        return ReviewSettings.model_construct()  # (tests/policy/test_model.py)
    try:
        review = ReviewSettings.model_validate(state.review)
    except ValidationError as exc:
        # Each file was valid on its own; only the combination can be wrong.
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise PolicyError(f"review: {message}", file=state.files[-1]) from None
    problem = review.problem()
    if problem is not None:
        raise PolicyError(f"review: {problem}", file=state.files[-1],
                          hint="name tiers that the composed policy defines")
    return review


def _refuse_no_rules(state: _State, review: ReviewSettings) -> None:
    """A policy left with no rules would pass every change having checked nothing: unless it
    says that is what it wants, it is a mistake (a typo in a path, a disable too many).
    Enforced approvals are a check of their own (a ``review-approvals`` result that fails)."""
    if state.rules or state.allow_no_rules or review.approvals.enforce:
        return
    hint = ("add rules or extend a pack such as gatekeeper:recommended; to check nothing on "
            "purpose, set allow_no_rules: true")
    if state.disabled and state.last_disable is not None:
        file, line, column = state.last_disable
        raise PolicyError("every rule is disabled, so the policy would check nothing",
                          file=file, line=line, column=column, hint=hint)
    file, line, column = state.top
    raise PolicyError("the policy has no rules, so it would check nothing", file=file,
                      line=line, column=column, hint=hint)


def compose(path: Path, display: str, source: Source | None = None) -> ComposedPolicy:
    """Load ``path`` and everything it extends; later files win, rule by rule.

    ``source`` says where to read from: the file system (default) or a commit's tree, where
    ``path`` is relative to the repository root. A result without rules (and without
    enforced approvals) is an error unless the policy sets ``allow_no_rules``.
    """
    state = _State()
    where = source or BUILTIN
    _visit(_File(where, where.key(path), display), [], state)
    if state.problems:
        raise combined(state.problems)
    review = _review(state)
    _refuse_no_rules(state, review)
    exceptions = tuple(e for e in state.exceptions if e.rule in state.rules)
    return ComposedPolicy(
        rules=tuple(state.rules.values()),
        classification=class_specs(state.classification),  # type: ignore[arg-type]
        exceptions=exceptions,
        files=tuple(state.files),
        coverage=CoverageSettings.model_validate(state.coverage),
        ai=_ai(state),
        review=review,
        flags=FlagSettings.model_validate(state.flags),
        codeowners=CodeOwnersSettings.model_validate(state.codeowners),
        report=ReportSettings.model_validate(state.report),
        allow_no_rules=state.allow_no_rules,
    )
