"""restricted-paths: paths that may change only with an approving label or commit trailer.

A path counts as touched as it does for `forbidden-paths`: added, edited, deleted, mode changed,
or renamed or copied to or from it, whatever its class. When no touched path matches `paths`,
the rule passes. When one does, the change passes only if the PR or MR carries one of `labels`
(compared case-insensitively) or a commit in the range carries a trailer named in `trailers`
(any value; keys compare case-insensitively); the result says which label or trailer allowed it.
Otherwise it fails, lists the restricted files, and names the label to ask for or the trailer
to add. Give `labels`, `trailers` or both. A label is usually the stronger approval, since only
people with triage rights can set it, while anyone who pushes a commit can write a trailer.

Fields:

- `paths` (required): gitignore-style globs of the restricted paths; a later `!pattern` takes
  paths an earlier glob matched back out.
- `labels`: PR or MR labels that allow the change. Labels are only known when gatekeeper runs
  for a PR or MR.
- `trailers`: commit trailer keys, such as `Security-Reviewed-by`, that allow the change.

A single value may be written without the list.

```yaml
rules:
  - id: infra-needs-approval
    kind: restricted-paths
    paths: ["infra/**", ".github/workflows/**"]
    labels: [infra-approved]
    trailers: [Infra-Reviewed-by]
    message: "{count} restricted files changed ({matched}); needs label {labels}"
```

Template variables: `{matched}` (the restricted paths touched, comma-separated), `{count}` (how
many files), `{labels}` and `{trailers}` (the allowing labels and trailer keys, comma-separated).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from gatekeeper.common.fields import empty_list, one_or_many
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, TrailerKey, shares
from gatekeeper.rules.findings import Check
from gatekeeper.rules.paths import Globs, Hit, hits, listed

KIND = "restricted-paths"
NEEDS: frozenset[Need] = frozenset()
Label = Annotated[str, Field(min_length=1)]


class Config(RuleConfig):
    """Lets restricted paths change only with an approving PR/MR label or commit trailer."""

    variables: ClassVar[dict[str, str]] = {
        "matched": "the restricted paths touched, comma-separated",
        "count": "how many files touch a restricted path",
        "labels": "the labels that allow the change, comma-separated",
        "trailers": "the trailer keys that allow the change, comma-separated",
    }

    kind: Literal["restricted-paths"]
    paths: Globs = Field(
        min_length=1, description="Globs of paths that change only with approval; a later !glob "
        "takes paths an earlier one matched back out.")
    labels: Annotated[list[Label], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="PR or MR labels that allow the change, compared case-insensitively.")
    trailers: Annotated[list[TrailerKey], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Commit trailer keys that allow the change when any commit in the range "
        "carries one, such as Security-Reviewed-by.")

    @model_validator(mode="after")
    def _approvable(self) -> Config:
        if not self.labels and not self.trailers:
            raise ValueError("restricted-paths needs labels, trailers or both: otherwise no "
                             "change could ever touch its paths (use forbidden-paths for that)")
        return self


def evaluate(config: Config, facts: Facts) -> Finding:
    """Pass when no restricted path is touched or a label or trailer approves; else fail."""
    found = hits(facts.files, PathSet(config.paths).matches)
    text, matched = listed(found)
    values: dict[str, int | str] = {
        "matched": matched, "count": len(found), "labels": ", ".join(config.labels),
        "trailers": ", ".join(config.trailers)}
    if not found:
        return Finding(True, f"no touched path matches {', '.join(config.paths)}",
                       checks=(_check(0),), values=values)
    approval = _approval(config, facts)
    if approval is not None:
        return Finding(True, f"restricted paths touched ({text}), allowed by {approval}",
                       checks=(_check(0),), files=shares(f for f, _ in found), values=values)
    return Finding(
        passed=False,
        message=f"restricted paths touched without approval: {text}",
        remediation=_remediation(config, found),
        checks=(_check(len(found)),),
        files=shares(f for f, _ in found),
        values=values,
    )


def _check(unapproved: int) -> Check:
    return Check("unapproved restricted files", unapproved, 0, "files")


def _approval(config: Config, facts: Facts) -> str | None:
    """What allows the change, in words: the first configured label present, else trailer."""
    present = {label.lower(): label for label in facts.changeset.meta.labels}
    for label in config.labels:
        if label.lower() in present:
            return f"label {present[label.lower()]}"
    for commit in facts.changeset.commits:
        for key in config.trailers:
            values = commit.trailer_values(key)
            if values:
                return f"trailer {key}: {values[0]} in commit {commit.sha[:12]}"
    return None


def _remediation(config: Config, found: list[Hit]) -> str:
    ways = []
    if config.labels:
        ways.append(f"ask a maintainer to add {_one_of('label', config.labels)} to the PR or MR")
    if config.trailers:
        trailers = [f"{key}: <who approved>" for key in config.trailers]
        ways.append(f"add {_one_of('trailer', trailers)} to a commit message in the change")
    them = "it" if len(found) == 1 else "them"
    return f"get approval for changing {them}: " + ", or ".join(ways)


def _one_of(noun: str, names: list[str]) -> str:
    quoted = ", ".join(f"`{name}`" for name in names)
    return f"the {noun} {quoted}" if len(names) == 1 else f"one of the {noun}s {quoted}"
