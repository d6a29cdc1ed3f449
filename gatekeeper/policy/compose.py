"""Follows ``extends`` through built-in packs and local files, and merges them into one policy."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from gatekeeper.errors import PolicyError
from gatekeeper.policy.document import Walk
from gatekeeper.policy.loader import builtin_policy_dir, load_document
from gatekeeper.policy.locate import did_you_mean, one_line
from gatekeeper.policy.model import ComposedPolicy, Policy, PolicyException, class_specs
from gatekeeper.rules.base import RuleConfig

BUILTIN_PREFIX = "gatekeeper:"
MAX_DEPTH = 16


@dataclass
class _State:
    rules: dict[str, RuleConfig] = field(default_factory=dict)
    ever_defined: set[str] = field(default_factory=set)
    disabled: set[str] = field(default_factory=set)
    classification: dict[str, object] = field(default_factory=dict)
    exceptions: list[PolicyException] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def builtin_packs() -> list[str]:
    # Test cases (name.test.yml) sit beside the packs but are not packs themselves.
    return sorted(p.stem for p in builtin_policy_dir().glob("*.yml") if "." not in p.stem)


def _where(walk: Walk, *path: object) -> tuple[int | None, int | None]:
    """Where ``path`` was written; a list of one written as a bare value counts as the list."""
    for cut in range(len(path), 0, -1):
        if path[:cut] in walk.values:
            return walk.values[path[:cut]]
    return None, None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return False


def _target(entry: str, parent: Path, parent_display: str, walk: Walk,
            index: int) -> tuple[Path, str]:
    line, column = _where(walk, "extends", index)
    if entry.startswith(BUILTIN_PREFIX):
        name = entry[len(BUILTIN_PREFIX):]
        names = builtin_packs()
        if name not in names:
            packs = ", ".join(BUILTIN_PREFIX + n for n in names)
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            raise PolicyError(
                f"extends: no built-in pack {entry!r}", file=walk.filename, line=line,
                column=column, hint=f"did you mean '{BUILTIN_PREFIX}{close[0]}'?" if close
                else f"use one of {packs}")
        return builtin_policy_dir() / f"{name}.yml", entry
    if parent_display.startswith(BUILTIN_PREFIX):
        raise PolicyError("a built-in pack may only extend other packs", file=walk.filename,
                          line=line, column=column)
    path = parent.parent / entry
    display = os.path.normpath(os.path.join(os.path.dirname(parent_display), entry))
    if not _is_file(path):
        raise PolicyError(f"extends: cannot find {entry!r}", file=walk.filename, line=line,
                          column=column, hint="give a path relative to this file, or a "
                          f"built-in pack such as {BUILTIN_PREFIX}recommended")
    return path.resolve(), display


def _visit(path: Path, display: str, stack: list[tuple[str, str]], state: _State) -> None:
    policy, walk = load_document(path, display)
    key = str(path.resolve())
    stack = [*stack, (key, display)]
    for index, entry in enumerate(policy.extends):
        target, shown = _target(entry, path, display, walk, index)
        if str(target.resolve()) in (k for k, _ in stack):
            cycle = one_line(" -> ".join([d for _, d in stack] + [shown]))
            line, column = _where(walk, "extends", index)
            raise PolicyError(f"circular extends: {cycle}", file=display, line=line,
                              column=column, hint="remove one of the extends in the cycle")
        if len(stack) >= MAX_DEPTH:
            line, column = _where(walk, "extends", index)
            raise PolicyError(f"extends nests deeper than {MAX_DEPTH} files", file=display,
                              line=line, column=column)
        _visit(target, shown, stack, state)
    _apply(policy, walk, state)
    state.files.append(display)


def _apply(policy: Policy, walk: Walk, state: _State) -> None:
    for index, rule_id in enumerate(policy.disable):
        if rule_id not in state.rules:
            line, column = _where(walk, "disable", index)
            raise PolicyError(
                f"disable: no inherited rule {rule_id!r}", file=walk.filename, line=line,
                column=column, hint=did_you_mean(rule_id, state.rules, "remove it"))
        del state.rules[rule_id]
        state.disabled.add(rule_id)
    for rule in policy.rules:
        state.rules[rule.id] = rule  # dicts keep the first position when a key is replaced
        state.ever_defined.add(rule.id)
        state.disabled.discard(rule.id)
    state.classification.update(policy.classification)
    for index, exception in enumerate(policy.exceptions):
        if exception.rule not in state.ever_defined:
            line, column = _where(walk, "exceptions", index, "rule")
            raise PolicyError(
                f"exception for unknown rule {exception.rule!r}", file=walk.filename, line=line,
                column=column, hint=did_you_mean(exception.rule, state.rules,
                                                 "name a rule defined in this policy"))
        state.exceptions.append(exception)


def compose(path: Path, display: str) -> ComposedPolicy:
    """Load ``path`` and everything it extends; later files win, rule by rule."""
    state = _State()
    if not _is_file(path):
        raise PolicyError("cannot read policy: no such file", file=display,
                          hint="check the path given with --policy")
    _visit(path, display, [], state)
    exceptions = tuple(e for e in state.exceptions if e.rule in state.rules)
    return ComposedPolicy(
        rules=tuple(state.rules.values()),
        classification=class_specs(state.classification),  # type: ignore[arg-type]
        exceptions=exceptions,
        files=tuple(state.files),
    )
