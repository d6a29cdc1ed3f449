"""The marker catalogue: the shipped entries are well formed, and a policy can add and remove."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper.errors import PolicyError
from gatekeeper.facts.ai.catalogue import Catalogue, builtin_entries, load
from gatekeeper.facts.ai.entries import Kind, MarkerEntry, Strength

ROOT = Path(__file__).resolve().parents[3]

BUILTIN = builtin_entries()


def entry(**fields: Any) -> dict[str, Any]:
    """A valid catalogue entry, with ``fields`` replacing its defaults."""
    base = {"id": "team-agent", "tool": "team-bot", "kind": "trailer", "key": "AI-Agent",
            "strength": "agent-authored", "source": "https://wiki.example.com/ai"}
    return {**base, **fields}


def test_the_shipped_file_has_many_entries_with_unique_ids() -> None:
    ids = [e.id for e in BUILTIN]
    assert len(ids) == len(set(ids)) >= 40


@pytest.mark.parametrize("marker", BUILTIN, ids=lambda e: e.id)
def test_every_entry_cites_a_source_and_compiles(marker: MarkerEntry) -> None:
    assert re.fullmatch(r"https://[\w.-]+\.[a-z]{2,}/\S*", marker.source)
    assert marker.strength in set(Strength)
    for pattern in (marker.pattern, marker.exclude):
        if pattern is not None:
            re.compile(pattern)
    if marker.email is not None:
        assert marker.email == marker.email.lower() and "@" in marker.email


def test_every_tool_named_by_the_requirement_is_covered() -> None:
    tools = {e.tool for e in BUILTIN}
    assert {"copilot-agent", "claude", "claude-code", "codex", "cursor", "devin", "jules",
            "aider", "amp", "disclosure"} <= tools


def test_disclosure_and_session_trailers_are_all_there() -> None:
    keys = {str(e.key).lower() for e in BUILTIN if e.kind is Kind.TRAILER}
    assert {"assisted-by", "generated-by", "co-authored-by-ai", "made-with", "claude-session",
            "copilot-session", "agent-logs-url", "amp-thread-id"} <= keys


def test_the_file_is_yaml_with_only_known_top_level_keys() -> None:
    text = resources.files("gatekeeper.facts.ai").joinpath("markers.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"version", "definitions", "markers"}
    assert data["version"] == 1


def test_the_json_a_run_reads_is_the_yaml_people_write() -> None:
    folder = resources.files("gatekeeper.facts.ai")
    written = yaml.safe_load(folder.joinpath("markers.yml").read_text("utf-8"))
    read = json.loads(folder.joinpath("markers.json").read_text("utf-8"))
    assert read == written, "markers.json is stale: run docs/sync_markers.py"
    checked = subprocess.run([sys.executable, str(ROOT / "docs" / "sync_markers.py"), "--check"],
                             check=False)
    assert checked.returncode == 0, "markers.json is stale: run docs/sync_markers.py"


def test_loading_is_fast_and_compiles_patterns_only_when_matching() -> None:
    builtin_entries.cache_clear()
    start = time.perf_counter()
    catalogue = load()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, elapsed
    assert "_index" not in vars(catalogue)
    assert catalogue.match_footer("Made with [Cursor](https://cursor.com)")
    assert "_index" in vars(catalogue)


def test_switching_entries_off_removes_them() -> None:
    catalogue = load(disabled_ids=["claude-code-coauthor", "aider-subject-prefix"])
    assert catalogue.ids == {e.id for e in BUILTIN} - {"claude-code-coauthor",
                                                        "aider-subject-prefix"}
    assert catalogue.match_address("coauthor", "noreply@anthropic.com") == []
    assert catalogue.match_subject("aider: add retries") == []
    assert load().match_subject("aider: add retries")


def test_an_unknown_id_to_switch_off_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(PolicyError) as caught:
        load(disabled_ids=["claude-code-coauthr"], source="policy.yml")
    assert caught.value.file == "policy.yml"
    assert "claude-code-coauthr" in caught.value.message
    assert caught.value.hint == "did you mean 'claude-code-coauthor'?"


def test_added_entries_join_the_catalogue() -> None:
    made = MarkerEntry.model_validate(entry(id="team-footer", kind="footer", key=None,
                                            pattern=r"^written by robots$"))
    catalogue = load([entry(), made])
    assert {"team-agent", "team-footer"} <= catalogue.ids
    assert [e.id for e in catalogue.match_trailer("ai-agent", "bot 2")] == ["team-agent"]
    assert [e.id for e in catalogue.match_footer("Written by robots")] == ["team-footer"]


def test_a_disabled_entry_can_be_replaced_under_its_own_id() -> None:
    replacement = entry(id="assisted-by", key="Assisted-by", strength="co-authored")
    catalogue = load([replacement], ["assisted-by"])
    (found,) = catalogue.match_trailer("Assisted-by", "Grace Hopper <grace@example.net>")
    assert found.strength is Strength.CO_AUTHORED


def test_an_added_entry_may_not_reuse_an_id_in_force() -> None:
    with pytest.raises(PolicyError, match="duplicate AI marker id 'assisted-by'"):
        load([entry(id="assisted-by")])


def test_a_line_runs_only_the_footers_whose_needles_it_holds() -> None:
    """Each footer is tried on a line holding one of its own needles, whichever of them;
    an entry whose needles cannot be told sends every line through every pattern."""
    either = entry(id="team-footer", kind="footer", key=None,
                   pattern=r"^(?:built by robots|made by machines)\b")
    catalogue = load([either, entry(id="team-session", kind="footer", key=None,
                                    pattern=r"session_\d+$")])
    for line, ids in [("Built by robots", ["team-footer"]), ("made by MACHINES", ["team-footer"]),
                      ("Made by machines, session_12", ["team-footer", "team-session"]),
                      ("\u00e9 session_4", ["team-session"]), ("Made by people", [])]:
        assert [e.id for e in catalogue.match_footer(line)] == ids, line
    anything = load([either, entry(id="team-any", kind="footer", key=None, pattern=r"^\w{40}$")])
    assert [e.id for e in anything.match_footer("a" * 40)] == ["team-any"]
    assert [e.id for e in anything.match_footer("BUILT BY ROBOTS")] == ["team-footer"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "footer", "key": None, "email": "a@b.example"}, "takes no email"),
    ({"kind": "author-email", "key": None}, "needs email or pattern or github_id"),
    ({"kind": "coauthor-email", "key": None, "email": "a@b.example", "pattern": "a"},
     "email or pattern, not both"),
    ({"pattern": "(unclosed"}, "invalid regular expression"),
    ({"strength": "wrote-it"}, "strength"),
    ({"kind": "commit-notes"}, "kind"),
    ({"source": "see the wiki"}, "source"),
    ({"id": "Team Agent"}, "id"),
    ({"colour": "blue"}, "colour"),
    ({"key": "AI Agent"}, "key"),
])
def test_malformed_entries_are_located_errors(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load([entry(**fields)], source="team.yml")
    assert caught.value.file == "team.yml"
    assert message in caught.value.message
    assert caught.value.message.startswith("AI marker ")


def test_an_entry_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(PolicyError, match="AI marker #1"):
        load(["Co-authored-by"])  # type: ignore[list-item]


def test_email_markers_match_the_whole_address() -> None:
    catalogue = load()
    assert catalogue.match_address("coauthor", "aider@aider.chat")
    assert not catalogue.match_address("coauthor", "paul@aider.chat")
    assert not catalogue.match_address("coauthor", "aider@aider.chat.example")
    assert not catalogue.match_address("author", "noreply@anthropic.com.example")


def test_roles_are_kept_apart() -> None:
    catalogue = load()
    (as_author,) = catalogue.match_address("author", "noreply@anthropic.com")
    (as_committer,) = catalogue.match_address("committer", "noreply@anthropic.com")
    assert (as_author.strength, as_committer.strength) == (Strength.AGENT_AUTHORED,
                                                           Strength.ASSISTED)
    assert catalogue.match_address("author", "175728472+Copilot@users.noreply.github.com") == []


def test_a_catalogue_can_be_built_from_entries_directly() -> None:
    made = MarkerEntry.model_validate(entry())
    catalogue = Catalogue((made,))
    assert catalogue.trailer_keys == {"ai-agent"}
    assert catalogue.match_trailer("AI-Agent", "  ") == []


def test_a_footer_with_inline_flags_is_still_matched() -> None:
    """Inline flags cannot join the combined pre-filter; each footer is then tried alone."""
    catalogue = load([entry(kind="footer", key=None, pattern=r"(?s)^shipped by robots$")])
    assert [e.id for e in catalogue.match_footer("Shipped by robots")] == ["team-agent"]
    assert [e.id for e in catalogue.match_footer("Made with [Cursor](https://cursor.com)")] == [
        "cursor-footer"]
    assert catalogue.match_footer("Shipped by people") == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "label", "key": None}, "a label marker needs pattern"),
    ({"kind": "label", "key": None, "pattern": "ai", "exclude": "x"}, "takes no exclude"),
    ({"kind": "description", "key": None}, "a description marker needs pattern"),
    ({"kind": "comment", "key": None, "email": "a@b.example", "pattern": "x"}, "takes no email"),
    ({"kind": "coauthor-email", "key": None, "pr_login": "bot"}, "takes no pr_login"),
    ({"kind": "footer", "key": None, "pattern": "x", "pr_login": "bot"}, "takes no pr_login"),
])
def test_the_review_and_comment_kinds_take_their_own_fields(fields: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load([entry(**fields)], source="team.yml")
    assert message in caught.value.message


def test_labels_must_match_whole_and_ignore_case() -> None:
    catalogue = load()
    assert [e.id for e in catalogue.match_label(" AI Assisted ")] == ["ai-assisted-label"]
    assert catalogue.match_label("not ai-assisted") == []
    assert catalogue.match_label("ai-assisted?") == []
    assert [e.id for e in catalogue.match_label("🤖 AI-Cursor")] == ["gitstream-ai-label"]
    assert catalogue.match_label("🤖 ai-none") == []


def test_pr_authors_are_known_by_app_login_or_pr_login() -> None:
    catalogue = load()
    assert [e.id for e in catalogue.match_pr_author("copilot")] == ["copilot-agent-author"]
    assert [e.id for e in catalogue.match_pr_author("copilot-swe-agent[bot]")] == [
        "copilot-agent-author"]
    assert [e.id for e in catalogue.match_pr_author("Devin-AI-Integration[bot]")] == [
        "devin-author"]
    assert catalogue.match_pr_author("coderabbitai") == []
    assert catalogue.match_pr_author("175728472+Copilot@users.noreply.github.com") == []


def test_a_pr_login_names_no_commit_author() -> None:
    """Copilot is the pull request login of several accounts; addresses keep telling them apart."""
    catalogue = load()
    assert catalogue.match_address("author", "175728472+Copilot@users.noreply.github.com") == []
    (agent,) = catalogue.match_address("author", "198982749+Copilot@users.noreply.github.com")
    assert agent.id == "copilot-agent-author"


def test_description_and_comment_entries_are_kept_apart_from_footers() -> None:
    catalogue = load()
    box = "- [x] The content of this PR was partly or fully generated using AI"
    assert [e.id for e in catalogue.match_description(box)] == ["nextcloud-ai-checkbox"]
    assert catalogue.match_footer(box) == [] and catalogue.match_comment(box) == []
    assert [e.id for e in catalogue.match_comment("# @ai-generated")] == ["ai-generated-tag"]
    assert catalogue.match_description("# @ai-generated") == []


def test_line_kinds_with_inline_flags_are_still_matched() -> None:
    """A pattern with inline flags cannot join a kind's pre-filter; each is then tried alone."""
    catalogue = load([entry(kind="comment", key=None, pattern=r"(?s)^//\s*teambot wrote"),
                      entry(id="team-line", kind="description", key=None,
                            pattern=r"(?s)^written by teambot")])
    assert [e.id for e in catalogue.match_comment("// TeamBot wrote this")] == ["team-agent"]
    assert [e.id for e in catalogue.match_comment("# @ai-generated")] == ["ai-generated-tag"]
    assert [e.id for e in catalogue.match_description("Written by TeamBot")] == ["team-line"]
    assert catalogue.match_comment("// a person wrote this") == []


def test_a_catalogue_without_entries_of_a_kind_matches_nothing_there() -> None:
    catalogue = Catalogue((MarkerEntry.model_validate(entry()),))
    assert catalogue.match_comment("# anything") == []
    assert catalogue.match_description("anything") == []
    assert catalogue.match_label("anything") == []
    assert catalogue.match_pr_author("anything") == []
