"""URLs for the approvals clients: path segments, origins, what a message may show of a URL,
next-page links, and the redirect policy that keeps the token on the API's origin."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from urllib.request import OpenerDirector

_LINK = re.compile(r"<([^>]*)>([^<,]*)")


def next_link(value: str) -> str | None:
    """The target of the ``rel="next"`` entry of a ``Link`` header, if there is one."""
    for match in _LINK.finditer(value):
        for param in match.group(2).split(";"):
            key, _, rel = param.partition("=")
            if key.strip().lower() == "rel" and "next" in rel.strip().strip('"').lower().split():
                return match.group(1).strip()
    return None


def segment(value: str) -> str:
    """``value`` as one URL path segment (``group/project`` becomes ``group%2Fproject``)."""
    from urllib.parse import quote

    return quote(value, safe="")


def opener(base_url: str) -> OpenerDirector:
    """A urllib opener that follows only redirects that stay on ``base_url``'s origin."""
    import urllib.request
    from http.client import HTTPMessage
    from typing import IO

    allowed = origin(base_url)

    class SameOrigin(urllib.request.HTTPRedirectHandler):
        # GitHub redirects requests for renamed repositories; the token header travels with
        # a followed redirect, so one to another origin is refused.
        def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                             msg: str, headers: HTTPMessage,
                             newurl: str) -> urllib.request.Request | None:
            if origin(newurl) != allowed:
                return None
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(SameOrigin)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, lowercased host and port (the default filled in, -1 when invalid) of ``url``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port


def show(url: str) -> str:
    """``url`` without credentials, query or fragment: what a message may name."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def with_page(url: str, page: str) -> str:
    """``url`` with its ``page`` query parameter set to ``page``, for GitLab's x-next-page."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", page)]
    return urlunsplit(parts._replace(query=urlencode(query)))
