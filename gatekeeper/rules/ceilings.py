"""The ceilings batch-size keeps whatever a file's class: raw lines, generated or vendored
lines, and bytes of binary content.

The effective count leaves generated, vendored and lockfiles out, and those classes rest on
what the change itself says (a banner, a name); these ceilings count every file, so a
mislabelled file cannot hide an unbounded change.
"""

from __future__ import annotations

from gatekeeper.facts.classify import GENERATED, VENDORED
from gatekeeper.facts.model import FileFacts
from gatekeeper.facts.sizenotes import size_text
from gatekeeper.rules.findings import Check, Detail

RAW = "raw lines"
GENERATED_LINES = "generated or vendored lines"
BINARY = "binary bytes"
NAMES = (RAW, GENERATED_LINES, BINARY)
SHOWN = 5


def measure(files: list[FileFacts]) -> dict[str, int]:
    """Raw changed lines, changed lines of generated or vendored files, added binary bytes."""
    return {
        "raw_lines": sum(f.change.changed for f in files),
        "generated_lines": sum(f.change.changed for f in files
                               if GENERATED in f.classes or VENDORED in f.classes),
        "binary_bytes": sum(f.change.binary_bytes for f in files),
    }


def checks(measured: dict[str, int], raw: int | None, generated: int | None,
           binary: int | None) -> list[Check]:
    """A check for each ceiling the rule sets."""
    found = []
    for name, key, limit, unit in ((RAW, "raw_lines", raw, "lines"),
                                   (GENERATED_LINES, "generated_lines", generated, "lines"),
                                   (BINARY, "binary_bytes", binary, "bytes")):
        if limit is not None:
            found.append(Check(name, measured[key], limit, unit))
    return found


def hints(failed: list[Check], files: list[FileFacts]) -> list[str]:
    """What to do about each exceeded ceiling."""
    names = {c.name for c in failed}
    found = []
    if RAW in names:
        found.append("raw lines count every file, generated, vendored and lockfiles included: "
                     "split the change, and bring a large generated or vendored update in a "
                     "change of its own")
    elif GENERATED_LINES in names:
        found.append("bring the generated or vendored update in a change of its own")
    if BINARY in names:
        largest = ", ".join(f"{f.path} ({size_text(f.change.binary_bytes)})"
                            for f in _binaries(files)[:SHOWN])
        found.append(f"keep large binaries out of the change (Git LFS, a release asset) or "
                     f"add them in a change of their own: {largest}")
    return found


def details(files: list[FileFacts]) -> tuple[Detail, ...]:
    """The binary files the change brings, largest first, with their sizes."""
    return tuple(Detail(f.path, (), f"binary, {size_text(f.change.binary_bytes)}")
                 for f in _binaries(files))


def _binaries(files: list[FileFacts]) -> list[FileFacts]:
    return sorted((f for f in files if f.change.binary_bytes),
                  key=lambda f: (-f.change.binary_bytes, f.path))
