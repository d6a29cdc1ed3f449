"""Fuzz ``--diff-file`` and git's raw records: real git output, mutated or generated, parses into
a consistent change set or fails with gatekeeper's own error."""

from __future__ import annotations

import functools
import os
import random
import subprocess
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.model import ChangeSet
from gatekeeper.gitread import collect
from gatekeeper.gitread.rawdiff import parse_raw_z, unquote
from tests.conftest import GIT_ENV, Repo, make_repo
from tests.fuzz.engine import HYPOTHESIS, Target, check, fuzz, scratch

CI_DIFF_CASES = 6_000
CI_RAW_CASES = 3_000
CI_PROPERTY_CASES = 300
TOKENS = (b"diff --git a/", b" b/", b"--- a/", b"+++ b/", b"--- /dev/null", b"+++ /dev/null",
          b"@@ -1,3 +1,4 @@", b"@@ -0,0 +1 @@", b"@@ -1 +0,0 @@", b"\n+", b"\n-", b"\n ",
          b"\n\\ No newline at end of file", b"index 0000000..1111111 100644", b"new file mode",
          b"deleted file mode", b"old mode 100644", b"new mode 100755", b"rename from ",
          b"rename to ", b"copy from ", b"copy to ", b"similarity index 90%",
          b"dissimilarity index 50%", b"similarity index \xc2\xb3%", b"Binary files a/x and b/x "
          b"differ", b"GIT binary patch", b"literal 0", b"delta 12", b"From 0123456789abcdef0123"
          b"456789abcdef01234567 Mon Sep 17 00:00:00 2001", b"-- ", b"Only in ", b"Index: ",
          b"====", b'"a/t\\303\\244b"', b'"b/\\t\\"q\\"\\377"', b"\t1970-01-01 00:00:00 +0000",
          b"\n\n", b":100644 100644 ", b" M\x00", b" R090\x00", b" C100\x00", b" A\x00",
          b" T\x00", b"\x00\x00", b"160000", b"120000", b"0" * 40)


# Fixed dates give the same commits, and so the same seeds, on every run.
_DATES = {"GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}


def _git(repo: Repo, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, check=True,
                          env={**os.environ, **GIT_ENV, **_DATES}).stdout


def _commit(repo: Repo, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD").decode().strip()


def _history(repo: Repo) -> tuple[str, str]:
    """A base and a head commit between which every kind of change git prints happens."""
    repo.write("src/app.py", "".join(f"value_{i} = {i}  # note {i}\n" for i in range(40)))
    repo.write("docs/a b.md", "# title\n\ntext\n")
    repo.write("old.txt", "".join(f"line {i}\n" for i in range(30)))
    repo.write("gone.txt", "bye\n" * 5)
    repo.write("bin.dat", bytes(range(256)) * 4)
    repo.write("run.sh", "echo hi\n")
    repo.write("kind.txt", "a file that becomes a link\n")
    repo.write("noeol.txt", "a\nb")
    base = _commit(repo, "base")
    repo.write("src/app.py", "".join(f"value_{i} = {i * 2}  # note {i}\n" for i in range(0, 44, 2))
               + "# TODO: flag('new-checkout')\n")
    (repo.path / "old.txt").unlink()
    repo.write("moved/new name.txt", "".join(f"line {i}\n" for i in range(28)) + "extra\n")
    (repo.path / "gone.txt").unlink()
    repo.write("bin.dat", bytes(range(255, -1, -1)) * 4)
    (repo.path / "run.sh").chmod(0o755)
    (repo.path / "kind.txt").unlink()
    os.symlink("src/app.py", repo.path / "kind.txt")
    repo.write("noeol.txt", "a\nc")
    repo.write("tab\tname \u00e4.txt", "quoted\n")
    repo.write("empty.txt", "")
    repo.write("copy.py", "".join(f"value_{i} = {i}  # note {i}\n" for i in range(40)))
    return base, _commit(repo, "feat: change everything\n\nSigned-off-by: A <a@example.com>")


@functools.cache
def git_outputs() -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """Patches (git diff, format-patch, --binary, -U0, diff -u) and raw ``-z`` sections."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo")
        base, head = _history(repo)
        full = _git(repo, "diff", *collect.DIFF_OPTIONS, "-C", base, head)
        cut = full.find(b"\0\0")
        raws = [full[: cut + 1], _git(repo, "diff", "--raw", "-z", "-M", "--no-abbrev", base,
                                      head), _git(repo, "diff", "--raw", "-z", "-C",
                                                  "--find-copies-harder", base, head)]
        patches = [full[cut + 2:], _git(repo, "diff", base, head),
                   _git(repo, "format-patch", "--stdout", "--no-signature", f"{base}..{head}"),
                   _git(repo, "diff", "--binary", "-M", base, head),
                   _git(repo, "diff", "-U0", "--no-prefix", base, head)]
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        for folder, rev in ((old, base), (new, head)):
            folder.mkdir()
            archive = _git(repo, "archive", rev)
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        plain = subprocess.run(["diff", "-ruN", "old", "new"], cwd=tmp, capture_output=True)
        if plain.stdout:
            patches.append(plain.stdout)
    return tuple(patches), tuple(raws)


def _section(rng: random.Random) -> bytes:
    """One file section with hunks whose counts agree with their lines."""
    name = rng.choice(("a.py", "src/x.js", "d i r/f.go", "\u00e4.md", "x"))
    head = [f"diff --git a/{name} b/{name}", "index 1111111..2222222 100644", f"--- a/{name}",
            f"+++ b/{name}"]
    if rng.random() < 0.2:
        head = [f"--- {name}\t2024-01-01 00:00:00", f"+++ {name}\t2024-01-02 00:00:00"]
    body: list[str] = []
    old_line = new_line = 1
    for _ in range(rng.randint(1, 3)):
        kinds = [rng.choice(" +-") for _ in range(rng.randint(1, 8))]
        old_count = sum(k != "+" for k in kinds)
        new_count = sum(k != "-" for k in kinds)
        body.append(f"@@ -{old_line},{old_count} +{new_line},{new_count} @@ def f():")
        body += [k + rng.choice(("x = 1", "// c", "--x", "++y", "", "# TODO")) for k in kinds]
        old_line += old_count + rng.randint(0, 5)
        new_line += new_count + rng.randint(0, 5)
    return "\n".join(head + body).encode() + b"\n"


def generate(rng: random.Random) -> bytes:
    """A diff of one to four well-formed file sections."""
    return b"".join(_section(rng) for _ in range(rng.randint(1, 4)))


def consistent(changeset: ChangeSet) -> None:
    """What any parsed change set must hold: hunk lines agree with the file's counts."""
    for change in changeset.files:
        assert change.path and change.added >= 0 and change.deleted >= 0, change
        added = sum(last - first + 1 for h in change.hunks for first, last in h.added)
        removed = sum(last - first + 1 for h in change.hunks for first, last in h.removed)
        assert (added, removed) == (change.added, change.deleted), change


def diff_target(workdir: Path) -> Target:
    """``--diff-file``: the file is parsed as the CLI reads it, keeping every file's text."""
    path = workdir / "change.diff"

    def run(data: bytes) -> str:
        path.write_bytes(data)
        changeset = collect.from_diff_file(str(path), texts=lambda _: True)
        consistent(changeset)
        return "files" if changeset.files else "empty"

    return Target("diff", lambda: git_outputs()[0], run, TOKENS, generate, weight=3.0)


def _run_raw(data: bytes) -> str:
    entries = parse_raw_z(data)
    for entry in entries:
        assert entry.src and entry.dst and entry.status, entry
        unquote(f'"{entry.src}"')
    return "records" if entries else "empty"


RAW = Target("raw", lambda: git_outputs()[1], _run_raw, TOKENS, weight=0.5)


def test_mutated_diffs_parse_or_fail_cleanly() -> None:
    with scratch() as folder:
        check(fuzz(diff_target(folder), CI_DIFF_CASES, seed=1), CI_DIFF_CASES)


def test_mutated_raw_records_parse_or_fail_cleanly() -> None:
    check(fuzz(RAW, CI_RAW_CASES, seed=1), CI_RAW_CASES)


def test_git_output_seeds_are_whole_change_sets(tmp_path: Path) -> None:
    """The seeds reach deep: git's own output parses, with every kind of change in it."""
    path = tmp_path / "seed.diff"
    path.write_bytes(git_outputs()[0][0])
    changeset = collect.from_diff_file(str(path))
    statuses = {f.status.value for f in changeset.files}
    assert {"added", "deleted", "renamed", "modified"} <= statuses, statuses
    assert any(f.binary for f in changeset.files) and any(f.mode_changed for f in changeset.files)
    assert len(parse_raw_z(git_outputs()[1][0])) == len(changeset.files)


_BODY = st.characters(codec="utf-8", exclude_characters="\r\n")
LINE = st.tuples(st.sampled_from(" +-"), st.text(_BODY, max_size=12))


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(st.lists(st.lists(st.lists(LINE, min_size=1, max_size=6), min_size=1, max_size=3),
                min_size=1, max_size=4))
def test_generated_diffs_count_exactly(sections: list[list[list[tuple[str, str]]]]) -> None:
    """A well-formed diff parses, and each file counts exactly the lines its hunks add and
    remove."""
    text = []
    for number, hunks in enumerate(sections):
        text += [f"diff --git a/f{number} b/f{number}", f"--- a/f{number}", f"+++ b/f{number}"]
        start = 1
        for lines in hunks:
            old = sum(kind != "+" for kind, _ in lines)
            new = sum(kind != "-" for kind, _ in lines)
            text.append(f"@@ -{start},{old} +{start},{new} @@")
            text += [kind + body for kind, body in lines]
            start += max(old, new) + 3
    with scratch() as folder:
        path = folder / "g.diff"
        path.write_bytes(("\n".join(text) + "\n").encode("utf-8", errors="surrogatepass"))
        changeset = collect.from_diff_file(str(path))
    consistent(changeset)
    assert [f.path for f in changeset.files] == [f"f{n}" for n in range(len(sections))]
    for change, hunks in zip(changeset.files, sections, strict=True):
        assert change.added == sum(kind == "+" for lines in hunks for kind, _ in lines)
        assert change.deleted == sum(kind == "-" for lines in hunks for kind, _ in lines)
