"""Mapping report paths to repository files: CI machines, containers, roots, suffixes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gatekeeper.facts.coverage.paths import Mapped, PathMapper, normalise
from tests.conftest import Repo

FILES = (
    "setup.py",
    "src/pkg/__init__.py",
    "src/pkg/core.py",
    "src/pkg/util/io.py",
    "tests/test_core.py",
    "src/Agent/Program.cs",
)


def mapped(path: str, *roots: str, files: tuple[str, ...] = FILES, repo_root: str | None = None,
           source_roots: Sequence[str] = (), strip_prefixes: Sequence[str] = ()) -> Mapped:
    """``path`` of a report with ``roots``, mapped onto the repository's ``files``."""
    mapper = PathMapper(files, repo_root=repo_root, source_roots=source_roots,
                        strip_prefixes=strip_prefixes)
    return mapper.map(path, roots)


@pytest.mark.parametrize(("given", "expected"), [
    ("src\\pkg\\core.py", "src/pkg/core.py"),
    ("C:\\agent\\_work\\1\\s\\src\\A.cs", "/agent/_work/1/s/src/A.cs"),
    ("c:/x/y.py", "/x/y.py"),
    ("./src/./pkg/core.py", "src/pkg/core.py"),
    ("src/pkg/../pkg/util/../core.py", "src/pkg/core.py"),
    ("src//pkg///core.py", "src/pkg/core.py"),
    ("../../src/a.py", "../../src/a.py"),
    ("a/../../b.py", "../b.py"),
    ("/../etc/x.py", "/etc/x.py"),
    ("src/pkg/", "src/pkg"),
    (".hidden/x.py", ".hidden/x.py"),
    ("./", ""),
])
def test_normalise(given: str, expected: str) -> None:
    assert normalise(given) == expected


def test_a_repository_path_maps_exactly() -> None:
    assert mapped("src/pkg/core.py") == Mapped("src/pkg/core.py", "src/pkg/core.py", "exact")
    assert mapped("./src\\pkg\\core.py").repo_path == "src/pkg/core.py"


@pytest.mark.parametrize("ci_path", [
    "/home/runner/work/proj/proj/src/pkg/core.py",  # GitHub-hosted runner
    "/builds/group/sub/proj/src/pkg/core.py",  # GitLab runner
    "/__w/proj/proj/src/pkg/core.py",  # GitHub job container
])
def test_absolute_paths_from_a_ci_machine_map_by_suffix(ci_path: str) -> None:
    result = mapped(ci_path)
    assert (result.repo_path, result.how) == ("src/pkg/core.py", "suffix")
    # A local checkout elsewhere does not stop the suffix match.
    assert mapped(ci_path, repo_root="/home/me/proj").repo_path == "src/pkg/core.py"


def test_absolute_paths_under_the_checkout_are_made_relative() -> None:
    root = "/home/runner/work/proj/proj"
    result = mapped(f"{root}/src/pkg/core.py", repo_root=root)
    assert (result.repo_path, result.how) == ("src/pkg/core.py", "absolute under the repository")
    assert mapped(f"{root}/setup.py", repo_root=root + "/").repo_path == "setup.py"


def test_windows_agent_paths() -> None:
    path = "C:\\agent\\_work\\1\\s\\src\\Agent\\Program.cs"
    assert mapped(path).repo_path == "src/Agent/Program.cs"
    on_agent = mapped(path, repo_root="C:\\agent\\_work\\1\\s")
    assert (on_agent.repo_path, on_agent.how) == ("src/Agent/Program.cs",
                                                  "absolute under the repository")
    # Drive letters differ in case between tools; the rest of the path does not.
    assert mapped("d:\\agent\\_work\\1\\s\\src\\Agent\\Program.cs",
                  repo_root="D:\\agent\\_work\\1\\s").how == "absolute under the repository"


def test_a_container_prefix_is_stripped_on_whole_components() -> None:
    files = ("a.py", "app/a.py")
    # Without the prefix, the longest suffix is app/a.py; inside the container it was a.py.
    assert mapped("/app/a.py", files=files).repo_path == "app/a.py"
    stripped = mapped("/app/a.py", files=files, strip_prefixes=["/app/"])
    assert (stripped.repo_path, stripped.how) == ("a.py", "prefix /app/")
    assert mapped("/app/a.py", files=files, strip_prefixes=["/app"]).how == "prefix /app"
    assert mapped("/application/a.py", files=files, strip_prefixes=["/app"]).how == "suffix"


def test_the_longest_configured_prefix_wins() -> None:
    result = mapped("/app/src/pkg/core.py", strip_prefixes=["/app", "/app/src"],
                    source_roots=["src"])
    assert (result.repo_path, result.how) == ("src/pkg/core.py",
                                              "prefix /app/src, source root src")


def test_a_container_prefix_is_stripped_from_report_roots_too() -> None:
    result = mapped("pkg/core.py", "/app/src", strip_prefixes=["/app/"])
    assert (result.repo_path, result.how) == ("src/pkg/core.py", "prefix /app/, source root src")


JAVA = (
    "core/src/main/java/com/acme/Bar.java",
    "core/src/main/java/com/acme/Util.java",
    "web/src/main/java/com/acme/Util.java",
)


def test_jacoco_package_paths_under_configured_source_roots() -> None:
    roots = ["core/src/main/java", "web/src/main/java"]
    bar = mapped("com/acme/Bar.java", files=JAVA, source_roots=roots)
    assert (bar.repo_path, bar.how) == (JAVA[0], "source root core/src/main/java")
    util = mapped("com/acme/Util.java", files=JAVA, source_roots=roots)
    assert util.repo_path is None
    assert util.candidates == (JAVA[1], JAVA[2])
    assert util.how == f"ambiguous: matches {JAVA[1]}, {JAVA[2]}"


def test_jacoco_package_paths_map_by_suffix_without_source_roots() -> None:
    assert mapped("com/acme/Bar.java", files=JAVA).how == "suffix"
    assert mapped("com/acme/Bar.java", files=JAVA).repo_path == JAVA[0]
    assert mapped("com/acme/Util.java", files=JAVA).candidates == (JAVA[1], JAVA[2])


def test_cobertura_relative_source_root() -> None:
    result = mapped("pkg/core.py", "src")
    assert (result.repo_path, result.how) == ("src/pkg/core.py", "source root src")
    assert mapped("setup.py", ".").how == "exact"


def test_the_reports_own_root_beats_the_path_as_it_is() -> None:
    files = ("pkg/core.py", "src/pkg/core.py")
    assert mapped("pkg/core.py", "src", files=files).repo_path == "src/pkg/core.py"
    assert mapped("pkg/core.py", files=files).repo_path == "pkg/core.py"


def test_cobertura_absolute_source_root() -> None:
    root = "/home/runner/work/proj/proj"
    elsewhere = mapped("pkg/core.py", f"{root}/src")
    assert (elsewhere.repo_path, elsewhere.how) == ("src/pkg/core.py",
                                                    f"source root {root}/src, suffix")
    here = mapped("pkg/core.py", f"{root}/src", repo_root=root)
    assert (here.repo_path, here.how) == (
        "src/pkg/core.py", f"source root {root}/src, absolute under the repository")


def test_several_report_roots() -> None:
    assert mapped("test_core.py", "src", "tests").repo_path == "tests/test_core.py"
    both = mapped("x.py", "a", "b", files=("a/x.py", "b/x.py"))
    assert (both.repo_path, both.candidates) == (None, ("a/x.py", "b/x.py"))


def test_report_roots_combine_with_configured_source_roots() -> None:
    files = ("packages/web/src/index.ts",)
    result = mapped("index.ts", "src", files=files, source_roots=["packages/web"])
    assert (result.repo_path, result.how) == (files[0], "source root packages/web/src")


MONOREPO = (
    "packages/web/src/index.ts",
    "packages/web/src/view.ts",
    "packages/api/src/index.ts",
    "src/index.ts",
)


def test_monorepo_package_relative_paths() -> None:
    # The configured package root wins over a same-named file at the repository root.
    web = mapped("src/index.ts", files=MONOREPO, source_roots=["packages/web"])
    assert (web.repo_path, web.how) == ("packages/web/src/index.ts", "source root packages/web")
    assert mapped("src/view.ts", files=MONOREPO).repo_path == "packages/web/src/view.ts"
    assert mapped("src/index.ts", files=MONOREPO).repo_path == "src/index.ts"
    assert mapped("index.ts", files=MONOREPO).candidates == (
        "packages/api/src/index.ts", "packages/web/src/index.ts", "src/index.ts")


def test_the_longest_suffix_match_wins() -> None:
    files = ("conftest.py", "tests/conftest.py", "tests/unit/conftest.py")
    ci = "/home/runner/work/p/p/tests/conftest.py"
    assert mapped(ci, files=files).repo_path == "tests/conftest.py"
    assert mapped("/ci/other/conftest.py", files=files).repo_path == "conftest.py"
    assert mapped("unit/conftest.py", files=files).repo_path == "tests/unit/conftest.py"


def test_an_ambiguous_suffix_is_unmapped_with_its_candidates() -> None:
    files = tuple(f"m{i}/util.py" for i in range(8))
    result = mapped("util.py", files=files)
    assert result.repo_path is None
    assert result.candidates == tuple(sorted(files))
    assert result.how == ("ambiguous: matches m0/util.py, m1/util.py, m2/util.py, m3/util.py, "
                          "m4/util.py and 3 more")


@pytest.mark.parametrize("path", [
    "ar.py", "oo/bar.py", "/ci/xfoobar.py", "/ci/foo/x/bar.py", "src/foobar.py/x",
])
def test_never_a_partial_component(path: str) -> None:
    result = mapped(path, files=("foobar.py", "lib/foo/bar.py"))
    assert (result.repo_path, result.how) == (None, "no repository file matches")


def test_matching_is_case_sensitive() -> None:
    assert mapped("SRC/pkg/core.py").repo_path is None
    assert mapped("/ci/src/Pkg/core.py").repo_path is None


def test_outside_the_repository() -> None:
    outside = mapped("/usr/lib/python3.12/json/decoder.py", repo_root="/home/me/proj")
    assert (outside.repo_path, outside.how) == (None, "outside the repository")
    # Without a known checkout an absolute path is simply unmatched.
    assert mapped("/usr/lib/python3.12/json/decoder.py").how == "no repository file matches"


def test_inside_the_checkout_but_not_a_repository_file() -> None:
    result = mapped("/home/me/proj/build/gen/parser.py", repo_root="/home/me/proj")
    assert (result.repo_path, result.how) == (None,
                                              "inside the repository but not one of its files")
    # An installed copy inside the checkout still maps to its source by suffix...
    installed = "/home/me/proj/.tox/py/lib/site-packages/pkg/util/io.py"
    copy = mapped(installed, files=("pkg/util/io.py",), repo_root="/home/me/proj")
    assert (copy.repo_path, copy.how) == ("pkg/util/io.py",
                                          "absolute under the repository, suffix")
    # ...but only when whole trailing components agree: src/pkg/... is not a tail of it.
    assert mapped(installed, repo_root="/home/me/proj").repo_path is None


def test_dot_dot_is_resolved_against_roots() -> None:
    root = "/home/runner/work/proj/proj"
    result = mapped("../src/pkg/core.py", f"{root}/build", repo_root=root)
    assert (result.repo_path, result.how) == (
        "src/pkg/core.py", f"source root {root}/build, absolute under the repository")
    assert mapped("../tests/test_core.py", "src").how == "source root src"
    # Above an unknown directory, only the components below the climb are evidence.
    assert mapped("../../src/pkg/core.py") == Mapped("../../src/pkg/core.py",
                                                     "src/pkg/core.py", "suffix")
    assert mapped("../..").how == "no repository file matches"


def test_an_empty_path_is_unmapped() -> None:
    assert mapped("") == Mapped("", None, "empty path")
    assert mapped("./.").how == "empty path"


def test_answers_are_remembered_per_path_and_roots() -> None:
    mapper = PathMapper(("a/x.py", "b/x.py"))
    first = mapper.map("x.py", ["a"])
    assert mapper.map("x.py", ("a",)) is first
    assert first.repo_path == "a/x.py"
    assert mapper.map("x.py", ("b",)).repo_path == "b/x.py"
    assert mapper.map("x.py").repo_path is None


def test_files_of_a_real_checkout(repo: Repo) -> None:
    for name in ("src/app/main.py", "src/app/util.py", "tests/test_main.py", "dïr/a b.py"):
        repo.write(name, "x = 1\n")
    repo.commit()
    files = repo.git("-c", "core.quotePath=false", "ls-files").splitlines()
    mapper = PathMapper(files, repo_root=str(repo.path))
    for name in files:
        result = mapper.map(str(repo.path / name))
        assert (result.repo_path, result.how) == (name, "absolute under the repository")
    assert mapper.map(str(repo.path / "src" / "app" / "gone.py")).repo_path is None
    assert mapper.map(str(repo.path.parent / "other.py")).how == "outside the repository"


def test_large_reports_against_large_repositories() -> None:
    files = [f"d{i % 97}/e{i % 89}/f{i}/mod{i % 10}.py" for i in range(20_000)]
    mapper = PathMapper(files, repo_root="/home/me/proj")
    on_ci = [mapper.map(f"/home/runner/work/p/p/{f}") for f in files]
    relative = [mapper.map(f.split("/", 1)[1]) for f in files]
    exact = [mapper.map(f) for f in files]
    for results in (on_ci, relative, exact):
        assert [r.repo_path for r in results] == files
