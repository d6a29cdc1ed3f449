"""Owners of a set of paths: per path, to request, required approvals, and unowned paths."""

from __future__ import annotations

from gatekeeper.facts.codeowners import OwnerSummary, RequiredApproval, parse

GITLAB = """\
* @lead
/vendor/
!*.lock

[Docs][2] @writers
docs/
*.md @editor

^[Style]
*.css @designer

[Ops]
/deploy/ @ops @oncall
/deploy/secrets/ @oncall @ops
"""


def summary(*paths: str) -> OwnerSummary:
    """The owner summary of ``paths`` under the GitLab example."""
    return parse(GITLAB, syntax="gitlab", source="CODEOWNERS").for_paths(paths)


def test_per_path_owners_keep_input_order_and_drop_repeats() -> None:
    result = summary("docs/a.md", "web/site.css", "docs/a.md", "yarn.lock")
    assert [p.path for p in result.paths] == ["docs/a.md", "web/site.css", "yarn.lock"]
    assert result.paths[0].owners == ("@lead", "@editor")
    assert result.paths[1].owners == ("@lead", "@designer")
    assert result.paths[2].owners == ()


def test_owners_to_request_include_optional_sections() -> None:
    result = summary("web/site.css", "docs/guide/x.txt", "deploy/run.sh")
    assert result.owners == ("@lead", "@designer", "@writers", "@ops", "@oncall")


def test_required_approvals_group_paths_by_section_and_owners() -> None:
    result = summary("docs/guide/x.txt", "docs/b.txt", "README.md", "deploy/run.sh",
                     "deploy/secrets/key", "web/site.css")
    assert result.required == (
        RequiredApproval(None, ("@lead",), 1, ("docs/guide/x.txt", "docs/b.txt", "README.md",
                                              "deploy/run.sh", "deploy/secrets/key",
                                              "web/site.css")),
        RequiredApproval("Docs", ("@writers",), 2, ("docs/guide/x.txt", "docs/b.txt")),
        RequiredApproval("Docs", ("@editor",), 2, ("README.md",)),
        RequiredApproval("Ops", ("@ops", "@oncall"), 1, ("deploy/run.sh", "deploy/secrets/key")),
    )  # the optional Style section asks for nothing


def test_unowned_paths_are_those_no_section_gives_an_owner() -> None:
    result = summary("vendor/lib.c", "Cargo.lock", "src/main.c")
    assert result.unowned == ("vendor/lib.c", "Cargo.lock")
    assert [s.line for s in result.paths[0].sections] == [2]  # matched, but without owners
    assert result.paths[1].sections == ()  # excluded from the only section it matched


def test_github_files_are_one_required_section() -> None:
    co = parse("* @core\n/apps/ @apps\n/apps/legacy/\n", syntax="github", source="CODEOWNERS")
    result = co.for_paths(["apps/new/x", "apps/legacy/y", "lib/z"])
    assert result.required == (
        RequiredApproval(None, ("@apps",), 1, ("apps/new/x",)),
        RequiredApproval(None, ("@core",), 1, ("lib/z",)),
    )
    assert result.unowned == ("apps/legacy/y",)


def test_an_empty_file_owns_nothing() -> None:
    result = parse("", syntax="gitlab", source="CODEOWNERS").for_paths(["a", "b/c"])
    assert result.unowned == ("a", "b/c")
    assert result.owners == ()
    assert result.required == ()


def test_rules_remember_pattern_line_and_section() -> None:
    co = parse(GITLAB, syntax="gitlab", source="CODEOWNERS")
    assert [(r.pattern, r.line, r.section, r.exclusion) for r in co.rules][-4:] == [
        ("*.md", 7, "Docs", False), ("*.css", 10, "Style", False),
        ("/deploy/", 13, "Ops", False), ("/deploy/secrets/", 14, "Ops", False)]
    assert co.rules[-1].matches("deploy/secrets/a")
    assert not co.rules[-1].matches("deploy/a")
