"""companion-change: when some paths change, others must change in the same change set.

The rule is triggered when a touched path matches `paths` and neither `exclude` nor `require`
matches it; it then passes only if some touched path matches `require`, and fails otherwise,
listing the files that triggered it. Paths that match `require` are companions and never
trigger, so a change made only of companions passes. A path triggers when it is touched as it
is for `forbidden-paths`: added, edited, deleted, mode changed, or renamed or copied to or from
it, whatever its class. When nothing triggers the rule, it passes and says so.

A companion counts only where the change leaves it in place: added, edited, mode changed, or
the new path of a rename or copy. Deleting a companion, or renaming it away, is not changing
it: it counts only with `allow_deleted: true`, and the message then says it was deleted. The
source of a copy never counts, as copying a file leaves it as it was.

Fields:

- `paths` (required): gitignore-style globs of the paths that trigger the rule.
- `require` (required): globs of the companions; one touched path matching any of them is
  enough.
- `exclude`: globs of touched paths that never trigger the rule.
- `allow_deleted`: whether deleting a companion (or renaming it away) satisfies the rule
  (default false).

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

from collections.abc import Iterable
from typing import ClassVar, Literal

from pydantic import Field

from gatekeeper.changeset.model import FileStatus
from gatekeeper.common.fields import empty_list
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.model import Facts, FileFacts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, shares
from gatekeeper.rules.paths import Globs, hits, listed, sample

KIND = "companion-change"
NEEDS: frozenset[Need] = frozenset()


class Config(RuleConfig):
    """When a path matching paths changes, requires a path matching require to change too."""

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
        default_factory=empty_list,
        description="Globs of touched paths that never trigger the rule.")
    allow_deleted: bool = Field(
        False, description="Whether deleting a companion, or renaming it away, satisfies the "
        "rule.")


def _companions(files: Iterable[FileFacts],
                companion: PathSet) -> tuple[list[str], list[tuple[str, str]]]:
    """The companion paths the change leaves in place, and those it deletes or renames away
    (each with what became of it).

    A copy's source is in neither: copying a file leaves it as it was.
    """
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    for f in files:
        status, old = f.change.status, f.change.old_path
        if status is FileStatus.DELETED:
            if companion.matches(f.path):
                removed.append((f.path, "deleted"))
            continue
        if companion.matches(f.path):
            kept.append(f.path)
        elif status is FileStatus.RENAMED and old and companion.matches(old):
            removed.append((old, f"renamed to {f.path}"))
    return kept, removed


def evaluate(config: Config, facts: Facts) -> Finding:
    """Pass when no trigger path changed or a companion changed with it; else name them."""
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
    kept, removed = _companions(facts.files, companion)
    gone = [f"{path} ({fate})" for path, fate in removed]
    companions = kept + gone if config.allow_deleted else kept
    if companions:
        return Finding(True, f"{text} changed along with {sample(companions)}",
                       files=shares(f for f, _ in found), values=values)
    # Say why a deleted companion did not count, so the author does not think it was missed.
    uncounted = (f"; {sample(gone)} does not count, as deleting a companion is not changing "
                 "it (allow_deleted is false)" if gone else "")
    return Finding(
        passed=False,
        message=f"{text} changed, but nothing matching {required} did{uncounted}",
        remediation=f"also change one of: {required}",
        files=shares(f for f, _ in found),
        values=values,
    )
