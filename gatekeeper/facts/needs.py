"""The optional facts a rule kind or condition reads, which a run gathers only when needed."""

from __future__ import annotations

from enum import Enum


class Need(Enum):
    """One optional source of facts; ``Facts`` leaves its field None when it was not gathered."""

    COVERAGE = "coverage"
    """Coverage reports (``--coverage``): ``Facts.coverage``."""
    FLAGS = "flags"
    """Feature-flag references in the changed lines: ``Facts.flags``."""
    OWNERS = "owners"
    """Code owners of the touched files, from CODEOWNERS: ``Facts.owners``."""
    AI = "ai"
    """AI provenance evidence: ``Facts.ai`` (cheap to read, so every run gathers it)."""
