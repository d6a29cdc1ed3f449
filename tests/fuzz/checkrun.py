"""``gatekeeper check --diff-file`` in-process, as the CLI runs it: the pipeline's stages and
every report format, on a work tree that holds a CODEOWNERS file and a flag registry."""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from gatekeeper import pipeline, reporters
from gatekeeper.errors import EXIT_CHANGESET, EXIT_PASS
from gatekeeper.policy import resolver
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.sources import PolicySource

TODAY = datetime.date(2030, 1, 1)
RICH_POLICY = """\
version: 1
extends: [gatekeeper:tiered-review, gatekeeper:strict, gatekeeper:ai-aware]
flags:
  registry: flags.yml
rules:
  - {id: checkout-flag, kind: flag-guard, paths: ["src/**"], added_over: 1}
  - {id: owned, kind: restricted-paths, paths: ["**"], labels: [ok],
     when: {code_owners: ["@security"]}}
  - {id: disclose, kind: ai-disclosure, trailers: [Assisted-by], labels: [ai], severity: warning}
  - {id: tests, kind: tests-required, severity: notice}
exceptions:
  - {rule: batch-size, paths: ["docs/**"], reason: docs are cheap, expires: 2031-01-01}
"""
"""A policy that reads every fact a diff file can give: sizes, classes, flags, code owners,
AI evidence in added comments, review tiers, exceptions."""
CODEOWNERS = "* @team\nsrc/ @team @alice\n/docs/ @writers\n/src/auth/ @security\n"
FLAGS = "flags:\n  - new-checkout\n  - dark-mode\n"
SMALL_DIFF = b"""\
diff --git a/src/app.py b/src/app.py
--- a/src/app.py
+++ b/src/app.py
@@ -1,2 +1,4 @@
 import ldclient
+if ldclient.get().variation("new-checkout", ctx, False):
+    run()  # Generated with Claude Code
 done()
diff --git a/docs/a.md b/docs/a.md
new file mode 100644
--- /dev/null
+++ b/docs/a.md
@@ -0,0 +1 @@
+# Title
"""


def workspace(root: Path) -> None:
    """The work tree the check reads trusted files from in diff-file mode."""
    (root / "CODEOWNERS").write_text(CODEOWNERS)
    (root / "flags.yml").write_text(FLAGS)


_REAL_RESOLVE = resolver.resolve
_COMPOSED: dict[tuple[str | None, str, bytes], tuple[ComposedPolicy, PolicySource]] = {}


def _resolve_once(explicit: str | None, root: Path) -> tuple[ComposedPolicy, PolicySource]:
    key = (explicit, str(root), Path(explicit).read_bytes() if explicit else b"")
    if key not in _COMPOSED:
        _COMPOSED[key] = _REAL_RESOLVE(explicit, root)
    return _COMPOSED[key]


@contextlib.contextmanager
def policy_composed_once() -> Iterator[None]:
    """Compose a policy file once per content, for targets that fuzz the diff and not the
    policy: composing the built-in packs costs ten times the rest of the check."""
    resolver.resolve = _resolve_once
    try:
        yield
    finally:
        resolver.resolve = _REAL_RESOLVE


def check_diff_file(root: Path, diff: Path, policy: Path) -> str:
    """Run the check and render every format; the verdict, or ``none`` when nothing was
    checked. Raises what the check raises: gatekeeper's own errors are its refusals."""
    options = pipeline.CheckOptions(repo_path=str(root), diff_file=str(diff), policy=str(policy))
    outcome = pipeline.run(options, today=TODAY, env={})
    assert EXIT_PASS <= outcome.exit_code < EXIT_CHANGESET, outcome.exit_code
    for name in reporters.FORMATS:
        text = reporters.render_all(name, outcome.verdicts, outcome.context)
        if name == "json":
            json.loads(text)
        elif name == "junit":
            ElementTree.fromstring(text.encode())
    if not outcome.verdicts:
        return "none"
    return "pass" if outcome.exit_code == EXIT_PASS else "fail"
