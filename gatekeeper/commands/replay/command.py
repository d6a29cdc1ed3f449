"""What ``gatekeeper replay`` does once its options are parsed: replay (or merge documents),
print the summary, write the JSON, CSV and HTML reports asked for."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click

from gatekeeper.commands.replay import merge, records, summary
from gatekeeper.commands.replay.history import check_date
from gatekeeper.commands.replay.run import ReplayOptions, replay
from gatekeeper.common.records import record
from gatekeeper.errors import UsageError

DEFAULT_LAST = 200


@record
class Outputs:
    """Where to write the reports; None for those not asked for."""

    html: str | None = None
    json: str | None = None
    csv: str | None = None


def options_for(repo_path: str, branch: str | None, last: int | None, since: str | None,
                until: str | None, policy: str | None, compare: str | None, jobs: int,
                cache_dir: str | None) -> ReplayOptions:
    """The replay's options, with the span checked: --last or --since, never both."""
    if last is not None and since is not None:
        raise UsageError("--last and --since choose the changes two ways",
                         hint="give one of them")
    if until is not None and since is None:
        raise UsageError("--until needs --since", hint="give --since DATE as well")
    since, until = check_date("--since", since), check_date("--until", until)
    return ReplayOptions(repo_path=repo_path, branch=branch,
                         last=None if since is not None else (last or DEFAULT_LAST),
                         since=since, until=until, policy=policy, compare=compare,
                         jobs=jobs, cache_dir=cache_dir)


def run(options: ReplayOptions | None, merged: tuple[str, ...], outputs: Outputs,
        show: Callable[[str], None]) -> None:
    """Replay (or, with ``options`` None, merge the documents ``merged``), ``show`` the
    summary, then write every report asked for."""
    if options is None:
        document = merge.read(merged)
        cache_line = ""
    else:
        progress = _bar if sys.stderr.isatty() else _silent
        done = replay(options, progress)
        document = records.document([done.entry])
        counts = done.counts
        cache_line = (f"Change sets: {counts.hits} from the cache, "
                      f"{counts.written} read from git\n")
    show(summary.render(document["repositories"]) + cache_line)
    _write_all(document, outputs)


def _write_all(document: dict[str, Any], outputs: Outputs) -> None:
    if outputs.json:
        write(outputs.json, records.dumps(document))
    if outputs.csv:
        write(outputs.csv, records.csv_text(document), newline="")
    if outputs.html:
        try:
            from gatekeeper.commands.replay.html import render
            html = render(document)
        except UsageError as exc:
            if not (outputs.json or outputs.csv):
                raise
            click.echo(f"gatekeeper: note: no HTML report: {exc.message}"
                       + (f" ({exc.hint})" if exc.hint else ""), err=True)
            return
        write(outputs.html, html)


def write(path: str, text: str, newline: str | None = None) -> None:
    """Write a report; a path that cannot be written is bad input (exit 2)."""
    try:
        with open(path, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write report {path}: {exc.strerror}",
                         hint="choose a path in an existing, writable folder") from exc


def _silent(length: int, items: Iterable[Any]) -> Iterable[Any]:
    return items


def _bar(length: int, items: Iterable[Any]) -> Iterator[Any]:
    with click.progressbar(items, length=length, label="replaying", file=sys.stderr) as bar:
        yield from bar
