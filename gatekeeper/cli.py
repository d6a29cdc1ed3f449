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
STDOUT_FORMATS = ("console", "json", "junit", "markdown", "dotenv")
CONTEXT_NAMES = ("github", "gitlab", "pre-push", "pre-commit", "local")


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


def _change_options(func: F) -> F:
    """The options that pick the change set, its metadata and the policy."""
    options = [
        click.option("--base", metavar="REV", help="Compare against merge-base(REV, head). "
                     "Default: the branch's upstream, else origin/HEAD, else main or master."),
        click.option("--head", metavar="REV", help="The revision to check (default HEAD)."),
        click.option("--staged", is_flag=True, help="Check what is staged in the index."),
        click.option("--diff-file", metavar="PATH", help="Read a unified diff instead of "
                     "running git (- for stdin)."),
        click.option("--find-copies", is_flag=True, help="Also detect copied files (git diff "
                     "-C)."),
        click.option("--policy", "policy_path", metavar="PATH", help="Policy file (default "
                     ".gatekeeper.yml at the repository root)."),
        click.option("--label", "labels", multiple=True, metavar="NAME", help="A label the "
                     "change carries (repeatable)."),
        click.option("--target-branch", metavar="NAME", help="The branch the change goes into "
                     "(default: the base branch's name)."),
        click.option("--ci", type=click.Choice(CONTEXT_NAMES), help="The context to run "
                     "in (default: detected from the environment)."),
        click.option("--policy-source", type=click.Choice(("base", "head", "worktree")),
                     help="Where to read the policy: the base commit (default for a pull or "
                     "merge request, so a change cannot loosen it), the head, or the work tree."),
        click.option("--remote", metavar="NAME", help="The remote a pre-push hook pushes to."),
        click.option("--coverage", "coverage", multiple=True, metavar="PATH",
                     help="A coverage report of the head: Cobertura, LCOV, JaCoCo or coverage.py "
                     "JSON, detected by content (repeatable; globs allowed; merged)."),
        click.option("--coverage-base", "coverage_base", multiple=True, metavar="PATH",
                     help="A coverage report of the base, for the change in total coverage "
                     "(repeatable; globs allowed)."),
        click.option("-C", "--repo", "repo_path", default=".", metavar="DIR",
                     show_default=True, help="Run as if started in DIR."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _options(base: str | None, head: str | None, staged: bool, diff_file: str | None,
             find_copies: bool, policy_path: str | None, labels: tuple[str, ...],
             target_branch: str | None, ci: str | None, policy_source: str | None,
             remote: str | None, repo_path: str, coverage: tuple[str, ...] = (),
             coverage_base: tuple[str, ...] = ()) -> Any:
    from gatekeeper.pipeline import CheckOptions

    if diff_file is not None and (base or head or staged):
        raise click.UsageError("--diff-file cannot be combined with --base, --head or --staged")
    if staged and (base or head):
        raise click.UsageError("--staged cannot be combined with --base or --head")
    from gatekeeper.context import Request

    request = Request(base=base, head=head, staged=staged, labels=labels,
                      target_branch=target_branch, ci=ci, remote=remote)
    return CheckOptions(repo_path=repo_path, request=request, diff_file=diff_file,
                        find_copies=find_copies, policy=policy_path, policy_source=policy_source,
                        coverage=_expand("--coverage", coverage),
                        coverage_base=_expand("--coverage-base", coverage_base))


def _expand(option: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Report paths with globs expanded (CI inputs pass shard patterns unexpanded)."""
    import glob

    found: list[str] = []
    for pattern in patterns:
        if not glob.has_magic(pattern):
            found.append(pattern)
            continue
        matches = sorted(glob.glob(pattern, recursive=True))
        if not matches:
            raise UsageError(f"{option} {pattern}: no file matches",
                             hint="check the pattern and that the tests wrote their reports")
        found += [m for m in matches if m not in found]
    return tuple(found)


@main.command()
@_change_options
@click.option("--format", "fmt", type=click.Choice(STDOUT_FORMATS), default="console",
              show_default=True, help="Report printed on stdout.")
@click.option("--json", "json_path", metavar="PATH", help="Also write the JSON report here.")
@click.option("--junit", "junit_path", metavar="PATH", help="Also write a JUnit XML report here.")
@click.option("--dotenv", "dotenv_path", metavar="PATH",
              help="Also write the verdict and review tier as a dotenv file here (GitLab CI).")
@_guarded
def check(fmt: str, json_path: str | None, junit_path: str | None, dotenv_path: str | None,
          **change: Any) -> None:
    """Check the change set against the policy."""
    from gatekeeper.pipeline import run
    from gatekeeper.reporters import render_all

    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
    for name, path in (("json", json_path), ("junit", junit_path), ("dotenv", dotenv_path)):
        if path:
            _write(path, render_all(name, outcome.verdicts, outcome.context))
    click.echo(render_all(fmt, outcome.verdicts, outcome.context), nl=False)
    sys.exit(outcome.exit_code)


@main.command()
@_change_options
@_guarded
def explain(**change: Any) -> None:
    """Show every rule for the current change: the facts it used and why it decided so.

    Exits 0 whatever the rules decided; `check` is the command that gates.
    """
    from gatekeeper.pipeline import run
    from gatekeeper.reporters import render_all

    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
    click.echo(render_all("explain", outcome.verdicts, outcome.context), nl=False)


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@_guarded
def validate(paths: tuple[str, ...]) -> None:
    """Check policy files (default .gatekeeper.yml) without running them; exit 2 on error."""
    from pathlib import Path

    from gatekeeper.policy.compose import compose
    from gatekeeper.policy.loader import POLICY_FILENAME

    if not paths:
        if not Path(POLICY_FILENAME).is_file():
            raise UsageError(f"no {POLICY_FILENAME} here",
                             hint="run it at the repository root, or name the policy file")
        paths = (POLICY_FILENAME,)
    for path in paths:
        policy = compose(Path(path), path)
        inherited = f" (built from {', '.join(policy.files)})" if len(policy.files) > 1 else ""
        click.echo(f"{path}: ok, {len(policy.rules)} rules, {len(policy.exceptions)} "
                   f"exceptions{inherited}")


@main.command()
@_guarded
def schema() -> None:
    """Print the JSON Schema of policy files, for editor completion and validation."""
    import json

    from gatekeeper.policy.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))


@main.command(name="test")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("-v", "--verbose", is_flag=True, help="Show passing cases too.")
@_guarded
def test_command(paths: tuple[str, ...], verbose: bool) -> None:
    """Run the test cases kept beside policies (*.test.yml); exit 1 if any case fails."""
    from gatekeeper.policytest import run_tests

    report, ok = run_tests(paths or (".",), verbose=verbose)
    click.echo(report, nl=False)
    sys.exit(0 if ok else 1)


@main.command(name="install-hook")
@click.option("--force", is_flag=True, help="Replace a pre-push hook gatekeeper did not "
              "install.")
@click.option("-C", "--repo", "repo_path", default=".", metavar="DIR", show_default=True,
              help="Run as if started in DIR.")
@_guarded
def install_hook(force: bool, repo_path: str) -> None:
    """Install a git pre-push hook that runs `gatekeeper check` on what is pushed.

    The hook goes where git looks for it (core.hooksPath and worktrees included) and runs
    gatekeeper with the Python that installed it.
    """
    from gatekeeper.hooks import install

    click.echo(install(repo_path, force=force))


@main.command(name="uninstall-hook")
@click.option("-C", "--repo", "repo_path", default=".", metavar="DIR", show_default=True,
              help="Run as if started in DIR.")
@_guarded
def uninstall_hook(repo_path: str) -> None:
    """Remove the pre-push hook that `gatekeeper install-hook` installed, and no other."""
    from gatekeeper.hooks import uninstall

    click.echo(uninstall(repo_path))


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write report {path}: {exc.strerror}",
                         hint="choose a path in an existing, writable folder") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
