"""batch-size's ceilings (raw lines, generated or vendored lines, binary bytes) and the notes
every report carries about what the size rests on."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.changeset.model import FileChange, FileStatus
from gatekeeper.facts import sizenotes
from gatekeeper.rules.findings import Status
from tests.builders import change, compose, facts_of, judge, verdict

MIB = 1 << 20


def binary(path: str, size: int, status: FileStatus = FileStatus.ADDED,
           old_path: str | None = None, similarity: int | None = None) -> FileChange:
    """A binary file change of ``size`` bytes."""
    return replace(change(path, 0, status=status, old_path=old_path), binary=True, size=size,
                   similarity=similarity)


def test_raw_lines_count_what_the_effective_count_leaves_out() -> None:
    facts = facts_of(change("src/app.py", 10), change("vendor/lib.js", 500),
                     change("package-lock.json", 300), change("docs/a.md", 100))
    rule = {"kind": "batch-size", "max_effective_lines": 400, "max_raw_lines": 800,
            "exclude": ["docs/**"]}
    result = judge(rule, facts)
    assert result.status is Status.FAIL
    assert "raw lines 810 > 800" in result.message
    assert dict(result.values)["raw_lines"] == 810
    assert result.remediation and "raw lines count every file" in result.remediation
    assert result.files[0].path == "vendor/lib.js"  # the files behind the ceiling, largest first
    assert judge({**rule, "max_raw_lines": 810}, facts).status is Status.PASS


def test_generated_or_vendored_lines_have_a_ceiling_of_their_own() -> None:
    facts = facts_of(change("src/app.py", 10), change("vendor/lib.js", 50),
                     change("app.min.js", 60), change("yarn.lock", 900))
    result = judge({"kind": "batch-size", "max_generated_lines": 100}, facts)
    assert result.status is Status.FAIL
    assert "generated or vendored lines 110 > 100" in result.message
    assert result.remediation == "bring the generated or vendored update in a change of its own"


def test_binary_bytes_count_added_and_changed_content_only() -> None:
    facts = facts_of(
        binary("assets/big.bin", 3 * MIB),
        binary("assets/logo.png", 2000, FileStatus.MODIFIED),
        binary("assets/gone.bin", 9 * MIB, FileStatus.DELETED),
        binary("assets/moved.bin", 9 * MIB, FileStatus.RENAMED, old_path="old.bin",
               similarity=100),
        change("src/app.py", 5))
    result = judge({"kind": "batch-size", "max_binary_bytes": MIB}, facts)
    assert result.status is Status.FAIL
    assert f"binary bytes {3 * MIB + 2000} > {MIB}" in result.message
    assert [(d.path, d.note) for d in result.details] == [
        ("assets/big.bin", "binary, 3.0 MiB"), ("assets/logo.png", "binary, 2.0 KiB")]
    assert result.remediation and "assets/big.bin (3.0 MiB)" in result.remediation
    passed = judge({"kind": "batch-size", "max_binary_bytes": 4 * MIB}, facts)
    assert passed.status is Status.PASS and passed.details == ()


def test_every_report_notes_binaries_forced_text_and_gitattributes() -> None:
    facts = facts_of(
        binary("assets/big.bin", 3 * MIB),
        binary("assets/gone.bin", 10, FileStatus.DELETED),
        replace(change("web/app.js", 901, status=FileStatus.ADDED), forced_text=True),
        change("src/.gitattributes", 1))
    facts = replace(facts, changeset=replace(facts.changeset,
                                             attributes_from="the base commit 0123456789ab"))
    notes = sizenotes.notes(facts)
    assert notes == (
        "the change edits .gitattributes (src/.gitattributes); what counts as binary, "
        "generated or vendored follows the base commit 0123456789ab, not the change's own "
        "attributes",
        "binary files, no lines counted: assets/big.bin (3.0 MiB), assets/gone.bin (deleted)",
        "counted as text though git takes them for binary (a NUL byte in a source or text "
        "file): web/app.js (+901 -0)")
    assert verdict(compose({"id": "b", "kind": "batch-size"}), facts).notes[:3] == notes


def test_a_change_without_any_of_it_has_no_note() -> None:
    assert sizenotes.notes(facts_of(change("src/app.py", 3))) == ()


def test_size_text() -> None:
    assert [sizenotes.size_text(n) for n in (0, 1023, 1024, 5 * MIB, 3 << 30)] == [
        "0 bytes", "1023 bytes", "1.0 KiB", "5.0 MiB", "3.0 GiB"]
