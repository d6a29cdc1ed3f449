"""The change set read from real git repositories: statuses, counts, hunks, commits and bases."""

from __future__ import annotations

import itertools
import os
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest

from gatekeeper.changeset.model import ChangeSet, EntryKind, FileStatus
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread import collect
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


def test_add_modify_delete_with_line_numbers(repo: Repo) -> None:
    repo.write("edit.txt", numbered(20))
    repo.write("gone.txt", numbered(3))
    base = repo.commit("base")
    old = numbered(20).splitlines(keepends=True)
    # two lines on top, old 10-11 removed, old 18 replaced: new 1-2 and 18 are added lines
    new = ["top a\n", "top b\n", *old[:9], *old[11:17], "changed 18\n", *old[18:]]
    repo.write("edit.txt", "".join(new))
    (repo.path / "gone.txt").unlink()
    repo.write("new.txt", "one\ntwo\n")
    head = repo.commit("edit")
    files = by_path(changeset(repo, base))
    assert set(files) == {"edit.txt", "gone.txt", "new.txt"}
    edit, gone, fresh = files["edit.txt"], files["gone.txt"], files["new.txt"]
    assert row(edit) == ("modified", None, 3, 3)
    assert added_ranges(edit) == [(1, 2), (18, 18)]
    assert removed_ranges(edit) == [(10, 11), (18, 18)]
    assert list(edit.added_lines()) == [1, 2, 18]
    assert row(gone) == ("deleted", None, 0, 3) and (gone.old_mode, gone.new_mode) == (
        "100644", None)
    assert removed_ranges(gone) == [(1, 3)] and row(fresh) == ("added", None, 2, 0)
    assert added_ranges(fresh) == [(1, 2)] and (fresh.old_mode, fresh.new_mode) == (None, "100644")
    for f in files.values():
        assert not f.binary and f.kind is EntryKind.FILE
        assert_hunks_consistent(f)
    assert files["new.txt"].new_blob == repo.git("rev-parse", f"{head}:new.txt")


def test_renames_with_and_without_edits(repo: Repo) -> None:
    repo.write("old/plain.txt", numbered(20, "p"))
    repo.write("old/edited.txt", numbered(20, "e"))
    base = repo.commit("base")
    move(repo, "old/plain.txt", "new/plain.txt")
    move(repo, "old/edited.txt", "new/edited.txt")
    repo.write("new/edited.txt", numbered(20, "e").replace("e 5\n", "e five\n"))
    repo.commit("move")
    files = by_path(changeset(repo, base))
    assert set(files) == {"new/plain.txt", "new/edited.txt"}
    plain, edited = files["new/plain.txt"], files["new/edited.txt"]
    assert row(plain) == ("renamed", "old/plain.txt", 0, 0)
    assert plain.is_pure_rename and plain.hunks == () and plain.similarity == 100
    assert row(edited) == ("renamed", "old/edited.txt", 1, 1)
    assert not edited.is_pure_rename and 50 <= (edited.similarity or 0) < 100
    assert added_ranges(edited) == [(5, 5)] and removed_ranges(edited) == [(5, 5)]


def test_copy_is_only_detected_when_asked(repo: Repo) -> None:
    repo.write("src.py", numbered(20))
    base = repo.commit("base")
    repo.write("copy.py", numbered(20) + "extra\n")
    repo.write("src.py", numbered(19))  # -C only looks at sources changed in the same diff
    repo.commit("copy")
    plain = by_path(changeset(repo, base))
    assert row(plain["copy.py"]) == ("added", None, 21, 0)
    copies = by_path(changeset(repo, base, find_copies=True))
    assert row(copies["copy.py"]) == ("copied", "src.py", 1, 0)
    assert added_ranges(copies["copy.py"]) == [(21, 21)]
    assert row(copies["src.py"]) == ("modified", None, 0, 1)
    assert removed_ranges(copies["src.py"]) == [(20, 20)]


def test_binary_add_modify_and_rename(repo: Repo) -> None:
    repo.write("README", "x\n")
    commits = [repo.commit("base")]
    data = bytes(range(256)) * 8
    repo.write("img.bin", data)
    commits.append(repo.commit("add binary"))
    repo.write("img.bin", data[:-16] + bytes(16))
    commits.append(repo.commit("change binary"))
    move(repo, "img.bin", "moved.bin")
    (repo.path / "moved.bin").chmod(0o755)
    commits.append(repo.commit("move and chmod binary"))
    move(repo, "moved.bin", "again.bin")
    repo.write("again.bin", data[16:] + bytes(16))
    commits.append(repo.commit("move and change binary"))
    added, changed, moved, again = (changeset(repo, a, b).files[0]
                                    for a, b in itertools.pairwise(commits))
    assert row(added) == ("added", None, 0, 0) and added.hunks == ()
    assert row(changed) == ("modified", None, 0, 0)
    # a pure rename prints no "Binary files differ" line, yet git counts the file as binary
    assert row(moved) == ("renamed", "img.bin", 0, 0)
    assert moved.mode_changed and moved.is_pure_rename
    assert row(again) == ("renamed", "moved.bin", 0, 0)
    assert added.binary and changed.binary and moved.binary and again.binary
    assert (again.similarity or 100) < 100 and not again.is_pure_rename
    for a, b in itertools.pairwise(commits):
        assert git_numstat(repo, a, b)[1] == {changeset(repo, a, b).files[0].path}


def test_mode_change_only_and_with_edit(repo: Repo) -> None:
    repo.write("run.sh", "echo hi\n")
    repo.write("edit.sh", "echo a\n")
    base = repo.commit("base")
    (repo.path / "run.sh").chmod(0o755)
    repo.write("edit.sh", "echo b\n", mode=0o755)
    repo.commit("chmod")
    files = by_path(changeset(repo, base))
    run, edit = files["run.sh"], files["edit.sh"]
    assert row(run) == ("mode-only", None, 0, 0) and run.hunks == () and run.mode_changed
    assert (run.old_mode, run.new_mode) == ("100644", "100755")
    assert row(edit) == ("modified", None, 1, 1) and edit.mode_changed


def test_symlink_add_and_type_change(repo: Repo) -> None:
    repo.write("target.txt", "t\n")
    repo.write("becomes-link", numbered(3))
    base = repo.commit("base")
    (repo.path / "link").symlink_to("target.txt")
    (repo.path / "becomes-link").unlink()
    (repo.path / "becomes-link").symlink_to("target.txt")
    repo.commit("links")
    files = by_path(changeset(repo, base))
    assert set(files) == {"link", "becomes-link"}
    link = files["link"]
    assert row(link) == ("added", None, 1, 0) and added_ranges(link) == [(1, 1)]
    assert (link.kind, link.is_symlink, link.new_mode) == (EntryKind.SYMLINK, True, "120000")
    typed = files["becomes-link"]
    assert row(typed) == ("modified", None, 1, 3) and typed.is_symlink
    assert (typed.old_mode, typed.new_mode) == ("100644", "120000")
    assert added_ranges(typed) == [(1, 1)] and removed_ranges(typed) == [(1, 3)]
    numstat, _ = git_numstat(repo, base, "HEAD")
    assert ("becomes-link", typed.added, typed.deleted) in numstat


def test_submodule_pointer_change(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_repo(tmp_path / "lib")
    lib.write("lib.txt", "1\n")
    lib.commit("lib 1")
    repo.write("README", "x\n")
    base = repo.commit("base")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.path),
             "deps/lib")
    mid = repo.commit("add submodule")
    added = by_path(changeset(repo, base))
    assert added["deps/lib"].is_submodule and row(added["deps/lib"]) == ("added", None, 1, 0)
    assert added[".gitmodules"].kind is EntryKind.FILE
    inner = Repo(repo.path / "deps" / "lib")
    inner.write("lib.txt", "2\n")
    new_pointer = inner.commit("lib 2")
    repo.commit("bump submodule")
    sub = by_path(changeset(repo, mid))["deps/lib"]
    assert row(sub) == ("modified", None, 1, 1) and sub.is_submodule
    assert (sub.kind, sub.old_mode, sub.new_mode) == (EntryKind.SUBMODULE, "160000", "160000")
    assert sub.new_blob == new_pointer
    hostile_git_config(monkeypatch)  # diff.submodule=log would print a commit list instead
    assert changeset(repo, mid).files == (sub,)


def test_merge_commit_inside_the_range(repo: Repo) -> None:
    repo.write("README", "x\n")
    fork = repo.commit("base")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("topic.txt", "t\n")
    topic = repo.commit("topic work")
    repo.git("checkout", "-q", "-b", "feature", fork)
    repo.write("feature.txt", "f\n")
    feature = repo.commit("feature work")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic")
    merge = repo.head()
    repo.git("checkout", "-q", "main")
    repo.write("main-only.txt", "m\n")  # moves the base on: not part of the change set
    repo.commit("main moves on")
    cs = changeset(repo, "main", "feature")
    assert cs.revisions.merge_base == fork and cs.revisions.base_sha != fork
    assert {c.sha for c in cs.commits} == {topic, feature, merge}
    merges = [c for c in cs.commits if c.is_merge]
    assert [c.sha for c in merges] == [merge] and merges[0].parents == (feature, topic)
    assert set(by_path(cs)) == {"topic.txt", "feature.txt"}


def test_awkward_file_names(repo: Repo) -> None:
    wanted = ["with space.txt", "dïr/fïle ü.txt", 'quo"te.txt', "tab\there.txt",
              "back\\slash.txt", "new\nline.txt", "-- dashes.txt", "a b/c d.txt", "日本/語.md"]
    names = []
    for i, name in enumerate(wanted):
        try:
            repo.write(name, numbered(12, f"file{i}"))
        except OSError:  # a file system that refuses the name
            continue
        names.append(name)
    assert len(names) >= 5
    base = repo.commit("names")
    for i, name in enumerate(wanted):
        if name in names:
            repo.write(name, numbered(12, f"file{i}").replace(f"file{i} 3\n", "three\n"))
            move(repo, name, name.replace(".", " moved."))
    repo.commit("edit and move")
    files = by_path(changeset(repo, base))
    assert set(files) == {name.replace(".", " moved.") for name in names}
    for name in names:
        f = files[name.replace(".", " moved.")]
        assert row(f) == ("renamed", name, 1, 1)
        assert added_ranges(f) == [(3, 3)]


def test_empty_range(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    head = repo.commit("one")
    cs = changeset(repo, "HEAD")
    assert cs.empty and cs.files == () and cs.commits == ()
    assert cs.revisions.merge_base == cs.revisions.head_sha == head


def check_attr(repo: Repo, paths: list[str]) -> dict[str, dict[str, bool]]:
    """git check-attr's set/unset verdicts, in the shape of ChangeSet.attributes."""
    fields = repo.git("check-attr", "-z", "linguist-generated", "linguist-documentation",
                      "--", *paths).split("\0")
    result: dict[str, dict[str, bool]] = {}
    for path, name, value in zip(fields[0::3], fields[1::3], fields[2::3], strict=False):
        if value in ("set", "unset"):
            result.setdefault(path, {})[name] = value == "set"
    return result


def test_linguist_attributes_and_headers(repo: Repo) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    repo.write(".gitattributes", "*.gen.js linguist-generated\n/top.txt linguist-generated\n"
               "docs/** linguist-documentation\nold.gen.js -linguist-generated\n")
    repo.write("src/.gitattributes", "keep.gen.js -linguist-generated\n"
               "out/*.txt linguist-generated\n/top.txt linguist-generated\n")
    paths = ["a.gen.js", "src/b.gen.js", "src/keep.gen.js", "old.gen.js", "src/out/x.txt",
             "src/deep/out/x.txt", "top.txt", "src/top.txt", "src/d/top.txt", "docs/a/b.md",
             "x.txt"]
    for name in paths:
        repo.write(name, "generated\n")
    repo.commit("generated files")
    attrs = changeset(repo, base).attributes
    assert attrs["a.gen.js"]["linguist-generated"] is True
    assert attrs["src/b.gen.js"]["linguist-generated"] is True
    assert attrs["src/keep.gen.js"]["linguist-generated"] is False  # a subfolder unsets it
    assert attrs["old.gen.js"]["linguist-generated"] is False  # a later line unsets it
    assert attrs["src/out/x.txt"]["linguist-generated"] is True
    assert "x.txt" not in attrs and "src/deep/out/x.txt" not in attrs
    assert {p: a for p, a in attrs.items() if p in paths} == check_attr(repo, paths)
    repo.write("src/staged.gen.js", "// Code generated by protoc. DO NOT EDIT.\n")
    repo.write("blob.gen.js", b"// @generated \0\1")
    repo.write("plain.gen.js", "// hand-written\n")
    repo.git("add", "src/staged.gen.js", "blob.gen.js", "plain.gen.js")
    staged = changeset(repo, staged=True)  # read from the index
    assert staged.attributes == {"src/staged.gen.js": {"linguist-generated": True},
                                 "blob.gen.js": {"linguist-generated": True},
                                 "plain.gen.js": {"linguist-generated": True}}
    # a NUL byte does not make a .js file binary: its first bytes are read like any text's;
    # a header without either banner's words is not kept (it could hold no banner)
    assert staged.headers == {"src/staged.gen.js": "// Code generated by protoc. DO NOT EDIT.\n",
                              "blob.gen.js": "// @generated \0\1"}


def test_commit_metadata_and_trailers(repo: Repo) -> None:
    repo.write("a", "a\n")
    base = repo.commit("base")
    repo.write("a", "b\n")
    message = ("Add the thing\n\nWhy it matters.\nKey: inside the body is prose\n\n"
               "Signed-off-by: Ada <ada@example.com>\nreviewed-by: Bob\n"
               "SIGNED-OFF-BY: Cy <cy@example.com>\n")
    full = repo.commit(message)
    repo.write("a", "c\n")
    subject_only = repo.commit("Fix: thing")
    repo.write("a", "d\n")
    no_final_trailers = repo.commit("Subject\n\nNote: in a middle paragraph\n\nplain prose.\n")
    commits = {c.sha: c for c in changeset(repo, base).commits}
    assert set(commits) == {full, subject_only, no_final_trailers}
    c = commits[full]
    people = [GIT_ENV[f"GIT_{who}_{part}"] for who in ("AUTHOR", "COMMITTER")
              for part in ("NAME", "EMAIL")]
    assert [c.author_name, c.author_email, c.committer_name, c.committer_email] == people
    assert c.subject == "Add the thing" and c.parents == (base,) and not c.is_merge
    assert c.body == message.split("\n\n", 1)[1].rstrip("\n")
    assert c.trailer_values("signed-off-by") == ["Ada <ada@example.com>", "Cy <cy@example.com>"]
    assert c.trailer_values("Reviewed-By") == ["Bob"] and c.trailer_values("key") == []
    assert len(c.trailers) == 3 and commits[subject_only].subject == "Fix: thing"
    assert commits[subject_only].trailers == () and commits[subject_only].body == ""
    assert commits[no_final_trailers].trailers == ()


def test_staged_checks_the_index(repo: Repo) -> None:
    repo.write("a.txt", numbered(5))
    repo.write("späce ü.txt", "x\n")
    repo.write("untracked.txt", "u\n")
    repo.git("add", "a.txt", "späce ü.txt")
    cs = changeset(repo, staged=True)  # no commits yet: compared with the empty tree
    assert (cs.revisions.mode, cs.revisions.base_sha, cs.commits) == ("staged", None, ())
    assert {(f.path, f.status, f.added) for f in cs.files} == {
        ("a.txt", FileStatus.ADDED, 5), ("späce ü.txt", FileStatus.ADDED, 1)}
    head = repo.commit("base")
    repo.write("a.txt", numbered(5).replace("line 2\n", "two\n"))
    repo.git("add", "a.txt")
    repo.write("a.txt", numbered(5).replace("line 2\n", "two\n") + "unstaged\n")
    cs = changeset(repo, staged=True)
    assert (cs.revisions.base_ref, cs.revisions.base_sha) == ("HEAD", head)
    (f,) = cs.files
    assert (f.path, f.status, f.added, f.deleted) == ("a.txt", FileStatus.MODIFIED, 1, 1)
    assert added_ranges(f) == [(2, 2)] and removed_ranges(f) == [(2, 2)]


@pytest.fixture
def work(tmp_path: Path) -> Repo:
    """A clone of a bare origin with main and release; feature tracks origin/release."""
    seed = make_repo(tmp_path / "seed")
    seed.write("README.md", "hello\n")
    seed.commit("initial")
    origin = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", "-b", "main", str(origin))
    seed.git("remote", "add", "origin", origin.as_uri())
    seed.git("checkout", "-q", "-b", "release")
    seed.write("release.txt", "r\n")
    seed.commit("release prep")
    seed.git("push", "-q", "origin", "main", "release")
    Repo(tmp_path).git("clone", "-q", origin.as_uri(), "work")
    clone = Repo(tmp_path / "work")
    clone.git("checkout", "-q", "-b", "feature", "--track", "origin/release")
    clone.write("feature.txt", "f\n")
    clone.commit("feature")
    return clone


def test_base_is_the_upstream_of_the_current_branch(work: Repo) -> None:
    cs = changeset(work)
    assert (cs.revisions.base_ref, cs.revisions.base_reason) == (
        "origin/release", "the upstream of the current branch")
    assert cs.revisions.merge_base == work.git("rev-parse", "origin/release")
    assert set(by_path(cs)) == {"feature.txt"}


def test_base_falls_back_to_origin_head_then_local_main(work: Repo) -> None:
    work.git("branch", "-q", "--unset-upstream")
    cs = changeset(work)
    assert cs.revisions.base_ref == "origin/main" and "origin/HEAD" in cs.revisions.base_reason
    assert set(by_path(cs)) == {"release.txt", "feature.txt"}
    work.git("remote", "set-head", "origin", "-d")
    revs = changeset(work).revisions
    assert revs.base_ref == "main" and "local main branch" in revs.base_reason
    assert revs.base_sha == work.git("rev-parse", "main")
    work.git("branch", "-q", "-m", "main", "trunk")
    with pytest.raises(ChangeSetError, match="cannot choose a base"):
        changeset(work)


def test_unknown_revision(repo: Repo) -> None:
    repo.write("a", "a\n")
    repo.commit("one")
    for kwargs in ({"base": "no-such-branch"}, {"base": "HEAD", "head": "no-such-branch"}):
        with pytest.raises(ChangeSetError, match="no-such-branch") as info:
            changeset(repo, **cast("dict[str, Any]", kwargs))
        assert info.value.exit_code == 3


def test_shallow_clone_whose_remote_is_gone_fails_closed(tmp_path: Path) -> None:
    """With no remote left to deepen from, a missing merge base is exit 3 with the fix."""
    seed = make_repo(tmp_path / "seed")
    seed.write("README.md", "hello\n")
    seed.commit("initial")
    seed.git("checkout", "-q", "-b", "feature")
    for i in range(4):
        seed.write(f"f{i}.txt", f"{i}\n")
        seed.commit(f"feature {i}")
    Repo(tmp_path).git("clone", "-q", "--depth", "1", "--no-single-branch",
                       (tmp_path / "seed").as_uri(), "shallow")
    shallow = Repo(tmp_path / "shallow")
    shallow.git("checkout", "-q", "feature")
    assert shallow.git("rev-parse", "--is-shallow-repository") == "true"
    (tmp_path / "seed").rename(tmp_path / "gone")
    with pytest.raises(ChangeSetError, match="shallow") as info:
        changeset(shallow, "origin/main")
    assert info.value.exit_code == 3
    assert "fetch-depth: 0" in (info.value.hint or "") and "GIT_DEPTH" in (info.value.hint or "")
    result = run_cli("check", "--base", "origin/main", cwd=shallow.path)
    assert result.code == 3 and "fetch-depth: 0" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


_LEADERS = ("#", "//", "/*", "*", "<!--", "--", ";", "%", "'", '"""')


def comments_of(repo: Repo, head: str, cs: ChangeSet) -> set[tuple[str, int, str]]:
    """The added lines of ``cs`` that hold a comment, read back from the files at ``head``."""
    found = set()
    for f in cs.files:
        if not f.added or f.binary:
            continue
        blob = subprocess.run(["git", "show", f"{head}:{f.path}"], cwd=repo.path, check=True,
                              capture_output=True, env={**os.environ, **GIT_ENV}).stdout
        lines = blob.decode("utf-8", errors="replace").split("\n")
        for number in f.added_lines():
            text = lines[number - 1].strip()
            if text.startswith(_LEADERS) or any(m in text for m in (" #", "//", "/*", "<!--")):
                found.add((f.path, number, text))
    return found


def test_counts_agree_with_numstat_for_every_first_parent_commit(repo: Repo) -> None:
    line = build_history(repo, seed=20240611, commits=42)
    assert len(line) >= 40
    statuses: set[FileStatus] = set()
    seen_binary = seen_rename_edit = seen_merge = seen_comment = False
    for parent, commit in itertools.pairwise(line):
        cs = changeset(repo, parent, commit)
        expected, binary = git_numstat(repo, parent, commit)
        assert {(f.path, f.added, f.deleted) for f in cs.files} == expected, commit
        assert {f.path for f in cs.files if f.binary} == binary, commit
        assert comments_of(repo, commit, cs) == {(c.path, c.line, c.text) for c in cs.comments}
        seen_comment |= bool(cs.comments)
        for f in cs.files:
            assert_hunks_consistent(f)
            statuses.add(f.status)
            seen_binary |= f.binary
            seen_rename_edit |= f.status is FileStatus.RENAMED and f.changed > 0
        seen_merge |= any(c.is_merge for c in cs.commits)
    assert statuses >= {FileStatus.ADDED, FileStatus.MODIFIED, FileStatus.DELETED,
                        FileStatus.RENAMED, FileStatus.MODE_ONLY}
    assert seen_binary and seen_rename_edit and seen_merge and seen_comment


# settings in a user's gitconfig that would change git's output if gatekeeper did not pin them
HOSTILE_CONFIG = {
    "diff.noprefix": "true", "diff.mnemonicPrefix": "true", "diff.renames": "false",
    "diff.submodule": "log", "diff.ignoreSubmodules": "all", "diff.external": "false",
    "color.ui": "always", "core.quotePath": "true", "log.showSignature": "true",
    "format.pretty": "oneline", "trailer.separators": "#",
}


def hostile_git_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sets, through the environment, every git setting that could change a diff."""
    monkeypatch.setenv("GIT_CONFIG_COUNT", str(len(HOSTILE_CONFIG)))
    for i, (key, value) in enumerate(HOSTILE_CONFIG.items()):
        monkeypatch.setenv(f"GIT_CONFIG_KEY_{i}", key)
        monkeypatch.setenv(f"GIT_CONFIG_VALUE_{i}", value)


def test_user_git_config_does_not_change_the_change_set(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_history(repo, seed=5, commits=6)
    repo.commit("Trailers\n\nBecause.\n\nSigned-off-by: Ada <ada@example.com>")
    line = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    expected = [changeset(repo, a, b) for a, b in itertools.pairwise(line)]
    assert expected[-1].commits[0].trailer_values("signed-off-by") == ["Ada <ada@example.com>"]
    hostile_git_config(monkeypatch)
    assert [changeset(repo, a, b) for a, b in itertools.pairwise(line)] == expected


def test_comments_of_staged_renamed_and_retyped_files(repo: Repo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("lib/util.py", numbered(10, "v ="))
    repo.write("to-link.sh", "# was a script\necho\n")
    repo.write("target.txt", "t\n")
    repo.write("gone.py", "# bye\n")
    repo.commit("base")
    move(repo, "lib/util.py", "pkg/util.py")
    repo.write("pkg/util.py", numbered(10, "v =").replace("v = 4\n", "v = 4  # four\n"))
    (repo.path / "to-link.sh").unlink()
    (repo.path / "to-link.sh").symlink_to("target.txt")
    (repo.path / "gone.py").unlink()
    repo.write("new.py", "# one\n# two\n# three\n")
    repo.git("add", "-A")
    cs = changeset(repo, staged=True)
    files = {f.path: f for f in cs.files}
    assert files["pkg/util.py"].status is FileStatus.RENAMED and files["to-link.sh"].is_symlink
    assert [(c.path, c.line, c.text) for c in cs.comments] == [
        ("new.py", 1, "# one"), ("new.py", 2, "# two"), ("new.py", 3, "# three"),
        ("pkg/util.py", 4, "v = 4  # four")]
    monkeypatch.setattr(collect, "MAX_COMMENTS", 2)
    assert [(c.path, c.line) for c in changeset(repo, staged=True).comments] == [
        ("new.py", 1), ("new.py", 2)]


# -- line text kept for the feature-flag scan ---------------------------------------------------


def with_texts(repo: Repo, base: str | None = None, head: str | None = None, *,
               wants: collect.Wants | None = lambda path: True, staged: bool = False
               ) -> ChangeSet:
    """The change set of ``repo`` with the line text of the files ``wants`` accepts."""
    from gatekeeper import context
    from gatekeeper.gitread.gitio import GitRepo

    git_repo = GitRepo.discover(str(repo.path))
    try:
        revs = context.resolve(git_repo, context.Request(base=base, head=head, staged=staged))
        return collect.from_git(git_repo, revs, texts=wants)
    finally:
        git_repo.close()


def blob_lines(repo: Repo, rev: str, path: str) -> list[bytes]:
    """The lines of ``path`` at ``rev`` split at LF only, each ending in one (as kept text)."""
    blob = subprocess.run(["git", "cat-file", "blob", f"{rev}:{path}"], cwd=repo.path,
                          capture_output=True, check=True, env={**os.environ, **GIT_ENV}).stdout
    parts = blob.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return [part + b"\n" for part in parts]


def assert_text_lines_up(repo: Repo, base: str, head: str, cs: ChangeSet) -> int:
    """Each kept text equals the lines its file's added and removed numbers point at in the
    blobs at ``head`` and ``base``; returns how many files were checked."""
    checked = 0
    for f in cs.files:
        text = cs.texts.get(f.path)
        if text is None:
            continue
        new = [] if f.status is FileStatus.DELETED else blob_lines(repo, head, f.path)
        old = [] if f.status is FileStatus.ADDED else blob_lines(repo, base,
                                                                  f.old_path or f.path)
        assert text.added == b"".join(new[n - 1] for n in f.added_lines()), f.path
        assert text.removed == b"".join(old[n - 1] for n in f.removed_lines()), f.path
        checked += 1
    return checked


def test_text_lines_up_with_the_numbers_of_several_hunks(repo: Repo) -> None:
    repo.write("app.py", numbered(40))
    base = repo.commit("base")
    lines = numbered(40).splitlines(keepends=True)
    lines[1] = "flag two\n"  # old 2 replaced
    del lines[19:21]  # old 20-21 removed
    lines[36:36] = ["new a\n", "new b\n"]  # added after old 38
    lines.append("tail\n")
    repo.write("app.py", "".join(lines))
    head = repo.commit("edit")
    cs = with_texts(repo, base)
    (f,) = cs.files
    assert len(f.hunks) == 3
    assert list(f.added_lines()) == [2, 37, 38, 41]
    assert list(f.removed_lines()) == [2, 20, 21]
    assert cs.texts["app.py"].added == b"flag two\nnew a\nnew b\ntail\n"
    assert cs.texts["app.py"].removed == b"line 2\nline 20\nline 21\n"
    assert assert_text_lines_up(repo, base, head, cs) == 1
    assert cs.unscanned == ()


@pytest.mark.parametrize(("old", "new", "added", "removed"), [
    ("a\nb", "a\nb\nc", b"b\nc\n", b"b\n"),  # the old side's last line has no newline
    ("a\nb\n", "a\nB", b"B\n", b"b\n"),  # the new side's
    ("a\nb", "a\nB", b"B\n", b"b\n"),  # both
    ("", "only", b"only\n", b""),
])
def test_a_last_line_without_newline_still_ends_in_one(repo: Repo, old: str, new: str,
                                                        added: bytes, removed: bytes) -> None:
    repo.write("f.txt", old)
    base = repo.commit("base")
    repo.write("f.txt", new)
    head = repo.commit("edit")
    cs = with_texts(repo, base)
    assert (cs.texts["f.txt"].added, cs.texts["f.txt"].removed) == (added, removed)
    assert assert_text_lines_up(repo, base, head, cs) == 1


def test_crlf_lines_keep_their_carriage_returns(repo: Repo) -> None:
    repo.write("win.cs", b"one\r\ntwo\r\nthree\r\n")
    base = repo.commit("base")
    repo.write("win.cs", b"one\r\nTWO\r\nthree\r\nfour\r\n")
    head = repo.commit("edit")
    cs = with_texts(repo, base)
    text = cs.texts["win.cs"]
    assert (text.added, text.removed) == (b"TWO\r\nfour\r\n", b"two\r\n")
    assert text.added.count(b"\n") == len(list(cs.files[0].added_lines())) == 2
    assert assert_text_lines_up(repo, base, head, cs) == 1


def test_only_wanted_files_keep_text(repo: Repo) -> None:
    repo.write("docs/guide.md", "old\n")
    repo.write("src/app.py", "old\n")
    base = repo.commit("base")
    repo.write("docs/guide.md", "new\n")
    repo.write("src/app.py", "new\n")
    repo.write("src/more.py", "fresh\n")
    repo.commit("edit")
    asked: list[str] = []

    def wants(path: str) -> bool:
        asked.append(path)
        return path.endswith(".py")

    cs = with_texts(repo, base, wants=wants)
    assert set(cs.texts) == {"src/app.py", "src/more.py"}
    assert cs.texts["src/more.py"].removed == b"" and cs.texts["src/more.py"].added == b"fresh\n"
    assert sorted(asked) == ["docs/guide.md", "src/app.py", "src/more.py"]  # once per file
    assert cs.unscanned == ()


def test_no_predicate_keeps_no_text(repo: Repo) -> None:
    repo.write("a.py", "x\n")
    base = repo.commit("base")
    repo.write("a.py", "y\n")
    repo.commit("edit")
    cs = with_texts(repo, base, wants=None)
    assert (cs.texts, cs.unscanned) == ({}, ())
    assert changeset(repo, base).texts == {}
    assert with_texts(repo, base).texts != {}  # the same change keeps text when asked


def big_and_small(repo: Repo) -> str:
    """A base, then a head changing a.py (10 bytes of text), b.py in two hunks (60 bytes each
    way), c.py (10 bytes) and d.md: git lists them in that order."""
    repo.write("b.py", "".join(f"{c}\n" for c in "abcdefghijklmnopqrst"))
    base = repo.commit("base")
    repo.write("a.py", "01234567\n")
    old = "".join(f"{c}\n" for c in "abcdefghijklmnopqrst")
    repo.write("b.py", old.replace("b\n", "b" * 29 + "\n").replace("s\n", "s" * 29 + "\n"))
    repo.write("c.py", "01234567\n")
    repo.write("d.md", "not wanted\n")
    repo.commit("head")
    return base


def test_an_exhausted_budget_lists_the_dropped_and_later_files(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    base = big_and_small(repo)
    unlimited = with_texts(repo, base, wants=lambda p: p.endswith(".py"))
    sizes = {p: len(t.added) + len(t.removed) for p, t in unlimited.texts.items()}
    assert sizes == {"a.py": 9, "b.py": 64, "c.py": 9} and unlimited.unscanned == ()
    # b.py's first hunk (32 bytes) fits in 40, the second does not: its text goes entirely
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 40)
    cs = with_texts(repo, base, wants=lambda p: p.endswith(".py"))
    assert set(cs.texts) == {"a.py"} and cs.texts["a.py"] == unlimited.texts["a.py"]
    assert cs.unscanned == ("b.py", "c.py")  # d.md was never wanted
    assert [f.path for f in cs.files] == [f.path for f in unlimited.files]  # counts unharmed
    assert cs.files == unlimited.files


def test_text_exactly_at_the_budget_is_kept(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("a.py", "12345\n")
    base = repo.commit("base")
    repo.write("a.py", "67890\n")  # 6 bytes added, 6 removed
    repo.commit("edit")
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 12)
    assert set(with_texts(repo, base).texts) == {"a.py"}
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 11)
    cs = with_texts(repo, base)
    assert (cs.texts, cs.unscanned) == ({}, ("a.py",))


def test_the_text_budget_spans_the_files_of_a_change(repo: Repo,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("README", "x\n")
    base = repo.commit("base")
    for name in ("a.py", "b.py", "c.py"):
        repo.write(name, "0123456789" * 3 + "\n")  # 31 bytes of added text each
    repo.commit("three files")
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 70)
    cs = with_texts(repo, base)
    assert set(cs.texts) == {"a.py", "b.py"}
    assert cs.unscanned == ("c.py",)


def test_a_renamed_file_keeps_text_under_its_new_path(repo: Repo) -> None:
    repo.write("old/flags.py", numbered(20, "v ="))
    base = repo.commit("base")
    move(repo, "old/flags.py", "new/flags.py")
    repo.write("new/flags.py", numbered(20, "v =").replace("v = 5\n", "v = five\n"))
    head = repo.commit("move")
    asked: list[str] = []

    def wants(path: str) -> bool:
        asked.append(path)
        return True

    cs = with_texts(repo, base, wants=wants)
    (f,) = cs.files
    assert (f.status, f.old_path) == (FileStatus.RENAMED, "old/flags.py")
    assert asked == ["new/flags.py"] and set(cs.texts) == {"new/flags.py"}
    assert cs.texts["new/flags.py"].added == b"v = five\n"
    assert cs.texts["new/flags.py"].removed == b"v = 5\n"
    assert assert_text_lines_up(repo, base, head, cs) == 1
    assert with_texts(repo, base, wants=lambda p: p.startswith("old/")).texts == {}


def test_a_type_change_keeps_both_halves_in_order(repo: Repo) -> None:
    repo.write("target.txt", "t\n")
    repo.write("link", numbered(3))
    base = repo.commit("base")
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("target.txt")
    head = repo.commit("type change")
    cs = with_texts(repo, base)
    (f,) = cs.files
    assert f.is_symlink and (f.added, f.deleted) == (1, 3)
    assert cs.texts["link"].added == b"target.txt\n"
    assert cs.texts["link"].removed == numbered(3).encode()
    assert assert_text_lines_up(repo, base, head, cs) == 1


def test_binary_and_pure_changes_keep_no_text(repo: Repo, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    repo.write("img.bin", b"\0\1\2")
    repo.write("same.py", numbered(10))
    repo.write("run.sh", "echo\n")
    base = repo.commit("base")
    repo.write("img.bin", b"\0\1\3")
    repo.write("new.bin", b"\0\4")
    move(repo, "same.py", "moved.py")
    (repo.path / "run.sh").chmod(0o755)
    repo.commit("no text")
    cs = with_texts(repo, base)
    assert {f.path for f in cs.files} == {"img.bin", "new.bin", "moved.py", "run.sh"}
    assert (cs.texts, cs.unscanned) == ({}, ())
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 0)  # with no budget at all, nothing to drop
    assert with_texts(repo, base).unscanned == ()


def test_a_deleted_file_keeps_its_removed_text(repo: Repo) -> None:
    repo.write("gone.py", "if flag('x'):\n    pass\n")
    base = repo.commit("base")
    (repo.path / "gone.py").unlink()
    head = repo.commit("delete")
    cs = with_texts(repo, base)
    assert cs.texts["gone.py"].added == b""
    assert cs.texts["gone.py"].removed == b"if flag('x'):\n    pass\n"
    assert assert_text_lines_up(repo, base, head, cs) == 1


def test_staged_changes_keep_text_too(repo: Repo) -> None:
    repo.write("a.py", "one\n")
    repo.commit("base")
    repo.write("a.py", "one\ntwo\n")
    repo.git("add", "a.py")
    repo.write("a.py", "one\ntwo\nunstaged\n")
    cs = with_texts(repo, staged=True)
    assert cs.texts["a.py"].added == b"two\n"


def test_kept_text_lines_up_across_a_generated_history(repo: Repo) -> None:
    line = build_history(repo, seed=99, commits=24)
    checked = 0
    for parent, commit in itertools.pairwise(line):
        cs = with_texts(repo, parent, commit)
        checked += assert_text_lines_up(repo, parent, commit, cs)
        wanted = {f.path for f in cs.files if f.hunks and not f.binary}
        assert set(cs.texts) == wanted, commit
        assert cs.unscanned == ()
    assert checked > 30


def test_a_type_change_over_the_budget_keeps_no_half_of_its_text(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("target.txt", "t\n")
    repo.write("link", "abc\n")  # 4 bytes removed: within the budget
    base = repo.commit("base")
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("target.txt")  # 11 bytes added: over it
    repo.commit("type change")
    monkeypatch.setattr(collect, "MAX_TEXT_BYTES", 5)
    cs = with_texts(repo, base)
    assert cs.unscanned == ("link",)
    assert cs.texts == {}


@pytest.mark.parametrize("folders", [3, 90])  # asked folder by folder, or found by one listing
def test_attributes_agree_with_git_however_the_files_are_found(repo: Repo,
                                                                folders: int) -> None:
    from gatekeeper.gitread import blobprobe

    assert (folders > blobprobe.LIST_OVER_FOLDERS) == (folders == 90)
    repo.write(".gitattributes", "*.gen.js linguist-generated\n")
    repo.write("f1/.gitattributes", "*.gen.js -linguist-generated\n")
    repo.write(f"f{folders - 1}/deep/.gitattributes", "x.gen.js -linguist-generated\n")
    base = repo.commit("attributes")
    paths = [f"f{i}/x.gen.js" for i in range(folders - 1)]
    paths.append(f"f{folders - 1}/deep/x.gen.js")
    for name in paths:
        repo.write(name, "out\n")
    repo.commit("generated files")
    attrs = changeset(repo, base).attributes
    assert attrs["f0/x.gen.js"] == {"linguist-generated": True}
    assert attrs["f1/x.gen.js"] == {"linguist-generated": False}
    assert attrs[f"f{folders - 1}/deep/x.gen.js"] == {"linguist-generated": False}
    assert {p: a for p, a in attrs.items() if p in paths} == check_attr(repo, paths)
