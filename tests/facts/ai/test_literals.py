"""The marker pre-filter: the literals a pattern requires, and a search as fast as ``in``."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator

import pytest

from gatekeeper.facts.ai import literals
from gatekeeper.facts.ai.catalogue import load
from gatekeeper.facts.ai.entries import Kind
from gatekeeper.facts.ai.literals import Finder, needle_finder, required


@pytest.mark.parametrize(("pattern", "needles"), [
    (r"^\W{0,3}generated with \[?claude code\]?\s*$", {"generated with "}),
    (r"^https://claude\.ai/code/session_\w+", {"https://claude.ai/code/session_"}),
    (r"(?:made|built) with cursor", {" with cursor"}),
    (r"(?:alpha|beta)-(?:one|two)", {"alpha", "beta"}),
    (r"(?:abc)+defg", {"defg"}),
    (r"\w+ assisted", {" assisted"}),
    (r"(?:abcd)+x", {"abcd"}),
    (r"(?:abcd)?xyz", {"xyz"}),
    (r"(?=hello)hel", {"hel"}),
])
def test_required_literals(pattern: str, needles: set[str]) -> None:
    assert required(pattern) == frozenset(needles)


@pytest.mark.parametrize("pattern", [r"\w+\s\d+", r"(?:alpha|b)c", r"a|bcd", r"[xy]z",
                                     r"(?:abc)*", r"ab", r"(", r"(?i)a.{3}b"])
def test_no_useful_literal(pattern: str) -> None:
    assert required(pattern) is None


def test_a_policy_pattern_without_literals_turns_the_filter_off() -> None:
    assert needle_finder([r"generated with claude", r"\w+\s\d+"]) is None
    finder = needle_finder([r"generated with claude", r"session_\d+"])
    assert finder is not None and finder.search("x SESSION_1") and not finder.search("session")


def test_only_four_characters_fold_onto_ascii() -> None:
    """Why lowercasing matches as ``re.IGNORECASE`` does, except for the four of _FOLDING."""
    ascii_chars = re.compile(f"[{re.escape(string.printable)}]", re.IGNORECASE)
    folding = {chr(c) for c in range(128, 0x110000)
               if (chr(c).lower() != chr(c) or chr(c).upper() != chr(c))
               and ascii_chars.fullmatch(chr(c))}
    assert folding == set(literals._FOLDING)
    lowered_to_ascii = {chr(c) for c in range(128, 0x110000)
                        if chr(c).lower() != chr(c) and any(ord(x) < 128 for x in chr(c).lower())}
    assert lowered_to_ascii <= folding


@pytest.mark.parametrize("text", [
    "Generated With CLAUDE code", "generated with claude", "geneRated w\u0131th claude",
    "\u017fession", "SESSION", "\u212aelvin", "kelvin", "x\u0130y",
    "\U0001f916 generated with claude",
    "nothing here", "",
])
def test_finder_agrees_with_the_pattern(text: str) -> None:
    needles = ["generated with", "session", "kelvin", "xiy", "\u0130"]
    finder = Finder(needles)
    exact = re.compile("|".join(map(re.escape, needles)), re.IGNORECASE)
    assert finder.search(text) == (exact.search(text) is not None)


def test_a_needle_holding_another_is_not_searched_for_and_still_found() -> None:
    finder = Finder(["Co-Authored-By-AI", "co-authored-by", "amp-thread-id", "amp-thread"])
    assert finder.lowered == ("co-authored-by", "amp-thread")
    assert finder.search("AMP-Thread-ID: 1") and finder.search("co-authored-by-ai: x")
    assert finder.present("amp-thread-id: 1") == ("amp-thread",)


def _random_texts(seed: int, needles: list[str], alphabet: str) -> Iterator[str]:
    """5,000 texts of needles and runs of ``alphabet``, some of them in capitals."""
    rng = random.Random(seed)
    for _ in range(5000):
        pieces = [rng.choice(needles) if rng.random() < 0.2 else
                  "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                  for _ in range(rng.randint(0, 4))]
        yield "".join(p.upper() if rng.random() < 0.3 else p for p in pieces)


def test_finder_agrees_on_random_text() -> None:
    needles = ["co-authored-by", "assisted-by", "generated with ", "https://app.devin.ai/",
               "co-authored-by-ai", "generated"]
    finder = Finder(needles)
    exact = re.compile("|".join(map(re.escape, needles)), re.IGNORECASE)
    alphabet = "coauthredbysigntwhp:/.-Ss \u017f\u0131\u0130Kk\u212a\n\U0001f916"
    for text in _random_texts(3, needles, alphabet):
        assert finder.search(text) == (exact.search(text) is not None), text
    assert sorted(finder.lowered) == sorted(Finder(needles).lowered)  # reordered, never lost


def test_text_beyond_ascii_is_searched_as_the_pattern_searches_it() -> None:
    """lowered() writes a placeholder for each character beyond ASCII rather than lowering
    it: a needle is still found exactly where the pattern finds it, never across the
    placeholder, and a needle holding the placeholder's character is left to the pattern."""
    for needles in (["generated with", "co-authored-by", "ab"], ["what?", "a?b", "ab"]):
        finder = Finder(needles)
        assert finder.fast == all("?" not in needle for needle in needles)
        exact = re.compile("|".join(map(re.escape, needles)), re.IGNORECASE)
        alphabet = "abAB?-h \u00e9\u00c9\u4e2d\U0001f916\u212b\u00df"
        for text in _random_texts(11, needles, alphabet):
            assert finder.search(text) == (exact.search(text) is not None), text
            low = literals.lowered(text)
            assert low is not None and len(low) == len(text) and low.isascii()
            if finder.fast:
                assert set(finder.present(low) or ()) == {
                    n for n in finder.lowered if re.search(re.escape(n), text, re.IGNORECASE)}


def test_the_needle_last_found_is_tried_first() -> None:
    """A history repeats its trailer keys: the one a text held is looked for first next."""
    finder = Finder(["co-authored-by", "assisted-by", "generated-by"])
    assert finder.search("Assisted-By: GPT") and finder.lowered[0] == "assisted-by"
    assert not finder.search("nothing here") and finder.lowered[0] == "assisted-by"
    assert finder.search("co-authored-by: x") and finder.lowered[0] == "co-authored-by"
    assert sorted(finder.lowered) == ["assisted-by", "co-authored-by", "generated-by"]


def test_every_built_in_line_marker_has_literals() -> None:
    """Else the catalogue's pre-filter is off, and every line runs every pattern."""
    index = load()._index
    for kind in (Kind.FOOTER, Kind.DESCRIPTION, Kind.COMMENT):
        assert index.lines[kind].needles is not None, kind


LINES = ("Co-authored-by: Claude <noreply@anthropic.com>", "co-AUTHORED-by: x <y@z.org>",
         "\U0001f916 Generated with [Claude Code](https://claude.com/claude-code)",
         "Generated with Claude Code", "Made-with: Cursor", "Assisted-by: GPT-4 via tool",
         "https://claude.ai/code/session_abc", "Link to Devin run: https://app.devin.ai/sessions/1",
         "```", "    indented: text", "plain prose about cursor and claude", "\u017fession", "",
         "Agent-Logs-Url: https://github.com/o/r/sessions/1", "Signed-off-by: Ada <a@b.c>",
         "\U0001f916 Generated with [opencode](https://opencode.ai)",
         "[Open in Cursor](https://cursor.com/background-agent?bcId=bc-2db5b5a1-96e9)",
         'see <a href="https://www.cursor.com/agents/bc-0123abcd-ef">the agent</a>',
         "PR created automatically by Jules for task [1](https://jules.google.com/task/1)",
         "Generated with [Claude Code] and https://claude.ai/code/session_x \u00e9")


def test_pre_filters_change_no_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages of marker lines and near misses, with and without the pre-filters."""
    from gatekeeper.changeset.model import Commit, Trailer
    from gatekeeper.facts.ai import compiled, detect

    rng = random.Random(5)
    separators = ("\n", "\r\n", "\r", "\u2028", "\n\n")
    commits = []
    for n in range(400):
        body = "".join(rng.choice(LINES) + rng.choice(separators)
                       for _ in range(rng.randint(0, 8)))
        trailers = tuple(Trailer(*line.split(": ", 1)) for line in rng.sample(LINES[:2], 1))
        commits.append(Commit(f"{n:040x}", (), "Ada", "ada@example.com", "Ada",
                              "ada@example.com", "Fix", body, trailers))
    catalogue = load()
    filtered = [detect.detect_commit(c, catalogue) for c in commits]

    class Always(Finder):
        def search_lowered(self, text: str, low: str | None) -> bool:
            return True

    monkeypatch.setattr(detect, "_key_finder", lambda catalogue: Always(()))
    monkeypatch.setattr(compiled.LineEntries, "may_match", lambda self, text: True)
    monkeypatch.setattr(compiled.LineEntries, "_wanted", None)  # each entry's own needles
    monkeypatch.setattr(compiled.LineEntries, "line_test",
                        lambda self, text, low: compiled._every_line)
    unfiltered = [detect.detect_commit(c, load()) for c in commits]
    assert filtered == unfiltered
    assert sum(map(len, filtered)) > 300
