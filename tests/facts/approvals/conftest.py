"""A real HTTP server on 127.0.0.1 that answers as the GitHub and GitLab REST APIs document."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOKEN = "ghp_S3cretTokenValue0123456789abcdefABCD"
"""The token tests pass; no message, repr or log may ever contain it."""


@dataclass
class Reply:
    """What the server answers to one request."""

    body: Any = None
    """JSON-encoded unless it is bytes."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    """The status line's reason phrase; the standard one when None."""
    delay: float = 0.0
    """Seconds to wait before answering."""
    trickle: float = 0.0
    """Seconds to wait between body bytes."""
    length: bool = True
    """Send Content-Length; without it the body ends when the connection closes."""

    def encoded(self) -> bytes:
        """The body as sent: bytes as they are, anything else as JSON."""
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    """Header names lowercased."""


Route = Reply | Callable[[Seen], Reply]


class FakeApi:
    """Routes by the full request path (with query) first, then by the path alone."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                api.seen.append(seen)
                route = api.routes.get(self.path) or api.routes.get(self.path.split("?")[0])
                reply = (route(seen) if callable(route) else route) or Reply(
                    {"message": "Not Found"}, 404)
                time.sleep(reply.delay)
                body = reply.encoded()
                self.send_response(reply.status, reply.reason)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                if reply.length:
                    self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.trickle:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.trickle)
                else:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up mid-answer is what some tests are about

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def route(self, path: str, reply: Route) -> None:
        """Answers requests for ``path`` with ``reply``."""
        self.routes[path] = reply

    def stop(self) -> None:
        """Stops the server and closes its socket."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to the local server go straight to it, whatever proxy the machine sets."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def api() -> Iterator[FakeApi]:
    """A fake API server, stopped after the test."""
    server = FakeApi()
    yield server
    server.stop()


@pytest.fixture
def elsewhere() -> Iterator[FakeApi]:
    """A second server, on another origin (port), that must never see the token."""
    server = FakeApi()
    yield server
    server.stop()


# -- response bodies in the shapes the REST API documentation shows ---------------------------


def github_user(login: str, uid: int = 1) -> dict[str, Any]:
    """A GitHub user object, as the REST API documents it."""
    return {"login": login, "id": uid, "node_id": f"MDQ6VXNlcj{uid}",
            "avatar_url": f"https://github.com/images/{login}.gif", "gravatar_id": "",
            "url": f"https://api.github.com/users/{login}",
            "html_url": f"https://github.com/{login}", "type": "User", "site_admin": False}


def github_review(rid: int, login: str | None, state: str) -> dict[str, Any]:
    """A GitHub pull request review by ``login`` in ``state``, as documented."""
    review: dict[str, Any] = {
        "id": rid, "node_id": f"MDE3OlB1bGxSZXF1ZXN0UmV2aWV3{rid}",
        "user": github_user(login, rid) if login is not None else None,
        "body": "Here is the body for the review.", "state": state,
        "html_url": f"https://github.com/octocat/Hello-World/pull/12#pullrequestreview-{rid}",
        "pull_request_url": "https://api.github.com/repos/octocat/Hello-World/pulls/12",
        "_links": {"html": {"href": "https://github.com/octocat/Hello-World/pull/12"},
                   "pull_request": {"href": "https://api.github.com/repos/octocat/pulls/12"}},
        "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
        "author_association": "COLLABORATOR",
    }
    if state != "PENDING":  # pending reviews are not submitted and have no submitted_at
        review["submitted_at"] = f"2019-11-17T17:{rid % 60:02d}:43Z"
    return review


def gitlab_user(username: str, uid: int = 1) -> dict[str, Any]:
    """A GitLab user object, as the REST API documents it."""
    return {"id": uid, "name": username.title(), "username": username, "state": "active",
            "avatar_url": "https://www.gravatar.com/avatar/0?s=80&d=identicon",
            "web_url": f"http://localhost/{username}"}


def gitlab_approvals(*usernames: str, required: int = 2) -> dict[str, Any]:
    """A GitLab merge request approvals object, approved by ``usernames``."""
    return {"id": 5, "iid": 5, "project_id": 1, "title": "Approvals API", "description": "Test",
            "state": "opened", "created_at": "2016-06-08T00:19:52.638Z",
            "updated_at": "2016-06-08T21:20:42.470Z", "merge_status": "cannot_be_merged",
            "approvals_required": required,
            "approvals_left": max(0, required - len(usernames)),
            "approved_by": [{"user": gitlab_user(name, i)} for i, name in enumerate(usernames)]}


def gitlab_member(username: str, uid: int = 1, access_level: int = 30) -> dict[str, Any]:
    """A GitLab project member object, with ``access_level``."""
    return {**gitlab_user(username, uid), "expires_at": None, "access_level": access_level}


def link_next(url: str) -> dict[str, str]:
    """A Link header pointing to ``url`` as the next and last page."""
    return {"Link": f'<{url}>; rel="next", <{url}>; rel="last"'}
