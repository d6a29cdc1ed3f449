"""What every rule kind shares: the common config fields and the evaluation signature."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from gatekeeper.globs import GlobError, compile_glob
from gatekeeper.verdict import Check, Severity, Status


def _valid_glob(pattern: str) -> str:
    try:
        compile_glob(pattern)
    except GlobError as exc:
        raise ValueError(str(exc)) from None
    return pattern


GlobPattern = Annotated[str, AfterValidator(_valid_glob)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]


class RuleConfig(BaseModel):
    """Fields every rule has, whatever its kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId = Field(description="Unique name of the rule, used in reports and overrides.")
    severity: Severity = Field(
        Severity.ERROR,
        description="error fails the check; warning and notice are reported without failing.",
    )
    description: str | None = Field(None, description="What the rule is for, shown in reports.")


def status_for(checks: tuple[Check, ...], severity: Severity) -> Status:
    if all(check.passed for check in checks):
        return Status.PASS
    return Status.FAIL if severity is Severity.ERROR else Status.WARN
