"""Tests for gatekeeper.common.objectid: what counts as a full object name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gatekeeper.common.objectid import is_full_name


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_names_git_prints_are_full(tmp_path: Path, object_format: str) -> None:
    repo = tmp_path / object_format
    subprocess.run(["git", "init", "-q", f"--object-format={object_format}", str(repo)],
                   check=True)
    name = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=b"x\n",
                          capture_output=True, check=True).stdout.decode().strip()
    assert len(name) == (40 if object_format == "sha1" else 64)
    assert is_full_name(name)
    assert not is_full_name(name[:12])  # an abbreviation names nothing for certain
    assert not is_full_name(name.upper())  # callers lowercase what git may print otherwise


@pytest.mark.parametrize("text", [
    "", "0" * 39, "0" * 41, "0" * 63, "0" * 65, "g" * 40, "-" + "a" * 39, "a" * 39 + "\n",
    " " + "a" * 39, "a" * 20 + "-" * 20, "HEAD", "--output=x" + "a" * 30, "a" * 40 + "b" * 24 + "c",
    "\uff10" * 40, "\u0661" * 40,
])
def test_anything_else_is_not(text: str) -> None:
    assert not is_full_name(text)


def test_both_lengths_of_hex_are() -> None:
    assert is_full_name("0123456789abcdef" * 2 + "01234567")
    assert is_full_name("fedcba9876543210" * 4)
