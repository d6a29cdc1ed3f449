"""The command line: parses options, runs the pipeline, maps every outcome to an exit code.

Heavy modules (GitPython, pydantic, YAML) are imported inside the commands so that
``gatekeeper --version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gatekeeper import __version__
from gatekeeper.commands.guard import GuardedGroup, emit
from gatekeeper.commands.guard import guarded as _guarded
from gatekeeper.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
STDOUT_FORMATS = ("console", "json", "junit", "markdown", "dotenv", "github-output",
                  "github", "codequality", "sarif")
CONTEXT_NAMES = ("github", "gitlab", "pre-push", "pre-commit", "local")


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="gatekeeper")
def main() -> None:
    """Policy-as-code quality gate for the change set of a PR, MR or push.

    Exit codes: 0 pass, 1 policy failure, 2 usage, policy-file or output error
    (a report that cannot be written), 3 change set cannot be determined (no git, a
    repository git refuses or cannot read, unknown revision, shallow clone), 4 internal
    error, 130 interrupted.
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
        click.option("--author", metavar="LOGIN", help="The pull or merge request's author, "
                     "for author and bot conditions (default: the platform's, else the "
                     "commit authors)."),
        click.option("--description", metavar="TEXT", help="The pull or merge request's "
                     "description, for waivers asked for in it (@PATH reads a file)."),
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
             coverage_base: tuple[str, ...] = (), comment: bool = False,
             author: str | None = None, description: str | None = None) -> Any:
    from gatekeeper.pipeline import CheckOptions

    if diff_file is not None and (base or head or staged):
        raise click.UsageError("--diff-file cannot be combined with --base, --head or --staged")
    if staged and (base or head):
        raise click.UsageError("--staged cannot be combined with --base or --head")
    from gatekeeper.context import Request

    request = Request(base=base, head=head, staged=staged, labels=labels,
                      target_branch=target_branch, ci=ci, remote=remote, author=author or None,
                      description=_text_or_file("--description", description))
    return CheckOptions(repo_path=repo_path, request=request, diff_file=diff_file,
                        find_copies=find_copies, policy=policy_path, policy_source=policy_source,
                        coverage=_expand("--coverage", coverage),
                        coverage_base=_expand("--coverage-base", coverage_base), comment=comment)


def _text_or_file(option: str, value: str | None) -> str | None:
    """``value``, or the text of the file it names after ``@`` (as curl and gh read them)."""
    if value is None or not value.startswith("@"):
        return value or None
    try:
        with open(value[1:], encoding="utf-8") as handle:
            return handle.read(1 << 20)  # 1 MiB: more than either platform keeps
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option}: cannot read {value[1:]}: "
                         f"{getattr(exc, 'strerror', None) or exc}",
                         hint="give the text itself, or @PATH of a UTF-8 file") from None


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
@_guarded
def check(fmt: str, json_path: str | None, junit_path: str | None, dotenv_path: str | None,
          markdown_path: str | None, github_output: str | None,
          annotations_path: str | None = None, codequality_path: str | None = None,
          sarif_path: str | None = None,
          **change: Any) -> None:
    """Check the change set against the policy."""
    from gatekeeper.pipeline import run
    from gatekeeper.reporters import render_all

    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
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
    emit(render_all(fmt, outcome.verdicts, outcome.context), nl=False)
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
    from gatekeeper.reporters import render_all

    options = _options(**change)
    outcome = run(options, stdin=sys.stdin if options.request.ci == "pre-push" else None)
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


def _write(path: str, text: str, mode: str = "w") -> None:
    try:
        with open(path, mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write report {path}: {exc.strerror}",
                         hint="choose a path in an existing, writable folder") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
