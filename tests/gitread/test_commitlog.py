"""A range's commits read through git log: identities, messages, trailers and merges."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gatekeeper.changeset.model import Trailer
from gatekeeper.gitread.commitlog import parse_trailer_lines, read_commits
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import GIT_ENV, Repo

pytestmark = pytest.mark.usefixtures("hermetic_git")


@pytest.fixture
def git_repo(repo: Repo) -> Iterator[GitRepo]:
    """The repository, with one commit, opened for gatekeeper's git reader."""
    repo.write("a.txt", "a\n")
    repo.commit("base")
    opened = GitRepo.discover(str(repo.path))
    yield opened
    opened.close()


def test_trailers_bodies_and_a_merge(repo: Repo, git_repo: GitRepo) -> None:
    base = repo.head()
    repo.git("checkout", "-q", "-b", "side")
    repo.write("side.txt", "s\n")
    side = repo.commit("Side work\n\nBody line.\n\nCo-authored-by: Bo <bo@example.com>\n"
                       "Signed-off-by: Ada <ada@example.com>\n")
    repo.git("checkout", "-q", "main")
    repo.write("main.txt", "m\n")
    main = repo.commit("Main work: ünïcode\n\nReviewed-by: Cy\n  folded onto one line\n")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    merge = repo.head()
    commits = read_commits(git_repo, f"{base}..{merge}")
    assert commits[0].sha == merge  # newest first, as git log lists them
    by_sha = {c.sha: c for c in commits}
    assert set(by_sha) == {side, main, merge}
    merged = by_sha[merge]
    assert merged.is_merge and merged.parents == (main, side)
    assert (merged.subject, merged.body, merged.trailers) == ("Merge side", "", ())
    s = by_sha[side]
    assert not s.is_merge and s.parents == (base,)
    assert s.body == ("Body line.\n\nCo-authored-by: Bo <bo@example.com>\n"
                      "Signed-off-by: Ada <ada@example.com>")
    assert [(t.key, t.value) for t in s.trailers] == [
        ("Co-authored-by", "Bo <bo@example.com>"), ("Signed-off-by", "Ada <ada@example.com>")]
    m = by_sha[main]
    assert m.subject == "Main work: ünïcode"
    assert m.trailer_values("reviewed-by") == ["Cy folded onto one line"]  # unfolded
    assert (m.author_name, m.author_email, m.committer_name, m.committer_email) == (
        GIT_ENV["GIT_AUTHOR_NAME"], GIT_ENV["GIT_AUTHOR_EMAIL"],
        GIT_ENV["GIT_COMMITTER_NAME"], GIT_ENV["GIT_COMMITTER_EMAIL"])
    assert read_commits(git_repo, f"{merge}..{merge}") == ()


def test_trailer_lines_without_a_key_are_skipped() -> None:
    parsed = parse_trailer_lines("Key: value\n: no key\nno colon\n  Spaced :  padded  \n")
    assert [(t.key, t.value) for t in parsed] == [("Key", "value"), ("Spaced", "padded")]


def test_records_read_as_they_stream_keep_every_character(repo: Repo, git_repo: GitRepo) -> None:
    """Messages far longer than one read, of characters whose bytes a read may split, in a
    history of many commits: each comes back whole and in order."""
    bodies = []
    for n in range(40):
        body = f"{n} " + "é€😀" * (3000 + 7 * n)
        bodies.append(body)
        repo.write("f.txt", f"{n}\n")
        repo.git("add", "-A")
        message = f"subject {n}\n\n{body}\n\nCo-authored-by: A <a@x>\n"
        repo.git("commit", "-q", "-F", "-", input=message.encode())
    commits = read_commits(git_repo, "HEAD")[:-1]  # the fixture's base commit last
    assert [c.subject for c in commits] == [f"subject {n}" for n in reversed(range(40))]
    assert [c.body for c in commits] == [f"{b}\n\nCo-authored-by: A <a@x>"
                                         for b in reversed(bodies)]
    assert {c.trailers for c in commits} == {(Trailer("Co-authored-by", "A <a@x>"),)}
