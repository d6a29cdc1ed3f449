"""gatekeeper test: finds *.test.yml files, runs their cases against the policy, reports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gatekeeper.ai import provenance
from gatekeeper.classify import Classifier
from gatekeeper.errors import PolicyError, UsageError
from gatekeeper.evaluate import evaluate
from gatekeeper.facts import derive
from gatekeeper.policy import described
from gatekeeper.policy.compose import compose
from gatekeeper.policy.document import Walk
from gatekeeper.policy.locate import did_you_mean
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.verdict import PolicySource, Verdict

SUFFIX = ".test.yml"
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
"""Folders never searched, besides every dot-folder (.git, .venv, ...)."""


@dataclass(frozen=True)
class Suite:
    """One test file, validated, with the policy it tests composed."""

    display: str
    cases: described.CaseFile
    policy: ComposedPolicy
    source: PolicySource


def _shown(path: Path) -> str:
    return Path(os.path.normpath(path)).as_posix()


def _search(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(names):
            if name.endswith(SUFFIX):
                yield Path(root) / name


def discover(paths: tuple[str, ...]) -> list[Path]:
    """The test files named or found under ``paths``, each once, in a stable order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_search(path))
        elif path.is_file():
            if not path.name.endswith(SUFFIX):
                raise UsageError(f"{given} is not a test file",
                                 hint=f"test files are named <policy>{SUFFIX}")
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {given}", hint="check the path")
    unique = list({str(p.resolve()): p for p in reversed(found)}.values())[::-1]
    if not unique:
        raise UsageError(f"no test files (*{SUFFIX}) found in {', '.join(paths)}",
                         hint=f"write cases in <policy>{SUFFIX} beside the policy")
    return unique


def _policy_path(path: Path, display: str, cases: described.CaseFile,
                 walk: Walk) -> tuple[Path, str]:
    if cases.policy is not None:
        target = path.parent / cases.policy
        if not target.is_file():
            line, column = walk.values.get(("policy",), (None, None))
            raise PolicyError(f"policy: cannot find {cases.policy!r}", file=display, line=line,
                              column=column, hint="give the policy's path relative to this file")
        return target, _shown(Path(display).parent / cases.policy)
    name = path.name[: -len(SUFFIX)] + ".yml"
    target = path.parent / name
    if not target.is_file():
        raise PolicyError(f"no policy {name} beside this test file", file=display, line=1,
                          column=1, hint=f"add policy: <file>, or name the test file after "
                          f"the policy (<name>{SUFFIX} beside <name>.yml)")
    return target, _shown(Path(display).parent / name)


def _check_expectations(suite: Suite, walk: Walk) -> None:
    ids = [rule.id for rule in suite.policy.rules]
    for index, case in enumerate(suite.cases.cases):
        for rule_id in case.expect:
            if suite.policy.rule(rule_id) is not None:
                continue
            line, column = walk.keys.get(("cases", index, "expect", rule_id), (None, None))
            fallback = f"the policy's rules are {', '.join(ids)}" if ids else \
                "the policy has no rules"
            raise PolicyError(f"expect: the policy has no rule {rule_id!r}", file=suite.display,
                              line=line, column=column,
                              hint=did_you_mean(rule_id, ids, fallback))


def load(path: Path) -> Suite:
    """Read one test file and compose its policy; any problem raises a PolicyError."""
    display = _shown(path)
    cases, walk = described.load(path, display)
    target, shown = _policy_path(path, display, cases, walk)
    policy = compose(target, shown)
    source = PolicySource(shown, False, f"policy {shown}", policy.files)
    suite = Suite(display, cases, policy, source)
    _check_expectations(suite, walk)
    return suite


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _differences(case: described.Case, verdict: Verdict) -> list[str]:
    results = {result.rule_id: result for result in verdict.results}
    found = []
    for rule_id, wanted in case.expect.items():
        got = results[rule_id]
        if got.status is not wanted:
            found.append(f"{rule_id}: expected {wanted.value}, got {got.status.value} - "
                         f"{_one_line(got.message)}")
    outcome = "pass" if verdict.passed else "fail"
    if case.verdict is not None and case.verdict != outcome:
        blocking = [r.rule_id for r in verdict.results if r.blocking]
        why = f" - blocked by {', '.join(blocking)}" if blocking else ""
        found.append(f"verdict: expected {case.verdict}, got {outcome}{why}")
    return found


def run_case(suite: Suite, index: int) -> list[str]:
    """The differences between what case ``index`` expects and what the policy says."""
    case = suite.cases.cases[index]
    changeset = described.changeset(case, f"{suite.display}#{index}")
    facts = derive(changeset, Classifier(suite.policy.class_specs()),
                   ai=provenance.gather(changeset, suite.policy.ai))
    return _differences(case, evaluate(suite.policy, facts, suite.source, case.today))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_tests(paths: tuple[str, ...], *, verbose: bool = False) -> tuple[str, bool]:
    """Run every case under ``paths``; the report text, and whether every case passed.

    All files are loaded before any case runs, so a bad file stops the run with no partial
    report.
    """
    suites = [load(path) for path in discover(paths)]
    lines: list[str] = []
    total = failed = 0
    for suite in suites:
        for index, case in enumerate(suite.cases.cases):
            total += 1
            title = f"{suite.display} :: {_one_line(case.name)}"
            differences = run_case(suite, index)
            if differences:
                failed += 1
                lines.append(f"FAIL  {title}")
                lines.extend(f"  {difference}" for difference in differences)
            elif verbose:
                lines.append(f"ok    {title}")
    if lines:
        lines.append("")
    lines.append(f"{_plural(total, 'case')} in {_plural(len(suites), 'file')}, {failed} failed")
    return "\n".join(lines) + "\n", failed == 0
