"""Debian's chromium, headless and cut off from the network, opening a local HTML file: its DOM
after the page's scripts ran, what its console logged, and a screenshot.

Without chromium the tests skip, unless GATEKEEPER_REQUIRE_CHROMIUM=1 (CI sets it): then they
fail, so a CI image that lost the browser cannot pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

# Every request goes to a proxy on a port nothing listens on, loopback included: a page that
# reaches for the network gets nothing, and says so in its console.
OFFLINE = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")


def chromium() -> str:
    """The chromium program; skips (or fails, when CI requires it) without one."""
    found = shutil.which("chromium")
    if found is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("GATEKEEPER_REQUIRE_CHROMIUM") == "1":
            pytest.fail(message + ", and GATEKEEPER_REQUIRE_CHROMIUM=1")
        pytest.skip(message)
    return found


@dataclass(frozen=True)
class Opened:
    """What the browser made of a page: the serialised DOM and the console lines it logged."""

    dom: str
    console: tuple[str, ...]


def _run(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """chromium headless on ``page`` with a throwaway profile, logging the console to stderr."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={profile}",
               *OFFLINE, "--enable-logging=stderr", "--v=0",
               "--virtual-time-budget=15000", *extra, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def open_page(page: Path, profile: Path) -> Opened:
    """The page's DOM once its scripts ran, and the console messages it logged."""
    result = _run(page, profile, "--dump-dom")
    console = tuple(line for line in result.stderr.splitlines() if ":CONSOLE" in line)
    return Opened(result.stdout, console)


def screenshot(page: Path, profile: Path, target: Path, size: str = "1400,3000") -> None:
    """A PNG of the page as a window of ``size`` pixels shows it."""
    _run(page, profile, f"--screenshot={target}", f"--window-size={size}")


class Elements(HTMLParser):
    """Counts of the tags and classes found inside each element with an id of interest."""

    def __init__(self, ids: tuple[str, ...]) -> None:
        """An empty count per id."""
        super().__init__()
        self.ids = ids
        self.counts: dict[str, dict[str, int]] = {name: {} for name in ids}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Counts the tag and its classes for every watched element it is inside."""
        found = dict(attrs)
        watched = found.get("id") if found.get("id") in self.ids else None
        if tag not in _VOID:
            self._open.append((tag, watched))
        keys = [tag, *(f"{tag}.{name}" for name in (found.get("class") or "").split())]
        for inside in (watched for _, watched in self._open if watched is not None):
            for key in keys:
                self.counts[inside][key] = self.counts[inside].get(key, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        """Closes the innermost open element of that tag."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def count_inside(dom: str, ids: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Per id, how many of each tag (``svg``) and tag with class (``svg.main-svg``) it holds."""
    parser = Elements(ids)
    parser.feed(dom)
    return parser.counts
