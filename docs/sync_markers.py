"""Writes gatekeeper/facts/ai/markers.json, the AI marker catalogue as every run reads it,
from gatekeeper/facts/ai/markers.yml, the catalogue as people write and review it.

Reading the YAML took about 10 ms of every run, JSON about 0.3 ms; the data is the same, as
``--check`` (and the test suite) holds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent.parent / "gatekeeper" / "facts" / "ai"
SOURCE, TARGET = FOLDER / "markers.yml", FOLDER / "markers.json"


def rendered() -> str:
    """The JSON of the catalogue's data: one line, UTF-8 as it is, the YAML's order."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    text = rendered()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        return 0 if current == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
