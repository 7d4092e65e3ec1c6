"""Feed state in the index's catalog (SQLite): followed feeds, their last fetch and errors,
and the entries already ingested, so polls are incremental and survive restarts and kills.

The two tables are created when first needed, so an index built before feeds existed opens
and gains them. Writes are short transactions outside the index write lock: `feeds add` works
while `watch` is indexing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.index.catalog import CATALOG_FILE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
  url TEXT PRIMARY KEY, title TEXT, followed INTEGER NOT NULL DEFAULT 1,
  etag TEXT, last_modified TEXT, added_at TEXT NOT NULL, last_fetch TEXT, last_success TEXT,
  last_error TEXT, errors INTEGER NOT NULL DEFAULT 0, next_due REAL NOT NULL DEFAULT 0,
  entries INTEGER NOT NULL DEFAULT 0, articles INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feed_entries (
  feed_url TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, origin TEXT,
  etag TEXT, last_modified TEXT, seen_at TEXT NOT NULL, PRIMARY KEY (feed_url, key)
);
"""
_FEED_COLUMNS = ("url, title, followed, etag, last_modified, added_at, last_fetch, last_success,"
                 " last_error, errors, next_due, entries, articles")


@dataclass(frozen=True)
class FeedRow:
    """One feed as the catalog records it."""

    url: str
    title: str | None
    followed: bool
    etag: str | None
    last_modified: str | None
    added_at: str
    last_fetch: str | None
    last_success: str | None
    last_error: str | None
    errors: int  # failures in a row (0 after a success)
    next_due: float  # epoch seconds
    entries: int  # entries recorded as seen
    articles: int  # distinct articles its entries brought


@dataclass(frozen=True)
class SeenEntry:
    """An entry already handled: its fingerprint, its article and its page's validators."""

    fingerprint: str
    origin: str | None
    etag: str | None
    last_modified: str | None


class FeedState:
    """The feed tables of one index's catalog."""

    def __init__(self, index_dir: Path) -> None:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(Path(index_dir) / CATALOG_FILE, timeout=30,
                                     check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def feeds(self, followed_only: bool = False) -> list[FeedRow]:
        """Return the recorded feeds by URL (only the followed ones when asked)."""
        where = " WHERE followed=1" if followed_only else ""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds{where} ORDER BY url").fetchall()
        return [_feed_row(row) for row in rows]

    def feed(self, url: str) -> FeedRow | None:
        """Return one feed's row, or None."""
        with self._lock:
            row = self._conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url=?",
                                     (url,)).fetchone()
        return None if row is None else _feed_row(row)

    def add(self, url: str, followed: bool = True) -> bool:
        """Record a feed (followed, or seen once by `ingest URL`); return whether it was new."""
        with self._lock, self._conn:
            new = self._conn.execute(
                "INSERT OR IGNORE INTO feeds(url, followed, added_at) VALUES (?,?,?)",
                (url, int(followed), _now())).rowcount == 1
            if followed:
                self._conn.execute("UPDATE feeds SET followed=1, next_due=0 WHERE url=?", (url,))
        return new

    def remove(self, url: str) -> list[str]:
        """Forget a feed and its entries; return the origins of the articles it brought."""
        with self._lock, self._conn:
            origins = [row[0] for row in self._conn.execute(
                "SELECT DISTINCT origin FROM feed_entries WHERE feed_url=? AND origin IS NOT NULL",
                (url,))]
            self._conn.execute("DELETE FROM feed_entries WHERE feed_url=?", (url,))
            self._conn.execute("DELETE FROM feeds WHERE url=?", (url,))
        return origins

    def seen(self, url: str) -> dict[str, SeenEntry]:
        """Return the entries of a feed already handled, by entry key."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, fingerprint, origin, etag, last_modified FROM feed_entries"
                " WHERE feed_url=?", (url,)).fetchall()
        return {row[0]: SeenEntry(*row[1:]) for row in rows}

    def record_entries(self, url: str, entries: list[tuple[str, SeenEntry]]) -> None:
        """Record entries as handled (after their articles are committed to the index)."""
        now = _now()
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO feed_entries VALUES (?,?,?,?,?,?,?)",
                [(url, key, e.fingerprint, e.origin, e.etag, e.last_modified, now)
                 for key, e in entries])
            self._conn.execute(
                "UPDATE feeds SET entries=(SELECT COUNT(*) FROM feed_entries WHERE feed_url=?),"
                " articles=(SELECT COUNT(DISTINCT origin) FROM feed_entries WHERE feed_url=?)"
                " WHERE url=?", (url, url, url))

    def record_success(self, url: str, *, title: str | None, etag: str | None,
                       last_modified: str | None, next_due: float) -> None:
        """Record a poll that worked (validators None: fetch the whole feed next time)."""
        now = _now()
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE feeds SET title=COALESCE(?, title), etag=?, last_modified=?,"
                " last_fetch=?, last_success=?, last_error=NULL, errors=0, next_due=?"
                " WHERE url=?", (title, etag, last_modified, now, now, next_due, url))

    def record_failure(self, url: str, error: str, every: float, max_backoff: float) -> float:
        """Record a failed poll and back off (every × 2^failures, at most max_backoff seconds);
        return the seconds until the next try."""
        with self._lock, self._conn:
            row = self._conn.execute("SELECT errors FROM feeds WHERE url=?", (url,)).fetchone()
            errors = (int(row[0]) if row else 0) + 1
            wait = float(max(every, min(every * 2**errors, max_backoff)))
            self._conn.execute(
                "UPDATE feeds SET last_fetch=?, last_error=?, errors=?, next_due=? WHERE url=?",
                (_now(), error, errors, time.time() + wait, url))
        return wait

    def refresh_all(self) -> None:
        """Make every followed feed due now (the UI's and `feeds refresh`'s "refresh now")."""
        with self._lock, self._conn:
            self._conn.execute("UPDATE feeds SET next_due=0 WHERE followed=1")


def _feed_row(row: tuple[object, ...]) -> FeedRow:
    values = list(row)
    values[2] = bool(values[2])
    return FeedRow(*values)  # type: ignore[arg-type]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
