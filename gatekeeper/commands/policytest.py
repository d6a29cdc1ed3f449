"""gatekeeper test: finds *.test.yml files, runs their cases against the policy, reports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from gatekeeper.common.records import record
from gatekeeper.common.suggest import did_you_mean
from gatekeeper.errors import PolicyError, UsageError
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.facts.codeowners.facts import syntax_for
from gatekeeper.facts.codeowners.locate import CANDIDATES
from gatekeeper.facts.flags.registry import parse as parse_registry
from gatekeeper.pipeline import judge, trust
from gatekeeper.policy import casechange, described, needs
from gatekeeper.policy.compose import compose
from gatekeeper.policy.document import Walk
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource

SUFFIX = ".test.yml"
WHERE = "the test case"
"""The trusted tree, in messages: a case gives the CODEOWNERS file and flag registry."""
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
"""Folders never searched, besides every dot-folder (.git, .venv, ...)."""


@record
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
        # os.path says False where pathlib raises: a name longer than the file system allows
        if os.path.isdir(path):
            found.extend(_search(path))
        elif os.path.isfile(path):
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
        if not os.path.isfile(target):
            line, column = walk.values.get(("policy",), (None, None))
            raise PolicyError(f"policy: cannot find {cases.policy!r}", file=display, line=line,
                              column=column, hint="give the policy's path relative to this file")
        return target, _shown(Path(display).parent / cases.policy)
    name = path.name[: -len(SUFFIX)] + ".yml"
    target = path.parent / name
    if not os.path.isfile(target):
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


def _located(suite: Suite, walk: Walk, key: tuple[object, ...], message: str, hint: str, *,
             at_key: bool = False) -> PolicyError:
    """An error at the value of ``key``, or with ``at_key`` at the key itself."""
    first, then = (walk.keys, walk.values) if at_key else (walk.values, walk.keys)
    line, column = first.get(key) or then.get(key) or (None, None)
    return PolicyError(message, file=suite.display, line=line, column=column, hint=hint)


def _check_review(suite: Suite, walk: Walk, index: int, wanted: str) -> None:
    tiers = [tier.name for tier in suite.policy.review.tiers]
    key = ("cases", index, "review")
    if not tiers:
        raise _located(suite, walk, key, "review: the policy defines no review tiers",
                       "leave review out, or define review.tiers in the policy")
    if wanted not in tiers:
        raise _located(suite, walk, key, f"review: the policy has no tier {wanted!r}",
                       did_you_mean(wanted, tiers, f"the tiers are {', '.join(tiers)}"))


def _check_registry(suite: Suite, walk: Walk, index: int, change: described.ChangeSpec) -> None:
    settings = suite.policy.flags
    key = ("cases", index, "change", "flag_registry")
    if change.flag_registry is None:
        if settings.registry is not None and needs.flags(suite.policy):
            raise _located(suite, walk, ("cases", index, "change"),
                           f"the policy reads the flag registry {settings.registry}",
                           "give its content as change.flag_registry", at_key=True)
        return
    if settings.registry is None:
        raise _located(suite, walk, key, "flag_registry: the policy names no flags.registry",
                       "leave flag_registry out, or set flags.registry in the policy")
    try:
        parse_registry(change.flag_registry.encode("utf-8"), settings.registry,
                       settings.registry_format)
    except PolicyError as exc:
        at = f" line {exc.line}:" if exc.line is not None else ""
        raise _located(suite, walk, key, f"flag_registry:{at} {exc.message}",
                       exc.hint or "fix the registry's content") from None


def _check_codeowners(suite: Suite, walk: Walk, index: int,
                      change: described.ChangeSpec) -> None:
    settings = suite.policy.codeowners
    if change.codeowners is not None and not settings.enabled:
        raise _located(suite, walk, ("cases", index, "change", "codeowners"),
                       "codeowners: the policy sets codeowners.enabled to false",
                       "leave codeowners out, or enable codeowners in the policy")
    if change.codeowners is None and settings.file and needs.owners(suite.policy):
        raise _located(suite, walk, ("cases", index, "change"),
                       f"the policy reads the CODEOWNERS file {settings.file}",
                       "give its content as change.codeowners", at_key=True)


def _check_context(suite: Suite, walk: Walk) -> None:
    """What each case must give for the facts the policy reads, and tiers it may expect."""
    for index, case in enumerate(suite.cases.cases):
        if case.review is not None:
            _check_review(suite, walk, index, case.review)
        _check_registry(suite, walk, index, case.change)
        _check_codeowners(suite, walk, index, case.change)


def load(path: Path) -> Suite:
    """Read one test file and compose its policy; any problem raises a PolicyError."""
    display = _shown(path)
    cases, walk = described.load(path, display)
    target, shown = _policy_path(path, display, cases, walk)
    policy = compose(target, shown)
    source = PolicySource(shown, False, f"policy {shown}", policy.files)
    suite = Suite(display, cases, policy, source)
    _check_expectations(suite, walk)
    _check_context(suite, walk)
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
    tier = verdict.review
    if case.review is not None and (tier is None or tier.name != case.review):
        said = f"{tier.name} - {'; '.join(tier.reasons())}" if tier else \
            "no tier (the change is empty)"
        found.append(f"review: expected {case.review}, got {_one_line(said)}")
    return found


def trusted(policy: ComposedPolicy, change: described.ChangeSpec) -> trust.Trusted:
    """The tree the case's CODEOWNERS file and flag registry stand in: each under the path
    the policy reads it from, and nothing else."""
    files: dict[str, bytes] = {}
    if change.flag_registry is not None and policy.flags.registry is not None:
        files[policy.flags.registry] = change.flag_registry.encode("utf-8")
    if change.codeowners is not None:
        settings = policy.codeowners
        # Chosen with nothing served, as gather will choose it with only this file served.
        syntax = syntax_for(settings, change.platform, lambda _: None)
        files[settings.file or CANDIDATES[syntax][0]] = change.codeowners.encode("utf-8")
    return trust.Trusted(files.get, WHERE)


def verdict_of(suite: Suite, index: int) -> Verdict:
    """What the policy says about the change case ``index`` describes: the same chain from
    facts to verdict that ``check`` runs."""
    case = suite.cases.cases[index]
    changeset = casechange.changeset(case, f"{suite.display}#{index}")
    inputs = judge.Inputs(changeset, trusted(suite.policy, case.change), case.change.platform)
    return judge.judge(inputs, suite.policy, suite.source, case.today)


def run_case(suite: Suite, index: int) -> list[str]:
    """The differences between what case ``index`` expects and what the policy says."""
    return _differences(suite.cases.cases[index], verdict_of(suite, index))


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
