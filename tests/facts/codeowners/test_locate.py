"""Which CODEOWNERS file each platform uses when a repository holds several."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.facts.codeowners import CANDIDATES, first_present, parse
from gatekeeper.facts.codeowners.patterns import Syntax
from tests.conftest import Repo, make_repo


def tracked(repo: Repo) -> set[str]:
    """Commits everything; the paths git tracks."""
    repo.commit()
    return set(repo.git("ls-files").split("\n"))


def test_candidates_in_documented_order() -> None:
    assert CANDIDATES["github"] == (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
    assert CANDIDATES["gitlab"] == ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@pytest.mark.parametrize(
    ("present", "github", "gitlab"),
    [
        ({"CODEOWNERS", "docs/CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS"},
         ".github/CODEOWNERS", "CODEOWNERS"),
        ({"docs/CODEOWNERS", ".gitlab/CODEOWNERS"}, "docs/CODEOWNERS", "docs/CODEOWNERS"),
        ({".gitlab/CODEOWNERS", "CODEOWNERS"}, "CODEOWNERS", "CODEOWNERS"),
        ({".gitlab/CODEOWNERS"}, None, ".gitlab/CODEOWNERS"),
        ({"src/CODEOWNERS", ".github/codeowners"}, None, None),  # exact names and places only
    ],
)
def test_the_first_present_file_is_used(tmp_path: Path, present: set[str], github: str | None,
                                        gitlab: str | None) -> None:
    repo = make_repo(tmp_path / "repo")
    for name in present:
        repo.write(name, f"* @from-{name.replace('/', '-')}\n")
    repo.write("src/main.py", "print()\n")
    paths = tracked(repo)
    assert first_present(paths, syntax="github") == github
    assert first_present(paths, syntax="gitlab") == gitlab


@pytest.mark.parametrize("syntax", ["github", "gitlab"])
def test_the_chosen_file_is_the_one_read(tmp_path: Path, syntax: Syntax) -> None:
    repo = make_repo(tmp_path / "repo")
    for name in CANDIDATES[syntax][::-1]:
        repo.write(name, f"* @{name.replace('/', '-').strip('.')}\n")
    chosen = first_present(tracked(repo), syntax=syntax)
    assert chosen is not None
    co = parse((repo.path / chosen).read_bytes(), syntax=syntax, source=chosen)
    assert co.owners_of("src/main.py")[0].owners == (
        "@" + CANDIDATES[syntax][0].replace("/", "-").strip("."),)
