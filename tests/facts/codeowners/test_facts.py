"""The code owners of touched files: which CODEOWNERS file is read, in which syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.errors import PolicyError
from gatekeeper.facts.codeowners.facts import Read, gather, syntax_for
from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.pipeline import trust


def settings(**values: object) -> CodeOwnersSettings:
    """Code owner settings of ``values``, validated."""
    return CodeOwnersSettings.model_validate(values)


def tree(root: Path, files: dict[str, str]) -> tuple[Read, list[str]]:
    """A reader of real files under ``root`` that records every name it is asked for."""
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    asked: list[str] = []
    read = trust.worktree(root).read

    def recording(name: str) -> bytes | None:
        asked.append(name)
        return read(name)

    return recording, asked


ALL = {".github/CODEOWNERS": "* @from-github-folder\n", "CODEOWNERS": "* @from-root\n",
       "docs/CODEOWNERS": "* @from-docs\n", ".gitlab/CODEOWNERS": "* @from-gitlab-folder\n"}


@pytest.mark.parametrize(("platform", "present", "chosen"), [
    ("github", ALL, ".github/CODEOWNERS"),
    ("github", {k: v for k, v in ALL.items() if k != ".github/CODEOWNERS"}, "CODEOWNERS"),
    ("github", {"docs/CODEOWNERS": "* @from-docs\n"}, "docs/CODEOWNERS"),
    ("gitlab", ALL, "CODEOWNERS"),
    ("gitlab", {k: v for k, v in ALL.items() if k != "CODEOWNERS"}, "docs/CODEOWNERS"),
    ("gitlab", {".gitlab/CODEOWNERS": "* @from-gitlab-folder\n",
                ".github/CODEOWNERS": "* @from-github-folder\n"}, ".gitlab/CODEOWNERS"),
])
def test_the_platform_s_first_file_is_read(tmp_path: Path, platform: str,
                                           present: dict[str, str], chosen: str) -> None:
    read, asked = tree(tmp_path, present)
    found = gather(settings(), platform, read, "the work tree", ["src/a.py"])
    assert found is not None
    assert (found.source, found.where, found.syntax) == (chosen, "the work tree", platform)
    assert found.owners_of("src/a.py") == (present[chosen].split()[1],)
    assert asked[-1] == chosen  # nothing after the first file found is read


@pytest.mark.parametrize(("chosen", "platform", "present", "syntax"), [
    ("gitlab", "github", {}, "gitlab"),  # asked for: over the platform
    ("github", "gitlab", {".gitlab-ci.yml": ""}, "github"),
    ("auto", "github", {".gitlab-ci.yml": ""}, "github"),  # the platform: over the repository
    ("auto", "gitlab", {}, "gitlab"),
    ("auto", "local", {}, "github"),  # nothing says gitlab
    ("auto", "local", {".gitlab-ci.yml": "test: {}\n"}, "gitlab"),
    ("auto", "local", {".gitlab/CODEOWNERS": "* @x\n"}, "gitlab"),
    ("auto", "pre-push", {"CODEOWNERS": "* @x\n"}, "github"),
])
def test_syntax_asked_else_platform_else_repository(tmp_path: Path, chosen: str, platform: str,
                                                    present: dict[str, str],
                                                    syntax: str) -> None:
    read, _ = tree(tmp_path, present)
    assert syntax_for(settings(syntax=chosen), platform, read) == syntax


@pytest.mark.parametrize(("name", "syntax"), [(".github/owners", "github"),
                                              (".gitlab/owners", "gitlab"),
                                              ("team/owners", "github")])
def test_the_named_file_s_folder_picks_the_syntax(tmp_path: Path, name: str,
                                                  syntax: str) -> None:
    read, _ = tree(tmp_path, {name: "* @x\n"})
    assert syntax_for(settings(file=name), "local", read) == syntax


def test_a_named_file_is_read_instead_of_the_usual_ones(tmp_path: Path) -> None:
    read, asked = tree(tmp_path, {**ALL, "team/OWNERS": "*.py @py-team\n"})
    found = gather(settings(file="team/OWNERS"), "github", read, "the base commit abc",
                   ["a.py", "b.md"])
    assert found is not None and found.source == "team/OWNERS"
    assert (found.owners_of("a.py"), found.owners_of("b.md")) == (("@py-team",), ())
    assert found.summary.unowned == ("b.md",)
    assert asked == ["team/OWNERS"]


def test_a_named_file_that_is_missing_is_a_policy_error(tmp_path: Path) -> None:
    read, _ = tree(tmp_path, ALL)
    with pytest.raises(PolicyError, match=r"codeowners\.file: team/OWNERS is not in "
                       r"the base commit abc") as info:
        gather(settings(file="team/OWNERS"), "github", read, "the base commit abc", ["a.py"])
    assert info.value.hint is not None and "leave codeowners.file out" in info.value.hint
    assert info.value.file == "team/OWNERS"


def test_no_file_anywhere_is_none(tmp_path: Path) -> None:
    read, asked = tree(tmp_path, {"src/CODEOWNERS": "* @nested\n", ".github/codeowners": "* @x\n"})
    assert gather(settings(), "github", read, "the work tree", ["a.py"]) is None
    assert asked == [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]


def test_disabled_reads_nothing(tmp_path: Path) -> None:
    read, asked = tree(tmp_path, ALL)
    assert gather(settings(enabled=False), "github", read, "the work tree", ["a.py"]) is None
    assert asked == []


GITLAB = """\
* @everyone

[Backend][2] @backend-leads
*.py
api/ @api-team

^[Docs] @writers
*.md

[Security] @sec
auth/
"""


def test_gitlab_sections_give_required_groups_and_optional_owners(tmp_path: Path) -> None:
    read, _ = tree(tmp_path, {".gitlab/CODEOWNERS": GITLAB})
    touched = ["api/handler.py", "auth/login.py", "README.md", "Makefile"]
    found = gather(settings(), "gitlab", read, "the work tree", touched)
    assert found is not None and (found.source, found.syntax) == (".gitlab/CODEOWNERS", "gitlab")
    summary = found.summary
    assert found.owners_of("api/handler.py") == ("@everyone", "@api-team")
    assert found.owners_of("auth/login.py") == ("@everyone", "@backend-leads", "@sec")
    assert found.owners_of("README.md") == ("@everyone", "@writers")
    # every owner is asked, the optional section's too; only required sections need approvals
    assert summary.owners == ("@everyone", "@api-team", "@backend-leads", "@sec", "@writers")
    required = {(r.section, r.owners, r.approvals, r.paths) for r in summary.required}
    assert required == {
        (None, ("@everyone",), 1, tuple(touched)),
        ("Backend", ("@api-team",), 2, ("api/handler.py",)),
        ("Backend", ("@backend-leads",), 2, ("auth/login.py",)),
        ("Security", ("@sec",), 1, ("auth/login.py",)),
    }
    assert all(r.section != "Docs" for r in summary.required)
    assert found.problems == ()


def test_github_syntax_has_no_sections_and_problems_are_kept(tmp_path: Path) -> None:
    read, _ = tree(tmp_path, {".github/CODEOWNERS": "*.py @py\nbad-line-without-owner x\n"})
    found = gather(settings(), "github", read, "the work tree", ["a.py"])
    assert found is not None and found.syntax == "github"
    assert [(r.section, r.owners) for r in found.summary.required] == [(None, ("@py",))]
    assert [(p.source, p.line) for p in found.problems] == [(".github/CODEOWNERS", 2)]
