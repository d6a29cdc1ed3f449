"""Measure the AI provenance detectors on a labelled corpus: precision and recall per marker.

Their cost against `git log` is bench_ai.py's, which also draws on the commit generator here
when there is no corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gatekeeper.changeset.model import Commit
from gatekeeper.facts.ai.catalogue import Catalogue, load
from gatekeeper.facts.ai.detect import detect_commit
from gatekeeper.gitread.commitlog import read_commits
from gatekeeper.gitread.gitio import GitRepo

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "ai-markers.jsonl"
PRECISION_TARGET = 0.99
RECALL_TARGET = 0.95
# The fields gatekeeper.gitread.commitlog.read_commits asks git log for.
LOG_FORMAT = "%x00".join(("%H", "%P", "%an", "%ae", "%cn", "%ce", "%s", "%b",
                          "%(trailers:unfold,only)"))
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_TERMINAL_PROMPT": "0"}
_IDENT = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*")
_UNSAFE = re.compile(r"[<>\n]")
_AI_WORDS = re.compile(r"(?i)\b(claude|copilot|cursor|codex|devin|jules|aider|gemini|gpt|"
                       r"openai|anthropic|llm|ai)\b")


class BenchError(RuntimeError):
    """A failure that ends the script with a one-line message."""


# -- building repositories with git fast-import ---------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A commit to write: identities as ``Name <email>``, a date and the full message."""

    author: str
    committer: str
    message: str
    date: str = "2024-01-15T12:00:00+00:00"


def _ident(text: str) -> str:
    found = _IDENT.fullmatch(text)
    name, email = found.groups() if found else (text.strip(), "")
    # fast-import takes no angle brackets or newlines inside a name or an address.
    name, email = _UNSAFE.sub("", name) or "unknown", _UNSAFE.sub("", email)
    return f"{name} <{email}>"


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    return f"{int(moment.timestamp())} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def build_repo(path: Path, drafts: Sequence[Draft]) -> list[str]:
    """A repository whose main branch is ``drafts`` in order; returns their commit ids."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    stream = bytearray()
    for mark, draft in enumerate(drafts, 1):
        message = draft.message.encode("utf-8")
        when = _when(draft.date)
        stream += (f"commit refs/heads/main\nmark :{mark}\n"
                   f"author {_ident(draft.author)} {when}\n"
                   f"committer {_ident(draft.committer)} {when}\n"
                   f"data {len(message)}\n").encode()
        stream += message + b"\n"
    marks = path / ".git" / "bench-marks"
    git(path, "fast-import", "--quiet", f"--export-marks={marks}", stdin=bytes(stream))
    shas = dict(line.split() for line in marks.read_text().splitlines())
    return [shas[f":{n}"] for n in range(1, len(drafts) + 1)]


def git(path: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(["git", *args], cwd=path, input=stdin, capture_output=True,
                            env={**os.environ, **GIT_ENV}, check=False)
    if result.returncode != 0:
        raise BenchError(f"git {args[0]} failed: {result.stderr.decode(errors='replace')[-500:]}")
    return result.stdout


def read_all(path: Path) -> tuple[Commit, ...]:
    repo = GitRepo.discover(str(path))
    try:
        return read_commits(repo, "main")
    finally:
        repo.close()


# -- accuracy ---------------------------------------------------------------------------------


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, flagged: bool) -> None:
        if truth:
            self.tp, self.fn = self.tp + flagged, self.fn + (not flagged)
        else:
            self.fp, self.tn = self.fp + flagged, self.tn + (not flagged)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Accuracy:
    overall: Tally = field(default_factory=Tally)
    prose_negatives: Tally = field(default_factory=Tally)
    by_label_tool: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_found_tool: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    hard: list[str] = field(default_factory=list)


def accuracy(rows: list[dict[str, Any]], catalogue: Catalogue, workdir: Path) -> Accuracy:
    drafts = [Draft(r["author"], r["committer"], r["message"], r.get("date") or Draft.date)
              for r in rows]
    shas = build_repo(workdir / "corpus-repo", drafts)
    commits = {c.sha: c for c in read_all(workdir / "corpus-repo")}
    result = Accuracy()
    for row, sha in zip(rows, shas, strict=True):
        evidence = detect_commit(commits[sha], catalogue)
        truth, flagged = row["label"] == "ai", bool(evidence)
        name = f"{row['repo']} {row['sha']}"
        markers = ",".join(sorted({e.marker for e in evidence})) or "-"
        if row.get("hard"):
            result.hard.append(f"{name}  label={row['label']}  found={markers}")
            continue
        result.overall.add(truth, flagged)
        if not truth and _AI_WORDS.search(row["message"]):
            result.prose_negatives.add(truth, flagged)
        for tool in row.get("tools") or ():
            result.by_label_tool[tool].add(truth, flagged)
        for tool in {e.tool for e in evidence}:
            result.by_found_tool[tool].add(truth, True)
        if truth and not flagged:
            result.misses.append(f"{name}  expected={','.join(row.get('markers') or ())}")
        elif flagged and not truth:
            result.false_alarms.append(f"{name}  found={markers}")
    return result


# -- cost -------------------------------------------------------------------------------------

WORDS = ("cache", "cursor", "parser", "session", "token", "queue", "router", "schema", "agent",
         "buffer", "index", "loader", "policy", "report", "worker", "stream", "config", "model")
HUMANS = ("Ada Lovelace <ada@example.com>", "Claude Shannon <claude.shannon@example.org>",
          "Devin Park <devin@park.example>", "Grace Hopper <grace@example.net>")
AGENTS = ("copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
          "Claude <noreply@anthropic.com>", "Ada Lovelace (aider) <ada@example.com>")
TRAILERS = ("Signed-off-by: Ada Lovelace <ada@example.com>",
            "Co-authored-by: Claude <noreply@anthropic.com>",
            "Co-authored-by: Grace Hopper <grace@example.net>",
            "Assisted-by: Claude:claude-sonnet-4 coccinelle",
            "Reviewed-by: Grace Hopper <grace@example.net>")


def _prose(rng: random.Random, lines: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
            for _ in range(lines)]


def synthetic_message(rng: random.Random) -> str:
    subject = f"{rng.choice(('Fix', 'Add', 'Refactor', 'Update'))} the {rng.choice(WORDS)} " \
              f"{rng.choice(WORDS)}"
    parts = [subject]
    roll = rng.random()
    if roll < 0.3:
        return subject
    parts.append("\n".join(_prose(rng, rng.randint(1, 12))))
    if roll < 0.45:
        parts.append("```\nCo-authored-by: Claude <noreply@anthropic.com>\n```")
    if roll > 0.85:
        parts.append("🤖 Generated with [Claude Code](https://claude.com/claude-code)")
    elif roll > 0.75:  # a squash merge: each commit's message, co-authors mid-body
        parts += [f"* {line}\n\n{rng.choice(TRAILERS)}" for line in _prose(rng, 3)]
        parts.append("---------")
    if rng.random() < 0.5:
        parts.append("\n".join(rng.sample(TRAILERS, rng.randint(1, 3))))
    return "\n\n".join(parts) + "\n"


# -- reporting ----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_accuracy(result: Accuracy) -> None:
    total = result.overall
    print(f"Rows not marked hard: {total.tp + total.fn} ai, {total.fp + total.tn} none")
    print(f"{'':30}{'rows':>6}{'found':>7}{'missed':>8}{'precision':>11}{'recall':>8}")
    rows = [("overall", total), *sorted(result.by_label_tool.items())]
    for name, tally in rows:
        label = name if name == "overall" else f"  labelled {name}"
        print(f"{label:30}{tally.tp + tally.fn + tally.fp + tally.tn:6}{tally.tp + tally.fp:7}"
              f"{tally.fn:8}{_pct(tally.precision):>11}{_pct(tally.recall):>8}")
    print("\nBy the tool the evidence names (precision: flagged rows labelled ai):")
    for name, tally in sorted(result.by_found_tool.items()):
        print(f"  {name:28}{tally.tp + tally.fp:6} flagged{tally.fp:5} false"
              f"{_pct(tally.precision):>9}")
    prose = result.prose_negatives
    print(f"\nNegatives mentioning an AI product: {prose.fp + prose.tn}, flagged: {prose.fp}")
    for title, lines in (("False positives", result.false_alarms),
                         ("False negatives", result.misses), ("Hard rows", result.hard)):
        print(f"\n{title} ({len(lines)}):")
        for line in lines:
            print(f"  {line}")
    met_p = (total.precision or 0) >= PRECISION_TARGET
    met_r = (total.recall or 0) >= RECALL_TARGET
    print(f"\n{'MET    ' if met_p else 'NOT MET'}  precision {_pct(total.precision)} "
          f"(target >= {PRECISION_TARGET})")
    print(f"{'MET    ' if met_r else 'NOT MET'}  recall {_pct(total.recall)} "
          f"(target >= {RECALL_TARGET})")
    print(f"{'MET    ' if not prose.fp else 'NOT MET'}  no false positive on negatives that "
          f"mention an AI product")


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="The labelled JSON-lines corpus (default: %(default)s).")
    return parser.parse_args(argv)


def read_corpus(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BenchError(f"{path}:{number}: not JSON: {exc.msg}") from None
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    catalogue = load()
    try:
        with tempfile.TemporaryDirectory(prefix="gatekeeper-ai-") as tmp:
            workdir = Path(tmp)
            if not args.corpus.is_file():
                print(f"corpus not found at {args.corpus}: no accuracy figures to give")
                return 0
            print_accuracy(accuracy(read_corpus(args.corpus), catalogue, workdir))
    except BenchError as exc:
        print(f"ai_accuracy: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
