"""A real HTTP server on 127.0.0.1 that keeps comments as the GitHub issue comments and GitLab
merge request notes APIs document: listed in pages with Link headers, created, edited."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.facts.approvals.conftest import github_user, gitlab_user


@dataclass(frozen=True)
class Request:
    """One request the server saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Stored:
    """One comment (GitHub) or note (GitLab) the server holds."""

    id: int
    author: str
    body: str
    system: bool = False


@dataclass
class CommentApi:
    """The comments of pull request ``number`` of octo/app (GitHub) or merge request ``number``
    of project 278964 (GitLab, under /api/v4)."""

    platform: str = "github"
    me: str | None = "gatekeeper-bot"
    """Who ``GET /user`` says the token is; None answers it 403, as GitHub does for an
    installation token."""
    page_size: int = 30
    number: int = 7
    fail: dict[str, int] = field(default_factory=dict)
    """Methods answered with a status instead (``{"POST": 403}``)."""
    echo: str = ""
    """Text put in every error body, as a hostile server would."""
    comments: list[Stored] = field(default_factory=list)
    seen: list[Request] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size) if size else b""
                body = json.loads(raw) if raw else None
                api.seen.append(Request(self.command, self.path,
                                        {k.lower(): v for k, v in self.headers.items()}, body))
                status, reply, headers = api.answer(self.command, self.path, body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def api_url(self) -> str:
        """The base URL a client is given."""
        return self.url if self.platform == "github" else f"{self.url}/api/v4"

    @property
    def collection(self) -> str:
        """The path comments are listed at and created at."""
        if self.platform == "github":
            return f"/repos/octo/app/issues/{self.number}/comments"
        return f"/api/v4/projects/278964/merge_requests/{self.number}/notes"

    def item_path(self, cid: int) -> str:
        """The path one comment is edited at."""
        if self.platform == "github":
            return f"/repos/octo/app/issues/comments/{cid}"
        return f"{self.collection}/{cid}"

    def add(self, author: str, body: str, system: bool = False) -> Stored:
        """A comment by ``author``, as if written earlier."""
        stored = Stored(1000 + len(self.comments), author, body, system)
        self.comments.append(stored)
        return stored

    def shape(self, stored: Stored) -> dict[str, Any]:
        """``stored`` in the documented shape of the platform."""
        if self.platform == "github":
            return {"id": stored.id, "node_id": f"IC_{stored.id}", "body": stored.body,
                    "user": github_user(stored.author, stored.id),
                    "html_url": f"https://github.com/octo/app/pull/7#issuecomment-{stored.id}",
                    "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
                    "author_association": "NONE", "performed_via_github_app": None}
        return {"id": stored.id, "type": None, "body": stored.body, "attachment": None,
                "author": gitlab_user(stored.author, stored.id), "system": stored.system,
                "noteable_id": 1, "noteable_type": "MergeRequest", "noteable_iid": self.number,
                "resolvable": False, "confidential": False, "internal": False,
                "created_at": "2024-01-01T00:00:00.000Z"}

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        """The status, JSON and headers the API answers."""
        if method in self.fail:
            return self.fail[method], {"message": f"refused {self.echo}"}, {}
        route, _, query = path.partition("?")
        prefix = "" if self.platform == "github" else "/api/v4"
        if method == "GET" and route == f"{prefix}/user":
            if self.me is None:
                return 403, {"message": "Resource not accessible by integration"}, {}
            key = "login" if self.platform == "github" else "username"
            return 200, {**(github_user(self.me) if key == "login" else gitlab_user(self.me))}, {}
        if route == self.collection and method == "GET":
            return self._page(query)
        if route == self.collection and method == "POST":
            stored = self.add(self.me or "github-actions[bot]", body["body"])
            return 201, self.shape(stored), {}
        for stored in self.comments:
            if route == self.item_path(stored.id) and method in ("PATCH", "PUT"):
                stored.body = body["body"]
                return 200, self.shape(stored), {}
        return 404, {"message": "Not Found"}, {}

    def _page(self, query: str) -> tuple[int, Any, dict[str, str]]:
        params = dict(part.partition("=")[::2] for part in query.split("&") if part)
        page = int(params.get("page", "1"))
        start = (page - 1) * self.page_size
        items = [self.shape(c) for c in self.comments[start:start + self.page_size]]
        headers = {}
        if start + self.page_size < len(self.comments):
            rest = "&".join(f"{k}={v}" for k, v in params.items() if k != "page")
            headers["Link"] = f'<{self.url}{self.collection}?{rest}&page={page + 1}>; rel="next"'
        return 200, items, headers

    def stop(self) -> None:
        """Stops the server and closes its socket."""
        self.server.shutdown()
        self.server.server_close()
