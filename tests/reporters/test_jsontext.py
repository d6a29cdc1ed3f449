"""The JSON report's changed files, written as text, read as the encoder would write them."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.files import FileChange, FileStatus, Hunk
from gatekeeper.facts.model import FileFacts
from gatekeeper.reporters import json_report, jsontext

# Text that the encoder treats specially: quotes, backslashes, control characters, line
# separators, characters beyond ASCII and beyond the basic plane, and lone surrogates.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ['a"b', "back\\slash", "tab\tnl\n", "\x00\x1f\x7f", "\u2028\u2029", "caf\u00e9",
     "\U0001f600", "lone \ud800", "\udfff", ""])
NUMBERS = st.integers(-(2**70), 2**70)
RANGES = st.lists(st.tuples(NUMBERS, NUMBERS), max_size=3).map(tuple)
HUNKS = st.builds(Hunk, NUMBERS, NUMBERS, NUMBERS, NUMBERS, RANGES, RANGES, TEXT)
MODES = st.none() | st.sampled_from(["100644", "100755", "120000", "160000", "040000"])
CHANGES = st.builds(
    FileChange, path=TEXT, old_path=st.none() | TEXT, status=st.sampled_from(list(FileStatus)),
    added=NUMBERS, deleted=NUMBERS, binary=st.booleans(), old_mode=MODES, new_mode=MODES,
    similarity=st.none() | st.integers(0, 100), new_blob=st.none() | TEXT,
    hunks=st.lists(HUNKS, max_size=3).map(tuple), old_blob=st.none() | TEXT,
    size=st.none() | NUMBERS, forced_text=st.booleans())
FILES = st.builds(FileFacts, CHANGES, st.frozensets(TEXT, max_size=3), st.none() | TEXT)


def encoder(value: Any) -> str:
    """What the report wrote with before: the standard encoder, compact, not ASCII-only."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=400, deadline=None)
@given(st.lists(FILES, max_size=4))
def test_file_records_are_what_the_encoder_writes(files: list[FileFacts]) -> None:
    """Every field of every record, strings, numbers past 64 bits, booleans and nulls alike."""
    records = [json_report._file(f) for f in files]
    assert jsontext.text_of(jsontext.file_records(files)) == encoder(records)


JSON = st.recursive(st.none() | st.booleans() | NUMBERS | st.floats() | TEXT,
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT, JSON, max_size=4), st.dictionaries(TEXT, JSON, max_size=3),
       st.lists(FILES, max_size=2))
def test_joined_documents_are_what_the_encoder_writes(outer: dict[str, Any],
                                                      inner: dict[str, Any],
                                                      files: list[FileFacts]) -> None:
    """A document holding a mapping that holds the records as text reads as the whole
    document encoded at once, in the same order of keys."""
    whole = {**outer, "changeset": {**inner, "files": [json_report._file(f) for f in files]}}
    spliced = {**outer, "changeset": {**inner, "files": jsontext.file_records(files)}}
    assert jsontext.text_of(jsontext.joined(spliced)) == encoder(whole)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(TEXT, JSON, max_size=3), max_size=3), st.lists(FILES, max_size=2))
def test_lists_of_written_documents_are_what_the_encoder_writes(
        documents: list[dict[str, Any]], files: list[FileFacts]) -> None:
    """Several reports in one list (a push of several refs), empty ones and none included."""
    written = [jsontext.joined({**d, "files": jsontext.file_records(files)}) for d in documents]
    whole = [{**d, "files": [json_report._file(f) for f in files]} for d in documents]
    assert jsontext.text_of(jsontext.list_of(written), "\n") == encoder(whole) + "\n"
    assert jsontext.text_of(jsontext.joined({})) == "{}"
