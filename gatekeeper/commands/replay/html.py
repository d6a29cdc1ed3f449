"""The replay report as one self-contained HTML page: a header, six charts, and the tables of
the changes that would fail and of those that were skipped.

The charts are drawn with plotly, an optional extra (``gatekeeper-ci[replay]``): it is well
kept, its charts are interactive (hovering a point shows the change's sha and PR), plotly.js
draws them as SVG in the browser, and with plotly.js embedded once the page works offline, as
a file from a CI artifact should. Its only dependencies are narwhals and packaging: no numpy.

Every string in the document came from commits or from whoever wrote the file, so each is
escaped, and a link is made only from a forge URL that is plainly ``http(s)://host/path``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from gatekeeper.commands.replay.charts import (
    Change,
    Figure,
    Repository,
    ai_share,
    ai_sizes,
    fail_share,
    read,
    shown,
    size_histogram,
    size_per_week,
    tier_mix,
)
from gatekeeper.common.records import record
from gatekeeper.errors import UsageError

_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+@/-]*)?")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_CONFIG = {"displaylogo": False, "responsive": True}

# No request may leave the page: scripts and styles are inline, images are data: URLs.
_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:")

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; }
td.n { text-align: right; } code { font-size: 0.95em; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1em; }
.empty { color: #777; font-style: italic; }
"""


@record
class Chart:
    """One chart of the page: its element id, heading, and figure (None when nothing to draw)."""

    id: str
    title: str
    figure: Figure | None
    empty: str


_CHARTS: tuple[tuple[str, str, Callable[[tuple[Repository, ...]], Figure | None], str], ...] = (
    ("size-week", "Median and p90 size per week", size_per_week, "No evaluated change."),
    ("size-histogram", "Size histogram", size_histogram, "No evaluated change."),
    ("fail-share", "Would-fail share per rule per week", fail_share, "No rule was evaluated."),
    ("tier-mix", "Review-tier mix per week", tier_mix, "The policies define no review tiers."),
    ("ai-share", "AI-assisted share per week", ai_share, "No evaluated change."),
    ("ai-size", "Size of AI-assisted and other changes", ai_sizes, "No evaluated change."),
)


def charts(repositories: tuple[Repository, ...]) -> list[Chart]:
    """Every chart of the report, in page order."""
    return [Chart(f"chart-{key}", title, draw(repositories), empty)
            for key, title, draw, empty in _CHARTS]


def forge_base(repository: Repository) -> str | None:
    """The repository's web URL to link to, when its forge is known and the URL is plain."""
    url = repository.url
    if repository.forge not in ("github", "gitlab") or url is None:
        return None
    if not _PLAIN_URL.fullmatch(url) or not urlsplit(url).hostname:
        return None
    return url.rstrip("/")


def commit_url(repository: Repository, sha: str) -> str | None:
    """The forge's page of a commit."""
    base = forge_base(repository)
    if base is None or not _SHA.fullmatch(sha):
        return None
    return f"{base}/-/commit/{sha}" if repository.forge == "gitlab" else f"{base}/commit/{sha}"


def request_url(repository: Repository, number: int) -> str | None:
    """The forge's page of a pull or merge request."""
    base = forge_base(repository)
    if base is None:
        return None
    if repository.forge == "gitlab":
        return f"{base}/-/merge_requests/{number}"
    return f"{base}/pull/{number}"


def _link(url: str | None, text: str) -> str:
    """``text`` (already escaped) linked to ``url`` when there is one."""
    if url is None:
        return text
    return f'<a href="{shown(url)}" rel="noopener noreferrer">{text}</a>'


def _table(head: tuple[str, ...], rows: list[list[str]]) -> str:
    """An HTML table from cells already escaped; numeric cells are given as ``n:`` + text."""
    header = "".join(f"<th>{cell}</th>" for cell in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{c[2:]}</td>' if c.startswith("n:") else f"<td>{c}</td>"
                         for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _repository_row(repository: Repository) -> list[str]:
    """Name, branch, policy, limit and counts of one repository, as table cells."""
    limit = "" if repository.limit is None else str(repository.limit)
    skipped = sum(c.skipped is not None for c in repository.changes)
    failing = sum(c.verdict == "fail" for c in repository.changes)
    return [_link(forge_base(repository), shown(repository.name)), shown(repository.branch),
            shown(repository.policy), f"n:{limit}", f"n:{len(repository.changes)}",
            f"n:{skipped}", f"n:{failing}"]


def _summary(repositories: tuple[Repository, ...]) -> str:
    """Counts, the date range, one row per repository, and the notes."""
    changes = [c for r in repositories for c in r.changes]
    dates = sorted(c.when.date().isoformat() for c in changes if c.when is not None)
    span = f"{dates[0]} to {dates[-1]}" if dates else "no dates"
    skipped = sum(c.skipped is not None for c in changes)
    failing = sum(c.verdict == "fail" for c in changes)
    rows = [_repository_row(r) for r in repositories]
    notes = dict.fromkeys(n for r in repositories for n in r.notes)
    listed = "".join(f"<li>{shown(n)}</li>" for n in notes)
    plural = "repository" if len(repositories) == 1 else "repositories"
    return (f"<p>{len(repositories)} {plural}, {len(changes)} changes from {span}: "
            f"{failing} would fail, {skipped} skipped.</p>"
            + _table(("repository", "branch", "policy", "line limit", "changes", "skipped",
                      "would fail"), rows)
            + (f"<ul class=\"notes\">{listed}</ul>" if listed else ""))


def _change_cells(repository: Repository, change: Change) -> list[str]:
    """Repository, commit and request links, author and date of one change."""
    number = ""
    if change.number is not None:
        mark = "!" if repository.forge == "gitlab" else "#"
        number = _link(request_url(repository, change.number), f"{mark}{change.number}")
    when = change.when.strftime("%Y-%m-%d %H:%M") if change.when is not None else ""
    sha = _link(commit_url(repository, change.sha), f"<code>{shown(change.sha[:10])}</code>")
    return [shown(repository.name), sha, number, shown(change.author), when]


def _failing(repositories: tuple[Repository, ...]) -> str:
    """The table of the changes whose verdict would be a failure, newest first."""
    found = [(r, c) for r in repositories for c in r.changes if c.verdict == "fail"]
    found.sort(key=lambda pair: pair[1].when.timestamp() if pair[1].when else 0.0, reverse=True)
    if not found:
        return '<p class="empty">No change would fail.</p>'
    rows = [[*_change_cells(r, c), "n:" + ("" if c.lines is None else str(c.lines)),
             ", ".join(shown(rule) for rule, status in c.rules if status == "fail"),
             shown(c.subject)] for r, c in found]
    return _table(("repository", "commit", "PR/MR", "author", "date", "lines",
                   "failing rules", "subject"), rows)


def _skipped(repositories: tuple[Repository, ...]) -> str:
    """The table of the changes that could not be judged, with the reason."""
    rows = [[*_change_cells(r, c), shown(c.skipped or "")] for r in repositories for c in r.changes
            if c.skipped is not None]
    if not rows:
        return '<p class="empty">No change was skipped.</p>'
    return _table(("repository", "commit", "PR/MR", "author", "date", "reason"), rows)


def _chart(chart: Chart, to_html: Callable[..., str]) -> str:
    """One chart's section: plotly's div and script, or a line saying why there is none."""
    if chart.figure is None:
        return f'<section><h2>{chart.title}</h2><p class="empty">{chart.empty}</p></section>'
    # plotly writes the figure as JSON with <, > and / as \u escapes: no string ends the script.
    body = to_html(chart.figure, include_plotlyjs=False, full_html=False, div_id=chart.id,
                   config=_CONFIG, validate=True)
    return f"<section><h2>{chart.title}</h2>{body}</section>"


def render(document: dict[str, object]) -> str:
    """The whole report page for a (merged) replay document."""
    try:
        import plotly.io
        import plotly.offline
    except ImportError as error:
        raise UsageError("the HTML report needs plotly, which is not installed",
                         hint="pip install 'gatekeeper-ci[replay]'") from error
    repositories = read(document)
    names = ", ".join(r.name for r in repositories)
    sections = "".join(_chart(chart, plotly.io.to_html) for chart in charts(repositories))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gatekeeper replay: {shown(names)}</title>
<style>{_STYLE}</style>
<script>window.PlotlyConfig = {{MathJaxConfig: "local"}};</script>
<script>{plotly.offline.get_plotlyjs()}</script>
</head>
<body>
<h1>gatekeeper replay</h1>
{_summary(repositories)}
<div class="charts">{sections}</div>
<h2>Changes that would fail</h2>
{_failing(repositories)}
<h2>Skipped changes</h2>
{_skipped(repositories)}
</body>
</html>
"""
