"""Ingest web URLs: an article page, or a feed whose new and changed entries are ingested.

Pages are fetched before the index's write lock is taken (readers are never blocked anyway),
then each batch is indexed and only then recorded as seen, so a kill at any moment loses
nothing: the next poll fetches what was not recorded again, and unchanged articles cost
nothing to index twice. A feed's validators (ETag, Last-Modified) are stored only when every
entry of the poll was handled, so a 304 never hides a backlog.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.feeds.extract import (
    Hints,
    article_from_content,
    canonical_url,
    extract_article,
    text_length,
)
from assistant.feeds.fetch import FEED_ACCEPT, Fetcher, FetchError
from assistant.feeds.parse import Entry, Feed, NotAFeedError, looks_like_feed, parse_feed
from assistant.feeds.state import FeedState, SeenEntry
from assistant.ingest.pipeline import IngestReport, index_articles
from assistant.schema import Article

Echo = Callable[[str], None]
FetchedBatch = tuple[list[Article], list[tuple[str, SeenEntry]], bool]  # one batch, ready to index
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")


def warn(line: str) -> None:
    """Print one warning line on stderr (the default echo)."""
    print(f"warning: {line}", file=sys.stderr, flush=True)


@dataclass
class PollResult:
    """What one poll of one feed (or one page URL) did."""

    url: str
    kind: str = "feed"  # or "page"
    not_modified: bool = False
    new: int = 0  # entries not seen before
    changed: int = 0  # entries the feed rewrote
    pages: int = 0  # page bodies downloaded
    fetch_seconds: float = 0.0  # fetching and extracting entries (overlaps with indexing)
    report: IngestReport = field(default_factory=IngestReport)
    skipped: list[str] = field(default_factory=list)
    error: str | None = None
    not_a_feed: bool = False  # the URL answered, but with no feed: following it is pointless

    def summary(self) -> str:
        """Return the one line the CLI prints for this URL."""
        if self.error:
            return f"{self.url}: failed — {self.error}"
        if self.not_modified:
            return f"{self.url}: not modified (nothing fetched)"
        r = self.report
        what = (f"{self.new} new, {self.changed} changed entries; " if self.kind == "feed"
                else "")
        return (f"{self.url}: {what}{r.articles_added} articles added, {r.articles_replaced} "
                f"replaced, {r.articles_unchanged} unchanged; {len(self.skipped)} skipped")


class Poller:
    """Fetches and ingests for one run: one Fetcher (robots, host pauses), one feed state."""

    def __init__(self, settings: Settings, echo: Echo = warn,
                 stop: threading.Event | None = None) -> None:
        self.settings = settings
        self.echo = echo
        self.stop = stop or threading.Event()
        self.state = FeedState(Path(settings.index_dir))
        self.fetcher = Fetcher(settings.fetch)

    def close(self) -> None:
        """Close the connections."""
        self.fetcher.close()
        self.state.close()

    def __enter__(self) -> Poller:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def ingest_url(self, url: str) -> PollResult:
        """Ingest one URL: a feed once (recorded but not followed), else an article page."""
        try:
            fetched = self.fetcher.get(url, accept=f"{FEED_ACCEPT},text/html;q=0.9")
        except FetchError as exc:
            return PollResult(url, kind="page", error=_reason(exc))
        if looks_like_feed(fetched.content_type, fetched.body):
            self.state.add(url, followed=False)
            return self.poll(url, first=(fetched.body, fetched.content_type, fetched.etag,
                                         fetched.last_modified))
        result = PollResult(url, kind="page", pages=1)
        if fetched.content_type not in _HTML_TYPES:
            result.error = (f"not an HTML page or a feed (content type {fetched.content_type})"
                            " — give the URL of an article page or an RSS/Atom feed")
            return result
        article = extract_article(fetched.body, fetched.url)
        if article is None:
            result.error = ("no article text found on the page (scripts are never run) — "
                            "give the URL of the article itself")
            return result
        result.report = self._index([article])
        return result

    def poll(self, url: str, first: tuple[bytes, str, str | None, str | None] | None = None
             ) -> PollResult:
        """Poll one feed: conditional fetch, then ingest its new and changed entries."""
        result = PollResult(url)
        row = self.state.feed(url)
        if row is None:
            self.state.add(url, followed=False)
        try:
            if first is None:
                fetched = self.fetcher.get(url, accept=FEED_ACCEPT,
                                           etag=row.etag if row else None,
                                           last_modified=row.last_modified if row else None)
                if fetched.status == 304:
                    result.not_modified = True
                    self._succeeded(url, None, row.etag if row else None,
                                    row.last_modified if row else None)
                    return result
                first = (fetched.body, fetched.content_type, fetched.etag, fetched.last_modified)
            body, content_type, etag, last_modified = first
            feed = parse_feed(body, url, content_type)
        except (FetchError, NotAFeedError) as exc:
            result.error = _reason(exc) if isinstance(exc, FetchError) else str(exc)
            result.not_a_feed = isinstance(exc, NotAFeedError)
            self.record_failure(url, result.error)
            return result
        if feed.warning:
            self.echo(f"{url}: {feed.warning}")
        complete = self._entries(url, feed, result)
        if self.stop.is_set():
            return result  # stopped mid-poll: the feed stays due, and the next run goes on
        if not complete:
            etag = last_modified = None
        self._succeeded(url, feed.title, etag, last_modified)
        return result

    def _entries(self, url: str, feed: Feed, result: PollResult) -> bool:
        """Ingest the feed's new and changed entries in batches; return whether all were done."""
        seen = self.state.seen(url)
        todo = [e for e in feed.entries if e.key not in seen or
                seen[e.key].fingerprint != e.fingerprint]
        result.new = sum(1 for e in todo if e.key not in seen)
        result.changed = len(todo) - result.new
        limit = self.settings.feeds.max_entries
        complete = len(todo) <= limit
        if not complete:
            self.echo(f"{url}: {len(todo):,} new or changed entries; taking the newest "
                      f"{limit:,} now, the rest on the next polls")
        todo, size = todo[:limit], self.settings.feeds.batch
        batches = [todo[start:start + size] for start in range(0, len(todo), size)]
        return self._pipelined(url, feed, batches, seen, result) and complete

    def _pipelined(self, url: str, feed: Feed, batches: list[list[Entry]],
                   seen: dict[str, SeenEntry], result: PollResult) -> bool:
        """Fetch batch k+1 in a thread while batch k is indexed, then recorded, in order.

        Fetching mostly waits (the network, the per-host pause) and indexing mostly computes,
        so together they take about as long as the slower of the two.
        """
        from concurrent.futures import Future, ThreadPoolExecutor

        complete = True
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-fetch") as pool:
            def fetch(k: int) -> Future[FetchedBatch] | None:
                return pool.submit(self._fetch_batch, url, feed, batches[k], seen, result) \
                    if k < len(batches) else None

            pending = fetch(0)
            try:
                for k in range(len(batches)):
                    assert pending is not None
                    articles, done, fetched_all = pending.result()
                    pending = fetch(k + 1) if not self.stop.is_set() else None
                    if articles:
                        _add(result.report, self._index(articles))
                    self.state.record_entries(url, done)
                    complete &= fetched_all
                    if pending is None:
                        return complete and k == len(batches) - 1
            except KeyboardInterrupt:  # Ctrl-C: the fetching thread stops at its next entry
                self.stop.set()
                raise
        return complete

    def _fetch_batch(self, url: str, feed: Feed, entries: list[Entry],
                     seen: dict[str, SeenEntry], result: PollResult) -> FetchedBatch:
        """Return one batch's articles, its entries to record, and whether none should retry."""
        started = time.perf_counter()
        try:
            return self._fetch_entries(url, feed, entries, seen, result)
        finally:
            result.fetch_seconds += time.perf_counter() - started

    def _fetch_entries(self, url: str, feed: Feed, entries: list[Entry],
                       seen: dict[str, SeenEntry], result: PollResult) -> FetchedBatch:
        articles: list[Article] = []
        done: list[tuple[str, SeenEntry]] = []
        complete = True
        for entry in entries:
            if self.stop.is_set():
                return articles, done, False
            try:
                article, record = self._entry(url, feed, entry, seen.get(entry.key), result)
            except FetchError as exc:
                result.skipped.append(f"{entry.title or entry.key}: {exc}")
                why = _reason(exc) if exc.url == url else str(exc)
                self.echo(f"{url}: entry \u201c{entry.title or entry.key}\u201d: {why}")
                if exc.transient:
                    complete = False
                    continue
                record = SeenEntry(entry.fingerprint, None, None, None)
                article = None
            if article is not None:
                articles.append(article)
            done.append((entry.key, record))
        return articles, done, complete

    def _entry(self, url: str, feed: Feed, entry: Entry, before: SeenEntry | None,
               result: PollResult) -> tuple[Article | None, SeenEntry]:
        """Return the entry's article (None: unchanged page or nothing to index) and record."""
        hints = Hints(entry.title, feed.title, entry.author, entry.published_at)
        link = canonical_url(None, entry.link) if entry.link else None
        content = entry.content_html or ""
        if content and text_length(content) >= self.settings.feeds.entry_content_chars:
            origin = link or f"{url}#{entry.key}"
            article = article_from_content(content, origin, hints)
            return article, SeenEntry(entry.fingerprint, origin, None, None)
        if link is None:
            raise FetchError(url, "no link and no text",
                             "nothing to ingest; the feed should link its items")
        fetched = self.fetcher.get(entry.link or link, etag=before.etag if before else None,
                                   last_modified=before.last_modified if before else None)
        if fetched.status == 304 and before is not None:
            return None, SeenEntry(entry.fingerprint, before.origin, before.etag,
                                   before.last_modified)
        result.pages += 1
        if fetched.content_type not in _HTML_TYPES:
            raise FetchError(fetched.url, f"not an HTML page ({fetched.content_type})",
                             "only article pages are ingested")
        article = extract_article(fetched.body, fetched.url, hints)
        if article is None:
            raise FetchError(fetched.url, "no article text on the page",
                             "the page may need JavaScript, which is never run")
        return article, SeenEntry(entry.fingerprint, article.origin, fetched.etag,
                                  fetched.last_modified)

    def _index(self, articles: list[Article]) -> IngestReport:
        """Index articles, waiting while another process holds the write lock."""
        waited = False
        while True:
            try:
                return index_articles(articles, self.settings)
            except IndexBusyError as exc:
                if not waited:
                    self.echo(f"{exc.args[0].split(' — ')[0]} — waiting for it to finish")
                    waited = True
                if self.stop.wait(1.0):
                    raise

    def _succeeded(self, url: str, title: str | None, etag: str | None,
                   last_modified: str | None) -> None:
        every = self.settings.feeds.every_minutes * 60
        self.state.record_success(url, title=title, etag=etag, last_modified=last_modified,
                                  next_due=time.time() + every)

    def record_failure(self, url: str, error: str) -> None:
        every = self.settings.feeds.every_minutes * 60
        self.state.record_failure(url, error, every, self.settings.feeds.max_backoff_hours * 3600)


def _reason(exc: FetchError) -> str:
    """Return a FetchError's message without its leading URL (the summary names it)."""
    text = str(exc)
    return text.removeprefix(f"{exc.url}: ")


def _add(total: IngestReport, part: IngestReport) -> None:
    total.articles_added += part.articles_added
    total.articles_replaced += part.articles_replaced
    total.articles_unchanged += part.articles_unchanged
    total.chunks_added += part.chunks_added
    total.chunks_removed += part.chunks_removed
    total.seconds += part.seconds
    total.encode_seconds += part.encode_seconds
