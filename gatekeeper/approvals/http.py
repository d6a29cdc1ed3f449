"""JSON GETs for the approvals clients: bounded in time, size and pages, failing one way.

urllib and json are imported where a request is made, so importing the package stays cheap.
The token travels only in a request header: it is never part of a URL, never sent to another
server (redirects and next-page links must keep the API's origin), and every text a server
sends back is scrubbed of it before it reaches a message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from gatekeeper import __version__
from gatekeeper.approvals.links import next_link, opener, origin, show, with_page
from gatekeeper.errors import ChangeSetError, UsageError

DEFAULT_TIMEOUT = 10.0
"""Seconds allowed to connect, for any one wait on the server, and (checked between reads)
for a whole answer."""
MAX_BYTES = 16 * 1024 * 1024
"""The largest response accepted; a page of 100 reviews with long bodies stays well below."""
MAX_PAGES = 100
_CHUNK = 64 * 1024
_ERROR_BYTES = 64 * 1024
_SAID_CHARS = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
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


class Secret:
    """A token that never shows itself in a repr, a str, a format or a pickle."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a Secret cannot be pickled")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


@dataclass(frozen=True)
class Call:
    """One kind of request: what it reads, in words, and the remedy to suggest per status."""

    what: str
    hints: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Listing(Generic[T]):
    items: tuple[T, ...]
    pages: int
    complete: bool


@dataclass(frozen=True)
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
        data, _ = self._json(url, call)
        try:
            return parse(data)
        except Shape as exc:
            raise self._shape(call, url, str(exc)) from None

    def listing(self, path: str, query: Mapping[str, str], call: Call,
                pick: Callable[[object], T | None]) -> Listing[T]:
        """Every item ``pick`` keeps from the pages of a list, following ``rel="next"`` links
        (or GitLab's ``x-next-page``) up to ``max_pages``."""
        from urllib.parse import urlencode

        url = f"{self.base_url}{path}?{urlencode(query)}"
        found: list[T] = []
        for page in range(1, self.max_pages + 1):
            data, headers = self._json(url, call)
            if not isinstance(data, list):
                raise self._shape(call, url, f"a JSON array, not {_kind(data)}")
            for item in data:
                try:
                    kept = pick(item)
                except Shape as exc:
                    raise self._shape(call, url, str(exc)) from None
                if kept is not None:
                    found.append(kept)
            following = self._next(url, headers, call)
            if following is None:
                return Listing(tuple(found), page, True)
            url = following
        return Listing(tuple(found), self.max_pages, False)

    def _json(self, url: str, call: Call) -> tuple[object, Mapping[str, str]]:
        import json

        body, headers = self._fetch(url, call)
        try:
            return json.loads(body), headers
        except (ValueError, RecursionError):
            raise ApprovalsError(f"cannot read {call.what}: GET {show(url)} did not answer JSON",
                                 hint=self._where()) from None

    def _fetch(self, url: str, call: Call) -> tuple[bytes, Mapping[str, str]]:
        import http.client
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, headers=self._request_headers())
        deadline = time.monotonic() + self.timeout
        try:
            with opener(self.base_url).open(request, timeout=self.timeout) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                return self._read(response, headers, deadline, call, url), headers
        except urllib.error.HTTPError as exc:
            headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
            body = _peek(exc, deadline)
            raise self._status(call, url, exc.code, exc.reason, headers, body) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise self._network(call, url, exc) from None

    def _read(self, response: Any, headers: Mapping[str, str], deadline: float, call: Call,
              url: str) -> bytes:
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large(call, url)
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
                raise self._too_large(call, url)
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)

    def _request_headers(self) -> dict[str, str]:
        headers = {"User-Agent": f"gatekeeper/{__version__}", **dict(self.headers)}
        if self.token is not None and self.token.reveal():
            headers[self.auth_header] = self.auth_prefix + self.token.reveal()
        return headers

    def _next(self, url: str, headers: Mapping[str, str], call: Call) -> str | None:
        from urllib.parse import urljoin

        following = next_link(headers.get("link", ""))
        if following is not None:
            following = urljoin(url, following)
        elif headers.get("x-next-page", "").strip().isdigit():
            following = with_page(url, headers["x-next-page"].strip())
        if following is not None and origin(following) != origin(self.base_url):
            raise ApprovalsError(
                f"cannot read {call.what}: GET {show(url)} linked its next page to "
                f"{self._clean(show(following))}, another server",
                hint=f"gatekeeper sends the token only to {show(self.base_url)}; "
                     f"check {self.url_source}")
        return following

    def _status(self, call: Call, url: str, status: int, reason: object,
                headers: Mapping[str, str], body: bytes) -> ApprovalsError:
        said = self._said(body)
        message = (f"cannot read {call.what}: GET {show(url)} answered {status} "
                   f"{self._clean(str(reason or ''))}").rstrip()
        if said:
            message += f" ({self.platform} said: {said})"
        return ApprovalsError(message, hint=self._hint(call, status, headers), status=status)

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

    def _network(self, call: Call, url: str, exc: BaseException) -> ApprovalsError:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
            return ApprovalsError(
                f"cannot read {call.what}: GET {show(url)} timed out after {self.timeout:g} s",
                hint=f"{self.platform} did not answer in time; run the check again, or raise "
                     "the timeout")
        detail = self._clean(str(reason)) or type(exc).__name__
        return ApprovalsError(f"cannot read {call.what}: GET {show(url)} failed: {detail}",
                              hint=f"check the network and {self.url_source}")

    def _shape(self, call: Call, url: str, expected: str) -> ApprovalsError:
        return ApprovalsError(
            f"cannot read {call.what}: GET {show(url)} answered JSON of an unexpected shape "
            f"(expected {expected})", hint=self._where())

    def _too_large(self, call: Call, url: str) -> ApprovalsError:
        return ApprovalsError(
            f"cannot read {call.what}: GET {show(url)} answered more than "
            f"{self.max_bytes} bytes", hint=self._where())

    def _where(self) -> str:
        return f"check that {self.url_source} points at the {self.platform} REST API"

    def _said(self, body: bytes) -> str:
        import json

        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return ""
        said = data.get("message") if isinstance(data, dict) else None
        return self._clean(said) if isinstance(said, str) else ""

    def _clean(self, text: str) -> str:
        """``text`` from a server, fit for a one-line message: without the token, control
        characters or excess length."""
        token = self.token.reveal() if self.token is not None else ""
        if token:
            text = text.replace(token, "***")
        text = " ".join(_CONTROL.sub(" ", text).split())
        text = text if len(text) <= _SAID_CHARS else text[: _SAID_CHARS - 1] + "…"
        return text.replace(token, "***") if token else text


def _peek(answer: Any, deadline: float) -> bytes:
    """Up to _ERROR_BYTES of an error answer's body, as much as arrives before the deadline."""
    chunks: list[bytes] = []
    size = 0
    try:
        while size < _ERROR_BYTES and time.monotonic() < deadline:
            chunk = answer.read1(_ERROR_BYTES - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception:  # the body of an error answer only adds detail to the message
        pass
    return b"".join(chunks)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")
