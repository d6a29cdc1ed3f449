"""A --diff-file that is not a diff, or not all diff, is an error (exit 2, located), never a
pass: text outside the file sections, numbers git never prints, and free text where it is not
allowed. Free text before the first section and in each mail of `git format-patch` is allowed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gatekeeper.gitread import collect
from tests.conftest import Repo, by_path, make_repo, numbered, run_cli

pytestmark = pytest.mark.usefixtures("hermetic_git")

DIFF = (b"diff --git a/a.txt b/a.txt\nindex 0000001..0000002 100644\n--- a/a.txt\n+++ b/a.txt\n"
        b"@@ -1 +1,2 @@\n a\n+b\n")
HTML = b"<html><head><title>502 Bad Gateway</title></head>\n<body>Bad gateway</body></html>\n"


def check(tmp_path: Path, data: bytes, name: str = "input.diff") -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``gatekeeper check --diff-file`` on ``data``."""
    (tmp_path / name).write_bytes(data)
    result = run_cli("check", "--diff-file", name, cwd=tmp_path)
    return result.code, result.stdout, result.stderr


def assert_refused(tmp_path: Path, data: bytes, where: str, what: str) -> None:
    """Asserts ``data`` is refused with one line naming ``where`` and ``what``."""
    code, _, stderr = check(tmp_path, data)
    assert code == 2, stderr
    assert stderr.startswith(f"gatekeeper: error: input.diff:{where}: {what}"), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


@pytest.mark.parametrize(("data", "where", "what"), [
    (b"\n" + HTML, "2", "not a unified diff"),  # was: PASS - nothing to check
    (b"Subject: hello\n\nno diff in this mail at all\n", "1", "not a unified diff"),
    (DIFF + HTML, "8", "not part of a diff: '<html><head>"),
    (DIFF + b"\n" + HTML + DIFF, "9", "not part of a diff: '<html><head>"),
    (DIFF + b"+c\n", "8", "not part of a diff: '+c'"),  # longer than its hunk header says
    (DIFF + b"--- a/b.txt\n@@ -1 +1 @@\n-a\n+b\n", "8", "a '---' file header without"),
    (DIFF.replace(b"@@ -1 +1,2 @@", b"@@ -1 +" + b"1" * 5000 + b",2 @@"), "5",
     "malformed hunk header"),
    (DIFF.replace(b"@@ -1 +1,2 @@", "@@ -\u0661 +\u0661,\u0662 @@".encode()), "5",
     "malformed hunk header"),
    (b"diff --git a/x b/y\nsimilarity index \xc2\xb3%\nrename from x\nrename to y\n", "2",
     "similarity index '³%' is not a percentage"),
    (b"diff --git a/x b/y\ndissimilarity index " + b"9" * 5000 + b"%\n", "2",
     "dissimilarity index"),
])
def test_what_is_not_a_diff_is_a_located_error(tmp_path: Path, data: bytes, where: str,
                                                what: str) -> None:
    assert_refused(tmp_path, data, where, what)


@pytest.mark.parametrize("data", [b"", b"\n", b"\n \n\t\r\n"])
def test_empty_or_blank_input_is_no_change(tmp_path: Path, data: bytes) -> None:
    """`git diff > x` writes nothing when nothing changed, and `echo "$(git diff)"` a line
    break: both mean no change, not an error."""
    code, stdout, stderr = check(tmp_path, data)
    assert code == 0, stderr
    assert "nothing to check" in stdout


def format_patch_history(tmp_path: Path) -> tuple[Repo, str]:
    """A repository with three commits for format-patch, among them a hostile message; base."""
    repo = make_repo(tmp_path / "repo")
    repo.write("a.txt", numbered(5))
    repo.write("run.sh", "echo\n")
    base = repo.commit("base")
    repo.write("a.txt", numbered(6))
    repo.write("logo.png", b"\x89PNG\0\1\2")
    # git am too would take a "--- name" line of a message for the start of the patch.
    repo.commit("Add a line and a logo\n\nThe body says --- and -- on its own:\n-- \nnot a "
                "signature\n")
    repo.write("a.txt", numbered(7))
    (repo.path / "run.sh").chmod(0o755)
    repo.commit("Another line, and run.sh is executable")
    return repo, base


def test_git_format_patch_mails_are_read_like_the_diff(tmp_path: Path) -> None:
    """Mail headers, messages, diffstats, a binary patch and signatures stand between the
    sections of `git format-patch --stdout`: each mail's text is free, the diff is not."""
    repo, base = format_patch_history(tmp_path)
    mails = subprocess.run(["git", "format-patch", "--stdout", "--binary", f"{base}..HEAD"],
                           cwd=repo.path, capture_output=True, check=True).stdout
    assert mails.count(b"\n-- \n") == 2 and b"GIT binary patch" in mails
    code, _, stderr = check(tmp_path, mails, "mails.patch")
    assert code in (0, 1), stderr
    files = collect.from_diff_file(str(tmp_path / "mails.patch")).files
    # One section per file and mail, as the mails hold them.
    assert [(f.path, f.added, f.binary) for f in files] == [
        ("a.txt", 1, False), ("logo.png", 0, True), ("a.txt", 1, False), ("run.sh", 0, False)]
    # The same file with junk after its last mail is refused.
    assert_refused(tmp_path, mails + b"Sent from my phone\n", str(mails.count(b"\n") + 1),
                   "not part of a diff: 'Sent from my phone'")


def test_git_log_and_show_output_is_read_commit_by_commit(tmp_path: Path) -> None:
    """`git log -p` puts each commit's header and message between the sections."""
    repo, base = format_patch_history(tmp_path)
    for command in (["log", "-p", f"{base}..HEAD"], ["show", "HEAD~1"]):
        data = subprocess.run(["git", *command], cwd=repo.path, capture_output=True,
                              check=True).stdout
        result = run_cli("check", "--diff-file", "-", cwd=tmp_path, input=data)
        assert result.code in (0, 1), (command, result.stderr)


def test_a_recursive_plain_diff_with_only_in_lines(tmp_path: Path) -> None:
    for side, files in (("old", {"a.txt": "a\n", "gone.txt": "x\n"}),
                        ("new", {"a.txt": "b\n", "new.txt": "y\n"})):
        for name, text in files.items():
            (tmp_path / side).mkdir(exist_ok=True)
            (tmp_path / side / name).write_text(text)
    data = subprocess.run(["diff", "-ru", "old", "new"], cwd=tmp_path, capture_output=True,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    assert b"Only in old: gone.txt" in data and b"diff -ru " in data
    result = run_cli("check", "--diff-file", "-", cwd=tmp_path, input=data)
    assert result.code in (0, 1), result.stderr
    (tmp_path / "plain.diff").write_bytes(data)
    assert set(by_path(collect.from_diff_file(str(tmp_path / "plain.diff")))) == {"a.txt"}


def test_a_diff_from_git_keeps_reading_as_before(tmp_path: Path) -> None:
    """Every line git itself prints is part of its diff: mode changes, renames with their
    similarity, binary files, a missing newline at the end."""
    repo, base = format_patch_history(tmp_path)
    repo.git("mv", "a.txt", "b.txt")
    repo.write("tail.txt", "no newline")
    repo.commit("rename")
    data = subprocess.run(["git", "diff", "-M", f"{base}..HEAD"], cwd=repo.path,
                          capture_output=True, check=True).stdout
    assert b"similarity index" in data and b"\\ No newline" in data and b"Binary files" in data
    (tmp_path / "git.diff").write_bytes(data)
    files = by_path(collect.from_diff_file(str(tmp_path / "git.diff")))
    assert set(files) == {"b.txt", "logo.png", "run.sh", "tail.txt"}
