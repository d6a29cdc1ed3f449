"""The policy's ``coverage:`` settings: how reports are matched, and what a misfit does."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gatekeeper.common.fields import empty_list, one_or_many


class CoverageSettings(BaseModel):
    """How coverage reports are matched to repository paths, and what a misfit does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_roots: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Repository directories that report paths are relative to, such as "
        "src/main/java for JaCoCo or packages/web in a monorepo.")
    strip_prefixes: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Prefixes to remove from report paths, such as /app/ for a report made "
        "in a container.")
    mismatch: Literal["error", "warn"] = Field(
        "error", description="What a report that does not fit the change does (stale, or no "
        "path matches the repository): error exits 3; warn reports it as a note.")
    missing_report: Literal["error", "skip"] = Field(
        "error", description="What happens when the policy has coverage rules but no report "
        "was given: error exits 3; skip reports the rules as not applicable.")
    allow_committed_reports: bool = Field(
        False, description="Accept coverage reports that are tracked files of the commit "
        "checked. Without it such a report stops the run (exit 2): a change could commit the "
        "coverage it claims.")
