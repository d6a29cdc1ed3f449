"""The replay HTML report: escaping, links, the limit drawn, no network, and the page in a real
browser (chromium, headless and offline) with its charts drawn and nothing logged as an error."""

from __future__ import annotations

import json
import random
import re
import statistics
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.commands.replay.html import render
from tests.browser import count_inside, open_page, screenshot

HOSTILE = ("</script><script>document.documentElement.setAttribute('data-x'+'ss','1')</script>"
           "<img src=x onerror=\"document.documentElement.setAttribute('data-x'+'ss','2')\">"
           "<b>bold</b>&amp;")
CHART_IDS = ("chart-size-week", "chart-size-histogram", "chart-fail-share", "chart-tier-mix",
             "chart-ai-share", "chart-ai-size")
TIERS = ((1, "light"), (2, "standard"), (3, "deep"))


def _change(rng: random.Random, when: datetime, number: int, rules: tuple[str, ...],
            limit: int) -> dict[str, object]:
    """One evaluated change of a random size; the size rule fails above ``limit``."""
    lines = int(10 ** rng.uniform(0, 3.4))
    statuses = {rule: rng.choice(("pass", "pass", "fail", "skip")) for rule in rules}
    statuses[rules[0]] = "fail" if lines > limit else "pass"
    assisted = rng.random() < 0.35
    return {
        "sha": f"{rng.getrandbits(160):040x}", "base": f"{rng.getrandbits(160):040x}",
        "kind": "merge", "number": number, "author": rng.choice(("Ada", "Grace", "Linus")),
        "date": when.isoformat(), "subject": f"Merge pull request #{number} from x/y",
        "skipped": None, "effective_lines": lines, "effective_files": 1 + lines // 50,
        "raw_lines": lines + 3, "raw_files": 2 + lines // 50,
        "verdict": "fail" if "fail" in statuses.values() else "pass",
        "rules": statuses, "waivable": [],
        "tier": dict(zip(("rank", "name"), TIERS[min(2, lines // 150)], strict=True)),
        "ai": {"assisted": assisted, "strength": "co-authored" if assisted else "none"},
        "compare": None}


def _repository(name: str, url: str | None, forge: str | None, limit: int,
                rules: tuple[str, ...], seed: int, count: int) -> dict[str, object]:
    """A repository with ``count`` changes spread over ten weeks, the first one skipped."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 7, 9, tzinfo=timezone(timedelta(hours=2)))
    changes = [_change(rng, start + timedelta(days=i * 70 // count), 100 + i, rules, limit)
               for i in range(count)]
    changes[0].update({"skipped": "git cannot diff this range", "effective_lines": None,
                       "effective_files": None, "raw_lines": None, "raw_files": None,
                       "verdict": None, "rules": {}, "tier": None, "ai": None})
    return {"name": name, "url": url, "forge": forge, "branch": "main",
            "policy": ".gatekeeper.yml", "compare_policy": None,
            "limits": {"max_lines": limit, "max_files": None},
            "rules": [{"id": r, "kind": "batch-size", "severity": "error"} for r in rules],
            "compare_rules": [], "notes": ["labels and descriptions are not in git"],
            "changes": changes}


def document(**override: object) -> dict[str, object]:
    """A merged document: about 60 changes over ten weeks in a GitHub and a GitLab repository."""
    repositories = [
        _repository("octo/app", "https://github.com/octo/app", "github", 400,
                    ("small", "commits"), 1, 34),
        _repository("group/sub/svc", "https://gitlab.example.com/group/sub/svc", "gitlab", 250,
                    ("small", "paths"), 2, 26)]
    repositories[0].update(override)
    return {"format": "gatekeeper-replay", "version": 1, "gatekeeper": "0.0.0",
            "repositories": repositories}


def hostile_document() -> dict[str, object]:
    """The document with hostile text in every string a person chooses."""
    doc = document(name=HOSTILE, branch=HOSTILE, policy=HOSTILE, notes=[HOSTILE])
    first = doc["repositories"][0]  # type: ignore[index]
    for change in first["changes"]:
        change.update({"author": HOSTILE, "subject": HOSTILE})
        change["rules"] = {HOSTILE if k == "commits" else k: v for k, v in change["rules"].items()}
    return doc


def _figures(page: str) -> dict[str, list[dict[str, Any]]]:
    """The data of each chart, read back from the Plotly.newPlot calls in the page."""
    found = re.finditer(r'Plotly\.newPlot\(\s*"([\w-]+)",\s*(\[.*?\]),\s*\{', page, re.DOTALL)
    return {match[1]: json.loads(match[2]) for match in found}


def test_every_chart_is_drawn_with_the_limit_as_a_line() -> None:
    """Six charts; the size charts carry each repository's limit, named after it."""
    figures = _figures(render(document()))
    assert sorted(figures) == sorted(CHART_IDS)
    for chart in ("chart-size-week", "chart-size-histogram"):
        names = [trace["name"] for trace in figures[chart]]
        assert "limit 400 (octo/app)" in names and "limit 250 (group/sub/svc)" in names
    week = {trace["name"]: trace for trace in figures["chart-size-week"]}
    assert week["limit 400 (octo/app)"]["y"] == [400, 400]
    histogram = {trace["name"]: trace for trace in figures["chart-size-histogram"]}
    assert histogram["limit 400 (octo/app)"]["x"] == pytest.approx([2.602, 2.602], abs=1e-3)
    assert sum(histogram["changes"]["y"]) == 58  # 60 changes, two skipped


def test_a_single_limit_is_named_plainly() -> None:
    """With one repository the legend reads ``limit N``."""
    doc = document()
    doc["repositories"] = doc["repositories"][:1]  # type: ignore[index]
    names = [trace["name"] for trace in _figures(render(doc))["chart-size-week"]]
    assert names == ["median", "p90", "limit 400"]


def test_weekly_figures_follow_the_changes() -> None:
    """The first week's median, p90, fail share and AI share agree with its changes."""
    doc = document()
    figures = {chart: {t["name"]: t for t in traces}
               for chart, traces in _figures(render(doc)).items()}
    week = [c for r in doc["repositories"] for c in r["changes"]  # type: ignore[attr-defined]
            if c["skipped"] is None and c["date"] < "2026-09-14"]
    sizes = sorted(c["effective_lines"] for c in week)
    assert len(week) == 5 and figures["chart-size-week"]["median"]["x"][0] == "2026-09-07"
    assert figures["chart-size-week"]["median"]["y"][0] == statistics.median(sizes)
    assert figures["chart-size-week"]["p90"]["y"][0] == sizes[4]  # nearest rank: ceil(4.5)
    small = [c["rules"]["small"] for c in week]
    assert figures["chart-fail-share"]["small"]["y"][0] == pytest.approx(
        100 * small.count("fail") / len(small))
    assisted = sum(c["ai"]["assisted"] for c in week)
    assert figures["chart-ai-share"]["AI-assisted"]["y"][0] == pytest.approx(100 * assisted / 5)


def test_hostile_strings_are_text_everywhere() -> None:
    """Authors, subjects, rule ids, notes and names are escaped in the page and in the figures."""
    page = render(hostile_document())
    assert "<img src=x" not in page and "<script>document" not in page
    assert page.count("&lt;/script&gt;&lt;script&gt;") >= 5
    assert "<title>gatekeeper replay: &lt;/script&gt;" in page
    figures = _figures(page)
    rules = [trace["name"] for trace in figures["chart-fail-share"]]
    assert any(str(name).startswith("&lt;/script&gt;") for name in rules)
    # plotly writes < > / in figure JSON as \u escapes, so the script element cannot end early.
    assert page.count("</script>") == page.count("<script")


def test_plotly_escapes_markup_in_figure_json() -> None:
    """Behind our own escaping, plotly writes < > / in figure JSON as \\u escapes."""
    import plotly.io

    figure = {"data": [{"type": "bar", "name": HOSTILE, "x": [HOSTILE], "y": [1]}]}
    body = plotly.io.to_html(figure, include_plotlyjs=False, full_html=False)
    assert "</script><script>" not in body and "\\u003c\\u002fscript\\u003e" in body


def test_links_go_to_github_and_gitlab() -> None:
    """Commits and requests link to each forge's own URL scheme."""
    doc = document()
    page = render(doc)
    github, gitlab = (next(c for c in r["changes"] if c["verdict"] == "fail")
                      for r in doc["repositories"])  # type: ignore[attr-defined]
    assert f'href="https://github.com/octo/app/commit/{github["sha"]}"' in page
    assert f'href="https://github.com/octo/app/pull/{github["number"]}"' in page
    base = "https://gitlab.example.com/group/sub/svc"
    assert f'href="{base}/-/commit/{gitlab["sha"]}"' in page
    assert f'href="{base}/-/merge_requests/{gitlab["number"]}"' in page
    assert f'>!{gitlab["number"]}</a>' in page


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "https://github.com/a\" onmouseover=\"x", "https:///nohost",
    "ftp://github.com/a", "https://user@github.com/a", "https://github.com/a?q=1",
    "data:text/html,<script>", " https://github.com/a"])
def test_no_link_from_an_unplain_url(url: str) -> None:
    """A URL that is not plainly http(s)://host/path gives no link at all."""
    page = render(document(url=url))
    assert "/commit/" not in page.replace("gitlab.example.com/group/sub/svc/-/commit/", "")
    assert "javascript:" not in page.split("<body>")[1]


def test_no_script_style_or_image_comes_from_the_network() -> None:
    """Everything is inline: the only URLs in attributes are the forge links of the tables."""
    page = render(document())
    assert not re.search(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)=", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page.split("<body>")[1])
    assert "default-src 'none'" in page
    assert page.count("plotly.js v") == 1  # the library once, for all the charts
    hrefs = re.findall(r'href="([^"]*)"', page.split("<body>")[1])
    assert hrefs and all(h.startswith(("https://github.com/octo/app",
                                       "https://gitlab.example.com/")) for h in hrefs)


def test_without_plotly_the_report_asks_for_the_extra() -> None:
    """With plotly not importable, rendering is a usage error that names the extra."""
    code = ("import sys; sys.modules['plotly'] = None\n"
            "from gatekeeper.commands.replay.html import render\n"
            "from gatekeeper.errors import UsageError\n"
            "try:\n    render({'repositories': []})\n"
            "except UsageError as e:\n    print(e.exit_code, e.render())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[3])
    assert result.stdout.startswith("2 gatekeeper: error: the HTML report needs plotly")
    assert "pip install 'gatekeeper-ci[replay]'" in result.stdout


def test_an_empty_or_odd_document_still_renders() -> None:
    """No changes, or fields of the wrong type, give a page that says so rather than a crash."""
    page = render({"repositories": [{"name": 3, "changes": [{"date": "yesterday",
                                                              "effective_lines": "many",
                                                              "rules": []}, 7]}]})
    assert "No evaluated change." in page and "No change would fail." in page
    assert render({})


def test_the_page_renders_offline_in_chromium(tmp_path: Path) -> None:
    """Chromium draws every chart as SVG with data, runs nothing hostile, and logs no error."""
    page = tmp_path / "report.html"
    page.write_text(render(hostile_document()), encoding="utf-8")
    opened = open_page(page, tmp_path / "profile")
    assert opened.console == ()  # no error, no blocked request, no warning: nothing at all
    counts = count_inside(opened.dom, CHART_IDS)
    for chart in CHART_IDS:
        assert counts[chart].get("svg.main-svg", 0) >= 1, chart
        drawn = sum(counts[chart].get(k, 0) for k in ("path.point", "g.point", "path.box"))
        assert drawn > 0, (chart, counts[chart])
    # one marker per evaluated change in the strip plot, and a bar per tier and week
    assert counts["chart-ai-size"]["path.point"] == 58
    assert counts["chart-tier-mix"]["g.point"] == 3 * 10
    assert 'data-xss' not in opened.dom and "<img src=\"x\"" not in opened.dom
    assert opened.dom.count("&lt;/script&gt;&lt;script&gt;") >= 5  # shown as text


def test_the_browser_check_sees_errors_and_requests(tmp_path: Path) -> None:
    """The console check is not vacuous: a thrown error and a blocked request are both seen."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; script-src 'unsafe-inline'\">"
                    "<img src=\"https://example.com/a.png\"><script>throw new Error('boom')"
                    "</script>", encoding="utf-8")
    console = "\n".join(open_page(page, tmp_path / "profile").console)
    assert "Uncaught Error: boom" in console and "https://example.com/a.png" in console


def test_a_screenshot_of_the_page(tmp_path: Path) -> None:
    """A full-page screenshot is taken, for a person to look at; it is a real PNG."""
    page = tmp_path / "report.html"
    page.write_text(render(document()), encoding="utf-8")
    target = tmp_path / "report.png"
    screenshot(page, tmp_path / "profile", target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 50_000  # charts, not a blank page
