"""ai-disclosure: AI evidence in the change must come with the declaration the policy asks for.

The evidence is what the AI detectors find (see the `ai` section of the policy): agent and bot
identities, co-author and session trailers, tool footers, comments in added lines that declare
AI authorship, Git AI notes on `refs/notes/ai`, and the PR/MR author, labels and description.
A change with evidence at least `min_strength` strong must declare it: a commit carrying one of
`trailers` (with a value), or the PR/MR carrying one of `labels`. With `per_commit` set to
true, each commit with evidence must carry the trailer itself (a label still declares the whole
change); evidence not tied to a commit (comments, labels, the description) needs a declaration
somewhere in the change. Evidence that is
itself a declaration (an `Assisted-by:` trailer when `Assisted-by` is asked for) counts as
declared. `sources` narrows which evidence needs declaring.

```yaml
rules:
  - id: disclose-ai
    kind: ai-disclosure
    trailers: [Assisted-by]
    labels: [ai-assisted]
    min_strength: assisted
```

On failure the message names each piece of evidence (where it is, what it says, the tool and
how strong) and the fix says which trailer or label to add and how.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from gatekeeper.changeset.model import Commit
from gatekeeper.common.fields import empty_list, one_or_many
from gatekeeper.conditions.ai import Source, describe
from gatekeeper.facts.ai.detect import Evidence
from gatekeeper.facts.ai.entries import Strength
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, TrailerKey, Value
from gatekeeper.rules.findings import Check, Detail

KIND = "ai-disclosure"
NEEDS = frozenset({Need.AI})
SHOWN = 5


class Config(RuleConfig):
    """Requires AI evidence in the change to be declared by a commit trailer or a PR/MR label."""

    variables: ClassVar[dict[str, str]] = {
        "evidence": "pieces of AI evidence that need a declaration",
        "undeclared": "pieces of evidence without one",
        "tools": "the tools the undeclared evidence names, comma-separated",
        "declaration": "the trailers and labels that declare, in words",
    }

    kind: Literal["ai-disclosure"]
    trailers: Annotated[list[TrailerKey], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list, description="Trailer keys that declare AI help (Assisted-by, "
        "Generated-by ...); compared case-insensitively.")
    labels: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list, description="PR/MR labels that declare AI help.")
    min_strength: Strength = Field(
        Strength.ASSISTED, description="The weakest evidence that needs declaring.")
    sources: Annotated[list[Source], BeforeValidator(one_or_many)] | None = Field(
        None, description="Only evidence found here needs declaring (default: all).")
    per_commit: bool = Field(
        False, description="Each commit with evidence must carry the trailer itself.")

    @model_validator(mode="after")
    def _declarable(self) -> Config:
        if not self.trailers and not self.labels:
            raise ValueError("give trailers, labels or both: the declarations that count")
        if self.per_commit and not self.trailers:
            raise ValueError("per_commit needs trailers: labels belong to the whole change")
        return self


def _declares(commit: Commit, config: Config) -> bool:
    return any(v.strip() for key in config.trailers for v in commit.trailer_values(key))


def _is_declaration(evidence: Evidence, config: Config) -> bool:
    if evidence.source == "label":
        return evidence.text.lower() in {label.lower() for label in config.labels}
    if evidence.source in ("trailer", "body"):
        key = evidence.text.partition(":")[0].strip().lower()
        return key in {t.lower() for t in config.trailers}
    return False


def _declaration(config: Config) -> str:
    parts = [f"the `{key}:` trailer" for key in config.trailers]
    parts += [f"the label `{label}`" for label in config.labels]
    return " or ".join(parts)


def _undeclared(evidence: tuple[Evidence, ...], facts: Facts, config: Config
                ) -> list[Evidence]:
    commits = {c.sha: c for c in facts.changeset.commits}
    labels = {label.lower() for label in facts.changeset.meta.labels}
    labelled = any(label.lower() in labels for label in config.labels)
    declared_anywhere = labelled or any(_declares(c, config) for c in commits.values())
    missing = []
    for item in evidence:
        if _is_declaration(item, config):
            continue
        if config.per_commit and item.commit in commits:
            if not _declares(commits[item.commit], config) and not labelled:
                missing.append(item)
        elif not declared_anywhere:
            missing.append(item)
    return missing


def _pieces(count: int) -> str:
    return f"{count} piece" + ("s" * (count != 1))


def _nothing_to_declare(gathered: tuple[Evidence, ...], config: Config) -> str:
    """Why no evidence needs declaring. The report's header shows every piece the detectors
    found, so when there are some, say what they are and why none of them counts here."""
    wanted = f"{config.min_strength.value} or stronger"
    if config.sources is not None:
        wanted += f" from {', '.join(config.sources)}"
    if not gathered:
        return f"no AI evidence {wanted}"
    strengths = {e.strength for e in gathered}
    strongest = min(strengths, key=lambda s: s.rank).value
    if len(strengths) > 1:
        strongest = f"the strongest {strongest}"
    sources = ", ".join(sorted({e.source for e in gathered}))
    return (f"nothing to declare: {_pieces(len(gathered))} of AI evidence ({strongest}, "
            f"from {sources}), none of it {wanted}")


def _remediation(missing: list[Evidence], config: Config) -> str:
    fixes = []
    if config.trailers:
        key = config.trailers[0]
        tool = missing[0].tool
        fixes.append(f"add `{key}: {tool}` to the commit message (`git commit --amend "
                     f"--trailer '{key}: {tool}'`, or `reword` in `git rebase -i` for older "
                     "commits)")
    if config.labels:
        fixes.append(f"add the label `{config.labels[0]}` to the PR/MR")
    return "; or ".join(fixes)


def evaluate(config: Config, facts: Facts) -> Finding:
    """Judge whether each piece of AI evidence at least ``min_strength`` strong is declared."""
    gathered = facts.ai.evidence if facts.ai is not None else ()
    rank = config.min_strength.rank
    evidence = tuple(e for e in gathered if e.strength.rank <= rank
                     and (config.sources is None or e.source in config.sources))
    missing = _undeclared(evidence, facts, config)
    tools = sorted({e.tool for e in missing})
    values: dict[str, Value] = {
        "evidence": len(evidence), "undeclared": len(missing), "tools": ", ".join(tools),
        "declaration": _declaration(config)}
    check = Check("undeclared AI evidence", len(missing), 0)
    if not evidence:
        return Finding(True, _nothing_to_declare(gathered, config), checks=(check,),
                       values=values)
    if not missing:
        return Finding(True, f"{_pieces(len(evidence))} of AI evidence, declared with "
                       f"{_declaration(config)}", checks=(check,), values=values,
                       evidence=evidence)
    listed = "; ".join(describe(e) for e in missing[:SHOWN])
    if len(missing) > SHOWN:
        listed += f"; and {len(missing) - SHOWN} more"
    details = tuple(Detail(e.path, e.lines, f"{e.source}: {e.tool}, {e.strength.value}")
                    for e in missing if e.path)
    return Finding(
        False, f"AI evidence without {_declaration(config)}: {listed}",
        remediation=_remediation(missing, config), checks=(check,), values=values,
        details=details, evidence=tuple(missing))
