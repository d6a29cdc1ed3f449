"""The ``replay`` command's options; cli.py adds it to the command group. It reads the
cache folder from the environment (GATEKEEPER_CACHE_DIR, else XDG_CACHE_HOME's gatekeeper
folder, else ~/.cache/gatekeeper), and its body runs in ``command``."""

from __future__ import annotations

import os
from typing import Any

import click

from gatekeeper.commands.guard import emit, guarded_long
from gatekeeper.errors import UsageError


def cache_folder() -> str:
    """Where the replay cache lives: the user's cache folder, or GATEKEEPER_CACHE_DIR."""
    chosen = os.environ.get("GATEKEEPER_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "gatekeeper")


@click.command()
@click.argument("merged", nargs=-1, metavar="[FILE]...")
@click.option("--branch", metavar="REF", help="The branch to replay (default: origin/HEAD, "
              "else the checked-out branch).")
@click.option("--last", type=click.IntRange(min=1), metavar="N",
              help="Replay the last N first-parent changes (default 200).")
@click.option("--since", metavar="DATE", help="Replay the changes committed since DATE.")
@click.option("--until", metavar="DATE", help="With --since: and up to DATE.")
@click.option("--policy", "policy_path", metavar="PATH", help="Policy file (default: the "
              "one check uses, .gatekeeper.yml in the work tree).")
@click.option("--compare", metavar="PATH", help="A second policy: show the changes that "
              "newly fail and newly pass under it, per rule.")
@click.option("--html", "html_path", metavar="PATH", help="Write the HTML report here.")
@click.option("--json", "json_path", metavar="PATH", help="Write the replay document here.")
@click.option("--csv", "csv_path", metavar="PATH", help="Write one CSV row per change here.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes reading git in parallel (default: the CPU count).")
@click.option("--merge", "merging", is_flag=True, help="Combine the replay documents FILE... "
              "(from --json) into one report instead of reading git.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the replay cache.")
@click.option("-C", "--repo", "repo_path", default=".", metavar="DIR", show_default=True,
              help="Run as if started in DIR.")
@guarded_long
def replay(merged: tuple[str, ...], merging: bool, html_path: str | None,
           json_path: str | None, csv_path: str | None, no_cache: bool,
           **replayed: Any) -> None:
    """Judge the policy over a branch's history: every first-parent change (a merge as the
    PR it merged) as `check --base <base> --head <head>` would, with a summary and optional
    JSON, CSV and HTML reports. The change sets are cached, so another policy replays fast.

    Exits 0 whatever the rules decide; it informs, it does not gate.
    """
    from gatekeeper.commands.replay import command

    outputs = command.Outputs(html=html_path, json=json_path, csv=csv_path)
    if merging or merged:
        if not merging or not merged:
            raise UsageError("FILE arguments are replay documents to combine with --merge",
                             hint="gatekeeper replay --merge a.json b.json --html org.html")
        command.run(None, merged, outputs, lambda text: emit(text, nl=False))
        return
    cache = None if no_cache else cache_folder()
    options = command.options_for(
        replayed["repo_path"], replayed["branch"], replayed["last"], replayed["since"],
        replayed["until"], replayed["policy_path"], replayed["compare"],
        replayed["jobs"] or os.cpu_count() or 1, cache)
    command.run(options, (), outputs, lambda text: emit(text, nl=False))
