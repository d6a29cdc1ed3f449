"""JSON requests for the REST clients: bounded in time, size and pages, failing one way.

urllib and json load where a request is made, so importing the package stays cheap. The token
travels only in a request header: never in a URL, never to another server (redirects and
next-page links must keep the API's origin). No message repeats what a server sent (its reason
phrase, error body, headers, or the URLs it redirects or links to): a message names the URL asked
for, the status in standard words and a fixed remedy, so an echoed token can never show."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any, Generic, TypeVar

from gatekeeper import __version__
from gatekeeper.common.records import record
from gatekeeper.common.secret import Secret
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.facts.approvals.links import next_link, opener, origin, show, with_page

DEFAULT_TIMEOUT = 10.0
"""Seconds allowed to connect, for any one wait on the server, and (checked between reads)
for a whole answer."""
MAX_BYTES = 16 * 1024 * 1024
"""The largest response accepted; a page of 100 reviews with long bodies stays well below."""
MAX_PAGES = 100
_CHUNK = 64 * 1024
_JSON_BODY = {"Content-Type": "application/json"}
T = TypeVar("T")


class ApprovalsError(ChangeSetError):
    """Approvals cannot be determined: the API was unreachable, refused, or answered nonsense."""

    def __init__(self, message: str, *, hint: str | None = None,
                 status: int | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        """The HTTP status the API answered, if it answered one."""


class Shape(Exception):
    """Raised by a parser when JSON is not as documented; its text says what was expected."""


@record
class Call:
    """One kind of request: what it reads, in words, and the remedy to suggest per status."""

    what: str
    hints: Mapping[int, str] = field(default_factory=dict)
    method: str = "GET"

    @property
    def failed(self) -> str:
        """How a message about this request begins: ``cannot read`` (or write) what it is."""
        return f"cannot {'read' if self.method == 'GET' else 'write'} {self.what}"


@record
class Listing(Generic[T]):
    """The items kept from a paged list; ``complete`` is False when ``max_pages`` cut it short."""

    items: tuple[T, ...]
    pages: int
    complete: bool


@record
class Api:
    """One REST API: where it is, how to authenticate, and what it may send back."""

    platform: str
    """``GitHub`` or ``GitLab``, for messages."""
    base_url: str
    url_source: str
    """Where the base URL comes from, for hints (``GITHUB_API_URL``)."""
    headers: tuple[tuple[str, str], ...] = ()
    token: Secret | None = None
    auth_header: str = "Authorization"
    auth_prefix: str = ""
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PAGES

    def __post_init__(self) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"the {self.platform} API URL must start with https://",
                             hint=f"check {self.url_source}")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise UsageError(f"the {self.platform} API URL must not hold credentials or a query",
                             hint="pass the token as the token, never in the URL")
        if not self.timeout > 0 or self.max_pages < 1 or self.max_bytes < 1:
            raise UsageError("the timeout, page and size limits must be positive")

    def get(self, path: str, call: Call, parse: Callable[[object], T]) -> T:
        """The parsed JSON of one GET of ``path``."""
        url = self.base_url + path
        data, _ = self._json(url, call, show(url))
        try:
            return parse(data)
        except Shape as exc:
            raise self._shape(call, show(url), str(exc)) from None

    def listing(self, path: str, query: Mapping[str, str], call: Call,
                pick: Callable[[object], T | None]) -> Listing[T]:
        """Every item ``pick`` keeps from the pages of a list, following ``rel="next"`` links
        (or GitLab's ``x-next-page``) up to ``max_pages``."""
        from urllib.parse import urlencode

        url = f"{self.base_url}{path}?{urlencode(query)}"
        first = show(url)
        found: list[T] = []
        for page in range(1, self.max_pages + 1):
            # Later pages are at URLs the server chose: messages name the first page's.
            where = first + (f" (page {page})" if page > 1 else "")
            data, headers = self._json(url, call, where)
            if not isinstance(data, list):
                raise self._shape(call, where, f"a JSON array, not {_kind(data)}")
            for item in data:
                try:
                    kept = pick(item)
                except Shape as exc:
                    raise self._shape(call, where, str(exc)) from None
                if kept is not None:
                    found.append(kept)
            following = self._next(url, headers, call, where)
            if following is None:
                return Listing(tuple(found), page, True)
            url = following
        return Listing(tuple(found), self.max_pages, False)

    def send(self, path: str, payload: Mapping[str, object], call: Call,
             parse: Callable[[object], T]) -> T:
        """The parsed JSON answer to ``payload`` sent as JSON with ``call.method`` to ``path``."""
        url = self.base_url + path
        body, _ = self._json(url, call, show(url), payload)
        try:
            return parse(body)
        except Shape as exc:
            raise self._shape(call, show(url), str(exc)) from None

    def _json(self, url: str, call: Call, where: str, payload: Mapping[str, object] | None = None
              ) -> tuple[object, Mapping[str, str]]:
        """The JSON at ``url`` (``payload`` sent as JSON, if given); ``where`` names it."""
        import json

        data = None if payload is None else json.dumps(payload).encode("utf-8")
        body, headers = self._fetch(url, call, where, data)
        try:
            return json.loads(body), headers
        except (ValueError, RecursionError):
            raise ApprovalsError(f"{call.failed}: {call.method} {where} did not answer JSON",
                                 hint=self._where()) from None

    def _fetch(self, url: str, call: Call, where: str,
               data: bytes | None = None) -> tuple[bytes, Mapping[str, str]]:
        import http.client
        import urllib.error
        import urllib.request

        sent = {**self._request_headers(), **({} if data is None else _JSON_BODY)}
        request = urllib.request.Request(url, data=data, headers=sent, method=call.method)
        deadline = time.monotonic() + self.timeout
        try:
            with opener(self.base_url).open(request, timeout=self.timeout) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                return self._read(response, headers, deadline, call, where), headers
        except urllib.error.HTTPError as exc:
            headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
            exc.close()  # its body is the server's words, which no message repeats
            raise self._status(call, where, exc.code, headers) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise self._network(call, where, exc) from None

    def _read(self, response: Any, headers: Mapping[str, str], deadline: float, call: Call,
              where: str) -> bytes:
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large(call, where)
        chunks: list[bytes] = []
        size = 0
        while True:
            # read1 returns after one receive, so a server that trickles bytes still meets
            # the deadline instead of resetting the socket timeout with every byte.
            chunk = response.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(call, where)
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)

    def _request_headers(self) -> dict[str, str]:
        headers = {"User-Agent": f"gatekeeper/{__version__}", **dict(self.headers)}
        if self.token is not None and self.token.reveal():
            headers[self.auth_header] = self.auth_prefix + self.token.reveal()
        return headers

    def _next(self, url: str, headers: Mapping[str, str], call: Call,
              where: str) -> str | None:
        from urllib.parse import urljoin

        following = next_link(headers.get("link", ""))
        if following is not None:
            following = urljoin(url, following)
        elif headers.get("x-next-page", "").strip().isdigit():
            following = with_page(url, headers["x-next-page"].strip())
        if following is not None and origin(following) != origin(self.base_url):
            raise ApprovalsError(
                f"{call.failed}: {call.method} {where} linked its next page to another server",
                hint=f"gatekeeper sends the token only to {show(self.base_url)}; "
                     f"check {self.url_source}")
        return following

    def _status(self, call: Call, where: str, status: int,
                headers: Mapping[str, str]) -> ApprovalsError:
        message = f"{call.failed}: {call.method} {where} answered {status} {_phrase(status)}"
        return ApprovalsError(message.rstrip(), hint=self._hint(call, status, headers),
                              status=status)

    def _hint(self, call: Call, status: int, headers: Mapping[str, str]) -> str:
        if status == 429 or (status == 403 and headers.get("x-ratelimit-remaining") == "0"):
            wait = headers.get("retry-after", "").strip()
            after = f" (retry after {wait} s)" if wait.isdigit() else ""
            return (f"the {self.platform} API rate limit is used up{after}; "
                    "run the check again later")
        if status in call.hints:
            return call.hints[status]
        if 300 <= status < 400:
            return (f"the API answered a redirect that is not followed (to another server, "
                    f"where the token is not sent, or in a loop); set {self.url_source} to the "
                    "API that answers")
        if status >= 500:
            return f"{self.platform} failed on its side; run the check again later"
        return self._where()

    def _network(self, call: Call, where: str, exc: BaseException) -> ApprovalsError:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
            return ApprovalsError(
                f"{call.failed}: {call.method} {where} timed out after {self.timeout:g} s",
                hint=f"{self.platform} did not answer in time; run the check again, or raise "
                     "the timeout")
        return ApprovalsError(f"{call.failed}: {call.method} {where} failed: {_failure(reason)}",
                              hint=f"check the network and {self.url_source}")

    def _shape(self, call: Call, where: str, expected: str) -> ApprovalsError:
        return ApprovalsError(
            f"{call.failed}: {call.method} {where} answered JSON of an unexpected shape "
            f"(expected {expected})", hint=self._where())

    def _too_large(self, call: Call, where: str) -> ApprovalsError:
        return ApprovalsError(
            f"{call.failed}: {call.method} {where} answered more than "
            f"{self.max_bytes} bytes", hint=self._where())

    def _where(self) -> str:
        return f"check that {self.url_source} points at the {self.platform} REST API"


def _phrase(status: int) -> str:
    """The standard reason phrase of ``status`` (never the one the server sent), or nothing."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _failure(reason: object) -> str:
    """A network failure in fixed words: an error's text can carry what the server sent (a TLS
    certificate's names, a malformed status line)."""
    import http.client
    import socket
    import ssl

    kinds: tuple[tuple[type[BaseException], str], ...] = (
        (ssl.SSLError, "the TLS handshake failed"),
        (socket.gaierror, "the host name did not resolve"),
        (ConnectionRefusedError, "the connection was refused"),
        (ConnectionResetError, "the connection was reset"),
        (http.client.HTTPException, "the answer was not valid HTTP"),
        (OSError, "the server could not be reached"))
    for kind, words in kinds:
        if isinstance(reason, kind):
            return words
    return "the server could not be reached"


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")
