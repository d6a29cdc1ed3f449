"""How a command ends: an error as one line on stderr and its own exit code, never a
traceback; Ctrl-C as exit 130; standard output that cannot be written as a usage error."""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn, TypeVar

import click

from gatekeeper.common.escape import escape
from gatekeeper.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, GatekeeperError, OutputError

F = TypeVar("F", bound=Callable[..., Any])

_EDQUOT = getattr(errno, "EDQUOT", errno.ENOSPC)  # disk quota exceeded; not on every system
# Errors a write to standard output can meet; any other OSError is not about the output.
_WRITE_ERRORS = {errno.EPIPE, errno.ENOSPC, _EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}
_FULL = "free space where standard output goes, or redirect it elsewhere"
_WRITE_HINTS = {
    errno.EPIPE: "the program reading the output exited before the end; let it read all of it",
    errno.ENOSPC: _FULL,
    _EDQUOT: _FULL,
}


def _say(line: str) -> None:
    """Write one line to stderr; if stderr itself is gone there is no one left to tell."""
    with suppress(OSError):
        click.echo(line, err=True)


def _fail(error: GatekeeperError) -> NoReturn:
    # Messages can name files and refs from the change: escaped, none can start a line of its
    # own (a forged verdict, or a coverage line a CI log parser would read).
    _say(escape(error.render()))
    sys.exit(error.exit_code)


def _interrupted() -> NoReturn:
    # 130 (128 + SIGINT) is what a shell reports for a command Ctrl-C ended; exit 1 would read
    # as "the policy failed". A newline ends the terminal's "^C" echo.
    newline = "\n" if sys.stderr is not None and sys.stderr.isatty() else ""
    _say(f"{newline}gatekeeper: interrupted")
    sys.exit(EXIT_INTERRUPTED)


def _output_error(exc: OSError) -> OutputError:
    """Standard output refused a write. From now on it goes to the null device: Python flushes
    stdout at exit, and a second failure there would print a traceback-like warning."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError):  # no real file behind stdout
        pass
    return OutputError(f"cannot write to standard output: {exc.strerror or exc}",
                       hint=_WRITE_HINTS.get(exc.errno or 0, "check where standard output goes"))


def emit(text: str | bytes, *, nl: bool = True, color: bool | None = None) -> None:
    """Print ``text`` on standard output; one that cannot take it (a full disk, a closed
    pipe) is an OutputError, exit 2, like a report file that cannot be written. Bytes go out
    exactly as they are (click strips ANSI sequences from text when stdout is no terminal,
    unless ``color`` is True)."""
    try:
        click.echo(text, nl=nl, color=color)
    except OSError as exc:
        raise _output_error(exc) from None


def guarded(func: F) -> F:
    """Turn our errors into one line on stderr and an exit code; never show a traceback. The
    command runs once and the process ends: the cyclic collector stays off while it runs."""
    return _guard(func, collect=False)


def guarded_long(func: F) -> F:
    """``guarded``, for a command that runs long over many inputs (``replay``): the cyclic
    collector stays on, so garbage from one input does not outlive it."""
    return _guard(func, collect=True)


def _guard(func: F, *, collect: bool) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        was_collecting = gc.isenabled()
        if not collect:
            # Start-up builds hundreds of thousands of objects that all live to the end (the
            # modules, pydantic's validators); each collection would walk them for nothing.
            # What a check makes goes by reference counting; nothing it makes per file, line
            # or report may sit in a reference cycle (tests/commands/test_guard.py).
            gc.disable()
        try:
            return func(*args, **kwargs)
        except GatekeeperError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            _interrupted()
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("GATEKEEPER_DEBUG"):
                import traceback  # only here: every start-up, --version included, loads guard

                traceback.print_exc()
            said = escape(" ".join(str(exc).split()))  # one line, whatever the exception holds
            _say(f"gatekeeper: internal error: {type(exc).__name__}: {said} "
                 "(set GATEKEEPER_DEBUG=1 for details and report it)")
            sys.exit(EXIT_INTERNAL)
        finally:
            # The command is done and the process ends next: what it loaded and made need not
            # be walked by the collector once more as the interpreter shuts down.
            gc.freeze()
            if was_collecting:  # as it was: the caller may go on (a test, a library user)
                gc.enable()

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@contextmanager
def _last_resort() -> Iterator[None]:
    """What click would otherwise end with "Aborted!" and exit 1, or a traceback: Ctrl-C while
    options are parsed, and help or version text that standard output cannot take."""
    try:
        yield
    except KeyboardInterrupt:
        _interrupted()
    except OSError as exc:
        if exc.errno not in _WRITE_ERRORS:
            raise
        _fail(_output_error(exc))


class GuardedGroup(click.Group):
    """The command group, with parsing and dispatch under ``_last_resort``."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """Parse the command line, ending in an exit code rather than click's "Aborted!"."""
        with _last_resort():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command, ending in an exit code on Ctrl-C or an unwritable output."""
        with _last_resort():
            return super().invoke(ctx)
