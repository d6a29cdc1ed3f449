"""The policy's ``codeowners:`` section: which CODEOWNERS file to read, in which syntax."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SyntaxChoice = Literal["auto", "github", "gitlab"]


class CodeOwnersSettings(BaseModel):
    """Where the code owners of the touched files come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = Field(
        None, description="The CODEOWNERS file, relative to the repository root (default: the "
        "first that the platform itself looks for).")
    syntax: SyntaxChoice = Field(
        "auto", description="github or gitlab; auto follows the CI platform, else the file's "
        "folder (.github/ or .gitlab/), else a .gitlab-ci.yml at the root.")
    enabled: bool = Field(True, description="false ignores CODEOWNERS entirely.")

    @field_validator("file")
    @classmethod
    def _inside(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = value.split("/")
        if not value or value.startswith("/") or "\\" in value or ".." in parts or "" in parts:
            raise ValueError("give a path inside the repository, such as .github/CODEOWNERS")
        return value
