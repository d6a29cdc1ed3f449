"""The command line: parses options, runs the pipeline, maps every outcome to an exit code.

Heavy modules (GitPython, pydantic, YAML) are imported inside the commands so that
``gatekeeper --version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gatekeeper import __version__
from gatekeeper.errors import EXIT_INTERNAL, GatekeeperError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
STDOUT_FORMATS = ("console", "json", "junit")


def _guarded(func: F) -> F:
    """Turn our errors into one line on stderr and an exit code; never show a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GatekeeperError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("GATEKEEPER_DEBUG"):
                traceback.print_exc()
            click.echo(f"gatekeeper: internal error: {type(exc).__name__}: {exc} "
                       "(set GATEKEEPER_DEBUG=1 for details and report it)", err=True)
            sys.exit(EXIT_INTERNAL)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="gatekeeper")
def main() -> None:
    """Policy-as-code quality gate for the change set of a PR, MR or push.

    Exit codes: 0 pass, 1 policy failure, 2 usage or policy-file error,
    3 change set cannot be determined (or internal error).
    """


@main.command()
@click.option("--base", metavar="REV", help="Compare against merge-base(REV, head). "
              "Default: the branch's upstream, else origin/HEAD, else main or master.")
@click.option("--head", metavar="REV", help="The revision to check (default HEAD).")
@click.option("--staged", is_flag=True, help="Check what is staged in the index.")
@click.option("--diff-file", metavar="PATH", help="Read a unified diff instead of running git "
              "(- for stdin).")
@click.option("--find-copies", is_flag=True, help="Also detect copied files (git diff -C).")
@click.option("--policy", "policy_path", metavar="PATH",
              help="Policy file (default .gatekeeper.yml at the repository root).")
@click.option("--format", "fmt", type=click.Choice(STDOUT_FORMATS), default="console",
              show_default=True, help="Report printed on stdout.")
@click.option("--json", "json_path", metavar="PATH", help="Also write the JSON report here.")
@click.option("--junit", "junit_path", metavar="PATH", help="Also write a JUnit XML report here.")
@click.option("-C", "--repo", "repo_path", default=".", metavar="DIR", show_default=True,
              help="Run as if started in DIR.")
@_guarded
def check(base: str | None, head: str | None, staged: bool, diff_file: str | None,
          find_copies: bool, policy_path: str | None, fmt: str, json_path: str | None,
          junit_path: str | None, repo_path: str) -> None:
    """Check the change set against the policy."""
    from gatekeeper.pipeline import CheckOptions, run_check
    from gatekeeper.reporters import renderer

    if diff_file is not None and (base or head or staged):
        raise click.UsageError("--diff-file cannot be combined with --base, --head or --staged")
    if staged and (base or head):
        raise click.UsageError("--staged cannot be combined with --base or --head")
    verdict = run_check(CheckOptions(
        repo_path=repo_path, base=base, head=head, staged=staged, diff_file=diff_file,
        find_copies=find_copies, policy=policy_path))
    for name, path in (("json", json_path), ("junit", junit_path)):
        if path:
            _write(path, renderer(name)(verdict))
    click.echo(renderer(fmt)(verdict), nl=False)
    sys.exit(verdict.exit_code)


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write report {path}: {exc.strerror}",
                         hint="choose a path in an existing, writable folder") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
