"""The replay document read defensively, and the report's charts as plotly figure dictionaries
(``html.py`` imports plotly). Each chart combines all repositories: a merged report is an
organisation's view, and a line per repository would not stay readable past a handful. Each
distinct size limit is its own line, named after its repositories. Strings from the document
reach plotly HTML-escaped, as plotly.js reads its text as markup."""

from __future__ import annotations

import html
import math
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

from gatekeeper.common.escape import escape
from gatekeeper.common.records import record

Figure = dict[str, object]


@record
class Change:
    """One change of the document; a field of the wrong type reads as missing."""

    sha: str
    number: int | None
    author: str
    subject: str
    when: datetime | None
    skipped: str | None
    lines: int | None
    verdict: str
    rules: tuple[tuple[str, str], ...]
    tier: tuple[int, str] | None
    ai: bool


@record
class Repository:
    """One repository of the document with its changes."""

    name: str
    url: str | None
    forge: str | None
    branch: str
    policy: str
    limit: int | None
    notes: tuple[str, ...]
    changes: tuple[Change, ...]


def shown(value: str) -> str:
    """Text from the document made safe for HTML: controls visible, markup escaped."""
    return html.escape(escape(value), quote=True)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _count(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok and isinstance(value, int) else None


def _fields(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(_text(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _change(record: dict[str, object]) -> Change:
    tier = _fields(record.get("tier"))
    rank = _count(tier.get("rank"))
    skipped = record.get("skipped")
    return Change(
        sha=_text(record.get("sha")),
        number=_count(record.get("number")), author=_text(record.get("author")),
        subject=_text(record.get("subject")), when=_when(record.get("date")),
        skipped=skipped if isinstance(skipped, str) else None,
        lines=_count(record.get("effective_lines")), verdict=_text(record.get("verdict")),
        rules=tuple((str(k), _text(v)) for k, v in _fields(record.get("rules")).items()),
        tier=None if rank is None else (rank, _text(tier.get("name")) or f"tier {rank}"),
        ai=_fields(record.get("ai")).get("assisted") is True)


def read(document: dict[str, object]) -> tuple[Repository, ...]:
    """The repositories of a replay document, read defensively: it is a file anyone can edit."""
    repositories = []
    for item in _items(document.get("repositories")):
        entry = _fields(item)
        repositories.append(Repository(
            name=_text(entry.get("name")), url=_text(entry.get("url")) or None,
            forge=_text(entry.get("forge")) or None,
            branch=_text(entry.get("branch")), policy=_text(entry.get("policy")),
            limit=_count(_fields(entry.get("limits")).get("max_lines")),
            notes=tuple(_text(n) for n in _items(entry.get("notes")) if _text(n)),
            changes=tuple(_change(_fields(c)) for c in _items(entry.get("changes")))))
    return tuple(repositories)


def week_of(when: datetime) -> date:
    """The Monday of the ISO week ``when`` falls in, in its own offset."""
    day = when.date()
    return day - timedelta(days=day.weekday())


def _week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _evaluated(repositories: tuple[Repository, ...]) -> list[Change]:
    """The changes that were judged, with a size: the skipped ones have none."""
    return [c for r in repositories for c in r.changes if c.skipped is None and c.lines is not None]


def _by_week(repositories: tuple[Repository, ...]) -> dict[date, list[Change]]:
    """Evaluated changes with a date, by the Monday of their week, in order."""
    weeks: dict[date, list[Change]] = defaultdict(list)
    for change in _evaluated(repositories):
        if change.when is not None:
            weeks[week_of(change.when)].append(change)
    return dict(sorted(weeks.items()))


def p90(values: list[int]) -> int:
    """The 90th percentile by nearest rank: a size some change really had."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def limits(repositories: tuple[Repository, ...]) -> list[tuple[int, str]]:
    """Each distinct line limit with its legend name, naming its repositories when they differ."""
    users: dict[int, list[str]] = defaultdict(list)
    for repository in repositories:
        if repository.limit is not None:
            users[repository.limit].append(repository.name)
    every = len(users) == 1 and len(users[next(iter(users))]) == len(repositories)
    return [(limit, f"limit {limit}" if every else f"limit {limit} ({shown(', '.join(names))})")
            for limit, names in sorted(users.items())]


def _span(weeks: dict[date, list[Change]]) -> list[str]:
    """The weeks' date range with four days either side, so a single week is not a point."""
    return [(min(weeks) - timedelta(days=4)).isoformat(),
            (max(weeks) + timedelta(days=4)).isoformat()]


def _limit_line(index: int) -> Figure:
    """A limit's dashed line, in the same dark colour on every chart."""
    return {"dash": "dash", "color": ("#333333", "#b22222", "#8b5a00", "#5b3f8c")[index % 4]}


def _layout(x_title: str, y_title: str, weeks: dict[date, list[Change]] | None = None,
            **extra: object) -> Figure:
    xaxis: Figure = {"title": {"text": x_title}}
    if weeks:
        xaxis.update(type="date", range=_span(weeks))
    return {"template": "plotly_white", "height": 360, "hovermode": "closest",
            "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
            "legend": {"orientation": "h", "y": -0.2}, "xaxis": xaxis,
            "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"}, **extra}


def _weekly(weeks: dict[date, list[Change]], name: str, values: list[float | None],
            hover: str, **extra: object) -> Figure:
    """A line over the weeks, hovered with the ISO week label."""
    return {"type": "scatter", "mode": "lines+markers", "name": name,
            "x": [m.isoformat() for m in weeks], "y": values,
            "customdata": [_week_label(m) for m in weeks],
            "hovertemplate": f"%{{customdata}}: {hover}<extra>{name}</extra>", **extra}


def size_per_week(repositories: tuple[Repository, ...]) -> Figure | None:
    """Median and p90 effective size per ISO week, with each line limit drawn across."""
    weeks = _by_week(repositories)
    if not weeks:
        return None
    sizes = [[c.lines or 0 for c in changes] for changes in weeks.values()]
    data: list[Figure] = [
        _weekly(weeks, "median", [float(statistics.median(s)) for s in sizes], "%{y} lines"),
        _weekly(weeks, "p90", [float(p90(s)) for s in sizes], "%{y} lines")]
    data += [{"type": "scatter", "mode": "lines", "name": name, "line": _limit_line(i),
              "x": _span(weeks), "y": [limit, limit],
              "hovertemplate": f"{name}<extra></extra>"}
             for i, (limit, name) in enumerate(limits(repositories))]
    return {"data": data, "layout": _layout("week", "effective lines changed", weeks)}


def _position(lines: int) -> float:
    """Where a size sits on the histogram's log10 axis; no lines at all sit left of one."""
    return math.log10(lines) if lines >= 1 else -0.125


def size_histogram(repositories: tuple[Repository, ...]) -> Figure | None:
    """Effective sizes in quarter-decade bins on a log axis, with each line limit."""
    sizes = [c.lines or 0 for c in _evaluated(repositories)]
    if not sizes:
        return None
    bins: dict[int, int] = defaultdict(int)
    for lines in sizes:
        bins[-1 if lines == 0 else math.floor(4 * math.log10(lines))] += 1
    keys = range(min(bins), max(bins) + 1)
    ranges = ["0 lines" if k < 0 else
              f"{math.ceil(10 ** (k / 4))} to {math.ceil(10 ** ((k + 1) / 4)) - 1} lines"
              for k in keys]
    data: list[Figure] = [{
        "type": "bar", "name": "changes", "x": [-0.125 if k < 0 else (k + 0.5) / 4 for k in keys],
        "y": [bins[k] for k in keys], "width": 0.25, "customdata": ranges,
        "hovertemplate": "%{customdata}: %{y} changes<extra></extra>"}]
    data += [{"type": "scatter", "mode": "lines", "name": name, "line": _limit_line(i),
              "x": [_position(limit)] * 2, "y": [0, max(bins.values())],
              "hovertemplate": f"{name}<extra></extra>"}
             for i, (limit, name) in enumerate(limits(repositories))]
    right = max([(max(bins) + 1) / 4, *(_position(limit) for limit, _ in limits(repositories))])
    axis = _log_axis(-1 in bins, right)
    return {"data": data, "layout": _layout("", "changes", xaxis=axis, bargap=0.05)}


def _log_axis(zero: bool, right: float) -> Figure:
    """The histogram's size axis in log10 units, labelled in lines at each power of ten."""
    decades = range(0, max(1, math.ceil(right)) + 1)
    return {"title": {"text": "effective lines changed (log scale)"},
            "range": [-0.3 if zero else 0, right + 0.05],
            "tickvals": [-0.125, *decades], "ticktext": ["0", *(f"{10 ** d:,}" for d in decades)]}


def fail_share(repositories: tuple[Repository, ...]) -> Figure | None:
    """Per rule id, the share of the week's evaluated changes that would fail it."""
    weeks = _by_week(repositories)
    ids = sorted({rule for changes in weeks.values() for c in changes for rule, _ in c.rules})
    data: list[Figure] = []
    for rule in ids:
        judged = [[s for c in changes for r, s in c.rules if r == rule]
                  for changes in weeks.values()]
        data.append(_weekly(
            weeks, shown(rule), [100 * s.count("fail") / len(s) if s else None for s in judged],
            "%{y:.0f}% would fail", connectgaps=True))
    if not data:
        return None
    return {"data": data, "layout": _layout("week", "% of changes failing", weeks,
                                            yaxis={"title": {"text": "% of changes failing"},
                                                   "range": [0, 100]})}


def tier_mix(repositories: tuple[Repository, ...]) -> Figure | None:
    """The review tiers each week's changes needed, stacked; None without any tier."""
    weeks = _by_week(repositories)
    tiers: list[tuple[int, str] | None] = [
        *sorted({c.tier for changes in weeks.values() for c in changes if c.tier})]
    if not tiers:
        return None
    if any(c.tier is None for changes in weeks.values() for c in changes):
        tiers.append(None)
    data = [{"type": "bar", "name": shown(f"{tier[0]}: {tier[1]}") if tier else "no tier",
             "x": [m.isoformat() for m in weeks], "customdata": [_week_label(m) for m in weeks],
             "y": [sum(c.tier == tier for c in changes) for changes in weeks.values()],
             "hovertemplate": "%{customdata}: %{y} changes"} for tier in tiers]
    return {"data": data, "layout": _layout("week", "changes", weeks, barmode="stack")}


def ai_share(repositories: tuple[Repository, ...]) -> Figure | None:
    """The share of each week's evaluated changes that were AI-assisted."""
    weeks = _by_week(repositories)
    if not weeks:
        return None
    shares: list[float | None] = [100 * sum(c.ai for c in changes) / len(changes)
                                  for changes in weeks.values()]
    line = _weekly(weeks, "AI-assisted", shares, "%{y:.0f}% AI-assisted")
    return {"data": [line], "layout": _layout("week", "% of changes AI-assisted", weeks,
                                              yaxis={"title": {"text": "% AI-assisted"},
                                                     "range": [0, 100]})}


def _point_label(change: Change) -> str:
    number = f" #{change.number}" if change.number is not None else ""
    return shown(f"{change.sha[:10]}{number} {change.author}: {change.subject[:80]}")


def ai_sizes(repositories: tuple[Repository, ...]) -> Figure | None:
    """Effective size of AI-assisted changes against the others, as boxes with every point."""
    changes = _evaluated(repositories)
    if not changes:
        return None
    data = [{"type": "box", "name": name, "boxpoints": "all", "jitter": 0.4, "pointpos": 0,
             "y": [c.lines for c in group], "text": [_point_label(c) for c in group],
             "hovertemplate": "%{text}<br>%{y} lines<extra></extra>"}
            for name, group in (("AI-assisted", [c for c in changes if c.ai]),
                                ("other", [c for c in changes if not c.ai])) if group]
    return {"data": data, "layout": _layout("", "effective lines changed", showlegend=False)}
