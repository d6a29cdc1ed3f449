"""One entry of the AI marker catalogue: the marker, where it is looked for, what it proves."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gatekeeper.common.fields import Regex


class Strength(str, enum.Enum):
    """How much of a commit the evidence says a tool produced, strongest first."""

    AGENT_AUTHORED = "agent-authored"
    CO_AUTHORED = "co-authored"
    ASSISTED = "assisted"
    SUGGESTION_ACCEPTED = "suggestion-accepted"

    @property
    def rank(self) -> int:
        """0 for the strongest; compare ranks to keep the strongest of several."""
        return list(Strength).index(self)


class Kind(str, enum.Enum):
    """Where a marker is sought: an identity, the subject, a trailer, a label, or a line of text."""

    AUTHOR_EMAIL = "author-email"
    COMMITTER_EMAIL = "committer-email"
    COAUTHOR_EMAIL = "coauthor-email"
    AUTHOR_NAME_SUFFIX = "author-name-suffix"
    COMMITTER_NAME_SUFFIX = "committer-name-suffix"
    SUBJECT_PREFIX = "subject-prefix"
    TRAILER = "trailer"
    FOOTER = "footer"
    LABEL = "label"
    DESCRIPTION = "description"
    COMMENT = "comment"


# The role each identity kind is matched against.
EMAIL_KINDS = {Kind.AUTHOR_EMAIL: "author", Kind.COMMITTER_EMAIL: "committer",
               Kind.COAUTHOR_EMAIL: "coauthor"}
SUFFIX_KINDS = {Kind.AUTHOR_NAME_SUFFIX: "author", Kind.COMMITTER_NAME_SUFFIX: "committer"}
_MATCHERS = ("email", "pattern", "github_id", "github_login", "pr_login", "key", "prefix",
             "suffix", "exclude")
LINE_KINDS = (Kind.FOOTER, Kind.DESCRIPTION, Kind.COMMENT)
# The matcher fields each kind takes, and which of them it needs (any one of a tuple).
_ALLOWED: dict[Kind, frozenset[str]] = {
    **dict.fromkeys(EMAIL_KINDS, frozenset({"email", "pattern", "github_id", "github_login"})),
    Kind.AUTHOR_EMAIL: frozenset({"email", "pattern", "github_id", "github_login", "pr_login"}),
    **dict.fromkeys(SUFFIX_KINDS, frozenset({"suffix"})),
    Kind.SUBJECT_PREFIX: frozenset({"prefix"}),
    Kind.TRAILER: frozenset({"key", "pattern", "exclude"}),
    **dict.fromkeys(LINE_KINDS, frozenset({"pattern", "exclude"})),
    Kind.LABEL: frozenset({"pattern"}),
}
_REQUIRED: dict[Kind, tuple[str, ...]] = {
    **dict.fromkeys(EMAIL_KINDS, ("email", "pattern", "github_id", "github_login")),
    Kind.AUTHOR_EMAIL: ("email", "pattern", "github_id", "github_login", "pr_login"),
    **dict.fromkeys(SUFFIX_KINDS, ("suffix",)),
    Kind.SUBJECT_PREFIX: ("prefix",),
    Kind.TRAILER: ("key",),
    **dict.fromkeys((*LINE_KINDS, Kind.LABEL), ("pattern",)),
}

MarkerId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]


class MarkerEntry(BaseModel):
    """One marker a tool leaves in a commit, where to look for it and what it proves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: MarkerId = Field(description="Unique id; policies switch entries off by it.")
    tool: str = Field(min_length=1, description="The tool family, such as claude-code or aider.")
    kind: Kind = Field(description="Where the marker is looked for.")
    strength: Strength = Field(description="What the evidence says the tool did.")
    source: str = Field(pattern=r"^https?://\S+$",
                        description="Address of the vendor document, spec or public commit.")
    note: str = Field("", description="Anything a reader of the catalogue should know.")
    email: str | None = Field(None, min_length=3, description="An exact address.")
    pattern: Regex | None = Field(None, description="A regular expression (case-insensitive).")
    github_id: int | None = Field(None, gt=0, description="A GitHub account's numeric id.")
    github_login: str | None = Field(None, min_length=1, description="A GitHub app's login.")
    pr_login: str | None = Field(None, min_length=1,
                                 description="The login it opens pull or merge requests as, where "
                                             "that is not github_login (Copilot for its agent).")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                            description="A trailer key (case-insensitive).")
    prefix: str | None = Field(None, min_length=1, description="The start of the subject.")
    suffix: str | None = Field(None, min_length=1, description="The end of a name.")
    exclude: Regex | None = Field(None, description="Values or lines that are no evidence.")

    @model_validator(mode="after")
    def _fits_kind(self) -> MarkerEntry:
        given = {name for name in _MATCHERS if getattr(self, name) is not None}
        extra = given - _ALLOWED[self.kind]
        if extra:
            raise ValueError(f"a {self.kind.value} marker takes no {', '.join(sorted(extra))}")
        needed = _REQUIRED[self.kind]
        if not given & set(needed):
            raise ValueError(f"a {self.kind.value} marker needs {' or '.join(needed)}")
        if self.email is not None and self.pattern is not None:
            raise ValueError("give email or pattern, not both")
        return self
