"""The code_owners condition: owners of touched files, * wildcards, case, no CODEOWNERS."""

from __future__ import annotations

import pytest

from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.conditions import model as conditions
from gatekeeper.conditions.model import Condition
from gatekeeper.conditions.owners import holds
from gatekeeper.facts.classify import Classifier
from gatekeeper.facts.codeowners.facts import gather
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.facts.model import Facts, derive
from tests.builders import change

CODEOWNERS = """\
*           @Acme/Everyone
src/auth/   @acme/security lead@example.com
src/web/    @acme/web-team @ann
docs/       @anna
*.lock      @a.b
"""


def facts(*paths: str, text: str | None = CODEOWNERS) -> Facts:
    """Facts of a change to ``paths``, with code owners read from the CODEOWNERS ``text``."""
    files = {".github/CODEOWNERS": text.encode()} if text is not None else {}
    owners = gather(CodeOwnersSettings.model_validate({}), "github", files.get,
                    "the base commit abc", paths)
    changeset = ChangeSet(Revisions(mode="range"), tuple(change(p) for p in paths))
    return derive(changeset, Classifier({}), owners=owners)


@pytest.mark.parametrize(("wanted", "paths", "expected"), [
    (["@acme/security"], ["src/auth/login.py"], True),
    (["@ACME/SECURITY"], ["src/auth/login.py"], True),  # names compare without case
    (["@acme/everyone"], ["README.md"], True),
    (["@acme/security"], ["src/web/app.js", "docs/a.md"], False),  # only touched files count
    (["@acme/*"], ["src/web/app.js"], True),
    (["@acme/*"], ["docs/a.md"], False),  # @anna is not in the org
    (["@acme/sec*"], ["src/auth/x.py"], True),
    (["@acme/sec*"], ["src/web/x.py"], False),
    (["@acme"], ["src/auth/x.py"], False),  # a whole name, not a prefix
    (["@ann"], ["docs/a.md"], False),  # @anna is someone else
    (["@ann"], ["src/web/x.py"], True),
    (["*@example.com"], ["src/auth/x.py"], True),
    (["@a.b"], ["yarn.lock"], True),
    (["@axb"], ["yarn.lock"], False),  # the dot in a name is not a wildcard
    (["@nobody", "@ann"], ["src/web/x.py"], True),  # any of the names
])
def test_owner_names_and_wildcards(wanted: list[str], paths: list[str], expected: bool) -> None:
    ok, why = holds(wanted, facts(*paths))
    assert ok is expected, why
    assert why.startswith(".github/CODEOWNERS gives ")


def test_the_reason_names_files_and_the_owners_that_matched() -> None:
    ok, why = holds(["@acme/*"], facts("src/auth/a.py", "README.md"))
    assert ok
    # GitHub's last matching line wins: src/auth/ replaces * for the first file
    assert why == (".github/CODEOWNERS gives src/auth/a.py (@acme/security), "
                   "README.md (@Acme/Everyone)")
    ok, why = holds(["@acme/*"], facts(*(f"f{i}.txt" for i in range(5))))
    assert ok and why.endswith("f2.txt (@Acme/Everyone) and 2 more")
    ok, why = holds(["@nobody"], facts("a.txt"))
    assert (ok, why) == (False, ".github/CODEOWNERS gives no touched file an owner in "
                                "['@nobody']")


def test_no_codeowners_file_never_holds() -> None:
    absent = facts("src/auth/login.py", text=None)
    assert absent.owners is None
    assert holds(["@acme/security"], absent) == (False, "no CODEOWNERS file was read")
    assert holds(["*"], absent)[0] is False


def test_a_file_without_owners_does_not_hold() -> None:
    found = facts("src/auth/x.py", text="docs/ @writers\n")
    assert found.owners is not None and found.owners.summary.unowned == ("src/auth/x.py",)
    assert holds(["*"], found)[0] is False


def test_the_policy_condition_takes_one_name_or_several() -> None:
    auth = facts("src/auth/login.py")
    one = Condition.model_validate({"code_owners": "@acme/security"})
    assert one.code_owners == ["@acme/security"]
    assert conditions.holds(one, auth)[0]
    both = Condition.model_validate({"code_owners": ["@x", "*@EXAMPLE.com"]})
    assert conditions.holds(both, auth)[0]
    negated = Condition.model_validate({"not": {"code_owners": "@acme/web-team"}})
    assert conditions.holds(negated, auth)[0]
    assert not conditions.holds(negated, facts("src/web/a.js"))[0]
