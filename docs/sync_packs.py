"""Writes each shipped pack's JSON twin, policies/<name>.json, from policies/<name>.yml.

A check that applies a pack (the default policy, or a policy that extends one) reads the
twin: the YAML's data and the line and column of each value and key, as the YAML reader
finds them, without loading PyYAML, which took some 20 ms of every such check. ``--check``
(and the test suite) holds every twin to its YAML.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gatekeeper.policy.compose import builtin_packs
from gatekeeper.policy.document import parse_yaml
from gatekeeper.policy.loader import TWIN_SUFFIX, builtin_policy_dir, twin_of


def packs() -> list[Path]:
    """The shipped packs, as ``extends: gatekeeper:<name>`` finds them (policies/ in a
    source checkout)."""
    return [builtin_policy_dir() / f"{name}.yml" for name in builtin_packs()]


def rendered(pack: Path) -> str:
    """The twin of ``pack``, as the file holds it."""
    data, walk = parse_yaml(pack.read_text(encoding="utf-8"), pack.name)
    return twin_of(data, walk)


def main() -> int:
    stale = []
    for pack in packs():
        target, text = pack.with_suffix(TWIN_SUFFIX), rendered(pack)
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            stale.append(target.name)
            if "--check" not in sys.argv:
                target.write_text(text, encoding="utf-8")
    if stale and "--check" in sys.argv:
        print(f"stale: {', '.join(stale)}; run docs/sync_packs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
