"""The options every command that judges a change takes (check, explain): which change, its
metadata, the policy and the coverage reports, turned into the pipeline's CheckOptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from gatekeeper.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT_NAMES = ("github", "gitlab", "pre-push", "pre-commit", "local")


def change_options(func: F) -> F:
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


def check_options(base: str | None, head: str | None, staged: bool, diff_file: str | None,
             find_copies: bool, policy_path: str | None, labels: tuple[str, ...],
             target_branch: str | None, ci: str | None, policy_source: str | None,
             remote: str | None, repo_path: str, coverage: tuple[str, ...] = (),
             coverage_base: tuple[str, ...] = (), comment: bool = False,
             author: str | None = None, description: str | None = None) -> Any:
    """The CheckOptions the change options ask for (a usage error for a bad combination)."""
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
