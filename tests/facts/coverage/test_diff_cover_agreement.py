"""Patch coverage agrees with diff-cover's in its own scenarios, rebuilt as real repositories.

Each test builds a ``main`` branch and a ``feature`` branch, writes Cobertura reports (or runs
coverage.py for real), and compares both tools line by line (see tests/coverage/agreement.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo, move, numbered
from tests.facts.coverage.agreement import (
    added_at,
    as_ranges,
    assert_agreement,
    both,
    expand,
    files_of,
    hits,
    on_branch,
    ours_measured,
    pattern,
    text,
    theirs_measured,
    write_report,
)


def test_added_file(repo: Repo, tmp_path: Path) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("base")
    on_branch(repo)
    repo.write("hello.py", "".join(f"print({n})\n" for n in range(1, 11)))
    repo.commit("add hello")
    report = write_report(tmp_path / "coverage.xml",
                          {"hello.py": hits([1, 2, 4, 7], [5, 8, 9])}, [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    hello = files_of(ours)["hello.py"]
    assert (hello["changed_lines"], hello["uncovered_lines"]) == ([[1, 10]], [[5, 5], [8, 9]])
    assert hello["in_report"] and hello["percent"] == pytest.approx(400 / 7)


def test_changed_file(repo: Repo, tmp_path: Path) -> None:
    old = numbered(30).splitlines()
    repo.write("calc.py", text(old))
    repo.commit("base")
    on_branch(repo)
    new = [*old[:4], "new a", "new b", "new c", *old[6:20], "new d", "new e", *old[20:24]]
    new += [*old[26:], "new f", "new g"]
    repo.write("calc.py", text(new))
    repo.commit("edit calc")
    report = write_report(tmp_path / "coverage.xml", {"calc.py": pattern(len(new))}, [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert files_of(ours)["calc.py"]["changed_lines"] == as_ranges(added_at(new))
    assert theirs["total_num_violations"] > 0 and theirs["total_num_lines"] > 3


def test_deleted_file(repo: Repo, tmp_path: Path) -> None:
    repo.write("gone.py", numbered(12))
    repo.write("keep.py", numbered(12))
    repo.commit("base")
    on_branch(repo)
    (repo.path / "gone.py").unlink()
    repo.write("keep.py", numbered(12) + "new 1\nnew 2\nnew 3\n")
    repo.commit("delete gone, grow keep")
    report = write_report(tmp_path / "coverage.xml", {"keep.py": pattern(15)}, [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert "gone.py" not in ours_measured(ours)
    assert files_of(ours)["keep.py"]["changed_lines"] == [[13, 15]]


def test_renamed_file_without_edits_measures_nothing(repo: Repo, tmp_path: Path) -> None:
    repo.write("old/mod.py", numbered(20))
    repo.commit("base")
    on_branch(repo)
    move(repo, "old/mod.py", "new/mod.py")
    repo.commit("move")
    report = write_report(tmp_path / "coverage.xml", {"new/mod.py": pattern(20)}, [repo.path])
    ours, theirs = both(repo, [report])
    assert theirs["total_num_lines"] == 0 and theirs["total_percent_covered"] == 100
    assert_agreement(ours, theirs)
    assert ours["patch"]["changed"] == 0 and ours["patch"]["percent"] is None


def test_renamed_file_with_edits_counts_only_the_edits(repo: Repo, tmp_path: Path) -> None:
    old = numbered(40).splitlines()
    repo.write("pkg/engine.py", text(old))
    repo.commit("base")
    on_branch(repo)
    new = [*old[:9], "new ten", *old[10:30], "new after thirty", *old[30:]]
    repo.write("pkg/engine.py", text(new))
    move(repo, "pkg/engine.py", "core/engine.py")
    repo.commit("move and edit")
    assert "R" in repo.git("diff", "--name-status", "main...HEAD")
    lines = pattern(len(new)) | hits([10], [31])
    report = write_report(tmp_path / "coverage.xml", {"core/engine.py": lines}, [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    engine = files_of(ours)["core/engine.py"]
    assert (engine["covered_lines"], engine["uncovered_lines"]) == ([[10, 10]], [[31, 31]])
    assert ours["patch"]["changed"] == 2


def test_unicode_names_and_content(repo: Repo, tmp_path: Path) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("base")
    on_branch(repo)
    names = ["dïr/naïve façade.py", "数据/模块.py", "ẗëṡẗ.py"]
    for name in names:
        repo.write(name, "".join(f"ẗëṡẗ = '{name} {n}'\n" for n in range(1, 11)))
    repo.commit("unicode")
    report = write_report(tmp_path / "coverage.xml", {name: pattern(10) for name in names},
                          [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert set(ours_measured(ours)) == set(names)


def test_subdirectories_under_several_source_roots(repo: Repo, tmp_path: Path) -> None:
    repo.write("src/app/core/model.py", numbered(10))
    repo.write("lib/tools/strings.py", numbered(10))
    repo.commit("base")
    on_branch(repo)
    repo.write("src/app/core/model.py", numbered(10) + "new 1\nnew 2\n")
    repo.write("src/app/util/deep/er/helpers.py", numbered(9, "new"))
    repo.write("lib/tools/strings.py", "new 0\n" + numbered(10))
    repo.commit("grow")
    files = {"app/core/model.py": pattern(12), "app/util/deep/er/helpers.py": pattern(9),
             "tools/strings.py": pattern(11)}
    report = write_report(tmp_path / "coverage.xml", files,
                          [repo.path / "src", repo.path / "lib"])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert set(ours_measured(ours)) == {"src/app/core/model.py", "lib/tools/strings.py",
                                        "src/app/util/deep/er/helpers.py"}


def test_dotted_relative_filenames(repo: Repo, tmp_path: Path) -> None:
    """Reports such as luacov's name files ``./x``; both tools normalise the path."""
    repo.write("lua/main.lua", numbered(8))
    repo.commit("base")
    on_branch(repo)
    repo.write("lua/main.lua", numbered(8) + "new 1\nnew 2\nnew 3\n")
    repo.commit("grow")
    report = write_report(tmp_path / "luacov.xml", {"./lua/./main.lua": pattern(11)})
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert set(ours_measured(ours)) == {"lua/main.lua"}


def test_absolute_filenames_without_sources(repo: Repo, tmp_path: Path) -> None:
    """Converters for .NET and JVM tools write absolute file names and no source roots."""
    repo.write("src/App/Program.cs", numbered(6))
    repo.commit("base")
    on_branch(repo)
    repo.write("src/App/Program.cs", numbered(6) + "new 1\nnew 2\nnew 3\nnew 4\n")
    repo.commit("grow")
    absolute = f"{repo.path.resolve().as_posix()}/src/App/Program.cs"
    report = write_report(tmp_path / "coverage.cobertura.xml", {absolute: pattern(10)})
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert set(ours_measured(ours)) == {"src/App/Program.cs"}


def test_several_reports_of_shards(repo: Repo, tmp_path: Path) -> None:
    """A line covered by any shard is covered; shards measure a file's same statements."""
    repo.write("README.md", "hi\n")
    repo.commit("base")
    on_branch(repo)
    for name in ("api.py", "shared.py", "worker.py"):
        repo.write(name, numbered(12, "new"))
    repo.commit("add")
    statements = [1, 2, 3, 5, 6, 7, 9, 11]
    first = {"api.py": pattern(12),
             "shared.py": hits([1, 2, 5], [n for n in statements if n not in (1, 2, 5)])}
    second = {"shared.py": hits([1, 3, 9], [n for n in statements if n not in (1, 3, 9)]),
              "worker.py": pattern(12, unmeasured=[1, 2])}
    third = {"shared.py": hits([7], [n for n in statements if n != 7])}
    reports = [write_report(tmp_path / f"shard{n}.xml", files, [repo.path])
               for n, files in enumerate((first, second, third), 1)]
    ours, theirs = both(repo, reports)
    assert_agreement(ours, theirs)
    shared = files_of(ours)["shared.py"]
    assert shared["covered_lines"] == [[1, 3], [5, 5], [7, 7], [9, 9]]
    assert shared["uncovered_lines"] == [[6, 6], [11, 11]]


def test_changed_files_missing_from_the_report(repo: Repo, tmp_path: Path) -> None:
    """Changed files that no report names, and a report file the repository does not have."""
    repo.write("a.py", numbered(5))
    repo.commit("base")
    on_branch(repo)
    repo.write("a.py", numbered(5) + "new 1\nnew 2\nnew 3\n")
    repo.write("b.py", numbered(7, "new"))
    repo.write("docs/guide.md", numbered(4, "new"))
    repo.commit("change")
    files = {"a.py": pattern(8), "elsewhere/stale.py": pattern(3)}
    report = write_report(tmp_path / "coverage.xml", files, [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs, unmapped=["elsewhere/stale.py"])
    found = files_of(ours)
    assert found["a.py"]["in_report"]
    for name in ("b.py", "docs/guide.md"):
        assert not found[name]["in_report"] and found[name]["percent"] is None
        assert found[name]["covered_lines"] == found[name]["uncovered_lines"] == []
    assert ours["patch"]["changed"] == 3 + 7 + 4


def test_nothing_measured_is_no_percentage(repo: Repo, tmp_path: Path) -> None:
    """diff-cover calls a change that no report measures 100% covered; gatekeeper says null."""
    repo.write("a.py", numbered(10))
    repo.commit("base")
    on_branch(repo)
    repo.write("a.py", numbered(10) + "new comment\n")
    repo.write("notes.txt", "new\n")
    repo.commit("comment only")
    report = write_report(tmp_path / "coverage.xml", {"a.py": pattern(10)}, [repo.path])
    ours, theirs = both(repo, [report])
    assert theirs["total_num_lines"] == 0 and theirs["total_percent_covered"] == 100
    assert_agreement(ours, theirs)
    assert files_of(ours)["a.py"]["in_report"] and files_of(ours)["a.py"]["percent"] is None


def test_base_that_moved_on_counts_from_the_merge_base(repo: Repo, tmp_path: Path) -> None:
    old = numbered(20).splitlines()
    repo.write("a.py", text(old))
    repo.commit("base")
    on_branch(repo)
    first = [*old[:4], "new five", "new six", *old[5:]]
    repo.write("a.py", text(first))
    repo.commit("feature 1")
    second = [*first[:5], "new six again", *first[6:], "new last"]
    repo.write("a.py", text(second))
    repo.commit("feature 2")
    repo.git("checkout", "-q", "main")
    repo.write("a.py", text([*old[:14], "main fifteen", *old[15:]]))
    repo.write("main_only.py", numbered(5))
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    report = write_report(tmp_path / "coverage.xml", {"a.py": pattern(len(second))},
                          [repo.path])
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    assert set(files_of(ours)) == {"a.py"}
    assert files_of(ours)["a.py"]["changed_lines"] == as_ranges(added_at(second))


# -- a real coverage.py run ----------------------------------------------------------------

AREA = '''\
"""Areas of shapes."""

import math


def circle(radius):
    if radius < 0:
        raise ValueError("negative radius")
    return math.pi * radius**2


def square(side):
    return side * side
'''

AREA_MORE = '''

def rectangle(width, height):
    if width == height:
        return square(width)
    return width * height


def triangle(base, height):
    if base <= 0 or height <= 0:
        raise ValueError("sides must be positive")
    return base * height / 2
'''

UNUSED = '''\
def never(x):
    if x:
        return 1
    return 2
'''

DRIVER = '''\
from shapes.area import circle, rectangle, triangle

print(circle(1), rectangle(2, 3), triangle(2, 2))
'''


def run_coverage(repo: Repo, where: str, out: Path, *args: str) -> Path:
    """Run ``coverage run *args`` in folder ``where`` of ``repo``, then write its XML to ``out``."""
    env = {**os.environ, "COVERAGE_FILE": str(out.with_suffix(".data")),
           "PYTHONPATH": str(repo.path / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    for command in (["run", *args], ["xml", "-q", "-o", str(out)]):
        subprocess.run([sys.executable, "-m", "coverage", *command], cwd=repo.path / where,
                       env=env, check=True, capture_output=True)
    return out


@pytest.mark.parametrize(("where", "branch", "named"), [
    (".", False, "src/shapes/area.py"),  # run from the root: paths from the root
    ("src", True, "shapes/area.py"),  # run from src: paths from src, its source root
], ids=["lines-from-root", "branches-from-src"])
def test_real_coverage_py_run(repo: Repo, tmp_path: Path, where: str, branch: bool,
                              named: str) -> None:
    repo.write("src/shapes/__init__.py", "")
    repo.write("src/shapes/area.py", AREA)
    repo.write("tests/run_shapes.py", "from shapes.area import circle\n\nprint(circle(1))\n")
    repo.commit("base")
    on_branch(repo)
    repo.write("src/shapes/area.py", AREA + AREA_MORE)
    repo.write("src/shapes/unused.py", UNUSED)
    repo.write("tests/run_shapes.py", DRIVER)
    repo.commit("more shapes")
    options = ["--branch"] if branch else []
    report = run_coverage(repo, where, tmp_path / "coverage.xml", *options,
                          f"--source={repo.path / 'src'}", str(repo.path / "tests/run_shapes.py"))
    assert f'filename="{named}"' in report.read_text(encoding="utf-8")
    ours, theirs = both(repo, [report])
    assert_agreement(ours, theirs)
    found = files_of(ours)
    area_lines = (AREA + AREA_MORE).splitlines()
    missed = {area_lines.index("        return square(width)") + 1,
              area_lines.index('        raise ValueError("sides must be positive")') + 1}
    assert expand(found["src/shapes/area.py"]["uncovered_lines"]) == missed
    assert found["src/shapes/unused.py"]["uncovered_lines"] == [[1, 4]]
    assert not found["tests/run_shapes.py"]["in_report"]


# -- where diff-cover is known to be wrong ---------------------------------------------------


def test_edit_after_a_last_line_without_newline(repo: Repo, tmp_path: Path) -> None:
    """diff-cover counts git's "\\ No newline at end of file" marker as a line of the new file,
    so the lines added after it are off by one there. Gatekeeper must count the real lines."""
    repo.write("tail.py", "a = 1\nb = 2")
    repo.commit("base")
    on_branch(repo)
    repo.write("tail.py", "a = 1\nc = 3\nd = 4\n")
    repo.commit("edit the last line")
    report = write_report(tmp_path / "coverage.xml", {"tail.py": hits([1, 3], [2])}, [repo.path])
    ours, theirs = both(repo, [report])
    tail = files_of(ours)["tail.py"]
    assert (tail["changed_lines"], tail["covered_lines"], tail["uncovered_lines"]) == (
        [[2, 3]], [[3, 3]], [[2, 2]])
    assert ours["patch"]["percent"] == pytest.approx(50.0)
    # diff-cover's changed lines are 3 and 4, of which the report knows line 3, covered.
    shifted: tuple[set[int], set[int]] = ({3}, set())
    assert theirs_measured(theirs)["tail.py"] in (ours_measured(ours)["tail.py"], shifted)


def test_line_one_report_misses_and_another_does_not_measure(repo: Repo, tmp_path: Path) -> None:
    """diff-cover keeps a line as missed only if every report naming the file misses it, so a
    report that does not measure the line at all makes it covered there. It is still missed."""
    repo.write("README.md", "hi\n")
    repo.commit("base")
    on_branch(repo)
    repo.write("s.py", numbered(6, "new"))
    repo.commit("add")
    first = write_report(tmp_path / "first.xml", {"s.py": hits([1], [2, 3])}, [repo.path])
    second = write_report(tmp_path / "second.xml", {"s.py": hits([1], [2])}, [repo.path])
    ours, theirs = both(repo, [first, second])
    assert ours_measured(ours) == {"s.py": ({1}, {2, 3})}
    quirk: tuple[set[int], set[int]] = ({1, 3}, {2})
    assert theirs_measured(theirs)["s.py"] in (ours_measured(ours)["s.py"], quirk)
