"""A flag call in a comment or a string guards nothing: real branches through the real command.

The comment below is what a change that ships unguarded code can add to pass `flag-guard` and
to lower its review tier with `flag_guarded`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Repo, make_repo, run_cli

TODO = '# TODO: wrap in ldclient.get().variation("new-checkout", ctx, False)\n'
UNGUARDED = "def checkout(cart):\n    return charge(cart.total)\n"

POLICY = """\
version: 1
flags:
  presets: launchdarkly
review:
  tiers:
    - {name: light, approvals: 1}
    - {name: standard, approvals: 1}
    - {name: deep, approvals: 2}
  rules:
    - id: code
      tier: standard
      when: {paths: "src/**"}
    - id: auth
      tier: deep
      when: {paths: "src/auth/**"}
  lower:
    - id: dark-launch
      when: {flag_guarded: true}
      floor: standard
rules:
  - id: guard
    kind: flag-guard
    paths: "src/**"
"""


def project(root: Path) -> tuple[Repo, str]:
    """A repository with the policy; the base commit."""
    repo = make_repo(root)
    repo.write(".gatekeeper.yml", POLICY)
    repo.write("README.md", "shop\n")
    return repo, repo.commit("base")


def check(repo: Repo, base: str) -> tuple[int, dict[str, object]]:
    """Exit code and JSON report of ``gatekeeper check`` from ``base``."""
    result = run_cli("check", "--base", base, "--format", "json", cwd=repo.path)
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def guard_of(report: dict[str, object]) -> dict[str, str]:
    """The result of the guard rule in ``report``."""
    results = report["results"]
    assert isinstance(results, list)
    return next(r for r in results if r["rule_id"] == "guard")


@pytest.mark.parametrize(("path", "text"), [
    ("src/checkout.py", TODO + UNGUARDED),
    ("src/checkout.py", '"""Later: ldclient.get().variation("new-checkout", ctx, False)."""\n'
     + UNGUARDED),
    ("src/checkout.py",
     UNGUARDED + '    log("ldclient.variation(\'new-checkout\', ctx, False)")\n'),
    ("src/checkout.ts", "/* guard with\n   client.variation('new-checkout', ctx, false)\n*/\n"
     "export const pay = () => charge();\n"),
    ("src/checkout.go", "// client.BoolVariation(\"new-checkout\", ctx, false)\n"
     "func Pay() { charge() }\n"),
    ("src/checkout.rb", "=begin\nclient.variation('new-checkout', ctx, false)\n=end\n"
     "def pay = charge\n"),
])
def test_a_flag_named_in_a_comment_or_string_does_not_pass_the_guard(
        tmp_path: Path, path: str, text: str) -> None:
    repo, base = project(tmp_path / "repo")
    repo.write(path, text)
    repo.commit("checkout")
    code, report = check(repo, base)
    guard = guard_of(report)
    assert guard["status"] == "fail", guard
    assert path in guard["message"]
    assert code == 1


def test_a_flag_named_in_a_comment_does_not_lower_the_review_tier(tmp_path: Path) -> None:
    repo, base = project(tmp_path / "repo")
    repo.write("src/auth/login.py", TODO + "def login(user):\n    return True\n")
    repo.commit("login")
    _code, report = check(repo, base)
    review = report["review"]
    assert isinstance(review, dict)
    assert (review["name"], review["lowered_by"]) == ("deep", [])


def test_the_real_call_still_guards_and_lowers(tmp_path: Path) -> None:
    repo, base = project(tmp_path / "repo")
    repo.write("src/auth/login.py", TODO + "def login(user):\n"
               "    if ldclient.get().variation(\"new-login\", ctx, False):  # the new flow\n"
               "        return True\n")
    repo.commit("login")
    code, report = check(repo, base)
    assert guard_of(report)["status"] == "pass"
    review = report["review"]
    assert isinstance(review, dict)
    assert review["name"] == "standard" and review["lowered_by"]
    assert code == 0
