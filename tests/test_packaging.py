"""The distributions a user installs: the sdist holds what the tests need, the wheel carries
the licence and the packs, and a wheel installed into a clean environment runs the packs'
own tests."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_INPUTS = ("gatekeeper/", "tests/", "benchmarks/", "docs/", "policies/", "templates/",
               "ci/", "README.md", "ARCHITECTURE.md", "LICENSE", "action.yml",
               ".pre-commit-hooks.yaml", "pyproject.toml")
"""What the README's test command reads (lint, types, tests), as tracked paths or prefixes."""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from this tree by the project's own build backend."""
    where = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "hatchling", "build", "-d", str(where)],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return where


def tracked() -> list[str]:
    """The files git tracks in this tree that the test command reads."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    return [name for name in listed if name.startswith(TEST_INPUTS) and (ROOT / name).is_file()]


def test_the_sdist_holds_everything_the_test_command_reads(dist: Path) -> None:
    (sdist,) = dist.glob("gatekeeper_ci-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    wanted = tracked()
    assert len(wanted) > 300  # the listing is real, not empty
    assert sorted(set(wanted) - names) == []


def test_the_wheel_carries_the_licence_and_the_packs(dist: Path) -> None:
    (wheel,) = dist.glob("gatekeeper_ci-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_string(archive.read(metadata_name).decode("utf-8"))
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    for pack in ("default", "recommended", "strict", "ai-aware", "tiered-review"):
        assert f"gatekeeper/_policies/{pack}.yml" in names
    assert "gatekeeper/facts/ai/markers.json" in names  # what a run reads of the catalogue
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_a_wheel_in_a_clean_venv_passes_the_packs_own_tests(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("gatekeeper_ci-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q",
                                "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        pytest.fail(f"the wheel did not install: {installed.stderr[-800:]}")
    packs = subprocess.run([str(python), "-I", "-c", "import gatekeeper, pathlib; print("
                            "pathlib.Path(gatekeeper.__file__).parent / '_policies')"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    where = Path(packs.stdout.strip())
    cases = sorted(where.glob("*.test.yml"))
    assert len(cases) >= 4
    ran = subprocess.run([str(venv / "bin" / "gatekeeper"), "test", *map(str, cases)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.fullmatch(rf"[1-9]\d+ cases in {len(cases)} files, 0 failed\n", ran.stdout)
