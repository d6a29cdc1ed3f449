r"""commits: check each commit's trailers and subject, and how many commits there are.

Checks every commit between the merge base and the head. `required_trailers` lists trailer keys
(compared case-insensitively) that each commit must carry with a value, such as the
`Signed-off-by` that `git commit -s` writes. `subject_pattern` is a regular expression searched
for in each subject (anchor it with `^` to match from the start). `max_subject_length` limits
subjects to that many characters. `max_commits` limits how many commits the change may have.
Merge commits are left out of the trailer and subject checks unless `include_merges` is true;
they always count toward `max_commits`. At least one check must be given.

A change set without commits (a diff read from a file, or staged changes) has nothing for this
kind to check: the rule is reported as skipped, never as passed.

```yaml
rules:
  - id: commit-hygiene
    kind: commits
    required_trailers: [Signed-off-by]
    # Conventional Commits; anchored with ^ since the pattern is searched for anywhere
    subject_pattern: '^(feat|fix|docs|refactor|perf|test|build|ci|chore)(\([\w.-]+\))?!?: \S'
    max_subject_length: 72
    max_commits: 10
    include_merges: false
```

On failure the message lists each offending commit (short sha, subject and what is wrong) and
the fix says which git command repairs it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from gatekeeper.changeset.model import Commit, Revisions
from gatekeeper.common.fields import empty_list, one_or_many
from gatekeeper.common.records import record
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, Regex, RuleConfig, TrailerKey
from gatekeeper.rules.findings import Check

KIND = "commits"
NEEDS: frozenset[Need] = frozenset()
SHOWN_COMMITS = 5
SHOWN_SUBJECT = 60
SIGN_OFF = "signed-off-by"
MATCHED_SUBJECT = 1024
"""The longest subject matched against subject_pattern; a longer one does not match."""


class Config(RuleConfig):
    """Checks each commit's trailers and subject, and how many commits the change has."""

    variables: ClassVar[dict[str, str]] = {
        "commits": "commits in the change set",
        "bad_commits": "commits that fail a trailer or subject check",
        "max_commits": "the commit limit",
        "problems": "what is wrong, in short",
    }

    kind: Literal["commits"]
    max_commits: int | None = Field(None, ge=1, description="Most commits allowed in the change.")
    required_trailers: Annotated[list[TrailerKey], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Trailer keys (such as Signed-off-by) every checked commit must carry with a "
        "value; compared case-insensitively.")
    subject_pattern: Regex | None = Field(
        None, description="Regular expression searched for in each subject; anchor with ^.")
    max_subject_length: int | None = Field(
        None, ge=1, description="Most characters a subject may have.")
    include_merges: bool = Field(
        False, description="Check merge commits' trailers and subjects too; merges always "
        "count toward max_commits.")

    @property
    def checks_each_commit(self) -> bool:
        """Whether any per-commit check (trailers, subject pattern or length) is set."""
        return bool(self.required_trailers or self.subject_pattern is not None
                    or self.max_subject_length is not None)

    @model_validator(mode="after")
    def _something_to_check(self) -> Config:
        if self.max_commits is None and not self.checks_each_commit:
            raise ValueError("give at least one of max_commits, required_trailers, "
                             "subject_pattern, max_subject_length")
        return self


@record
class BadCommit:
    """A checked commit that fails a trailer or subject check, with what is wrong."""

    commit: Commit
    missing: tuple[str, ...]
    """Required trailer keys the commit lacks, as the policy spells them."""
    subject: tuple[str, ...]
    """What is wrong with the subject, in words."""

    def describe(self) -> str:
        """The commit for the message: short sha, clipped subject and its problems."""
        what = [f"no {key}" for key in self.missing] + list(self.subject)
        return f'{self.commit.sha[:7]} "{_clip(self.commit.subject)}" ({", ".join(what)})'


def _clip(subject: str) -> str:
    return subject if len(subject) <= SHOWN_SUBJECT else subject[:SHOWN_SUBJECT - 3] + "..."


def _subject_problems(commit: Commit, config: Config) -> tuple[str, ...]:
    problems = []
    if config.subject_pattern is not None and len(commit.subject) > MATCHED_SUBJECT:
        # The pattern may take time growing with the square of the text: too long is a miss.
        problems.append(f"subject longer than {MATCHED_SUBJECT} characters, not matched "
                        "against subject_pattern")
    elif config.subject_pattern is not None and not re.search(config.subject_pattern,
                                                              commit.subject):
        problems.append("subject does not match subject_pattern")
    limit = config.max_subject_length
    if limit is not None and len(commit.subject) > limit:
        problems.append(f"subject has {len(commit.subject)} characters (max {limit})")
    return tuple(problems)


def inspect(commit: Commit, config: Config) -> BadCommit | None:
    """What fails in ``commit`` under the per-commit checks; None when it passes them all."""
    # An empty `Signed-off-by:` line proves nothing, so only trailers with a value count.
    missing = tuple(key for key in config.required_trailers
                    if not any(v.strip() for v in commit.trailer_values(key)))
    subject = _subject_problems(commit, config)
    return BadCommit(commit, missing, subject) if missing or subject else None


def _problems(bad: list[BadCommit], count: int, limit: int | None) -> str:
    tally: Counter[str] = Counter()
    for b in bad:
        tally.update(f"without {key}" for key in b.missing)
        if b.subject:
            tally["with a bad subject"] += 1
    parts = [f"{n} commit{'' if n == 1 else 's'} {what}" for what, n in tally.items()]
    if limit is not None and count > limit:
        parts.insert(0, f"{count} commits, more than {limit}")
    return "; ".join(parts)


def _listing(bad: list[BadCommit]) -> str:
    text = "; ".join(b.describe() for b in bad[:SHOWN_COMMITS])
    if len(bad) > SHOWN_COMMITS:
        text += f"; and {len(bad) - SHOWN_COMMITS} more"
    return text


def _base(revisions: Revisions) -> str:
    # The merge base keeps the rebase from also moving the branch onto a newer base.
    if revisions.merge_base:
        return revisions.merge_base[:12]
    return revisions.base_ref or "<base>"


def _only_head(bad: list[BadCommit], revisions: Revisions) -> bool:
    """Whether the head commit is the only one to fix, so amending it is enough."""
    return len(bad) == 1 and bad[0].commit.sha == revisions.head_sha


def _trailer_fix(bad: list[BadCommit], revisions: Revisions) -> list[str]:
    keys = {k.lower(): k for b in bad for k in b.missing}
    fixes = []
    if SIGN_OFF in keys:
        fixes.append("sign off the last commit with `git commit --amend --no-edit -s`"
                     if _only_head([b for b in bad if _lacks(b, SIGN_OFF)], revisions) else
                     f"sign off every commit with `git rebase --signoff {_base(revisions)}`")
    others = [k for low, k in keys.items() if low != SIGN_OFF]
    for key in others:
        lacking = [b for b in bad if _lacks(b, key.lower())]
        fixes.append(f"add a `{key}: ...` trailer with `git commit --amend --trailer "
                     f"'{key}: ...'`" if _only_head(lacking, revisions) else
                     f"add a `{key}: ...` trailer to {_shas(lacking)} by marking them `reword` "
                     f"in `git rebase -i {_base(revisions)}`")
    return fixes


def _lacks(bad: BadCommit, key: str) -> bool:
    return any(k.lower() == key for k in bad.missing)


def _shas(bad: list[BadCommit]) -> str:
    shas = [b.commit.sha[:7] for b in bad]
    return ", ".join(shas[:SHOWN_COMMITS]) + (" and more" if len(shas) > SHOWN_COMMITS else "")


def _subject_fix(bad: list[BadCommit], revisions: Revisions, config: Config) -> str | None:
    wrong = [b for b in bad if b.subject]
    if not wrong:
        return None
    rules = []
    if config.subject_pattern is not None:
        rules.append(f"match `{config.subject_pattern}`")
    if config.max_subject_length is not None:
        rules.append(f"fit in {config.max_subject_length} characters")
    how = ("`git commit --amend`" if _only_head(wrong, revisions) else
           f"`git rebase -i {_base(revisions)}`, marking {_shas(wrong)} as `reword`")
    return f"reword with {how} so subjects {' and '.join(rules)}"


def _remediation(bad: list[BadCommit], count: int, revisions: Revisions,
                 config: Config) -> str:
    fixes = _trailer_fix(bad, revisions)
    subject = _subject_fix(bad, revisions, config)
    if subject:
        fixes.append(subject)
    if config.max_commits is not None and count > config.max_commits:
        fixes.append(f"squash to at most {config.max_commits} commits with `git rebase -i "
                     f"{_base(revisions)}` (mark fix-ups `fixup`), or split the branch")
    return "; ".join(fixes)


def _not_applicable(reason: str) -> Finding:
    return Finding(passed=True, message=reason, applicable=False)


def _checks(config: Config, count: int, bad: list[BadCommit]) -> list[Check]:
    """The commit count against max_commits, and the commits failing a per-commit check."""
    checks = []
    if config.max_commits is not None:
        checks.append(Check("commits", count, config.max_commits, "commits"))
    if config.checks_each_commit:
        checks.append(Check("bad commits", len(bad), 0, "commits"))
    return checks


def evaluate(config: Config, facts: Facts) -> Finding:
    """Judge the commit count and each checked commit; not applicable without commits."""
    changeset = facts.changeset
    commits = changeset.commits
    if not commits:
        return _not_applicable(
            f"no commits to check ({changeset.revisions.describe()} carries none)")
    checked = [c for c in commits if config.include_merges or not c.is_merge]
    if config.max_commits is None and not checked:
        return _not_applicable("no commits to check: every commit is a merge, and merges are "
                               "skipped unless include_merges is true")
    bad = [b for b in (inspect(c, config) for c in checked) if b is not None]
    checks = _checks(config, len(commits), bad)
    failed = any(not c.passed for c in checks)
    problems = _problems(bad, len(commits), config.max_commits)
    return Finding(
        passed=not failed,
        message=_message(bad, len(checked), len(commits), config) if failed
        else _passed(len(checked), len(commits), config),
        remediation=_remediation(bad, len(commits), changeset.revisions, config)
        if failed else None,
        checks=tuple(checks),
        values={"commits": len(commits), "bad_commits": len(bad),
                "max_commits": "none" if config.max_commits is None else config.max_commits,
                "problems": problems},
    )


def _message(bad: list[BadCommit], checked: int, total: int, config: Config) -> str:
    parts = []
    if config.max_commits is not None and total > config.max_commits:
        parts.append(f"{total} commits, more than {config.max_commits}")
    if bad:
        parts.append(f"{len(bad)} of {checked} checked commits fail: {_listing(bad)}")
    return "; ".join(parts)


def _passed(checked: int, total: int, config: Config) -> str:
    text = f"{total} commit{'' if total == 1 else 's'}"
    if config.max_commits is not None:
        text += f" (max {config.max_commits})"
    if not config.checks_each_commit:
        return text
    skipped = total - checked
    if not skipped:
        return text + ", all pass"
    return (text + f"; the {checked} checked pass, {skipped} merge{'' if skipped == 1 else 's'} "
            "not checked")
