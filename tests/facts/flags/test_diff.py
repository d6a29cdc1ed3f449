"""The snippets committed to a real repository: references in the added and removed lines of
the change, as gatekeeper reads them, summarised per file."""

from __future__ import annotations

from pathlib import Path

from gatekeeper.facts.flags.scan import Line, scan
from gatekeeper.facts.flags.summary import FileFlags, summarise
from tests.conftest import Repo, changeset

DATA = Path(__file__).parents[2] / "data" / "flags"


def snippet(name: str) -> str:
    """The text of the data file ``name``."""
    return (DATA / name).read_text(encoding="utf-8")


def test_added_and_removed_lines_of_a_real_change(repo: Repo) -> None:
    repo.write("web/checkout.ts", snippet("launchdarkly/node.ts"))
    repo.write("app/views.py", snippet("django-waffle/views.py"))
    base = repo.commit("base")
    checkout = snippet("launchdarkly/node.ts").replace(
        "const limit = await ldClient.numberVariation(\"checkout-item-limit\", context, 10);",
        "const limit = 10;")
    repo.write("web/checkout.ts", checkout)
    repo.write("app/views.py", snippet("django-waffle/views.py").replace(
        "'new_checkout'", "'new_checkout_v2'"))
    repo.write("web/page.tsx", snippet("growthbook/react.tsx"))
    repo.commit("head")

    added: list[Line] = []
    removed: list[Line] = []
    for change in changeset(repo, base).files:
        new_text = (repo.path / change.path).read_text(encoding="utf-8").splitlines()
        old_text = repo.git("show", f"{base}:{change.old_path or change.path}").splitlines() \
            if change.path != "web/page.tsx" else []
        added += [(change.path, n, new_text[n - 1]) for n in change.added_lines()]
        removed += [(change.path, n, old_text[n - 1])
                    for h in change.hunks for n in h.removed_lines()]

    summary = {f.path: f for f in summarise(scan(added), scan(removed))}
    assert summary["web/checkout.ts"] == FileFlags(
        "web/checkout.ts", added=(), introduced=(), referenced=("checkout-item-limit",),
        removed=("checkout-item-limit",))
    assert summary["app/views.py"] == FileFlags(
        "app/views.py", added=("new_checkout_v2",), introduced=("new_checkout_v2",),
        referenced=("new_checkout", "new_checkout_v2"), removed=("new_checkout",))
    page = summary["web/page.tsx"]
    assert page.guarded and page.introduced == page.added == (
        "react-button-color", "react-new-login", "react-promo-banner", "react-site-title")
