"""Feature-flag detection: false references in code that uses no flag SDK, recall on the real
call snippets, and scan speed against a plain `grep -E` for the same call names."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml

from gatekeeper.facts.flags.presets import builtin_presets, extension_of
from gatekeeper.facts.flags.scan import FlagRef, Line, Scanner

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "tests" / "data" / "flags"
MAX_FILE_BYTES = 2 << 20
SHOWN = 15


def covered_extensions() -> set[str]:
    return {ext for p in builtin_presets() for lang in p.languages for ext in lang.extensions}


def source_files(roots: Sequence[Path], extensions: set[str]) -> Iterator[Path]:
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                path = Path(folder) / name
                if extension_of(name) in extensions and path.is_file() \
                        and path.stat().st_size <= MAX_FILE_BYTES:
                    yield path


def lines_of(path: Path, shown: str) -> list[Line]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [(shown, n, line) for n, line in enumerate(text.splitlines(), 1)]


def scan_corpus(roots: Sequence[Path]) -> tuple[int, int, float, list[FlagRef], list[Path]]:
    """Files, lines, seconds and references of scanning every covered file under ``roots``."""
    scanner = Scanner(builtin_presets())
    files = list(source_files(roots, covered_extensions()))
    found: list[FlagRef] = []
    lines = 0
    start = time.perf_counter()
    for path in files:
        text = lines_of(path, str(path))
        lines += len(text)
        found += scanner.scan(text)
    return len(files), lines, time.perf_counter() - start, found, files


def grep_seconds(files: list[Path]) -> float | None:
    """Wall time of `grep -c -E` for every call name of every preset over the same files."""
    names = sorted({word for p in builtin_presets() for lang in p.languages
                    for pattern in lang.patterns for word in pattern.keywords})
    expression = "|".join(re.escape(n) for n in names)
    start = time.perf_counter()
    for chunk in range(0, len(files), 500):
        batch = [str(f) for f in files[chunk:chunk + 500]]
        done = subprocess.run(["grep", "-c", "-E", expression, "--", *batch],
                              capture_output=True, check=False)
        if done.returncode not in (0, 1):
            return None
    return time.perf_counter() - start


def recall() -> tuple[int, int, int]:
    """Expected keys in the snippets, the ones found, and references found beyond them."""
    expected = yaml.safe_load((SNIPPETS / "expected.yml").read_text(encoding="utf-8"))["files"]
    scanner = Scanner(builtin_presets())
    wanted = found = extra = 0
    for name, keys in expected.items():
        seen = Counter(r.key for r in scanner.scan(lines_of(SNIPPETS / name, name)))
        want = Counter(keys)
        wanted += sum(want.values())
        found += sum((want & seen).values())
        extra += sum((seen - want).values())
    return wanted, found, extra


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("roots", nargs="*", type=Path,
                        help="Folders of code that uses no flag SDK (default: this Python's "
                        "standard library and installed packages).")
    args = parser.parse_args(argv)
    paths = sysconfig.get_paths()
    roots = args.roots or sorted({Path(paths["stdlib"]), Path(paths["purelib"])})
    wanted, hit, extra = recall()
    print(f"Snippets: {hit} of {wanted} expected references found "
          f"(recall {hit / wanted:.3f}); {extra} references beyond them")
    files, lines, seconds, refs, scanned = scan_corpus(roots)
    print(f"Corpus: {', '.join(map(str, roots))}")
    print(f"  {files:,} files, {lines:,} lines scanned by all {len(builtin_presets())} presets "
          f"in {seconds:.2f} s ({lines / seconds / 1e6:.2f} M lines/s)")
    grep = grep_seconds(scanned)
    if grep is not None:
        print(f"  grep -E for the presets' call names over the same files: {grep:.2f} s "
              f"(scan / grep = {seconds / grep:.2f}x)")
    print(f"  references found in code that uses no flag SDK: {len(refs)}")
    for ref in refs[:SHOWN]:
        print(f"    {ref.path}:{ref.line} {ref.preset} {ref.key!r}")
    if len(refs) > SHOWN:
        print(f"    ... and {len(refs) - SHOWN} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
