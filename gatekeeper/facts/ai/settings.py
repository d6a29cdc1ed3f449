"""The policy's ``ai:`` section: added and switched-off markers, detectors, spot checks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gatekeeper.common.fields import empty_list, one_or_many
from gatekeeper.facts.ai.entries import MarkerEntry, MarkerId, Strength

Detector = Literal["commits", "review", "comments", "notes"]
DETECTORS: tuple[Detector, ...] = ("commits", "review", "comments", "notes")
SOURCES_OF: dict[str, frozenset[str]] = {
    "commits": frozenset({"identity", "subject", "trailer", "body", "footer"}),
    "review": frozenset({"pr-author", "label", "description"}),
    "comments": frozenset({"comment"}),
    "notes": frozenset({"note"}),
}
"""The evidence sources each detector yields."""


class SpotCheckSettings(BaseModel):
    """Picks a fixed share of AI-assisted changes for a closer look, the same way on reruns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    percent: float = Field(gt=0, le=100, description="Share of AI-assisted changes to pick.")
    min_strength: Strength = Field(
        Strength.ASSISTED, description="Only changes with evidence at least this strong "
        "take part: agent-authored, co-authored, assisted or suggestion-accepted.")
    salt: str = Field("", max_length=200, description="Mixed into the draw, so that two "
                      "policies with the same percent pick different changes. It is public: "
                      "a secret salt comes from GATEKEEPER_SPOT_CHECK_SALT.")


class AiSettings(BaseModel):
    """How AI provenance is detected: which detectors run, and markers added or switched off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detectors: Annotated[list[Detector], BeforeValidator(one_or_many)] = Field(
        default_factory=lambda: list(DETECTORS),
        description="Where to look: commits (identities, trailers, footers), review (PR/MR "
        "author, labels, description), comments (added lines), notes (refs/notes/ai).")
    markers: list[MarkerEntry] = Field(
        default_factory=empty_list, description="Markers to add to the built-in catalogue, in its "
        "format (id, tool, kind, strength, source and the matcher fields of the kind).")
    disable_markers: Annotated[list[MarkerId], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list, description="Ids of built-in markers to switch off.")
    spot_check: SpotCheckSettings | None = Field(
        None, description="Pick a share of AI-assisted changes, keyed on the repository and "
        "the PR/MR number (else the branch and where it starts); conditions read the pick as "
        "ai: {spot_check: true}.")

    def sources(self) -> frozenset[str]:
        """The evidence sources the chosen detectors yield."""
        return frozenset().union(*(SOURCES_OF[d] for d in self.detectors))
