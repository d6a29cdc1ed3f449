"""tests-required: a change to source code must change tests too, by file classification.

Source files are the files the change adds or edits that belong to none of the classes in
`not_source` (by default tests, docs, generated, lockfiles, vendored code, the policy, CI
configuration, `.gitattributes` and CODEOWNERS) and match `source` when it is given. Deleted
files and pure renames are not source changes. The rule is triggered when the source files
change by at least `min_lines` added and deleted lines; it then passes only if some file of a
`tests` class (by default `test`) is added, edited or renamed with edits. It needs no coverage
report: it reads only the change and the classification, which a policy can extend with
`classification: {test: [...]}`.

Fields:

- `source`: globs that source files must match (default: every path).
- `not_source`: classes that are never source (default as above).
- `tests`: classes that count as tests (default `[test]`).
- `min_lines`: changed source lines that trigger the rule (default 1).
- `exclude`: globs of paths that are never source.

```yaml
rules:
  - id: tests-with-code
    kind: tests-required
    source: ["src/**"]
    min_lines: 20
    unless: {labels: no-tests-needed}
```

Template variables: `{sources}` (the source files, comma-separated), `{count}` (how many) and
`{lines}` (their changed lines).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from gatekeeper.changeset.model import FileStatus
from gatekeeper.common.fields import ClassName, empty_list
from gatekeeper.common.globs import PathSet
from gatekeeper.facts.classify import (
    CI_CONFIG,
    CODEOWNERS,
    DOCS,
    GENERATED,
    GITATTRIBUTES,
    LOCKFILE,
    POLICY,
    TEST,
    VENDORED,
)
from gatekeeper.facts.model import Facts, FileFacts
from gatekeeper.facts.needs import Need
from gatekeeper.rules.base import Finding, RuleConfig, shares
from gatekeeper.rules.findings import Check
from gatekeeper.rules.paths import Globs, sample

KIND = "tests-required"
NEEDS: frozenset[Need] = frozenset()
NOT_SOURCE = [TEST, DOCS, GENERATED, LOCKFILE, VENDORED, POLICY, CI_CONFIG, GITATTRIBUTES,
              CODEOWNERS]


class Config(RuleConfig):
    """Requires a change to source files of at least min_lines to change a test file too."""

    variables: ClassVar[dict[str, str]] = {
        "sources": "the source files, comma-separated",
        "count": "how many source files changed",
        "lines": "changed lines in source files",
    }

    kind: Literal["tests-required"]
    source: Globs = Field(default_factory=empty_list, description="Globs source files must match; "
                          "empty means every path.")
    not_source: list[ClassName] = Field(default_factory=lambda: list(NOT_SOURCE),
                                        description="Classes that are never source.")
    tests: list[ClassName] = Field(default_factory=lambda: [TEST], min_length=1,
                                   description="Classes that count as tests.")
    min_lines: int = Field(1, ge=1, description="Changed source lines that trigger the rule.")
    exclude: Globs = Field(default_factory=empty_list, description="Globs of paths that are never "
                           "source.")


def _edited(f: FileFacts) -> bool:
    change = f.change
    return change.status is not FileStatus.DELETED and (change.changed > 0 or change.binary
                                                       or change.status is FileStatus.ADDED)


def _sources(config: Config, facts: Facts) -> list[FileFacts]:
    """The edited files that count as source: in ``source``, of no ``not_source`` class."""
    wanted, excluded = PathSet(config.source), PathSet(config.exclude)
    not_source = set(config.not_source)
    return [f for f in facts.files if _edited(f) and not f.classes & not_source
            and (not config.source or wanted.matches(f.path)) and not excluded.matches(f.path)]


def evaluate(config: Config, facts: Facts) -> Finding:
    """Fail when source files change by min_lines or more and no file of a tests class does."""
    tests = set(config.tests)
    sources = _sources(config, facts)
    lines = sum(f.change.changed for f in sources)
    values: dict[str, int | str] = {"sources": ", ".join(f.path for f in sources),
                                    "count": len(sources), "lines": lines}
    check = Check("changed source lines", lines, config.min_lines - 1, "lines")
    if not sources:
        return Finding(True, "no source file changed", values=values)
    if lines < config.min_lines:
        return Finding(True, f"{lines} source lines changed, fewer than the {config.min_lines} "
                       "that need tests", checks=(check,), values=values)
    found = [f.path for f in facts.files if _edited(f) and f.classes & tests]
    text = sample([f.path for f in sources])
    if found:
        return Finding(True, f"{len(sources)} source files changed along with tests: "
                       f"{sample(found)}", checks=(check,), values=values)
    classes = ", ".join(sorted(tests))
    return Finding(
        passed=False,
        message=f"{len(sources)} source files changed ({lines} lines: {text}) but no test file "
        "did",
        remediation=f"add or update tests (files of class {classes}) for these changes, or set "
        "a classification for your test paths if they were not recognised",
        checks=(check,),
        files=shares(sources),
        values=values,
    )
