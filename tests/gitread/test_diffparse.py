"""Unified diffs read from files and stdin (git-style and plain diff -u), and the raw parsers."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.model import ChangeSet, FileStatus
from gatekeeper.errors import DiffInputError
from gatekeeper.gitread import collect, difffile, diffparse
from tests.conftest import (
    GIT_ENV,
    Repo,
    added_ranges,
    assert_hunks_consistent,
    build_history,
    by_path,
    changeset,
    git_numstat,
    make_repo,
    move,
    numbered,
    removed_ranges,
    row,
    run_cli,
)

pytestmark = pytest.mark.usefixtures("hermetic_git")


def git_bytes(repo: Repo, *args: str) -> bytes:
    """The raw stdout of git ``args`` in ``repo``."""
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, check=True,
                          env={**os.environ, **GIT_ENV}).stdout


def parse(tmp_path: Path, data: bytes) -> ChangeSet:
    """The change set read from ``data`` as a diff file."""
    target = tmp_path / "input.diff"
    target.write_bytes(data)
    return collect.from_diff_file(str(target))


def plain_diff(tmp_path: Path, old: dict[str, bytes], new: dict[str, bytes], tz: str) -> bytes:
    """Run ``diff -ruN old/ new/`` over two real folders."""
    for side, files in (("old", old), ("new", new)):
        for name, content in files.items():
            target = tmp_path / side / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        (tmp_path / side).mkdir(exist_ok=True)
    result = subprocess.run(["diff", "-ruN", "old/", "new/"], cwd=tmp_path, capture_output=True,
                            env={**os.environ, "TZ": tz, "LC_ALL": "C"})
    assert result.returncode == 1, result.stderr  # 1: the folders differ
    return result.stdout


@pytest.mark.parametrize("tz", ["UTC0", "EST5"])  # epoch timestamps print as 1969 west of UTC
def test_plain_diff_of_two_folders(tmp_path: Path, tz: str) -> None:
    old = {"keep.txt": numbered(10).encode(), "gone.txt": b"g1\ng2\n",
           "dash.txt": b"-- sig\nbody\n", "nonl.txt": b"a\nb", "sp ace ü.txt": b"x\n"}
    new = {"keep.txt": numbered(10).replace("line 2\n", "two\n").encode() + b"eleven\n",
           "sub/fresh.txt": b"f1\nf2\nf3\n", "dash.txt": b"++ plus\nbody\n",
           "nonl.txt": b"a\nb\nc", "sp ace ü.txt": b"y\n"}
    data = plain_diff(tmp_path, old, new, tz)
    assert b"\n--- sig\n" in data and b"\n+++ plus\n" in data  # content that looks like headers
    files = by_path(parse(tmp_path, data))
    assert set(files) == {"keep.txt", "gone.txt", "sub/fresh.txt", "dash.txt", "nonl.txt",
                          "sp ace ü.txt"}
    summary = {p: (f.status, f.added, f.deleted, f.old_path) for p, f in files.items()}
    assert summary == {
        "keep.txt": (FileStatus.MODIFIED, 2, 1, None),
        "gone.txt": (FileStatus.DELETED, 0, 2, None),
        "sub/fresh.txt": (FileStatus.ADDED, 3, 0, None),
        "dash.txt": (FileStatus.MODIFIED, 1, 1, None),
        "nonl.txt": (FileStatus.MODIFIED, 2, 1, None),
        "sp ace ü.txt": (FileStatus.MODIFIED, 1, 1, None),
    }
    assert added_ranges(files["keep.txt"]) == [(2, 2), (11, 11)]
    assert removed_ranges(files["keep.txt"]) == [(2, 2)]
    assert removed_ranges(files["gone.txt"]) == [(1, 2)]
    assert added_ranges(files["sub/fresh.txt"]) == [(1, 3)]
    assert added_ranges(files["nonl.txt"]) == [(2, 3)]
    assert removed_ranges(files["nonl.txt"]) == [(2, 2)]
    for f in files.values():
        assert not f.binary
        assert_hunks_consistent(f)


def test_plain_diff_keeps_binary_files(tmp_path: Path) -> None:
    data = plain_diff(tmp_path, {"img.bin": b"\0\1", "a.txt": b"a\n"},
                      {"img.bin": b"\0\2", "new.bin": b"\0\3", "a.txt": b"b\n"}, "UTC0")
    assert data.count(b"Binary files ") == 2
    files = by_path(parse(tmp_path, data))
    assert set(files) == {"a.txt", "img.bin", "new.bin"}
    assert files["img.bin"].binary and files["img.bin"].status is FileStatus.MODIFIED
    assert (files["img.bin"].added, files["img.bin"].deleted) == (0, 0)


def awkward_repo(repo: Repo) -> str:
    """A base commit, then a head with every kind of text change, under awkward names."""
    names = ["with space.txt", "dïr/fïle ü.txt", 'quo"te.txt', "tab\there.txt", "back\\slash.txt",
             "new\nline.txt", "-- dashes.txt", "a/b.txt", "b/a.txt"]
    for i, name in enumerate(names):
        repo.write(name, numbered(12, f"f{i}"))
    repo.write("ren ü.txt", numbered(20, "r"))
    repo.write("pure.txt", numbered(20, "p"))
    repo.write("gone.txt", "-- sig\n++ plus\n")
    repo.write("mode.sh", "echo\n")
    repo.write("bin.dat", b"\0\1\2")
    repo.write("nonl.txt", "a\nb")
    base = repo.commit("base")
    for i, name in enumerate(names):
        repo.write(name, numbered(12, f"f{i}").replace(f"f{i} 3\n", "--- a/x\n+++ b/x\n"))
    move(repo, "ren ü.txt", "rénamed/to x.txt")
    repo.write("rénamed/to x.txt", numbered(20, "r").replace("r 7\n", "-- seven\n"))
    move(repo, "pure.txt", "pure moved.txt")
    (repo.path / "gone.txt").unlink()
    (repo.path / "mode.sh").chmod(0o755)
    repo.write("bin.dat", b"\0\1\3")
    repo.write("nonl.txt", "a\nb\nc")
    repo.write("added ö.txt", "++ one\n-- two\n")
    repo.write("empty.txt", "")
    repo.commit("head")
    return base


def summary(cs: ChangeSet) -> dict[str, tuple[object, ...]]:
    """Each file's path to its status, counts, hunks and (unless a pure rename) modes."""
    return {f.path: (f.old_path, f.status, f.binary, f.added, f.deleted, f.hunks,
                     None if f.is_pure_rename else (f.old_mode, f.new_mode)) for f in cs.files}


@pytest.mark.parametrize("options", [[], ["--binary"], ["-c", "core.quotePath=false"]])
def test_git_diff_file_reads_like_git(repo: Repo, tmp_path: Path, options: list[str]) -> None:
    base = awkward_repo(repo)
    config, extra = (options, []) if options[:1] == ["-c"] else ([], options)
    data = git_bytes(repo, *config, "diff", "-M", *extra, base, "HEAD")
    from_file = parse(tmp_path, data)
    assert from_file.revisions.mode == "diff-file" and from_file.commits == ()
    from_git = changeset(repo, base)
    assert summary(from_file) == summary(from_git)
    assert from_file.comments == from_git.comments
    renamed = [(c.path, c.line, c.text) for c in from_git.comments if c.path.startswith("r")]
    assert renamed == [("rénamed/to x.txt", 7, "-- seven")]
    numstat, binary = git_numstat(repo, base, "HEAD")
    assert {(f.path, f.added, f.deleted) for f in from_file.files} == numstat
    assert {f.path for f in from_file.files if f.binary} == binary == {"bin.dat"}
    files = by_path(from_file)
    assert files["nonl.txt"].added == 2 and removed_ranges(files["nonl.txt"]) == [(2, 2)]
    assert files["mode.sh"].status is FileStatus.MODE_ONLY
    # content lines "-- sig", "++ plus", "--- a/x" and "+++ b/x" are diff lines, not headers
    assert row(files["gone.txt"]) == ("deleted", None, 0, 2)
    assert row(files["added ö.txt"]) == ("added", None, 2, 0)
    assert row(files["-- dashes.txt"]) == ("modified", None, 2, 1)


def test_diff_file_with_mnemonic_prefixes(repo: Repo, tmp_path: Path) -> None:
    names = ["a/x.txt", "c/y.txt", "i/z.txt", "w/ü v.txt"]
    for name in names:
        repo.write(name, numbered(5, name))
    repo.commit("base")
    for name in names:
        repo.write(name, numbered(5, name) + "more\n")
    repo.git("add", "-A")
    data = git_bytes(repo, "-c", "diff.mnemonicPrefix=true", "diff", "--cached")
    assert b"--- c/a/x.txt" in data and b"+++ i/a/x.txt" in data  # (c)ommit and (i)ndex
    assert summary(parse(tmp_path, data)) == summary(changeset(repo, staged=True))
    assert {f.path for f in parse(tmp_path, data).files} == set(names)


def test_generated_history_as_diff_files(repo: Repo, tmp_path: Path) -> None:
    line = build_history(repo, seed=7, commits=40)
    for parent, commit in itertools.pairwise(line):
        cs = parse(tmp_path, git_bytes(repo, "diff", "-M", parent, commit))
        numstat, binary = git_numstat(repo, parent, commit)
        assert {(f.path, f.added, f.deleted) for f in cs.files} == numstat, commit
        # a diff has no "Binary files" line for a binary file only renamed or chmod-ed
        unchanged = {f.path for f in cs.files
                     if f.similarity == 100 or f.status is FileStatus.MODE_ONLY}
        assert {f.path for f in cs.files if f.binary} == binary - unchanged, commit
        for f in cs.files:
            assert_hunks_consistent(f)


def test_type_change_in_a_diff_file_is_one_entry(repo: Repo, tmp_path: Path) -> None:
    repo.write("target.txt", "t\n")
    repo.write("link", numbered(3))
    base = repo.commit("base")
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("target.txt")
    repo.commit("type change")
    from_file = parse(tmp_path, git_bytes(repo, "diff", "-M", base, "HEAD"))
    assert summary(from_file) == summary(changeset(repo, base))


def tiny_diff(tmp_path: Path, lines: int) -> bytes:
    """A git diff adding ``lines`` lines to a one-line file."""
    repo = make_repo(tmp_path / "src")
    repo.write("app.py", "x = 0\n")
    base = repo.commit("base")
    repo.write("app.py", "x = 0\n" + numbered(lines, "y ="))
    repo.commit("more")
    return git_bytes(repo, "diff", base, "HEAD")


def test_stdin_through_the_cli_with_the_default_policy(tmp_path: Path) -> None:
    result = run_cli("check", "--diff-file", "-", "--format", "json", cwd=tmp_path,
                     input=tiny_diff(tmp_path, 3))
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["revisions"]["mode"] == "diff-file"
    assert report["revisions"]["source"] == "<stdin>"
    assert report["policy"]["builtin"] is True and report["verdict"] == "pass"
    (rule,) = report["results"]
    assert (rule["rule_id"], rule["status"], rule["measured"]) == ("batch-size", "pass", 3)
    (entry,) = report["changeset"]["files"]
    assert (entry["path"], entry["status"], entry["added"], entry["deleted"]) == (
        "app.py", "modified", 3, 0)
    assert entry["hunks"][0]["added"] == [[2, 4]]
    over = run_cli("check", "--diff-file", "-", "--format", "json", cwd=tmp_path,
                   input=tiny_diff(tmp_path / "big", rule["limit"] + 1))
    assert over.code == 1 and json.loads(over.stdout)["verdict"] == "fail"


def test_truncated_diff(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.txt", numbered(10))
    base = repo.commit("base")
    repo.write("a.txt", numbered(10, "changed"))
    repo.commit("rewrite")
    data = git_bytes(repo, "diff", base, "HEAD")
    cut = data[: data.rindex(b"\n+changed 5\n") + 1]
    with pytest.raises(DiffInputError, match="truncated") as info:
        parse(tmp_path, cut)
    assert info.value.exit_code == 2
    result = run_cli("check", "--diff-file", "-", cwd=tmp_path, input=cut)
    assert result.code == 2 and "truncated" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_text_that_is_not_a_diff(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match="not a unified diff"):
        parse(tmp_path, b"hello\nworld\n")
    result = run_cli("check", "--diff-file", "-", cwd=tmp_path, input=b"hello\nworld\n")
    assert result.code == 2 and "not a unified diff" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert parse(tmp_path, b"").empty  # an empty diff is an empty change set
    missing = run_cli("check", "--diff-file", str(tmp_path / "nope.diff"), cwd=tmp_path)
    assert missing.code == 2 and "cannot read diff file" in missing.stderr


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
COMMENTED = {
    "app.py": "import os\n# a comment\nx = 1  # trailing\nx=1#no space before the hash\n"
              "    '''docstring opener\n'in a string',\nvalue = 2\n",
    "web/main.js": "const a = 1; // trailing\n/* block\n * more\n */\nlet url = 'https://x';\n"
                   "const b = a / 2;\nif (a < b) {}\n",
    "page.html": "<!-- note -->\n<p>text</p> <!-- after -->\n<p>a &lt; b</p>\n",
    "q.sql": "-- a query\nSELECT 1; -- trailing\nSELECT 2 - 1;\n",
    "conf.ini": "; a setting\nkey = value\n",
    "paper.tex": "% a remark\n\\section{Intro}\n",
    "crlf.c": "int x;\r\n// windows line\r\n",
}
KEPT = [
    ("app.py", 2, "# a comment"), ("app.py", 3, "x = 1  # trailing"),
    ("app.py", 5, "'''docstring opener"), ("app.py", 6, "'in a string',"),
    ("conf.ini", 1, "; a setting"), ("crlf.c", 2, "// windows line"),
    ("page.html", 1, "<!-- note -->"), ("page.html", 2, "<p>text</p> <!-- after -->"),
    ("paper.tex", 1, "% a remark"), ("q.sql", 1, "-- a query"),
    ("web/main.js", 1, "const a = 1; // trailing"), ("web/main.js", 2, "/* block"),
    ("web/main.js", 3, "* more"), ("web/main.js", 4, "*/"),
    ("web/main.js", 5, "let url = 'https://x';"),
]
"""What is kept of COMMENTED: lines opening with a comment leader, or holding " #", "//",
"/*" or "<!--" after code (not "--", which is too common in code). The test is on bytes, so a
URL or a quoted leader counts too."""


def test_added_comment_lines_are_kept_with_their_new_line_numbers(repo: Repo,
                                                                   tmp_path: Path) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    for name, text in COMMENTED.items():
        repo.write(name, text)
    repo.commit("comments")
    from_file = parse(tmp_path, git_bytes(repo, "diff", base, "HEAD"))
    assert sorted((c.path, c.line, c.text) for c in from_file.comments) == sorted(KEPT)
    assert from_file.comments == changeset(repo, base).comments


def test_only_added_lines_are_looked_at(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "# one\n# two\nx = 1\n# three\n")
    base = repo.commit("base")
    repo.write("a.py", "# one\nx = 1\n# three\n# four\n")
    repo.commit("edit")
    cs = parse(tmp_path, git_bytes(repo, "diff", base, "HEAD"))
    assert [(c.path, c.line, c.text) for c in cs.comments] == [("a.py", 4, "# four")]


def test_comment_text_is_decoded_leniently_and_capped(repo: Repo, tmp_path: Path) -> None:
    long = "# " + "ä" * 600
    repo.write("a.py", b"# caf\xe9 latin-1\n" + long.encode() + "\n# 🤖 ok\n".encode())
    repo.write("b.py", "#" + "x" * 100_000 + "\n")
    repo.write("c.py", "# " + "€" * 500 + "\n")  # three bytes each: the cut lands inside one
    repo.git("add", "-A")
    cs = parse(tmp_path, git_bytes(repo, "diff", "--cached", EMPTY_TREE))
    texts = {(c.path, c.line): c.text for c in cs.comments}
    limit = diffparse.MAX_COMMENT_CHARS
    assert texts == {("a.py", 1): "# caf\ufffd latin-1", ("a.py", 2): long[:limit],
                     ("a.py", 3): "# 🤖 ok", ("b.py", 1): "#" + "x" * (limit - 1),
                     ("c.py", 1): "# " + "€" * (limit - 2)}


def test_the_comment_budget_spans_the_files_of_a_diff(repo: Repo) -> None:
    for name in ("a.py", "b.py", "c.py"):
        repo.write(name, "# one\n# two\ncode = 1\n")
    repo.git("add", "-A")
    lines = git_bytes(repo, "diff", "--cached", EMPTY_TREE).splitlines(keepends=True)
    budget = diffparse.CommentBudget(3)
    patches = list(diffparse.parse_patch(lines, comments=budget))
    assert [(p.new_path, p.comments) for p in patches] == [
        ("a.py", [(1, "# one"), (2, "# two")]), ("b.py", [(1, "# one")]), ("c.py", [])]
    assert (budget.left, budget.dropped) == (0, 3)
    assert all(p.comments == [] for p in diffparse.parse_patch(lines))  # no budget: none kept


def test_a_diff_file_keeps_at_most_max_comments(repo: Repo, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("a.py", "".join(f"# comment {i}\n" for i in range(1, 51)))
    repo.git("add", "-A")
    data = git_bytes(repo, "diff", "--cached", EMPTY_TREE)
    monkeypatch.setattr(collect, "MAX_COMMENTS", 20)
    cs = parse(tmp_path, data)
    assert [c.line for c in cs.comments] == list(range(1, 21))
    assert cs.files[0].added == 50


def test_a_plain_diff_keeps_comments_too(tmp_path: Path) -> None:
    data = plain_diff(tmp_path, {"a.sh": b"echo hi\n"},
                      {"a.sh": b"# greet\necho hi\n", "new/b.rb": b"x = 1 # one\n"}, "UTC0")
    cs = parse(tmp_path, data)
    assert sorted((c.path, c.line, c.text) for c in cs.comments) == [
        ("a.sh", 1, "# greet"), ("new/b.rb", 1, "x = 1 # one")]


NAMES = ["plain.txt", "with space.txt", "ünï cödé.txt", 'quo"te.txt', "tab\there.txt",
         "back\\slash.txt", "new\nline.txt", "bell\a.txt", "日本語.md"]


def test_unquote_undoes_git_quoting(repo: Repo) -> None:
    for name in NAMES:
        repo.write(name, "x\n")
    repo.git("add", "-A")
    raw = repo.git("ls-files", "-z").split("\0")[:-1]
    quoted = repo.git("-c", "core.quotePath=true", "ls-files").split("\n")
    assert sorted(raw) == sorted(NAMES) and len(quoted) == len(raw)
    assert any(q.startswith('"') for q in quoted) and "plain.txt" in quoted
    assert [diffparse.unquote(q) for q in quoted] == raw
    assert diffparse.unquote('"a b"') == "a b" and diffparse.unquote('"') == '"'
    assert diffparse.unquote('x "y"') == 'x "y"'  # only a name quoted as a whole is unquoted


def test_parse_raw_z(repo: Repo) -> None:
    repo.write("ren.txt", numbered(20))
    repo.write("gone.txt", "g\n")
    repo.write("mode.sh", "m\n")
    base = repo.commit("base")
    move(repo, "ren.txt", "new\nname\t.txt")
    (repo.path / "gone.txt").unlink()
    (repo.path / "mode.sh").chmod(0o755)
    repo.write("add ü.txt", "a\n")
    head = repo.commit("head")
    data = git_bytes(repo, "diff", "--raw", "-z", "-M", "--no-abbrev", base, head)
    entries = {e.dst: e for e in diffparse.parse_raw_z(data)}
    assert set(entries) == {"new\nname\t.txt", "gone.txt", "mode.sh", "add ü.txt"}
    ren = entries["new\nname\t.txt"]
    assert (ren.status, ren.score, ren.src) == ("R", 100, "ren.txt")
    assert ren.old_blob == ren.new_blob == repo.git("rev-parse", f"{base}:ren.txt")
    added = entries["add ü.txt"]
    assert (added.status, added.old_mode, added.new_mode, added.score) == (
        "A", "000000", "100644", None)
    assert added.new_blob == repo.git("rev-parse", f"{head}:add ü.txt")
    assert (entries["gone.txt"].status, entries["gone.txt"].new_mode) == ("D", "000000")
    mode = entries["mode.sh"]
    assert (mode.status, mode.old_mode, mode.new_mode) == ("M", "100644", "100755")
    assert diffparse.parse_raw_z(b"") == []
    with pytest.raises(DiffInputError, match="unexpected raw diff record"):
        diffparse.parse_raw_z(b"diff --git a/x b/x\0")


_DIFF_LINES = st.sampled_from([
    b"diff --git a/x b/x\n", b"--- a/x\n", b"+++ b/x\n", b"--- /dev/null\n", b"+++ /dev/null\n",
    b"@@ -1,2 +1,2 @@\n", b"@@ -0,0 +1 @@\n", b"@@ -1 +0,0 @@ f()\n", b"@@ -x +y @@\n",
    b"+added\n", b"-removed\n", b" context\n", b"\\ No newline at end of file\n", b"\n",
    b"new file mode 100644\n", b"deleted file mode 100644\n", b"rename from a\n",
    b"rename to \"b\\303\\244\"\n", b"similarity index 90%\n", b"similarity index x%\n",
    b"index 0000000..1234567 100644\n", b"Binary files a/x and b/x differ\n",
    b"old mode 100644\n", b"new mode 100755\n", b"GIT binary patch\n", b"\"unterminated\n",
    b"diff --git \"a/q b/q\n", b"Binary files x and y differ\n", b"\xff\xfe\x00garbage\n",
    b"+# added comment\n", b"+x = 1  // trailing\n", b"+\xff # bad utf-8\n", b"+#\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_DIFF_LINES, st.binary(max_size=40)), max_size=40))
def test_hostile_diffs_raise_only_our_error(lines: list[bytes]) -> None:
    data = b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines)
    try:
        budget = diffparse.CommentBudget(5)
        patches = list(diffparse.parse_patch(data.splitlines(keepends=True), comments=budget))
        for patch in difffile.merge_type_changes(patches):
            change = difffile.from_patch(patch)
            added = set(change.added_lines())
            assert all(line in added and text for line, text in patch.comments)
        assert sum(len(p.comments) for p in patches) == 5 - budget.left
    except DiffInputError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([b":100644 100644 abc def M", b":000000 100644 0 1 A",
                                           b":100644 100644 a b R090", b":x", b"path", b""]),
                          st.binary(max_size=20)), max_size=12))
def test_hostile_raw_records_raise_only_our_error(fields: list[bytes]) -> None:
    with contextlib.suppress(DiffInputError):
        diffparse.parse_raw_z(b"\0".join(fields))


# -- line text kept for the feature-flag scan ---------------------------------------------------


def everything(path: str) -> bool:
    """Every path's text is wanted."""
    return True


def parse_texts(tmp_path: Path, data: bytes, wants: collect.Wants | None = everything
                ) -> ChangeSet:
    """The change set read from ``data`` as a diff file, with the texts ``wants``."""
    target = tmp_path / "texts.diff"
    target.write_bytes(data)
    return collect.from_diff_file(str(target), texts=wants)


def git_texts(repo: Repo, base: str) -> ChangeSet:
    """The change set from ``base`` to HEAD read from git, with every text."""
    from gatekeeper import context
    from gatekeeper.gitread.gitio import GitRepo

    git_repo = GitRepo.discover(str(repo.path))
    try:
        revs = context.resolve(git_repo, context.Request(base=base))
        return collect.from_git(git_repo, revs, texts=everything)
    finally:
        git_repo.close()


def test_a_git_diff_file_keeps_the_text_git_mode_keeps(repo: Repo, tmp_path: Path) -> None:
    base = awkward_repo(repo)
    from_file = parse_texts(tmp_path, git_bytes(repo, "diff", "-M", base, "HEAD"))
    from_git = git_texts(repo, base)
    assert from_file.texts == from_git.texts
    assert set(from_file.texts) == {f.path for f in from_file.files
                                    if f.hunks and not f.binary}
    renamed = from_file.texts["rénamed/to x.txt"]
    assert (renamed.added, renamed.removed) == (b"-- seven\n", b"r 7\n")
    assert from_file.texts["nonl.txt"].added == b"b\nc\n"
    assert from_file.texts["gone.txt"].removed == b"-- sig\n++ plus\n"
    assert from_file.texts["tab\there.txt"].added == b"--- a/x\n+++ b/x\n"
    assert parse_texts(tmp_path, git_bytes(repo, "diff", "-M", base, "HEAD"), None).texts == {}


def test_a_plain_diff_keeps_text_under_each_side_s_name(tmp_path: Path) -> None:
    data = plain_diff(tmp_path, {"a.py": b"one\ntwo\n", "gone.py": b"bye\n", "x.md": b"m\n"},
                      {"a.py": b"one\n2\nthree", "new/b.py": b"fresh\n", "x.md": b"n\n"},
                      "UTC0")
    asked: list[str] = []

    def wants(path: str) -> bool:
        asked.append(path)
        return path.endswith(".py")

    cs = parse_texts(tmp_path, data, wants)
    assert sorted(asked) == ["a.py", "gone.py", "new/b.py", "x.md"]
    assert {p: (t.added, t.removed) for p, t in cs.texts.items()} == {
        "a.py": (b"2\nthree\n", b"two\n"), "gone.py": (b"", b"bye\n"),
        "new/b.py": (b"fresh\n", b"")}
    files = by_path(cs)
    assert list(files["a.py"].added_lines()) == [2, 3]
    assert list(files["a.py"].removed_lines()) == [2]


def test_a_diff_file_cut_after_its_last_line_still_ends_the_text(repo: Repo,
                                                                 tmp_path: Path) -> None:
    repo.write("a.py", "x\n")
    base = repo.commit("base")
    repo.write("a.py", "x\ny\nz\n")
    repo.commit("edit")
    data = git_bytes(repo, "diff", base, "HEAD")
    assert data.endswith(b"+z\n")
    cs = parse_texts(tmp_path, data[:-1])
    assert cs.texts["a.py"].added == b"y\nz\n"


def test_crlf_diff_lines_keep_their_carriage_returns(tmp_path: Path) -> None:
    data = (b"--- a/w.cs\r\n+++ b/w.cs\r\n@@ -1,2 +1,2 @@\r\n one\r\n-two\r\n+TWO\r\n")
    cs = parse_texts(tmp_path, data)
    assert (cs.texts["w.cs"].added, cs.texts["w.cs"].removed) == (b"TWO\r\n", b"two\r\n")


def test_a_type_change_in_a_diff_file_keeps_both_halves(repo: Repo, tmp_path: Path) -> None:
    repo.write("target.txt", "t\n")
    repo.write("link", numbered(3))
    base = repo.commit("base")
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("target.txt")
    repo.commit("type change")
    cs = parse_texts(tmp_path, git_bytes(repo, "diff", "-M", base, "HEAD"))
    (f,) = cs.files
    assert (f.added, f.deleted) == (1, 3)
    assert cs.texts == {"link": git_texts(repo, base).texts["link"]}
    assert (cs.texts["link"].added, cs.texts["link"].removed) == (b"target.txt\n",
                                                                  numbered(3).encode())


def test_a_diff_file_lists_what_the_budget_dropped(repo: Repo, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    repo.write("a.py", "small\n")
    repo.write("b.py", "b" * 99 + "\n")
    repo.write("c.py", "small\n")
    repo.write("d.txt", "not wanted\n")
    repo.commit("files")
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 50)
    cs = parse_texts(tmp_path, git_bytes(repo, "diff", base, "HEAD"),
                     lambda p: p.endswith(".py"))
    assert set(cs.texts) == {"a.py"} and cs.unscanned == ("b.py", "c.py")


def test_parse_patch_asks_once_per_file_and_records_what_it_drops(repo: Repo) -> None:
    repo.write("a.py", numbered(30))
    repo.write("b.py", numbered(30))
    repo.write("c.py", "c\n")
    repo.write("skip.md", "s\n")
    base = repo.commit("base")
    repo.write("a.py", numbered(30).replace("line 2\n", "two\n").replace("line 29\n", "29\n"))
    repo.write("b.py", numbered(30, "b"))
    repo.write("c.py", "C\n")
    repo.write("skip.md", "S\n")
    repo.write("img.bin", b"\0\1")
    repo.commit("head")
    lines = git_bytes(repo, "diff", base, "HEAD").splitlines(keepends=True)
    asked: list[str] = []

    def wants(path: str) -> bool:
        asked.append(path)
        return path != "skip.md"

    budget = diffparse.TextBudget(wants, 100)
    patches = {p.new_path: p for p in diffparse.parse_patch(lines, texts=budget)}
    assert asked == ["a.py", "b.py", "c.py", "skip.md"]  # a.py has two hunks; img.bin none
    assert (patches["a.py"].added_text, patches["a.py"].removed_text) == (
        bytearray(b"two\n29\n"), bytearray(b"line 2\nline 29\n"))
    assert patches["b.py"].added_text is None and patches["b.py"].removed_text is None
    assert patches["c.py"].added_text is None and patches["skip.md"].added_text is None
    assert patches["img.bin"].added_text is None
    assert (budget.over, budget.left) == (["b.py", "c.py"], 0)
    plain = list(diffparse.parse_patch(lines))
    assert all(p.added_text is None and p.removed_text is None for p in plain)
