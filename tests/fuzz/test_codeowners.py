"""Fuzz CODEOWNERS in GitHub's and GitLab's syntax: any text parses into rules and problems
(never an exception), and looking up owners stays consistent with what was parsed."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.facts.codeowners.patterns import Syntax
from gatekeeper.facts.codeowners.reader import parse
from tests.fuzz.engine import HYPOTHESIS, Target, check, fuzz

CI_CASES = 2_000
CI_PROPERTY_CASES = 200
SYNTAXES: tuple[Syntax, ...] = ("github", "gitlab")
GITHUB = b"""\
# Each line is a file pattern followed by one or more owners.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
/src/**/tests/ @org/team-a
\\#file_with_pound.rb @owner
path\\ with\\ spaces/ @owner
"""
GITLAB = b"""\
* @default-owner
[Documentation][2] @docs-team
docs/
README.md @tech-writer
^[Optional Section] @maintainer
/config/**/*.yml
!/config/generated.yml
[Database] @database-team @@maintainers
model/db/
*.sql @dba admin@example.com
[Section with [brackets]]
lib/ @group/sub-group/team
[Unclosed @x
^[Bad approvals][2]
[Zero][0] @z
"""
TOKENS = (b"*", b"**", b"/", b"/**/", b"?", b"[a-z]", b"[!a]", b"[", b"]", b"\\", b"\\ ",
          b"\\#", b"#", b"!", b"^[", b"][2]", b"[Section]", b"@user", b"@org/team",
          b"@group/sub/deep", b"@@developers", b"@@owner", b"a@b.c", b"@", b"@-", b" ", b"\t",
          b"\r", b"\n", b".", b"..", b"~", b"{a,b}", b"*.py", b"/a/b/c/", b"\xc3\xa4",
          b"[" * 50, b"*" * 64, b"a/" * 200)
PATHS = ("README.md", "docs/index.md", "src/a/tests/t.py", "config/generated.yml",
         "path with spaces/f", "#file_with_pound.rb", "\u00e4/\u00f6.txt", "a/" * 120 + "z",
         "lib/x")
_GLOB = re.compile(r"[*?\[\]!\\]")


def _paths(patterns: list[str]) -> list[str]:
    """Fixed paths, and paths made from the last rules' patterns (the ones that win)."""
    made = [_GLOB.sub("x", p).strip("/") or "x" for p in patterns[-4:]]
    return [*PATHS, *made, *(m + "/f" for m in made)]


def _run(data: bytes) -> str:
    lines = data.count(b"\n") + 1
    labels = []
    for syntax in SYNTAXES:
        owners = parse(data, syntax=syntax, source="CODEOWNERS")
        assert all(p.line is None or 1 <= p.line <= lines for p in owners.problems), owners
        assert all(1 <= r.line <= lines for r in owners.rules)
        everyone = {o for r in owners.rules for o in r.owners}
        summary = owners.for_paths(_paths([r.pattern for r in owners.rules]))
        assert set(summary.owners) <= everyone, (summary.owners, everyone)
        labels.append(f"{syntax}-{'rules' if owners.rules else 'none'}")
    return "+".join(labels)


def generate(rng: random.Random) -> bytes:
    """Lines of patterns and owners drawn from the format's words."""
    out = []
    for _ in range(rng.randint(1, 12)):
        words = [rng.choice(TOKENS[:34]) for _ in range(rng.randint(1, 4))]
        out.append(b"".join(words) + b" " + b" ".join(rng.choice(TOKENS[17:25])
                                                     for _ in range(rng.randint(0, 3))))
    return b"\n".join(out)


TARGET = Target("codeowners", lambda: [GITHUB, GITLAB, GITHUB + GITLAB], _run, TOKENS,
                generate, refusals=(), weight=0.6)


def test_mutated_codeowners_parse_into_rules_and_problems() -> None:
    stats = fuzz(TARGET, CI_CASES, seed=1)
    check(stats, CI_CASES, refused=False)  # a CODEOWNERS file is never refused, only its lines
    assert {"github-rules+gitlab-rules", "github-none+gitlab-rules"} <= set(stats.outcomes)


LINES = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=30)


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(st.lists(LINES, max_size=12), st.sampled_from(PATHS))
def test_the_last_matching_line_wins_whatever_comes_before(junk: list[str], path: str) -> None:
    """In GitHub's syntax, a final ``* @last`` owns every path, whatever lines precede it."""
    text = "\n".join(["* @first", *junk, "* @last"])
    owners = parse(text, syntax="github", source="CODEOWNERS")
    assert [s.owners for s in owners.owners_of(path)] == [("@last",)]
    assert all(p.line is not None and 2 <= p.line <= len(junk) + 1 for p in owners.problems)
