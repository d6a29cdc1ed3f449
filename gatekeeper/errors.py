"""The one error hierarchy, and the single place that maps outcomes to exit codes."""

from __future__ import annotations

EXIT_PASS = 0
EXIT_POLICY_FAILURE = 1
EXIT_USAGE = 2
"""Bad input (options, policy files, coverage reports), or an output that cannot be written."""
EXIT_CHANGESET = 3
"""The change set cannot be determined: no git, a repository git refuses or cannot read, an
unknown revision, a shallow clone, a CI context that disagrees with the checkout."""
EXIT_INTERNAL = 4
"""A bug in gatekeeper: never the same code as an answer about the change."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT), as shells report a command that SIGINT ended: 128 + 2."""


class GatekeeperError(Exception):
    """An error the user can act on; rendered as one line, never a traceback."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The error as one line for stderr: ``gatekeeper: error: message (fix: hint)``."""
        text = f"gatekeeper: error: {self.message}"
        if self.hint:
            text += f" (fix: {self.hint})"
        return text


class UsageError(GatekeeperError):
    """Bad command-line input."""

    exit_code = EXIT_USAGE


class LocatedError(UsageError):
    """Bad input in a file, located by line and column where they are known."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.file = file
        self.line = line
        self.column = column

    @property
    def location(self) -> str:
        """``file``, or ``file:line:column`` when the line is known (column 1 if not)."""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def render(self) -> str:
        """The error as one line for stderr, led by its location: ``file:line:col: message``."""
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" (fix: {self.hint})"
        return text


class PolicyError(LocatedError):
    """A policy file that cannot be read or does not validate."""


class ReportError(LocatedError):
    """A coverage report that cannot be read: corrupt, truncated, empty, hostile or unknown."""


class ChangeSetError(GatekeeperError):
    """The change set cannot be determined: unknown revision, missing base, shallow clone."""

    exit_code = EXIT_CHANGESET


class OutputError(UsageError):
    """A report that cannot be written: standard output on a full disk, a closed pipe."""


class DiffInputError(UsageError):
    """A diff given with --diff-file that is not a unified diff."""


class CoverageMismatchError(ChangeSetError):
    """Coverage reports that do not fit the change: stale, or with paths that match nothing."""
