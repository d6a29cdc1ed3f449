"""The replay cache: each change's change set and each merge's merge base, in one SQLite file.

An entry is keyed by the repository, the change's base and head, the options that shape the
change set and the git that read it; it records the gatekeeper version that wrote it. An entry
another version wrote is ignored and then replaced, never trusted: the change-set model may
have changed meaning. Values are JSON read back through the typed codec, never code. Writes
are transactions, so an interrupted run leaves every entry whole or absent.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import field
from pathlib import Path

from gatekeeper import __version__
from gatekeeper.changeset.model import ChangeSet
from gatekeeper.commands.replay.codec import Codec, CodecError
from gatekeeper.common.records import record
from gatekeeper.common.secret import Secret
from gatekeeper.errors import UsageError

FILENAME = "replay.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = (
    "DROP TABLE IF EXISTS changesets",
    "DROP TABLE IF EXISTS merge_bases",
    "CREATE TABLE changesets (key TEXT PRIMARY KEY, range TEXT NOT NULL, "
    "version TEXT NOT NULL, value TEXT NOT NULL)",
    "CREATE INDEX changesets_range ON changesets (range)",
    "CREATE TABLE merge_bases (key TEXT PRIMARY KEY, version TEXT NOT NULL, "
    "base TEXT NOT NULL)",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
CODEC = Codec(ChangeSet, {"Secret": Secret})


@record(frozen=False)
class Counts:
    """How the run used the cache: entries found, missed, and written."""

    hits: int = 0
    misses: int = 0
    stale: int = 0
    """Entries another gatekeeper version wrote, or that no longer read back: ignored."""
    written: int = 0


@record(frozen=False)
class Cache:
    """An open cache; ``None`` path keeps nothing (``--no-cache`` or no cache folder)."""

    path: Path | None
    version: str = __version__
    counts: Counts = field(default_factory=Counts)
    _db: sqlite3.Connection | None = None

    def __post_init__(self) -> None:
        """Open (and create) the database when a path is given."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._create()
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"cannot open the replay cache {self.path}: {exc}",
                             hint="set GATEKEEPER_CACHE_DIR to a writable folder, or pass "
                             "--no-cache") from exc

    def _create(self) -> None:
        """Lay out the tables, anew when the file has another layout (or none)."""
        assert self._db is not None
        if self._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        with self._db:
            self._db.execute("BEGIN EXCLUSIVE")
            for statement in _SCHEMA:
                self._db.execute(statement)

    def get(self, key: str, span: str | None = None) -> ChangeSet | None:
        """The change set stored under ``key`` by this version; None when there is none.

        With ``span`` (the key of the range alone), any entry of the range will do: the
        caller wants no line text, and entries differ only in the text they keep.
        """
        row = self._row("SELECT version, value FROM changesets WHERE key = ?", key)
        if row is None and span is not None:
            row = self._row("SELECT version, value FROM changesets WHERE range = ? "
                            "ORDER BY version = ? DESC LIMIT 1", span, self.version)
        if row is None:
            self.counts.misses += 1
            return None
        version, value = row
        if version != self.version:
            self.counts.stale += 1
            self.counts.misses += 1
            return None
        try:
            found: ChangeSet = CODEC.loads(value)
        except (CodecError, TypeError):  # written by a broken run, or edited by hand
            self.counts.stale += 1
            self.counts.misses += 1
            return None
        self.counts.hits += 1
        return found

    def put(self, key: str, span: str, value: str) -> None:
        """Store a change set's JSON (``CODEC``) under ``key`` (its range's key is ``span``),
        replacing what was there, in one transaction."""
        if self._db is None:
            return
        self._write("INSERT OR REPLACE INTO changesets (key, range, version, value) "
                    "VALUES (?, ?, ?, ?)", (key, span, self.version, value))
        self.counts.written += 1

    def merge_base(self, key: str) -> str | None:
        """The merge base stored under ``key`` by this version, or None."""
        row = self._row("SELECT version, base FROM merge_bases WHERE key = ?", key)
        return row[1] if row is not None and row[0] == self.version else None

    def put_merge_base(self, key: str, base: str) -> None:
        """Store a merge base."""
        if self._db is not None:
            self._write("INSERT OR REPLACE INTO merge_bases (key, version, base) "
                        "VALUES (?, ?, ?)", (key, self.version, base))

    def _row(self, query: str, *values: str) -> tuple[str, str] | None:
        if self._db is None:
            return None
        row = self._db.execute(query, values).fetchone()
        return (str(row[0]), str(row[1])) if row is not None else None

    def _write(self, statement: str, values: tuple[str, ...]) -> None:
        assert self._db is not None
        try:
            with self._db:  # a transaction: committed whole, or rolled back on any exception
                self._db.execute("BEGIN")
                self._db.execute(statement, values)
        except sqlite3.Error as exc:
            raise UsageError(f"cannot write the replay cache {self.path}: {exc}",
                             hint="free disk space, or pass --no-cache") from exc

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def key(*parts: object) -> str:
    """A cache key: the SHA-256 of the parts as JSON, so no part can run into another."""
    text = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def open_cache(folder: str | None) -> Cache:
    """The cache in ``folder``; one that keeps nothing when ``folder`` is None."""
    return Cache(Path(folder) / FILENAME if folder else None)
