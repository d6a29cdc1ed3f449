"""GitLab's CODEOWNERS syntax: sections, defaults, approvals, exclusions, roles, errors."""

from __future__ import annotations

import pytest

from gatekeeper.facts.codeowners import CodeOwners, parse


def gitlab(text: str) -> CodeOwners:
    """``text`` parsed as a GitLab CODEOWNERS file."""
    return parse(text, syntax="gitlab", source="CODEOWNERS")


def table(co: CodeOwners, path: str) -> list[tuple[str | None, tuple[str, ...]]]:
    """Each section owning ``path``, with its owners."""
    return [(s.section, s.owners) for s in co.owners_of(path)]


def test_each_section_keeps_its_last_match_and_all_sections_combine() -> None:
    co = gitlab("* @admin\n\n[Readme Owners]\nREADME.md @ann @ben\ninternal/README.md @dan\n\n"
                "[Readme other owners]\nREADME.md @cat\n")
    assert table(co, "README.md") == [
        (None, ("@admin",)), ("Readme Owners", ("@ann", "@ben")),
        ("Readme other owners", ("@cat",))]
    assert table(co, "internal/README.md") == [
        (None, ("@admin",)), ("Readme Owners", ("@dan",)), ("Readme other owners", ("@cat",))]
    assert table(co, "main.c") == [(None, ("@admin",))]


def test_section_headings_optional_approvals_and_default_owners() -> None:
    co = gitlab("[Plain]\n^[Maybe]\n[Five][5]\n[Owned] @someone\n[Both][2] @grp @grp/sub\n")
    assert [(s.name, s.optional, s.approvals, s.line) for s in co.sections] == [
        (None, False, 1, None), ("Plain", False, 1, 1), ("Maybe", True, 1, 2),
        ("Five", False, 5, 3), ("Owned", False, 1, 4), ("Both", False, 2, 5)]
    assert co.problems == ()


def test_default_owners_serve_entries_without_owners_only() -> None:
    co = gitlab("[Docs] @docs-team\ndocs/\nREADME.md\n\n[Database] @db-team @ana\nmodel/db/\n"
                "config/db/database-setup.md @docs-team\n")
    assert table(co, "docs/a.md") == [("Docs", ("@docs-team",))]
    assert table(co, "model/db/schema.rb") == [("Database", ("@db-team", "@ana"))]
    assert table(co, "config/db/database-setup.md") == [("Database", ("@docs-team",))]


def test_default_owners_do_not_replace_malformed_ones() -> None:
    co = gitlab("[Docs] @docs\nREADME.md docs-team\nCHANGELOG\n")
    assert [r.owners for r in co.rules] == [(), ("@docs",)]
    assert [p.line for p in co.problems] == [2, 2]


def test_entries_outside_sections_are_not_overridden_by_sections() -> None:
    co = gitlab("* @general\n\n[Documentation] @docs-team\ndocs/\nREADME.md\n*.txt\n\n"
                "[Database] @db-team\nmodel/db/\nconfig/db/database-setup.md @docs-team\n")
    assert table(co, "model/db/CHANGELOG.txt") == [
        (None, ("@general",)), ("Documentation", ("@docs-team",)), ("Database", ("@db-team",))]
    summary = co.for_paths(["model/db/CHANGELOG.txt"])
    assert len(summary.required) == 3  # one approval from each of the three groups


def test_optional_section_with_default_owners_and_required_approvals() -> None:
    co = gitlab("[Documentation][2] @docs-team\ndocs/\n\n^[Database] @db-team\nmodel/db/\n")
    docs, = co.owners_of("docs/x.md")
    assert (docs.section, docs.owners, docs.optional, docs.approvals) == (
        "Documentation", ("@docs-team",), False, 2)
    db, = co.owners_of("model/db/x.rb")
    assert (db.section, db.optional) == ("Database", True)


def test_sections_with_the_same_name_in_any_case_are_one() -> None:
    co = gitlab("[Documentation]\nee/docs/ @docs\ndocs/ @docs\n\n[Database]\nREADME.md @db\n"
                "model/db/ @db\n\n[DOCUMENTATION]\nREADME.md @docs\n")
    assert [s.name for s in co.sections] == [None, "Documentation", "Database"]
    per_section = [(name, sum(r.section == name for r in co.rules))
                   for name in ("Documentation", "Database")]
    assert per_section == [("Documentation", 3), ("Database", 2)]
    assert table(co, "README.md") == [("Documentation", ("@docs",)), ("Database", ("@db",))]


def test_approvals_of_a_combined_section_are_the_highest_asked() -> None:
    co = gitlab("[Api][2]\n*.go @a\n^[API][5]\n*.mod @b\n[api][3]\n*.sum @c\n")
    assert [(s.name, s.optional, s.approvals) for s in co.sections][1:] == [("Api", False, 3)]


def test_a_section_required_anywhere_is_required() -> None:
    co = gitlab("^[Go]\n*.go @a\n[go]\n*.mod @b\n[Ruby]\n*.rb @c\n^[RUBY]\n*.rake @d\n"
                "^[Py]\n*.py @e\n")
    assert [(s.name, s.optional) for s in co.sections] == [
        (None, False), ("Go", False), ("Ruby", False), ("Py", True)]


def test_exclusions_apply_within_their_section() -> None:
    co = gitlab("* @someone\n!pom.xml\n\n[Ruby]\n*.rb @ruby-team\n!/config/**/*.rb\n")
    assert table(co, "pom.xml") == []
    assert table(co, "app/pom.xml") == []  # no leading /: excluded at any depth
    assert table(co, "config/routes.rb") == [(None, ("@someone",))]
    assert table(co, "app/user.rb") == [(None, ("@someone",)), ("Ruby", ("@ruby-team",))]
    assert [r.exclusion for r in co.rules] == [False, True, False, True]


def test_an_excluded_path_cannot_be_included_again_in_that_section() -> None:
    co = gitlab("* @default-owner\n!*.rb\n/special/*.rb @ruby-owner\n\n[Config]\n/config/ @ops\n")
    assert table(co, "special/a.rb") == []
    assert table(co, "config/a.rb") == [("Config", ("@ops",))]
    assert table(co, "special/a.py") == [(None, ("@default-owner",))]


def test_exclusions_for_generated_files() -> None:
    co = gitlab("* @owner\n!package-lock.json\n!**/generated/\n!.gitlab-ci.yml\n")
    assert [p for p in ("package-lock.json", "web/generated/api.ts", ".gitlab-ci.yml",
                        "web/api.ts") if table(co, p)] == ["web/api.ts"]


def test_roles_groups_nested_groups_and_e_mail_are_owners() -> None:
    co = gitlab("/config/ @@maintainer\nfile.md @@developer @@Maintainers\n"
                "README @group @group/with-nested/subgroup\nLICENSE @legal jane@example.com\n")
    assert [r.owners for r in co.rules] == [
        ("@@maintainer",), ("@@developer", "@@Maintainers"),
        ("@group", "@group/with-nested/subgroup"), ("@legal", "jane@example.com")]
    assert co.problems == ()


def test_malformed_owners_are_ignored_and_reported() -> None:
    co = gitlab("/path/* @group user_without_at @user_with_at @@guest\n")
    assert co.rules[0].owners == ("@group", "@user_with_at")
    assert str(co.problems[0]) == (
        "CODEOWNERS:1: ignored text that is not an owner: 'user_without_at', '@@guest'")


def test_a_hash_after_the_pattern_starts_no_comment() -> None:
    co = gitlab("/docs/**/*.md @md-docs  # ask @reviewer first\n")
    assert co.rules[0].owners == ("@md-docs", "@reviewer")  # owners in a comment are read
    assert "'#', 'ask', 'first'" in co.problems[0].message


def test_escapes_for_a_leading_hash_and_spaces() -> None:
    co = gitlab("\\#file_with_pound.rb @pound\npath\\ with\\ spaces/ @space\n")
    assert table(co, "lib/#file_with_pound.rb") == [(None, ("@pound",))]
    assert table(co, "path with spaces/x.md") == [(None, ("@space",))]
    assert co.problems == ()


def test_an_unclosed_heading_is_an_entry_of_the_current_section() -> None:
    co = gitlab("* @group\n\n[Section name\ndocs/ @docs_group\n")
    assert [(r.pattern, r.owners, r.section) for r in co.rules] == [
        ("*", ("@group",), None), ("[Section", (), None), ("docs/", ("@docs_group",), None)]
    assert [s.name for s in co.sections] == [None]
    messages = [str(p) for p in co.problems]
    assert messages[0] == ("CODEOWNERS:3: the section heading has no closing ']'; "
                           "it is read as an entry, as GitLab does")
    assert table(co, "docs/a") == [(None, ("@docs_group",))]


def test_an_unclosed_heading_after_a_section_stays_in_it() -> None:
    co = gitlab("[Docs]\ndocs/**/* @group\n\n[Section name\ndocs/ @docs_group\n")
    assert [r.section for r in co.rules] == ["Docs", "Docs", "Docs"]


@pytest.mark.parametrize(
    ("heading", "approvals", "why"),
    [
        ("[S][0]", 1, "GitLab counts 0 as 1"),
        ("[S][two]", 1, "approvals [two] is not a number"),
        ("[S][]", 1, "approvals [] is not a number"),
        ("[S][99999999999]", 1, "is not a number"),
        ("^[S][2]", 1, "an optional section cannot require approvals"),
        ("[]", 1, "the section heading has no name"),
        ("[S]x @a", 1, "unexpected text after the section heading: 'x @a'"),
    ],
)
def test_doubtful_headings_are_reported(heading: str, approvals: int, why: str) -> None:
    co = gitlab(f"{heading}\n*.md @doc\n")
    assert co.sections[1].approvals == approvals
    assert co.rules[0].section == co.sections[1].name
    assert any(why in p.message and p.line == 1 for p in co.problems), co.problems


def test_entries_without_any_owner_match_but_ask_for_nothing() -> None:
    co = gitlab("* @all\n[Docs]\ndocs/\n")
    assert str(co.problems[0]) == (
        "CODEOWNERS:3: the entry has no owners; GitLab approves it automatically")
    assert table(co, "docs/a.md") == [(None, ("@all",)), ("Docs", ())]
    assert [r.section for r in co.for_paths(["docs/a.md"]).required] == [None]


def test_owners_after_an_exclusion_are_ignored() -> None:
    co = gitlab("* @all\n!*.lock @someone\n")
    assert co.rules[1].owners == ()
    assert co.problems[0].message == "owners after an exclusion are ignored"
    assert table(co, "yarn.lock") == []
