"""Text a change author controls, read in time linear in its length: long hostile lines in
commit messages, trailers, waivers and descriptions, and Git AI notes with absurd numbers.

The readers that replaced four quadratic patterns must say exactly what those patterns said;
the old patterns are kept here, as the reference, and compared on generated text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.evaluation import waivers
from gatekeeper.facts.ai import detect
from tests.conftest import GIT_ENV, make_repo
from tests.facts.ai.test_gitnotes import CURSOR, add_note, authorship

pytestmark = pytest.mark.usefixtures("hermetic_git")

# The patterns as they were: each took seconds on a line of a few thousand characters.
OLD_TRAILER = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*?)\s*")
OLD_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
OLD_BARE = re.compile(r"[^<>\s]+@[^<>\s]+")
OLD_WAIVER = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?::\s*(.*?))?\s*$", re.DOTALL)
LONG = 65_000
"""The length of the description line that took 53 seconds."""


class Keys:
    trailer_keys = frozenset({"a", "ab", "x-y", "assisted-by"})


def old_address(value: str) -> str | None:
    """The e-mail address in ``value``, as the former regular expressions read it."""
    found = OLD_ADDRESS.search(value)
    if found:
        return found.group(1)
    bare = value.strip()
    return bare if OLD_BARE.fullmatch(bare) else None


def old_trailer(line: str) -> tuple[str, str] | None:
    """The wanted trailer in ``line``, as the former regular expression read it."""
    shaped = OLD_TRAILER.fullmatch(line)
    if shaped is None:
        return None
    key, value = shaped.groups()
    wanted = key.lower() in detect.IDENTITY_KEYS or key.lower() in Keys.trailer_keys
    return (key, value) if wanted else None


def old_waiver(value: str) -> tuple[str, str] | None:
    """The waiver in ``value``, as the former regular expression read it."""
    match = OLD_WAIVER.fullmatch(value)
    return None if match is None else (match.group(1).lower(), (match.group(2) or "").strip())


TRICKY = st.text(alphabet=st.sampled_from(list("aAbx1-_.:<>@ \t\n\r\x0b\xa0\u2028é")),
                 max_size=14)


@settings(max_examples=3000, deadline=None)
@given(TRICKY)
def test_the_linear_readers_say_what_the_old_patterns_said(text: str) -> None:
    assert detect._address(text) == old_address(text)
    assert detect.shaped_trailer(text, Keys()) == old_trailer(text)  # type: ignore[arg-type]
    request = waivers._parse(text, "here")
    assert (request and (request.rule_id, request.reason)) == old_waiver(text)


HOSTILE = {
    "trailer-shaped line": "Co-authored-by: x" + " " * LONG + "y",
    "address": "Co-authored-by: <" + "@" * LONG,
    "bare address": "Co-authored-by: " + "@" * LONG + "<",
    "waiver": "Gatekeeper-Waive: batch-size: a" + " " * LONG + "b",
}
READ = """
import sys
from gatekeeper.evaluation import waivers
from gatekeeper.facts.ai import catalogue, detect, review
from gatekeeper.changeset.model import ChangeMeta, ChangeSet, Commit, Revisions, Trailer
line = sys.stdin.read()
key, _, value = line.partition(": ")
commit = Commit("a" * 40, (), "A", "a@example.com", "A", "a@example.com", "s", line,
                (Trailer(key, value),))
meta = ChangeMeta(description=line)
markers = catalogue.load()
detect.detect_commit(commit, markers)
review.detect_review(meta, markers)
waivers.requests(ChangeSet(Revisions(mode="range"), (), (commit,), meta=meta))
print("read")
"""


@pytest.mark.parametrize("name", HOSTILE)
def test_a_long_hostile_line_is_read_in_a_moment(name: str) -> None:
    """Each took a minute or more (the trailer line 53 s as a description line): read as
    message body, git trailer, description and waiver, it now takes milliseconds. The bound
    is generous; a quadratic reader would need a hundred times longer."""
    done = subprocess.run([sys.executable, "-c", READ], input=HOSTILE[name],
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0 and done.stdout == "read\n", done.stderr


def test_a_check_of_hostile_commits_ends_in_time(tmp_path: Path) -> None:
    """The whole run, on a real repository whose commit messages hold every hostile line."""
    repo = make_repo(tmp_path / "repo")
    repo.write(".gatekeeper.yml", textwrap.dedent("""\
        version: 1
        rules:
          - id: disclose-ai
            kind: ai-disclosure
            trailers: [Assisted-by]
          - id: small
            kind: batch-size
            max_effective_lines: 1
            waivers: {trailer: true}
        """))
    base = repo.commit("base")
    for name, line in HOSTILE.items():
        repo.write(f"{name}.txt", "one\ntwo\n")
        repo.commit(f"{name}\n\n{line}\n\nAssisted-by: {line}")
    done = subprocess.run([sys.executable, "-m", "gatekeeper", "check", "--base", base],
                          cwd=repo.path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **GIT_ENV})
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("ranges", "shown"), [("1-" + "9" * 5000, "1-" + "9" * 19 + "..."),
                                               ("9" * 4400, "9" * 21 + "..."),
                                               ("1-99999999999", "1-99999999999")])
def test_a_note_with_an_absurd_line_range_is_a_located_input_error(tmp_path: Path, ranges: str,
                                                                   shown: str) -> None:
    """More than 4,300 digits crashed int() and the run (internal error). A note that is not
    an authorship log is bad input: exit 2, naming the note, its line and the fix."""
    repo = make_repo(tmp_path / "repo")
    repo.write(".gatekeeper.yml", "version: 1\nai:\n  detectors: [commits, notes]\nrules:\n"
                                  "  - id: disclose-ai\n    kind: ai-disclosure\n"
                                  "    trailers: [Assisted-by]\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 1\n")
    noted = repo.commit("add a")
    add_note(repo, noted, authorship({"a.py": {CURSOR: ranges}}))
    done = subprocess.run([sys.executable, "-m", "gatekeeper", "check", "--base", base,
                           "--format", "json"], cwd=repo.path, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"refs/notes/ai@{noted[:12]}:2:1: the note on commit {noted[:12]} is not a "
        f"Git AI authorship log: attestation line 2: bad line range {shown} (fix: correct the "
        f"note, or remove it with 'git notes --ref=refs/notes/ai remove {noted[:12]}' and push "
        "refs/notes/ai)"]
