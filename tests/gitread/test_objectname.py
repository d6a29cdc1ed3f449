"""Object names computed in Python, held to the ones git gives the same content, and what
counts as a full object name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gatekeeper.gitread.objectname import hasher, is_full_name

pytestmark = pytest.mark.usefixtures("hermetic_git")


def _git(where: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=where, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.mark.parametrize("form", ["sha1", "sha256"])
def test_blob_and_commit_names_are_gits(tmp_path: Path, form: str) -> None:
    subprocess.run(["git", "init", "-q", f"--object-format={form}", str(tmp_path)], check=True)
    data = "caf\u00e9\0 bytes\n".encode()
    (tmp_path / "f").write_bytes(data)
    blob = _git(tmp_path, "hash-object", "-w", "f")
    digest = hasher("blob", len(data), blob)
    assert digest is not None
    digest.update(data)
    assert digest.hexdigest() == blob
    _git(tmp_path, "add", "f")
    _git(tmp_path, "commit", "-q", "-m", "one")
    commit = _git(tmp_path, "rev-parse", "HEAD")
    content = subprocess.run(["git", "cat-file", "commit", commit], cwd=tmp_path, check=True,
                             capture_output=True).stdout
    digest = hasher("commit", len(content), commit)
    assert digest is not None
    digest.update(content)
    assert digest.hexdigest() == commit
    for name in (blob, commit):
        assert is_full_name(name)
        assert not is_full_name(name[:12])  # an abbreviation names nothing for certain
        assert not is_full_name(name.upper())  # callers lowercase what git may print otherwise


@pytest.mark.parametrize("name", ["", "abc", "0" * 39, "0" * 41, "0" * 63, "0" * 65])
def test_a_name_of_neither_length_has_no_hash(name: str) -> None:
    assert hasher("blob", 0, name) is None


@pytest.mark.parametrize("text", [
    "", "0" * 39, "0" * 41, "0" * 63, "0" * 65, "g" * 40, "-" + "a" * 39, "a" * 39 + "\n",
    " " + "a" * 39, "a" * 20 + "-" * 20, "HEAD", "--output=x" + "a" * 30, "a" * 40 + "b" * 24 + "c",
    "\uff10" * 40, "\u0661" * 40,
])
def test_anything_else_is_no_full_name(text: str) -> None:
    assert not is_full_name(text)


def test_both_lengths_of_hex_are_full_names() -> None:
    assert is_full_name("0123456789abcdef" * 2 + "01234567")
    assert is_full_name("fedcba9876543210" * 4)
