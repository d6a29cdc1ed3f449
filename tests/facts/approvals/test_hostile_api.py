"""A hostile API that echoes the token back, disguised, in every place an answer can hold text:
the real command on a real pull request, and every report it writes."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from gatekeeper.evaluation.review.enforce import apply
from gatekeeper.facts.approvals.redact import forms, holds_token, normal, redact
from gatekeeper.reporters import FORMATS, renderer
from gatekeeper.rules.findings import Status
from tests.conftest import run_cli
from tests.evaluation.review.test_enforce import ENFORCE, MR, gitlab, only, verdict_for
from tests.facts.approvals.conftest import TOKEN, FakeApi, Reply, github_review, gitlab_approvals
from tests.reporters.test_hostile_text import pull_request

REVIEWS = "/repos/octo/repo/pulls/7/reviews"
POLICY = """\
version: 1
review:
  tiers:
    - {name: light, approvals: 1}
  approvals: {enforce: true, unreachable: pass}
rules:
  - {id: files, kind: batch-size, max_files: 50}
"""
RUN = 9
"""No run of this many characters of the token, in any form, may show."""


def disguises(token: str) -> list[str]:
    """The token as a server could echo it."""
    raw = token.encode()
    return [token, token.upper(), token.swapcase(), f"{token[:8]}\x00{token[8:]}",
            "\u200b".join(token), f"{token[:20]}\u2060{token[20:]}", quote(token, safe=""),
            "".join(f"%{byte:02X}" for byte in raw), quote(quote(token, safe=""), safe=""),
            base64.b64encode(raw).decode(), base64.b64encode(b"Bearer " + raw).decode(),
            base64.urlsafe_b64encode(b"x:" + raw).decode(), raw.hex(), raw.hex().upper(),
            "".join(f"&#{ord(ch)};" for ch in token)]


def leaked(text: str) -> list[str]:
    """Runs of RUN characters of the token, its base64 or its hex found in ``text`` after
    percent-decoding and dropping NUL and zero-width characters, raw or as reports escape
    them. Written apart from gatekeeper's own check, so it can catch that check's gaps."""
    seen = text
    for _ in range(3):
        seen = unquote(seen)
    seen = seen.replace("&#", "").replace(";", "")  # entities: digits are checked below
    seen = re.sub(r"\\(?:x00|u0000|u200b|u2060)", "", seen)
    seen = re.sub("[\x00\u200b\u2060]", "", seen).casefold()
    raw = TOKEN.encode()
    shapes = [TOKEN, raw.hex(), "".join(str(ord(ch)) for ch in TOKEN)]
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            shapes.append(encode(b"\0" * shift + raw).decode()[4:-4])
    return sorted({shape[i:i + RUN] for shape in shapes for i in range(len(shape) - RUN + 1)
                   if shape[i:i + RUN].casefold() in seen})


def echo(status: int) -> Reply:
    """An error answer that repeats the token, in every disguise, everywhere it can."""
    return Reply({"message": " ".join(disguises(TOKEN)), "token": TOKEN,
                  "errors": [{"message": form} for form in disguises(TOKEN)]},
                 status, reason=f"Denied {TOKEN}",
                 headers={"X-Echo": TOKEN, "Retry-After": TOKEN, "WWW-Authenticate": TOKEN,
                          "Link": f'<{TOKEN}>; rel="help"'})


Setup = Callable[[FakeApi, FakeApi], None]


def refused(api: FakeApi, elsewhere: FakeApi) -> None:
    """The API refuses the token, echoing it back."""
    api.route(REVIEWS, echo(401))


def server_error(api: FakeApi, elsewhere: FakeApi) -> None:
    """The API fails with a 500, echoing the token back."""
    api.route(REVIEWS, echo(500))


def redirected(api: FakeApi, elsewhere: FakeApi) -> None:
    """Followed (same origin) to a URL holding the token, which answers 503."""
    api.route(REVIEWS, Reply(status=302, headers={
        "Location": f"{api.url}/{TOKEN}/{quote(TOKEN.upper())}?access_token={TOKEN}"}))
    api.route(f"/{TOKEN}/{quote(TOKEN.upper())}", echo(503))


def redirected_away(api: FakeApi, elsewhere: FakeApi) -> None:
    """The API redirects to another host, with the token in the address."""
    api.route(REVIEWS, Reply({"message": TOKEN}, 302, reason=f"Found {TOKEN}", headers={
        "Location": f"{elsewhere.url}/{TOKEN}?token={base64.b64encode(TOKEN.encode())!r}"}))


def next_page(api: FakeApi, elsewhere: FakeApi) -> None:
    """The next page is at a URL holding the token; it answers 502."""
    following = f"{api.url}/{TOKEN}/page2?token={quote(TOKEN.swapcase())}"
    api.route(REVIEWS, Reply([github_review(1, "alice", "COMMENTED")],
                             headers={"Link": f'<{following}>; rel="next"'}))
    api.route(f"/{TOKEN}/page2", echo(502))


def next_page_away(api: FakeApi, elsewhere: FakeApi) -> None:
    """The API's next page is on another host, with the token in the address."""
    api.route(REVIEWS, Reply([], headers={
        "Link": f'<{elsewhere.url}/{TOKEN.lower()}?t={TOKEN}>; rel="next"'}))


def logins(api: FakeApi, elsewhere: FakeApi) -> None:
    """Reviewers named after the token: their names are what a message shows."""
    states = ("CHANGES_REQUESTED", "APPROVED")
    api.route(REVIEWS, Reply([github_review(n, form, states[n % 2])
                              for n, form in enumerate(disguises(TOKEN), 1)]))


def wrong_shape(api: FakeApi, elsewhere: FakeApi) -> None:
    """The API answers with an object not as documented, full of the token."""
    api.route(REVIEWS, Reply({TOKEN: [TOKEN.upper()], "message": TOKEN}))


SCENARIOS: dict[str, tuple[Setup, int, str]] = {
    "refused": (refused, 3, "answered 401 Unauthorized"),
    "server-error": (server_error, 0, "answered 500 Internal Server Error"),
    "redirected": (redirected, 0, "answered 503 Service Unavailable"),
    "redirected-away": (redirected_away, 3, "answered 302 Found"),
    "next-page": (next_page, 0, "(page 2) answered 502 Bad Gateway"),
    "next-page-away": (next_page_away, 0, "linked its next page to another server"),
    "logins": (logins, 0, "the rest is withheld"),
    "wrong-shape": (wrong_shape, 0, "unexpected shape"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_hostile_api_cannot_make_any_output_show_the_token(
        scenario: str, api: FakeApi, elsewhere: FakeApi, tmp_path: Path) -> None:
    setup, code, said = SCENARIOS[scenario]
    setup(api, elsewhere)
    work, env = pull_request(tmp_path, "Add a thing", "Adds a thing.", policy=POLICY,
                             files={"src/app.py": "x = 1\n"})
    env |= {"GITHUB_API_URL": api.url, "GATEKEEPER_TOKEN": TOKEN}
    reports = {name: tmp_path / f"report.{name}" for name in ("json", "junit", "markdown",
                                                               "dotenv")}
    options = [f"--{name}={path}" for name, path in reports.items()]
    result = run_cli("check", *options, cwd=work.path, env=env)
    shown = {"stdout": result.stdout, "stderr": result.stderr}
    shown |= {name: path.read_text(encoding="utf-8") for name, path in reports.items()
              if path.exists()}
    assert result.code == code, result.stderr
    assert said in result.stdout + result.stderr
    assert api.seen[0].headers["authorization"] == f"Bearer {TOKEN}"  # it was sent, though
    assert elsewhere.seen == []
    if code != 3:
        assert set(shown) == {"stdout", "stderr", *reports}
        result_of = {r["rule_id"]: r for r in json.loads(shown["json"])["results"]}
        assert said in result_of["review-approvals"]["message"]
    for where, text in shown.items():
        assert leaked(text) == [], where


def test_gitlab_usernames_named_after_the_token_are_withheld(api: FakeApi) -> None:
    api.route(MR, Reply(gitlab_approvals(*disguises(TOKEN)[:4], "alice", required=1)))
    tiers = [{"name": "light", "approvals": 1}]
    verdict = apply(verdict_for("src/app.py", tiers=tiers), gitlab(api), ENFORCE)
    result = only(verdict)
    assert result.status is Status.PASS
    assert "the rest is withheld" in result.message
    for name in FORMATS:
        assert leaked(renderer(name)(verdict)) == [], name


def test_the_oracle_finds_every_disguise() -> None:
    for form in disguises(TOKEN):
        assert leaked(f"said: {form}!"), form
        assert leaked(f"said: {form.encode('unicode_escape').decode()}"), form
        assert holds_token(f"said: {form}!", TOKEN), form
    assert leaked("nothing to see") == [] and not holds_token("nothing to see", TOKEN)


@pytest.mark.parametrize("text", [
    TOKEN, TOKEN.upper(), f"x {TOKEN[5:14]} y", "ghp_S\u200b3c\u200dretT\ufeffoke",
    "%67%68%70%5F%53%33%63%72%65", "%2567%2568%2570%255F%2553%2533%2563%2572%2565",
    "&#103;&#104;&#112;&#95;&#83;&#51;&#99;&#114;&#101;", "g h p _ S 3 c r e t",
    "".join(chr(ord(ch) + 0xFEE0) for ch in "ghp_S3cret"),  # full-width look-alikes
    "\\x00".join("ghp_S3cret"),
    base64.b64encode(b"user:" + TOKEN.encode()).decode()[8:30],
    TOKEN.encode().hex()[6:30],
])
def test_any_disguise_of_the_token_is_caught(text: str) -> None:
    assert holds_token(text, TOKEN)
    assert redact(f"approved by @{text}", TOKEN, "withheld") == "withheld"


@pytest.mark.parametrize("text", [
    "approvals meet review tier light: 1 approval (1 of 1: @alice)",
    "cannot read the reviews of pull request #7: GET https://api.github.com/repos/octo/repo/"
    "pulls/7/reviews answered 500 Internal Server Error", "ghp_ and S3cret apart", "",
])
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert redact(text, TOKEN, "withheld") == text


def test_forms_and_normal_form() -> None:
    assert forms(TOKEN)[0] == TOKEN.casefold()
    assert normal("A%2541\u200b&amp;\x00B") == "aa&b"
    assert not holds_token("anything", "")


def test_a_short_token_is_matched_whole() -> None:
    assert holds_token("the token was abc123 here", "abc123")
    assert not holds_token("abc12", "abc123")


def test_logins_that_are_not_the_token_are_still_shown(api: FakeApi, tmp_path: Path) -> None:
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")]))
    work, env = pull_request(tmp_path, "Add a thing", "Adds a thing.", policy=POLICY,
                             files={"src/app.py": "x = 1\n"})
    env |= {"GITHUB_API_URL": api.url, "GATEKEEPER_TOKEN": TOKEN}
    result = run_cli("check", "--verbose", cwd=work.path, env=env)  # every message, whole
    assert result.code == 0, result.stderr
    assert "review-approvals (review-approvals, error): PASS" in result.stdout
    assert "@alice" in result.stdout
