"""AI provenance detection on commits made with real git: every documented format, and the
look-alikes (people, prose, branch names, personal addresses) that must not be flagged."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.changeset.model import Commit, Trailer
from gatekeeper.facts.ai import detect as detection
from gatekeeper.facts.ai.catalogue import REMEMBERED, Catalogue, builtin_entries, load
from gatekeeper.facts.ai.detect import TEXT_LIMIT, Evidence, detect_commit, strongest
from gatekeeper.facts.ai.entries import Strength
from gatekeeper.gitread.commitlog import read_commits
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import GIT_ENV, Repo, make_repo

ADA = "Ada Lovelace <ada@example.com>"
Detect = Callable[..., tuple[Evidence, ...]]


def _split(ident: str) -> tuple[str, str]:
    found = re.fullmatch(r"(.*?)\s*<([^>]*)>", ident)
    assert found, ident
    return found.group(1), found.group(2)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A repository with one commit, shared by the module."""
    repo = make_repo(tmp_path_factory.mktemp("ai") / "repo")
    repo.commit("base")
    return repo


def commit(repo: Repo, message: str, author: str = ADA, committer: str = ADA) -> Commit:
    """Commit ``message`` verbatim with these identities; read it back as gatekeeper does."""
    (an, ae), (cn, ce) = _split(author), _split(committer)
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": an, "GIT_AUTHOR_EMAIL": ae,
           "GIT_COMMITTER_NAME": cn, "GIT_COMMITTER_EMAIL": ce}
    subprocess.run(["git", "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", message],
                   cwd=repo.path, env=env, check=True, capture_output=True)
    git_repo = GitRepo.discover(str(repo.path))
    try:
        (read,) = read_commits(git_repo, "HEAD^!")
    finally:
        git_repo.close()
    return read


@pytest.fixture
def detect(history: Repo) -> Detect:
    """Detects the AI evidence of a new commit with a message, author and committer."""
    catalogue = load()

    def run(message: str, author: str = ADA, committer: str = ADA,
            catalogue: Catalogue = catalogue) -> tuple[Evidence, ...]:
        return detect_commit(commit(history, message, author, committer), catalogue)

    return run


def markers(evidence: tuple[Evidence, ...]) -> set[str]:
    """The markers of ``evidence``."""
    return {e.marker for e in evidence}


BODY = "Fix the retry loop in the fetcher\n\nThe back-off now doubles on each attempt.\n\n"
COPILOT_AGENT = "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"
DEVIN = "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>"
JULES = "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>"
CLAUDE_APP = "claude[bot] <209825114+claude[bot]@users.noreply.github.com>"
CONNECTOR = ("chatgpt-codex-connector[bot] "
             "<199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>")
ADA_AIDER = "Ada Lovelace (aider) <ada@example.com>"
CODERABBIT = "coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>"

# (marker id, message, author, committer): one example of every format, written for the tests.
POSITIVES: list[tuple[str, str, str, str]] = [
    ("claude-code-coauthor", BODY + "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
     ADA, ADA),
    ("claude-code-footer", BODY + "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
     "\n\nCo-Authored-By: Claude <noreply@anthropic.com>", ADA, ADA),
    ("claude-code-footer", BODY + "🤖 Generated with [Claude Code](https://claude.ai/code)", ADA,
     ADA),
    ("claude-code-session", BODY + "Claude-Session: https://claude.ai/code/session_01AbCdEf",
     ADA, ADA),
    ("claude-code-session-link", BODY + "https://claude.ai/code/session_01XyZ987", ADA, ADA),
    ("claude-author", "Add a health check", "Claude <noreply@anthropic.com>",
     "Claude <noreply@anthropic.com>"),
    ("claude-committer", "Add a health check", ADA, "Claude <noreply@anthropic.com>"),
    ("claude-app-author", "Update the changelog", CLAUDE_APP, ADA),
    ("claude-app-coauthor", BODY + f"Co-authored-by: {CLAUDE_APP}", ADA, ADA),
    ("copilot-agent-author", "Initial plan", COPILOT_AGENT, COPILOT_AGENT),
    ("copilot-agent-author", "Add input validation",
     "Copilot <198982749+Copilot@users.noreply.github.com>", "GitHub <noreply@github.com>"),
    ("copilot-agent-committer", "Rebase the fix", ADA, COPILOT_AGENT),
    ("copilot-agent-coauthor", "Validate inputs (#12)\n\n* Initial plan\n\n* Validate inputs\n\n"
     "---------\n\nCo-authored-by: copilot-swe-agent[bot] "
     "<198982749+Copilot@users.noreply.github.com>\nCo-authored-by: Ada <1+ada@users.noreply."
     "github.com>", ADA, "GitHub <noreply@github.com>"),
    ("copilot-agent-logs", BODY + "Agent-Logs-Url: https://github.com/acme/widgets/sessions/"
     "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b\n\nCo-authored-by: Ada <1+ada@users.noreply.github"
     ".com>", COPILOT_AGENT, "GitHub <noreply@github.com>"),
    ("copilot-review-suggestion", "Update src/fetch.py\n\nCo-authored-by: Copilot "
     "<175728472+Copilot@users.noreply.github.com>", ADA, "GitHub <noreply@github.com>"),
    ("copilot-cli-coauthor", BODY + "Co-authored-by: Copilot <223556219+Copilot@users.noreply"
     ".github.com>", ADA, ADA),
    ("copilot-cli-author", "Tidy imports", "Copilot <223556219+Copilot@users.noreply.github.com>",
     ADA),
    ("copilot-cli-session", BODY + "Copilot-Session: 5d6e7f80-1a2b-4c3d-9e8f-0a1b2c3d4e5f", ADA,
     ADA),
    ("copilot-vscode-coauthor", BODY + "Co-authored-by: Copilot <copilot@github.com>", ADA, ADA),
    ("codex-author", "Guard the stack index", "GPT-5 <codex@openai.com>", ADA),
    ("codex-coauthor", BODY + "Co-authored-by: GPT-5 <codex@openai.com>", ADA, ADA),
    ("codex-cli-coauthor", BODY + "Co-authored-by: Codex <noreply@openai.com>", ADA, ADA),
    ("codex-connector-author", "Cache the project handle", CONNECTOR, ADA),
    ("codex-connector-coauthor", BODY + f"Co-authored-by: {CONNECTOR}", ADA, ADA),
    ("cursor-author", "Check required parameters", "Cursor Agent <cursoragent@cursor.com>",
     "Cursor Agent <cursoragent@cursor.com>"),
    ("cursor-committer", "Check required parameters", ADA, "Cursor Agent <cursoragent@cursor.com>"),
    ("cursor-coauthor", BODY + "Co-authored-by: Cursor <cursoragent@cursor.com>", ADA, ADA),
    ("cursor-made-with", BODY + "Made-with: Cursor", ADA, ADA),
    ("cursor-footer", BODY + "Made with [Cursor](https://cursor.com)", ADA, ADA),
    ("devin-author", "Fix import order", DEVIN, DEVIN),
    ("devin-committer", "Fix import order", ADA, DEVIN),
    ("devin-coauthor", BODY + f"Co-authored-by: {DEVIN}", ADA, ADA),
    ("devin-session-link", BODY + "Link to Devin run: https://app.devin.ai/sessions/"
     "0a1b2c3d4e5f60718293a4b5c6d7e8f9", ADA, ADA),
    ("jules-author", "perf: binary search the offsets", JULES, JULES),
    ("jules-committer", "perf: binary search the offsets", ADA, JULES),
    ("jules-coauthor", "Harden downloads (#7)\n\n---------\n\nCo-authored-by: " + JULES, ADA,
     "GitHub <noreply@github.com>"),
    ("gemini-code-assist-suggestion", "Update README.md\n\nCo-authored-by: gemini-code-assist[bot]"
     " <176961590+gemini-code-assist[bot]@users.noreply.github.com>", ADA, ADA),
    ("coderabbit-suggestion", "Update docs/setup.md\n\nCo-authored-by: " + CODERABBIT, ADA, ADA),
    ("coderabbit-author", "📝 Add docstrings to `fetch`", CODERABBIT, ADA),
    ("aider-author-name", "feat: add retry to the fetcher", ADA_AIDER, ADA_AIDER),
    ("aider-committer-name", "chore: make the script executable", ADA, ADA_AIDER),
    ("aider-subject-prefix", "aider: Added a retry loop to fetch()", ADA, ADA),
    ("aider-chat-transcript", "Retry the fetch on timeouts\n\n# Aider chat conversation:\n\n"
     "USER: retry the fetch\n\nASSISTANT: Here is the change.", ADA, ADA),
    ("aider-coauthor", "feat: add retries\n\nCo-authored-by: aider (anthropic/claude-sonnet-4) "
     "<aider@aider.chat>", ADA, ADA),
    ("aider-coauthor", "feat: add retries\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>",
     ADA, ADA),
    ("aider-coauthor-legacy", "feat: add retries\n\nCo-authored-by: aider (gpt-4o) "
     "<noreply@aider.dev>", ADA, ADA),
    ("amp-coauthor", BODY + "Co-authored-by: Amp <amp@ampcode.com>", ADA, ADA),
    ("amp-thread", BODY + "Amp-Thread-ID: https://ampcode.com/threads/T-0a1b2c3d-4e5f", ADA, ADA),
    ("amp-thread-short", BODY + "Amp-Thread: https://ampcode.com/threads/T-0a1b2c3d", ADA, ADA),
    ("opencode-coauthor", BODY + "Co-Authored-By: opencode <noreply@opencode.ai>", ADA, ADA),
    ("opencode-footer", BODY + "🤖 Generated with [opencode](https://opencode.ai)", ADA, ADA),
    ("openhands-author", "Fix the flaky test", "openhands <openhands@all-hands.dev>", ADA),
    ("openhands-coauthor", BODY + "Co-authored-by: openhands <openhands@all-hands.dev>", ADA,
     ADA),
    ("assisted-by", BODY + "Assisted-by: Claude:claude-3-opus coccinelle sparse\n"
     "Signed-off-by: Ada Lovelace <ada@example.com>", ADA, ADA),
    ("assisted-by", BODY + "Assisted-by: GPT 5", ADA, ADA),
    ("assisted-by", BODY + "Assisted-by: Goose <https://block.github.io/goose/>", ADA, ADA),
    ("generated-by", BODY + "Generated-by: GitHub Copilot (GPT-4o)", ADA, ADA),
    ("co-authored-by-ai", BODY + "Co-authored-by-AI: Claude Code (claude-sonnet-4-6)", ADA, ADA),
    ("made-with", BODY + "Made-with: Windsurf", ADA, ADA),
    # Pull request footers that squash merges keep in the commit message.
    ("copilot-agent-pr-marker", "Fix the shift (#12)\n\nThe shift now rounds down.\n\n"
     "<!-- START COPILOT CODING AGENT SUFFIX -->\n\n- Fixes #11\n\n---------\n\n"
     "Co-authored-by: Ada <1+ada@users.noreply.github.com>", ADA, "GitHub <noreply@github.com>"),
    ("codex-task-link", "Call codex directly (#72)\n\n## Summary\n- call it\n\n------\n"
     "https://chatgpt.com/codex/tasks/task_e_0123456789abcdef0123456789abcdef", ADA, ADA),
    ("cursor-agent-link", "Update the rule (#90)\n\nCover the agent service.\n\n---\n\n"
     "[Open in Web](https://www.cursor.com/agents?id=bc-2db5b5a1-96e9-4f41) \u2022 [Open in "
     "Cursor](https://cursor.com/background-agent?bcId=bc-2db5b5a1-96e9-4f41)", ADA, ADA),
    ("cursor-background-composer", "Changes from background agent bc-6b6cbc61\n\nThis pull "
     "request contains changes generated by Cursor background composer.", ADA, ADA),
    ("jules-task-footer", "explain the repo (#309)\n\nExplain the repo.\n\n---\n*PR created "
     "automatically by Jules for task [140390774925](https://jules.google.com/task/140390774925)"
     " started by @ada*", ADA, ADA),
]

COMMIT_KINDS = {"author-email", "committer-email", "coauthor-email", "author-name-suffix",
                "committer-name-suffix", "subject-prefix", "trailer", "footer"}


@pytest.mark.parametrize(("marker", "message", "author", "committer"), POSITIVES,
                         ids=[f"{p[0]}-{n}" for n, p in enumerate(POSITIVES)])
def test_each_documented_format_is_found(detect: Detect, marker: str, message: str,
                                         author: str, committer: str) -> None:
    evidence = detect(message, author, committer)
    entry = next(e for e in builtin_entries() if e.id == marker)
    found = [e for e in evidence if e.marker == marker]
    assert found, markers(evidence)
    assert {(e.tool, e.strength) for e in found} == {(entry.tool, entry.strength)}


def test_every_builtin_commit_marker_has_an_example() -> None:
    """Label, description and comment entries have theirs in test_review and test_comments."""
    wanted = {e.id for e in builtin_entries() if e.kind.value in COMMIT_KINDS}
    assert wanted == {p[0] for p in POSITIVES}


NEGATIVES: list[tuple[str, str, str]] = [
    ("Fix typo in the README", "Claude Monet <claude@monet.example>",
     "Claude Monet <claude@monet.example>"),
    ("Handle empty pages", "Devin Park <devin@park.example>", "Jules Verne <jules@verne.example>"),
    ("Handle empty pages", "Cursor Lee <cursor@lee.example>", ADA),
    ("Tidy the build", "Ada <aider@ada.example>", "Paul Gauthier <paul@aider.chat>"),
    ("Tidy the build", "Sam <copilot@sam.example>", "Sam <1234+copilot-fan@users.noreply.github"
     ".com>"),
    ("Keep the cursor position when the editor reflows text", ADA, ADA),
    ("Update CLAUDE.md with the new test commands\n\n- CLAUDE.md: list the benchmarks", ADA, ADA),
    ("Add progress notifications to assign_copilot_to_issue\n\nWait for Copilot to open the "
     "pull request before returning.", ADA, ADA),
    ("Improve the Codex and Claude login messages", ADA, ADA),
    ("Merge pull request #42 from acme/copilot/fix-login\n\nFix the login redirect", ADA,
     "GitHub <noreply@github.com>"),
    ("Merge branch 'main' into devin/1712345678-cost-display", ADA, ADA),
    ("Merge pull request #7 from acme/codex/bump-deps", ADA, "GitHub <noreply@github.com>"),
    ("ai: re-enable the one-click generation\n\nThe AI button lives in the editor.", ADA, ADA),
    ("Document the attribution format\n\n```\nCo-authored-by: Claude <noreply@anthropic.com>\n"
     "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n```\n\nThat is all.",
     ADA, ADA),
    ("Document the attribution format\n\n    Co-authored-by: Claude <noreply@anthropic.com>\n\n"
     "> Made-with: Cursor", ADA, ADA),
    ("Strip `Co-authored-by: Claude <noreply@anthropic.com>` lines from squash messages", ADA,
     ADA),
    (BODY + "Co-authored-by: Claudia Fan <claude.fan@example.com>", ADA, ADA),
    (BODY + "Assisted-by: Grace Hopper <grace@example.net>", ADA, ADA),
    (BODY + "Assisted-by: none", ADA, ADA),
    (BODY + "Generated-by: scripts/gen-protos.sh", ADA, ADA),
    (BODY + "Made-with: love", ADA, ADA),
    ("Bump @anthropic-ai/sdk from 0.59.0 to 0.65.0\n\nSigned-off-by: dependabot[bot] "
     "<support@github.com>", "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
     "GitHub <noreply@github.com>"),
    ("Add an option to archive the chat", "Ada (gpt-4o) <ada@example.com>", ADA),
    ("Aider integration: document the setup", ADA, ADA),
    (BODY + "Agent-Logs-Url: see the build", ADA, ADA),
    (BODY + "Claude-Session: local", ADA, ADA),
    (BODY + "The plan is at https://chatgpt.com/codex/tasks/task_e_0123456789abcdef0123456789abcdef"
     " if you want it.", ADA, ADA),
    (BODY + "https://chatgpt.com/codex/tasks/task_e_12", ADA, ADA),
    (BODY + "The agent ran at https://cursor.com/agents?id=bc-2db5b5a1-96e9-4f41 yesterday.", ADA,
     ADA),
    (BODY + "Jules can open a PR automatically for each task.", ADA, ADA),
    (BODY + "Strip the <!-- START COPILOT CODING AGENT SUFFIX --> marker from squash messages.",
     ADA, ADA),
]


@pytest.mark.parametrize(("message", "author", "committer"), NEGATIVES)
def test_look_alikes_are_not_flagged(detect: Detect, message: str, author: str,
                                     committer: str) -> None:
    assert detect(message, author, committer) == ()


def test_user_chosen_identities_and_free_text_are_out_of_reach(detect: Detect) -> None:
    """No vendor wrote these: a configured name and address, a sign-off in words."""
    assert detect("Add the dossier format", "Claude <claude@example.com>",
                  "Claude <claude@example.com>") == ()
    assert detect(BODY + "Signed-off-by: Ada (via Claude Code)") == ()


def test_evidence_names_the_commit_and_where_it_was_found(detect: Detect) -> None:
    message = ("Squash the retry work (#9)\n\n* Add retries\n\nCo-authored-by: Claude "
               "<noreply@anthropic.com>\n\n* Tune the back-off\n\n🤖 Generated with "
               "[Claude Code](https://claude.ai/code)\n\n---------\n\n"
               "Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>")
    evidence = detect(message, ADA, "GitHub <noreply@github.com>")
    head = evidence[0].commit
    assert re.fullmatch(r"[0-9a-f]{40}", head)
    assert {(e.marker, e.source) for e in evidence} == {
        ("claude-code-coauthor", "body"), ("claude-code-footer", "footer"),
        ("copilot-cli-coauthor", "trailer")}
    assert all(e.commit == head for e in evidence)
    coauthor = next(e for e in evidence if e.marker == "claude-code-coauthor")
    assert coauthor.text == "Co-authored-by: Claude <noreply@anthropic.com>"


def test_identity_evidence_shows_the_identity(detect: Detect) -> None:
    (evidence,) = detect("Fix import order", DEVIN, ADA)
    assert (evidence.source, evidence.text) == ("identity", DEVIN)


def test_text_is_one_short_line(detect: Detect) -> None:
    (evidence,) = detect(BODY + "Assisted-by: " + "very-long-model-name " * 20)
    assert len(evidence.text) == TEXT_LIMIT
    assert evidence.text.startswith("Assisted-by: very-long") and evidence.text.endswith("...")


def test_a_marker_repeated_is_reported_once(detect: Detect) -> None:
    trailer = "Co-authored-by: Claude <noreply@anthropic.com>"
    evidence = detect(f"Squash (#3)\n\n* One\n\n{trailer}\n\n* Two\n\n{trailer}\n\n{trailer}")
    assert [e.marker for e in evidence] == ["claude-code-coauthor"]


def test_addresses_and_keys_compare_case_insensitively(detect: Detect) -> None:
    evidence = detect(BODY + "co-authored-by: CLAUDE <NoReply@Anthropic.COM>\n"
                      "ASSISTED-BY: gemini-2.5-pro")
    assert markers(evidence) == {"claude-code-coauthor", "assisted-by"}


def test_other_identity_trailers_name_vendor_addresses(detect: Detect) -> None:
    evidence = detect(BODY + "Co-developed-by: Claude <noreply@anthropic.com>\n"
                      "Assisted-by: Cursor <cursoragent@cursor.com>")
    assert markers(evidence) == {"claude-code-coauthor", "cursor-coauthor"}


def test_an_app_is_known_by_its_login_whatever_the_id(detect: Detect) -> None:
    evidence = detect(BODY + "Co-authored-by: claude[bot] <41898282+claude[bot]@users.noreply"
                      ".github.com>")
    assert markers(evidence) == {"claude-app-coauthor"}


def test_copilot_accounts_are_told_apart_by_id(detect: Detect) -> None:
    accounts = {"175728472": "copilot-review-suggestion", "198982749": "copilot-agent-coauthor",
                "223556219": "copilot-cli-coauthor", "12345": None}
    for account, expected in accounts.items():
        evidence = detect(BODY + f"Co-authored-by: Copilot <{account}+Copilot@users.noreply."
                          "github.com>")
        assert markers(evidence) == ({expected} if expected else set()), account


def test_policy_entries_are_detected_and_disabled_ones_are_not(detect: Detect) -> None:
    catalogue = load([{"id": "team-agent", "tool": "team-bot", "kind": "trailer",
                       "key": "AI-Agent", "strength": "agent-authored",
                       "source": "https://wiki.example.com/ai-trailers"}],
                     ["claude-code-coauthor"])
    message = BODY + "AI-Agent: review-bot 2\nCo-authored-by: Claude <noreply@anthropic.com>"
    evidence = detect(message, catalogue=catalogue)
    assert [(e.marker, e.tool, e.strength) for e in evidence] == [
        ("team-agent", "team-bot", Strength.AGENT_AUTHORED)]


def test_a_plain_commit_has_no_evidence(detect: Detect) -> None:
    assert detect(BODY + "Signed-off-by: Ada Lovelace <ada@example.com>") == ()


def test_strongest_ranks_agent_authored_first() -> None:
    def ev(strength: Strength) -> Evidence:
        return Evidence("trailer", "0" * 40, "m", "t", strength, "x")

    assert strongest([]) is None
    assert strongest([ev(Strength.SUGGESTION_ACCEPTED), ev(Strength.ASSISTED)]) \
        is Strength.ASSISTED
    assert strongest([ev(Strength.CO_AUTHORED), ev(Strength.AGENT_AUTHORED)]) \
        is Strength.AGENT_AUTHORED


def test_trailers_git_parsed_need_no_body() -> None:
    """Commits built without a body (as rule tests do) are judged on their trailers."""
    bare = Commit("a" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com", "Fix", "",
                  (Trailer("Co-authored-by", "Amp <amp@ampcode.com>"),))
    assert [(e.marker, e.source) for e in detect_commit(bare, load())] == [
        ("amp-coauthor", "trailer")]


def _with_trailers(sha: str, *trailers: tuple[str, str], author: str = "Ada",
                   author_email: str = "ada@example.com", committer: str = "Ada") -> Commit:
    return Commit(sha, (), author, author_email, committer, "ada@example.com", "Fix", "",
                  tuple(Trailer(key, value) for key, value in trailers))


def test_a_trailer_seen_before_gives_each_commit_its_own_evidence() -> None:
    """What a trailer names is remembered across a history: each commit still gets evidence
    naming itself, and the answers are those of a catalogue that has seen nothing."""
    shared = ("Co-authored-by", "Amp <amp@ampcode.com>")
    commits = [_with_trailers(f"{n:040x}", shared, ("Assisted-by", f"GPT {n}"),
                              ("Signed-off-by", f"Dev {n} <dev{n}@example.com>"))
               for n in range(REMEMBERED + 50)]  # past the bound: the memory starts again
    catalogue = load()
    for commit in commits:
        found = detect_commit(commit, catalogue)
        assert found == detect_commit(commit, load())
        assert {e.commit for e in found} == {commit.sha}
        assert [e.marker for e in found] == ["amp-coauthor", "assisted-by"]
    assert 0 < len(catalogue.remembered.trailers) <= REMEMBERED


def test_people_seen_before_give_each_commit_its_own_evidence() -> None:
    """Likewise for an author and committer pair: the bot's commits each name themselves."""
    commits = [_with_trailers(f"{n:040x}", author="Claude", author_email="noreply@anthropic.com",
                              committer=f"Dev {n % (REMEMBERED + 50)}")
               for n in range(2 * REMEMBERED + 100)]
    catalogue = load()
    for commit in commits:
        found = detect_commit(commit, catalogue)
        assert found == detect_commit(commit, load())
        assert [(e.source, e.commit, e.text) for e in found] == [
            ("identity", commit.sha, "Claude <noreply@anthropic.com>")]
    assert 0 < len(catalogue.remembered.people) <= REMEMBERED
    # The same author with another committer is another pair.
    aider = _with_trailers("f" * 40, author="Claude", author_email="noreply@anthropic.com",
                           committer="Dev 1 (aider)")
    assert [e.text for e in detect_commit(aider, catalogue)] == [
        "Claude <noreply@anthropic.com>", "Dev 1 (aider) <ada@example.com>"]


def _every_line_read(commit: Commit, catalogue: Catalogue) -> list[Evidence]:
    """Body evidence as detection found it reading every trailer-shaped line: the reference
    for the lines it now skips because git parsed them."""
    parsed = {(t.key.lower(), t.value.strip()) for t in commit.trailers}
    found: list[Evidence] = []
    for line in detection.prose_lines(commit.body):
        shaped = detection.shaped_trailer(line, catalogue)
        if shaped and (shaped[0].lower(), shaped[1]) not in parsed:
            found += detection.trailer_evidence(commit.sha, catalogue, "body", *shaped)
    return found


_KEYS = st.sampled_from(["Co-authored-by", "co-AUTHORED-by", "Assisted-by", "Assisted by",
                         "Assisted_by", "-Assisted-by", "Generated-by", "Made-with",
                         "Signed-off-by", "Amp-Thread-ID", "Co-authored-by-AI"])
_VALUES = st.sampled_from(["Amp <amp@ampcode.com>", "GPT 5", "Claude <noreply@anthropic.com>",
                           "Windsurf", "x", "Goose <https://block.github.io/goose/>", ""])
_SPACES = st.sampled_from(["", " ", "  ", "\t", " \t"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, _SPACES, _VALUES, _SPACES, st.booleans(), st.booleans()),
                max_size=6))
def test_lines_git_parsed_are_skipped_without_changing_the_evidence(
        lines: list[tuple[str, str, str, str, bool, bool]]) -> None:
    """A body line written exactly as one of git's trailers is skipped unread; any other
    spelling of it (spaces, a folded value, another key) is read as before."""
    body_lines, trailers = [], []
    for key, before, value, after, parsed, folded in lines:
        line = f"{key}{before}:{after}{value}"
        body_lines.append(line + ("\n  more" if folded else ""))
        if parsed:  # git's reading of it: key and value stripped, a folded value unfolded
            trailers.append(Trailer(key.strip(), (value + (" more" if folded else "")).strip()))
    commit = Commit("c" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com", "Fix",
                    "Body.\n\n" + "\n".join(body_lines), tuple(trailers))
    catalogue = load()
    body = [e for e in detection._body(commit, catalogue) if e.source == "body"]
    assert body == _every_line_read(commit, catalogue)
