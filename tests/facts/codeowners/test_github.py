"""GitHub's CODEOWNERS syntax: the documented example, exceptions to gitignore, bad lines."""

from __future__ import annotations

import pytest

from gatekeeper.facts.codeowners import CodeOwners, parse

# The cases of the example file in GitHub's "About code owners", in words of our own.
EXAMPLE = """\
# everyone below unless a later line says otherwise
*       @acme/core @lead

*.js    @web-dev #trailing remark
*.go    gopher@example.com
*.txt   @acme/writers
/build/logs/ @ops
docs/*  docs@example.com
apps/   @app-dev
/docs/  @doc-lead
/scripts/ @ops @lead
**/logs @ops
/apps/  @app-dev
/apps/github
"""


def owners(co: CodeOwners, path: str) -> tuple[str, ...] | None:
    """The owners of ``path`` in the one GitHub section, or None when none match."""
    found = co.owners_of(path)
    assert len(found) <= 1, "GitHub has a single section"
    return found[0].owners if found else None


@pytest.fixture
def example() -> CodeOwners:
    """GitHub's documented example CODEOWNERS, parsed."""
    return parse(EXAMPLE, syntax="github", source=".github/CODEOWNERS")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Makefile", ("@acme/core", "@lead")),  # only the catch-all matches
        ("web/app.js", ("@web-dev",)),  # a later line wins; the remark is not an owner
        ("cmd/main.go", ("gopher@example.com",)),
        ("notes/plan.txt", ("@acme/writers",)),
        ("build/logs/2024/app.log", ("@ops",)),
        ("docs/getting-started.md", ("@doc-lead",)),  # /docs/ comes after docs/*
        ("scripts/deploy.sh", ("@ops", "@lead")),
        ("deeply/nested/logs/x", ("@ops",)),
        ("apps/web/main.py", ("@app-dev",)),
        ("src/apps/web/main.py", ("@app-dev",)),  # apps/ matches at any depth
        ("apps/github/main.py", ()),  # matched by a line without owners: nobody owns it
    ],
)
def test_documented_example(example: CodeOwners, path: str, expected: tuple[str, ...]) -> None:
    assert owners(example, path) == expected
    assert example.problems == ()


def test_docs_star_does_not_reach_nested_files() -> None:
    co = parse("* @all\ndocs/* @docs\n", syntax="github", source="CODEOWNERS")
    assert owners(co, "docs/intro.md") == ("@docs",)
    assert owners(co, "docs/guide/intro.md") == ("@all",)


def test_the_last_matching_line_wins_not_the_most_specific() -> None:
    co = parse("/src/payments/ @pay\n*.py @py\n", syntax="github", source="CODEOWNERS")
    assert owners(co, "src/payments/api.py") == ("@py",)
    assert owners(co, "src/payments/README") == ("@pay",)
    assert [r.line for r in co.rules] == [1, 2]


def test_owners_on_separate_lines_do_not_add_up() -> None:
    co = parse("/apps/ @alice\n/apps/ @bob\n", syntax="github", source="CODEOWNERS")
    assert owners(co, "apps/x") == ("@bob",)


def test_no_match_differs_from_a_match_without_owners() -> None:
    co = parse("/vendor/\n", syntax="github", source="CODEOWNERS")
    assert co.owners_of("vendor/lib.c")[0].owners == ()
    assert co.owners_of("vendor/lib.c")[0].line == 1
    assert co.owners_of("src/main.c") == ()


def test_paths_are_case_sensitive() -> None:
    co = parse("/Docs/ @docs\n*.MD @md\n", syntax="github", source="CODEOWNERS")
    assert owners(co, "docs/a.txt") is None
    assert owners(co, "Docs/a.txt") == ("@docs",)
    assert owners(co, "README.md") is None


def test_comments_and_blank_lines_are_skipped_and_lines_keep_their_numbers() -> None:
    text = "# heading\n\n   \n\t# indented comment\n*.py @py\r\n\n/a/ @a # why\n"
    co = parse(text, syntax="github", source="CODEOWNERS")
    assert [(r.pattern, r.owners, r.line) for r in co.rules] == [
        ("*.py", ("@py",), 5), ("/a/", ("@a",), 7)]
    assert co.problems == ()


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("!docs/ @docs", "does not support '!' to negate a pattern"),
        ("*.[ch] @c", "does not support [ ] character ranges"),
        ("\\#notes.md @notes", "does not support escaping a leading '#'"),
        ("*.py py-team", "'py-team' is not @user, @org/team or an e-mail address"),
        ("*.py @py @@maintainer", "'@@maintainer' is not @user"),
        ("*.py @org/team/sub", "'@org/team/sub' is not @user"),
    ],
)
def test_unsupported_lines_are_skipped_with_a_located_problem(line: str, why: str) -> None:
    co = parse(f"* @all\n{line}\n", syntax="github", source=".github/CODEOWNERS")
    assert [r.line for r in co.rules] == [1]  # the earlier rule still applies
    assert owners(co, "docs/x.py") == ("@all",)
    assert len(co.problems) == 1
    problem = str(co.problems[0])
    assert problem.startswith(".github/CODEOWNERS:2: ")
    assert why in problem


def test_sections_are_not_github_syntax() -> None:
    co = parse("[Docs] @docs\n", syntax="github", source="CODEOWNERS")
    assert co.rules == ()
    assert "character ranges" in co.problems[0].message
    assert [s.name for s in co.sections] == [None]


def test_owner_forms_are_kept_as_written_and_deduplicated() -> None:
    co = parse("* @octo-org/core-team @Octocat ada@example.com @Octocat\n",
               syntax="github", source="CODEOWNERS")
    assert co.rules[0].owners == ("@octo-org/core-team", "@Octocat", "ada@example.com")


def test_escaped_spaces_keep_a_pattern_together() -> None:
    co = parse("my\\ docs/ @docs\n", syntax="github", source="CODEOWNERS")
    assert co.rules[0].pattern == "my\\ docs/"
    assert owners(co, "my docs/a.md") == ("@docs",)
