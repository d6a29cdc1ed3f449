"""companion-change: when some paths change, others must change in the same change set.

The rule is triggered when a touched path matches `paths` and neither `exclude` nor `require`
matches it; it then passes only if some touched path matches `require`, and fails otherwise,
listing the files that triggered it. Paths that match `require` are companions and never
trigger, so a change made only of companions passes. A path counts as touched as it does for
`forbidden-paths`: added, edited, deleted, mode changed, or renamed or copied to or from it,
whatever its class. When nothing triggers the rule, it passes and says so.

Fields:

- `paths` (required): gitignore-style globs of the paths that trigger the rule.
- `require` (required): globs of the companions; one touched path matching any of them is
  enough.
- `exclude`: globs of touched paths that never trigger the rule.

All three are gitignore-style glob lists, where a later `!pattern` takes paths an earlier glob
in the same list matched back out; a single glob may be written without the list. To let a
change off on purpose, give the rule an `unless` condition, such as a label.

```yaml
rules:
  - id: migrations-need-tests
    kind: companion-change
    paths: ["migrations/**"]
    exclude: ["migrations/README.md"]
    require: ["tests/**"]
  - id: changelog
    kind: companion-change
    paths: ["src/**"]
    require: CHANGELOG.md
    unless: {labels: no-changelog}
    message: "{count} source files changed ({triggered}) but {required} did not"
```

Template variables: `{triggered}` (the paths that triggered the rule, comma-separated),
`{count}` (how many files triggered it) and `{required}` (the `require` globs, comma-separated).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from gatekeeper.facts import Facts
from gatekeeper.globs import PathSet
from gatekeeper.rules.base import Finding, RuleConfig, shares
from gatekeeper.rules.forbidden_paths import Globs, hits, listed, sample

KIND = "companion-change"


class Config(RuleConfig):
    variables: ClassVar[dict[str, str]] = {
        "triggered": "the paths that triggered the rule, comma-separated",
        "required": "the require globs, comma-separated",
        "count": "how many files triggered the rule",
    }

    kind: Literal["companion-change"]
    paths: Globs = Field(
        min_length=1, description="Globs of the paths whose change triggers the rule.")
    require: Globs = Field(
        min_length=1, description="Globs of the companions: when triggered, at least one "
        "touched path must match one of them.")
    exclude: Globs = Field(
        default_factory=list, description="Globs of touched paths that never trigger the rule.")


def evaluate(config: Config, facts: Facts) -> Finding:
    trigger, excluded = PathSet(config.paths), PathSet(config.exclude)
    companion = PathSet(config.require)

    def triggers(path: str) -> bool:
        return (trigger.matches(path) and not excluded.matches(path)
                and not companion.matches(path))

    found = hits(facts.files, triggers)
    text, triggered = listed(found)
    required = ", ".join(config.require)
    values: dict[str, int | str] = {"triggered": triggered, "required": required,
                                    "count": len(found)}
    if not found:
        return Finding(True, f"nothing matched the trigger {', '.join(config.paths)}",
                       values=values)
    companions = [path for _, path in hits(facts.files, companion.matches)]
    if companions:
        return Finding(True, f"{text} changed along with {sample(companions)}",
                       files=shares(f for f, _ in found), values=values)
    return Finding(
        passed=False,
        message=f"{text} changed, but nothing matching {required} did",
        remediation=f"also change one of: {required}",
        files=shares(f for f, _ in found),
        values=values,
    )
