"""The wording of git's failures, for stderr texts the installed git cannot produce: older
releases' refusals, GitPython's framing, and hostile characters in what git echoes."""

from __future__ import annotations

from gatekeeper.gitread import giterrors


def test_older_gits_unsafe_repository_wording_names_the_same_fix() -> None:
    said = ("fatal: unsafe repository ('/w/app' is owned by someone else)\n"
            "To add an exception for this directory, call:\n\n"
            "\tgit config --global --add safe.directory /w/app\n")
    error = giterrors.not_opened("/w/app/src", said)
    assert error.message.startswith("git refuses the repository at /w/app because another "
                                    "user owns it")
    assert error.hint is not None
    assert "git config --global --add safe.directory /w/app first" in error.hint


def test_the_fix_quotes_a_path_for_the_shell() -> None:
    said = "fatal: detected dubious ownership in repository at '/w/my app'\n"
    hint = giterrors.not_opened("/w/my app", said).hint
    assert hint is not None and "safe.directory '/w/my app' first" in hint


def test_gitpython_framing_is_removed_and_the_fatal_line_preferred() -> None:
    framed = ("\n  stderr: 'error: header for 0604c80b too long, exceeds 32 bytes\n"
              "fatal: loose object 0604c80b (stored in .git/objects/06/04c80b) is corrupt'")
    assert giterrors.complaint(framed) == ("loose object 0604c80b (stored in "
                                           ".git/objects/06/04c80b) is corrupt")
    error = giterrors.failed("diff", framed)
    assert error.message.startswith("the repository is corrupt: git diff says: loose object")
    assert giterrors.failed("fetch", "fatal: couldn't find remote ref x").message == (
        "git fetch: couldn't find remote ref x")


def test_what_git_echoes_stays_on_one_printable_line() -> None:
    said = "fatal: bad object refs/heads/\x1b[31mx\tz" + "y" * 400 + "\r\ngatekeeper: PASS\n"
    line = giterrors.complaint(said)
    assert line.startswith("bad object refs/heads/ [31mx zyyy") and "PASS" not in line
    assert len(line) == giterrors.MAX_SAID and line.endswith("...")


def test_what_github_and_gitlab_say_to_a_refused_fetch_is_named_as_credentials() -> None:
    """Servers' words git passes on (these need a real GitHub or GitLab to produce)."""
    for said in ("remote: Invalid username or password.\n"
                 "fatal: Authentication failed for 'https://github.com/o/r/'\n",
                 "remote: HTTP Basic: Access denied.\nfatal: Authentication failed for "
                 "'https://gitlab.example.com/g/p.git/'\n",
                 "git@github.com: Permission denied (publickey).\n"
                 "fatal: Could not read from remote repository.\n",
                 "fatal: unable to access 'https://h/r/': The requested URL returned error: 403\n"):
        error = giterrors.fetch_failed("origin", "the base", said, credentials_fix="FIX")
        assert "the remote wants credentials" in error.message and error.hint == "FIX", said


def test_a_token_in_a_url_never_reaches_the_message() -> None:
    said = ("fatal: unable to access 'https://x-access-token:ghs_S3cret@github.com/o/r/': "
            "Could not resolve host: github.com\n")
    error = giterrors.fetch_failed("origin", "the base", said, fix="FETCH")
    assert error.message == ("cannot fetch the base from origin: unable to access "
                             "'https://github.com/o/r/': Could not resolve host: github.com")
    assert error.hint == ("check that origin can be reached from here (git remote -v, then git "
                          "fetch origin); FETCH")


def test_a_commit_the_remote_does_not_serve_is_told_apart() -> None:
    assert giterrors.not_served("fatal: remote error: upload-pack: not our ref " + "a" * 40)
    assert giterrors.not_served("error: Server does not allow request for unadvertised object "
                                + "a" * 40)
    assert giterrors.not_served("fatal: couldn't find remote ref refs/heads/gone")
    assert not giterrors.not_served("fatal: Could not read from remote repository.")
