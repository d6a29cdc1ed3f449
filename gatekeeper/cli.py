"""The command line: parses options, runs the pipeline, maps every outcome to an exit code.

Heavy modules (GitPython, pydantic, YAML) are imported inside the commands so that
``gatekeeper --version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from gatekeeper import __version__
from gatekeeper.commands.changeopts import change_options as _change_options
from gatekeeper.commands.changeopts import check_options as _options
from gatekeeper.commands.consoleopts import FormatChoice, console_options
from gatekeeper.commands.guard import GuardedGroup, emit
from gatekeeper.commands.guard import guarded as _guarded
from gatekeeper.commands.replay.clicommand import replay as replay_command
from gatekeeper.errors import UsageError

STDOUT_FORMATS = ("console", "json", "junit", "markdown", "dotenv", "github-output",
                  "github", "codequality", "sarif")


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="gatekeeper")
def main() -> None:
    """Policy-as-code quality gate for the change set of a PR, MR or push.

    Exit codes: 0 pass, 1 policy failure, 2 usage, policy-file or output error
    (a report that cannot be written), 3 change set cannot be determined (no git, a
    repository git refuses or cannot read, unknown revision, shallow clone), 4 internal
    error, 130 interrupted.
    """


@main.command()
@_change_options
@click.option("--format", "fmt", type=FormatChoice(STDOUT_FORMATS), default="console",
              show_default=True, help="Report printed on stdout.")
@click.option("--json", "json_path", metavar="PATH", help="Also write the JSON report here.")
@click.option("--junit", "junit_path", metavar="PATH", help="Also write a JUnit XML report here.")
@click.option("--dotenv", "dotenv_path", metavar="PATH",
              help="Also write the verdict and review tier as a dotenv file here (GitLab CI).")
@click.option("--markdown", "markdown_path", metavar="PATH",
              help="Also write the Markdown summary here (GitHub: $GITHUB_STEP_SUMMARY).")
@click.option("--github-output", "github_output", metavar="PATH",
              help="Also append the GitHub Actions step outputs here, one name=value line "
              "each ($GITHUB_OUTPUT).")
@click.option("--github-annotations", "annotations_path", metavar="PATH",
              help="Also write GitHub Actions annotations (workflow commands) here, for a "
              "step to print where workflow commands are not stopped.")
@click.option("--codequality", "codequality_path", metavar="PATH",
              help="Also write a GitLab Code Quality report here (artifacts:reports:codequality).")
@click.option("--sarif", "sarif_path", metavar="PATH",
              help="Also write a SARIF 2.1.0 report here (GitHub code scanning).")
@click.option("--comment", is_flag=True, help="Also write the Markdown report as one comment "
              "on the pull or merge request, updated in place by later runs (needs a token).")
@console_options
@_guarded
def check(fmt: str, json_path: str | None, junit_path: str | None, dotenv_path: str | None,
          markdown_path: str | None, github_output: str | None,
          annotations_path: str | None = None, codequality_path: str | None = None,
          sarif_path: str | None = None, quiet: bool = False, verbose: bool = False,
          **change: Any) -> None:
    """Check the change set against the policy (in colour on a terminal, unless NO_COLOR)."""
    from gatekeeper.commands.consoleopts import colour_wanted, console_level, stdout_report
    from gatekeeper.pipeline import run

    level = console_level(quiet, verbose)
    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
    from gatekeeper.reporters import render_all  # with the verdict: see gatekeeper.pipeline
    for name, path in (("json", json_path), ("junit", junit_path), ("dotenv", dotenv_path),
                       ("markdown", markdown_path), ("github", annotations_path),
                       ("codequality", codequality_path), ("sarif", sarif_path)):
        if path:
            _write(path, render_all(name, outcome.verdicts, outcome.context))
    if github_output:
        # Last, after every report it names was written.
        from gatekeeper.reporters import github_output as outputs

        reports = outputs.lines({"json-report": json_path or "", "junit-report": junit_path or "",
                                 "sarif-report": sarif_path or ""})
        _write(github_output, render_all("github-output", outcome.verdicts, outcome.context)
               + reports, mode="a")
    colour = fmt == "console" and colour_wanted(os.environ, sys.stdout)
    emit(stdout_report(fmt, outcome.verdicts, outcome.context, colour=colour, level=level),
         nl=False, color=colour or None)
    sys.exit(outcome.exit_code)


@main.command(name="split-words", hidden=True)
@click.argument("specs", nargs=-1, metavar="VARIABLE[=OPTION]...")
@_guarded
def split_words(specs: tuple[str, ...]) -> None:
    """Print the words of environment variables, each ending in a NUL byte, for a script that
    passes user input on as arguments (the GitHub Action's args and coverage inputs).

    Each value is split with shell-like quoting, but never run by a shell. With =OPTION, every
    word of that variable comes after OPTION: COVERAGE=--coverage gives --coverage PATH pairs.
    An unset variable has no words.
    """
    import shlex

    words: list[str] = []
    for spec in specs:
        variable, _, option = spec.partition("=")
        try:
            found = shlex.split(os.environ.get(variable, ""))
        except ValueError as exc:
            raise UsageError(f"cannot split {variable} into words: {exc}",
                             hint="close every quote") from exc
        for word in found:
            words += [option, word] if option else [word]
    # Bytes, so that every word reaches the script exactly as the variable held it.
    emit("".join(f"{word}\0" for word in words).encode("utf-8", "surrogateescape"), nl=False)


@main.command()
@_change_options
@_guarded
def explain(**change: Any) -> None:
    """Show every rule for the current change: the facts it used and why it decided so.

    Exits 0 whatever the rules decided; `check` is the command that gates.
    """
    from gatekeeper.pipeline import run

    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
    from gatekeeper.reporters import render_all  # with the verdict: see gatekeeper.pipeline
    emit(render_all("explain", outcome.verdicts, outcome.context), nl=False)


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@_guarded
def validate(paths: tuple[str, ...]) -> None:
    """Check policy files (default .gatekeeper.yml) without running them; all errors, exit 2."""
    from pathlib import Path

    from gatekeeper.common.escape import escape
    from gatekeeper.errors import PolicyError
    from gatekeeper.policy.compose import compose
    from gatekeeper.policy.loader import POLICY_FILENAME
    from gatekeeper.policy.locate import every_error

    if not paths:
        if not Path(POLICY_FILENAME).is_file():
            raise UsageError(f"no {POLICY_FILENAME} here",
                             hint="run it at the repository root, or name the policy file")
        paths = (POLICY_FILENAME,)
    errors: list[PolicyError] = []
    for path in paths:
        try:
            policy = compose(Path(path), path)
        except PolicyError as exc:
            errors += every_error(exc)
            continue
        inherited = f" (built from {', '.join(policy.files)})" if len(policy.files) > 1 else ""
        emit(f"{path}: ok, {len(policy.rules)} rules, {len(policy.exceptions)} "
                   f"exceptions{inherited}")
    for error in errors[:-1]:  # escaped as the guard escapes the last: names are the user's
        click.echo(escape(error.render()), err=True)
    if errors:
        raise errors[-1]


@main.command()
@_guarded
def schema() -> None:
    """Print the JSON Schema of policy files, for editor completion and validation."""
    import json

    from gatekeeper.policy.schema import policy_schema

    emit(json.dumps(policy_schema(), indent=2))


@main.command(name="test")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("-v", "--verbose", is_flag=True, help="Show passing cases too.")
@_guarded
def test_command(paths: tuple[str, ...], verbose: bool) -> None:
    """Run the test cases kept beside policies (*.test.yml); exit 1 if any case fails."""
    from gatekeeper.commands.policytest import run_tests

    report, ok = run_tests(paths or (".",), verbose=verbose)
    emit(report, nl=False)
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
    from gatekeeper.commands.hooks import install

    emit(install(repo_path, force=force))


@main.command(name="uninstall-hook")
@click.option("-C", "--repo", "repo_path", default=".", metavar="DIR", show_default=True,
              help="Run as if started in DIR.")
@_guarded
def uninstall_hook(repo_path: str) -> None:
    """Remove the pre-push hook that `gatekeeper install-hook` installed, and no other."""
    from gatekeeper.commands.hooks import uninstall

    emit(uninstall(repo_path))


main.add_command(replay_command)


def _write(path: str, text: str, mode: str = "w") -> None:
    try:
        with open(path, mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write report {path}: {exc.strerror}",
                         hint="choose a path in an existing, writable folder") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
