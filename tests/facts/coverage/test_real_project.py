"""A real project's own test suite, run under coverage.py at two releases, judged by both tools.

more-itertools ships its tests in its sdist and runs them with the standard library's unittest.
Release 9.1.0 is committed on ``main`` and 10.0.0 on a branch over it (a real diff: hundreds of
lines across the package, its tests and docs); the suite runs under coverage.py at each commit.
Gatekeeper must agree with diff-cover on the patch and with coverage.py on the totals.

The sdists are downloaded once with pip and kept in pytest's cache. Without network the tests
skip, unless GATEKEEPER_REQUIRE_REAL_PROJECT=1 makes that a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import pytest

from tests.conftest import make_repo
from tests.facts.coverage import agreement
from tests.facts.coverage.agreement import TOLERANCE, assert_agreement, diff_cover, ours_measured

PROJECT = "more-itertools"
BASE_VERSION = "9.1.0"
HEAD_VERSION = "10.0.0"
REQUIRE = "GATEKEEPER_REQUIRE_REAL_PROJECT"
DOWNLOAD_TIMEOUT_S = 180
RCFILE = "[run]\nbranch = false\n"
"""Our own coverage configuration, so that no file in the project can change what is measured."""


@dataclass(frozen=True)
class Measured:
    """One commit's coverage: the Cobertura report and coverage.py's own totals."""

    xml: Path
    totals: dict[str, Any]


@dataclass(frozen=True)
class Project:
    repo: Path
    base: Measured
    head: Measured


def unavailable(reason: str) -> NoReturn:
    """Skips for ``reason``, or fails when CI requires the real project."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} ({REQUIRE}=1)")
    pytest.skip(reason)


def find_sdist(folder: Path, version: str) -> Path | None:
    """The sdist of ``version``, whichever way the release spelt the project's name."""
    wanted = re.compile(rf"more[-_.]itertools-{re.escape(version)}\.tar\.gz", re.IGNORECASE)
    return next((p for p in sorted(folder.iterdir()) if wanted.fullmatch(p.name)), None)


@pytest.fixture(scope="session")
def sdists(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two releases' sdists, downloaded once into pytest's cache."""
    cache = getattr(request.config, "cache", None)
    folder = (cache.mkdir("gatekeeper-real-project") if cache is not None
              else tmp_path_factory.mktemp("sdists"))
    found: dict[str, Path] = {}
    for version in (BASE_VERSION, HEAD_VERSION):
        sdist = find_sdist(folder, version)
        if sdist is None:
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                       "--no-binary", ":all:", "--disable-pip-version-check", "--dest",
                       str(folder), f"{PROJECT}=={version}"]
            try:
                result = subprocess.run(command, capture_output=True, check=False,
                                        timeout=DOWNLOAD_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                unavailable(f"pip download of {PROJECT} {version} timed out")
            sdist = find_sdist(folder, version)
            if result.returncode != 0 or sdist is None:
                error = result.stderr.decode("utf-8", errors="replace").strip()[-500:]
                unavailable(f"cannot download {PROJECT} {version}: {error}")
        found[version] = sdist
    return found


def unpack(sdist: Path, into: Path) -> None:
    """The sdist's regular files, without its top folder, into ``into``."""
    with tarfile.open(sdist, "r:gz") as archive:
        for member in archive.getmembers():
            parts = PurePosixPath(member.name).parts[1:]
            if not member.isfile() or not parts or ".." in parts:
                continue
            data = archive.extractfile(member)
            assert data is not None
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.read())


def measure(repo: Path, out: Path) -> Measured:
    """Run the project's unittest suite under coverage.py; keep its XML and JSON totals."""
    rcfile = out.with_suffix(".rc")
    rcfile.write_text(RCFILE, encoding="utf-8")
    env = {**os.environ, "COVERAGE_FILE": str(out.with_suffix(".data")),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("COVERAGE_PROCESS_START", None)

    def coverage(*args: str, check: bool = True) -> None:
        subprocess.run([sys.executable, "-m", "coverage", *args], cwd=repo, env=env,
                       capture_output=True, check=check)

    # The suite's own verdict does not matter here (a newer Python may fail an old test);
    # what ran is what counts.
    coverage("run", f"--rcfile={rcfile}", "-m", "unittest", "-q", check=False)
    xml, summary = out.with_suffix(".xml"), out.with_suffix(".json")
    coverage("xml", f"--rcfile={rcfile}", "-q", "-o", str(xml))
    coverage("json", f"--rcfile={rcfile}", "-q", "-o", str(summary))
    return Measured(xml, json.loads(summary.read_text(encoding="utf-8"))["totals"])


@pytest.fixture(scope="module")
def project(sdists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A repository of the base release with the head release on a feature branch."""
    root = tmp_path_factory.mktemp("real-project")
    repo = make_repo(root / PROJECT)
    unpack(sdists[BASE_VERSION], repo.path)
    repo.commit(f"{PROJECT} {BASE_VERSION}")
    base = measure(repo.path, root / "base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("rm", "-r", "-q", "--", ".")
    unpack(sdists[HEAD_VERSION], repo.path)
    repo.commit(f"{PROJECT} {HEAD_VERSION}")
    return Project(repo.path, base, measure(repo.path, root / "head"))


def check(project: Project) -> dict[str, Any]:
    """gatekeeper's coverage of the change, from the head and base reports."""
    return agreement.gatekeeper_coverage(project.repo, [project.head.xml], [project.base.xml])


def test_patch_coverage_agrees_with_diff_cover(project: Project) -> None:
    ours, theirs = check(project), diff_cover(project.repo, [project.head.xml])
    assert_agreement(ours, theirs)
    # A meaningful comparison: many measured lines, some missed, in the package and its tests.
    assert theirs["total_num_lines"] > 100 and theirs["total_num_violations"] > 0
    assert {"more_itertools/more.py", "tests/test_more.py"} <= set(ours_measured(ours))
    assert any(not f["in_report"] for f in ours["patch"]["files"])


def test_totals_agree_with_coverage_report(project: Project) -> None:
    total = check(project)["total"]
    for ours, theirs in ((total["head"], project.head.totals),
                         (total["base"], project.base.totals)):
        assert (ours["coverable"], ours["covered"]) == (theirs["num_statements"],
                                                        theirs["covered_lines"])
        assert ours["percent"] == pytest.approx(theirs["percent_covered"], abs=TOLERANCE)
    delta = project.head.totals["percent_covered"] - project.base.totals["percent_covered"]
    assert total["delta"] == pytest.approx(delta, abs=TOLERANCE)
    assert project.head.totals["num_statements"] != project.base.totals["num_statements"]
