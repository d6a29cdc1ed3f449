"""Flag facts of a change: lines numbered from the hunks, references per file, cleanups,
unknown keys against a registry, and the registry read from a tree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import ChangeSet, FileChange, FileStatus, FileText, Hunk, Revisions
from gatekeeper.errors import PolicyError
from gatekeeper.facts.flags.facts import FlagFacts, gather, lines_of, read_registry
from gatekeeper.facts.flags.registry import Registry, UnknownKey
from gatekeeper.facts.flags.settings import FlagSettings
from gatekeeper.facts.flags.summary import FileFlags
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo

Blocks = dict[int, Sequence[str]]
"""The first line number of each block of lines, and the block's lines."""

LD = "ldClient.boolVariation('{}', ctx, false)"


def edit(path: str, added: Blocks | None = None, removed: Blocks | None = None, *,
         status: FileStatus = FileStatus.MODIFIED,
         old_path: str | None = None) -> tuple[FileChange, FileText]:
    """A change to ``path`` with one hunk per block, and the text of its lines."""
    added, removed = added or {}, removed or {}
    hunks = [Hunk(n, 0, n, len(block), ((n, n + len(block) - 1),), ())
             for n, block in added.items()]
    hunks += [Hunk(n, len(block), n, 0, (), ((n, n + len(block) - 1),))
              for n, block in removed.items()]
    plus = [line for block in added.values() for line in block]
    minus = [line for block in removed.values() for line in block]
    change = FileChange(path, old_path, status, len(plus), len(minus), hunks=tuple(hunks))
    return change, FileText("".join(f"{x}\n" for x in plus).encode(),
                            "".join(f"{x}\n" for x in minus).encode())


def changeset(*edits: tuple[FileChange, FileText], unscanned: tuple[str, ...] = ()
              ) -> ChangeSet:
    """A change set of the ``edits``, with their texts."""
    return ChangeSet(Revisions(mode="range"), tuple(c for c, _ in edits),
                     texts={c.path: t for c, t in edits}, unscanned=unscanned)


def test_lines_are_numbered_from_the_hunks_in_the_new_and_old_file() -> None:
    change, text = edit("src/a.ts", {3: ["x", "y"], 10: ["z"]}, {5: ["gone"]})
    added, removed = lines_of(change, text)
    assert added == [("src/a.ts", 3, "x"), ("src/a.ts", 4, "y"), ("src/a.ts", 10, "z")]
    assert removed == [("src/a.ts", 5, "gone")]


def test_line_breaks_are_dropped_and_bad_bytes_replaced() -> None:
    change, _ = edit("a.py", {1: ["a", "b", "c"]})
    text = FileText(b"one\r\ntwo \xff\n\r\n")
    added, removed = lines_of(change, text)
    assert added == [("a.py", 1, "one"), ("a.py", 2, "two \ufffd"), ("a.py", 3, "")]
    assert removed == []


def test_a_line_count_that_disagrees_with_the_hunks_stops_at_the_shorter() -> None:
    change, _ = edit("a.py", {1: ["a", "b", "c"]}, {7: ["d"]})
    added, removed = lines_of(change, FileText(b"a\n", b"d\ne\nf\n"))
    assert added == [("a.py", 1, "a")]
    assert removed == [("a.py", 7, "d")]


def test_a_renamed_file_is_scanned_under_its_new_path() -> None:
    change, text = edit("src/new.ts", {4: [LD.format("f")]}, {4: [LD.format("g")]},
                        status=FileStatus.RENAMED, old_path="src/old.ts")
    added, removed = lines_of(change, text)
    assert added[0][:2] == ("src/new.ts", 4) and removed[0][:2] == ("src/new.ts", 4)


def test_gather_summarises_added_and_removed_references_per_file() -> None:
    found = gather(changeset(
        edit("src/a.ts", {1: ["const x = 1", f"if ({LD.format('new-checkout')}) {{"]}),
        edit("src/b.ts", None, {12: [LD.format("old-banner")]}),
        edit("src/c.ts", {2: [f"const on = {LD.format('kept')}"]},
             {2: [f"const on = {LD.format('kept')} && y"]}),
        edit("README.md", {1: ["ldClient.boolVariation('not-code', ctx, false)"]}),
    ), FlagSettings.model_validate({}), None)
    assert found.files == (
        FileFlags("src/a.ts", ("new-checkout",), ("new-checkout",), ("new-checkout",), ()),
        FileFlags("src/b.ts", (), (), ("old-banner",), ("old-banner",)),
        FileFlags("src/c.ts", ("kept",), (), ("kept",), ()),
    )
    assert found.guarded and found.guarded_paths == ("src/a.ts", "src/c.ts")
    assert found.cleanups == ("old-banner",)
    assert found.of("src/b.ts") is found.files[1] and found.of("README.md") is None
    assert found.unknown == () and found.registry is None


def test_a_call_spread_over_lines_is_found() -> None:
    found = gather(changeset(edit("src/a.ts", {20: ["if (ldClient.boolVariation(",
                                                    "      'split-call',",
                                                    "      ctx, false)) {"]})),
                   FlagSettings.model_validate({}), None)
    assert found.files[0].added == ("split-call",)


def test_a_deleted_file_cleans_up_its_flags() -> None:
    found = gather(changeset(edit("src/old.py", None,
                                  {1: ["import ldclient", "client = ldclient.get()",
                                       "if client.variation('legacy', ctx, False):"]},
                                  status=FileStatus.DELETED)),
                   FlagSettings.model_validate({}), None)
    assert found.cleanups == ("legacy",) and not found.guarded


def test_unknown_keys_are_checked_against_the_registry_with_suggestions() -> None:
    registry = Registry("flags.yml", frozenset({"new-checkout", "dark-mode"}))
    found = gather(changeset(
        edit("src/a.ts", {1: [LD.format("new-chekout"), LD.format("dark-mode"),
                              LD.format("brand-new")]}),
        edit("src/b.ts", None, {1: [LD.format("removed-unlisted")]})),
        FlagSettings.model_validate({}), registry)
    assert found.unknown == (UnknownKey("brand-new", None),
                             UnknownKey("new-chekout", "new-checkout"))
    assert found.registry == "flags.yml"


def test_presets_custom_patterns_and_unscanned_files_are_recorded() -> None:
    settings = FlagSettings.model_validate(
        {"presets": "unleash", "patterns": [{"name": "home", "regex": r"on\('(?P<key>\w+)'\)"}]})
    found = gather(changeset(edit("src/a.ts", {1: ["on('beta')", LD.format("ld-only")]}),
                             unscanned=("src/huge.ts",)), settings, None)
    assert found == FlagFacts((FileFlags("src/a.ts", ("beta",), ("beta",), ("beta",), ()),),
                              (), None, ("unleash", "home"), ("src/huge.ts",))


def test_text_without_a_file_change_is_ignored() -> None:
    kept = changeset(edit("src/a.ts", {1: [LD.format("x")]}))
    stray = ChangeSet(kept.revisions, (), texts=kept.texts)
    assert gather(stray, FlagSettings.model_validate({}), None).files == ()


def reader(root: Path) -> Callable[[str], bytes | None]:
    """Reads files of a tree on disk, as the pipeline reads them from a commit."""
    def read(path: str) -> bytes | None:
        target = root / path
        return target.read_bytes() if target.is_file() else None
    return read


def test_no_registry_is_read_unless_the_policy_names_one(tmp_path: Path) -> None:
    (tmp_path / "flags.yml").write_text("- a\n")
    assert read_registry(FlagSettings.model_validate({}), reader(tmp_path), "the work tree") is None


def test_the_registry_is_parsed_in_the_format_asked(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "flags").write_text('["dark-mode", "beta"]')
    settings = FlagSettings.model_validate({"registry": "config/flags", "registry_format": "json"})
    registry = read_registry(settings, reader(tmp_path), "the work tree")
    assert registry == Registry("config/flags", frozenset({"dark-mode", "beta"}))


def test_a_missing_registry_is_a_policy_error_naming_where_it_was_sought(
        tmp_path: Path) -> None:
    settings = FlagSettings.model_validate({"registry": "config/flags.yml"})
    with pytest.raises(PolicyError) as caught:
        read_registry(settings, reader(tmp_path), "the base commit abc123")
    assert caught.value.file == "config/flags.yml"
    assert "config/flags.yml is not in the base commit abc123" in caught.value.message
    assert caught.value.hint is not None and "base branch" in caught.value.hint


def test_a_broken_registry_is_a_policy_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "flags.yml").write_text("- a\n- [b\n")
    with pytest.raises(PolicyError) as caught:
        read_registry(FlagSettings.model_validate({"registry": "flags.yml"}), reader(tmp_path),
                      "the work tree")
    assert caught.value.file == "flags.yml" and caught.value.line is not None


def test_facts_from_a_real_repository(repo: Repo, hermetic_git: None) -> None:
    repo.write("flags.txt", "new-flag\nold-flag\n")
    repo.write("web/a.ts", "a\nb\nldClient.boolVariation('old-flag', c, false)\nc\n")
    base = repo.commit("base")
    repo.write("web/a.ts", "a\nif (ldClient.boolVariation(\r\n  'new-flg', c, false)) {\r\n"
                           "b\nc\nz\n")
    repo.write("docs/guide.md", "ldClient.boolVariation('in-prose', c, false)\n")
    repo.commit("head")
    settings = FlagSettings.model_validate({"registry": "flags.txt"})
    git = GitRepo.discover(str(repo.path))
    try:
        revisions = context.resolve(git, context.Request(base=base, head="HEAD"))
        change = collect.from_git(git, revisions, texts=settings.wants)
        registry = read_registry(settings, lambda path: git.read_blob(base, path),
                                 f"the base commit {base[:12]}")
    finally:
        git.close()
    assert set(change.texts) == {"web/a.ts"}
    found = gather(change, settings, registry)
    assert found.files == (FileFlags("web/a.ts", ("new-flg",), ("new-flg",),
                                     ("new-flg", "old-flag"), ("old-flag",)),)
    assert found.unknown == (UnknownKey("new-flg", "new-flag"),)
    assert found.registry == "flags.txt"
