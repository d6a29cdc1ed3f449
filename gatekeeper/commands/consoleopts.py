"""The check command's console options: colour, --quiet and --verbose, and a --format choice
that points a user asking for the explain format to the command that gives it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from gatekeeper.errors import UsageError

if TYPE_CHECKING:
    # Types only: the CLI imports this module at start, and --help should not load reporters.
    from gatekeeper.evaluation.verdict import Verdict
    from gatekeeper.reporters.console import Level

    _Choice = click.Choice[str]
else:
    _Choice = click.Choice  # generic only from click 8.2; 8.1 is supported too

F = TypeVar("F", bound=Callable[..., Any])
EXPLAIN_INSTEAD = ("explain is a command of its own: run `gatekeeper explain`, or "
                   "`gatekeeper check --verbose` for the verdict and every rule explained")


def console_options(func: F) -> F:
    """The --quiet and --verbose options of ``check``."""
    quiet = click.option("-q", "--quiet", is_flag=True, help="Console report: only the verdict "
                         "and the failing rules with their fixes.")
    verbose = click.option("-v", "--verbose", is_flag=True, help="Console report: the verdict, "
                           "then everything `gatekeeper explain` shows.")
    return quiet(verbose(func))


def colour_wanted(env: Mapping[str, str], stream: IO[Any] | None) -> bool:
    """Whether the console report is coloured. NO_COLOR (any non-empty value) turns colour off
    and wins, as it is the user's own preference (no-color.org); then FORCE_COLOR (any
    non-empty value) turns it on; else only a terminal gets colour."""
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return stream is not None and stream.isatty()


def console_level(quiet: bool, verbose: bool) -> Level:
    """The level of detail --quiet and --verbose ask for; both at once is a usage error."""
    if quiet and verbose:
        raise UsageError("--quiet and --verbose cannot be combined",
                         hint="give one of them, or neither for the usual report")
    return "quiet" if quiet else "verbose" if verbose else "normal"


def stdout_report(fmt: str, verdicts: Sequence[Verdict], context: str, *, colour: bool,
                  level: Level) -> str:
    """The report printed on stdout: the console report with its colour and level of detail,
    any other format as it always is."""
    from gatekeeper.reporters import console, render_all

    if fmt != "console":
        return render_all(fmt, verdicts, context)
    return render_all(fmt, verdicts, context, partial(console.render, colour=colour,
                                                      level=level))


class FormatChoice(_Choice):
    """The --format choice; ``explain`` is refused with the command that gives it."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        """``value`` if it is one of the formats; the explain format names its command."""
        if value == "explain":
            self.fail(EXPLAIN_INSTEAD, param, ctx)
        return super().convert(value, param, ctx)
