"""The CLI's web commands once parsed: `ingest URL`, `feeds add|list|remove|refresh`, `watch`."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from assistant.config import Settings
from assistant.errors import InputError
from assistant.feeds.fetch import is_web_url
from assistant.feeds.poll import Poller, PollResult
from assistant.feeds.state import FeedRow, FeedState
from assistant.feeds.watch import parse_every, poll_due, watch
from assistant.index.catalog import CATALOG_FILE


def ingest_urls(urls: Sequence[str], settings: Settings) -> list[PollResult]:
    """Ingest each URL (page or feed), printing one line per URL; a failure stops none."""
    results = []
    with Poller(settings) as poller:
        for url in urls:
            result = poller.ingest_url(url)
            print(result.summary(), flush=True)
            if result.kind == "feed" and not result.error:
                print(f"  to keep it fresh: assistant feeds add {url}", flush=True)
            results.append(result)
    return results


def run_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Add, list, remove or refresh followed feeds."""
    action = args.feeds_action
    if action == "list":
        _print_feeds(settings)
        return 0
    if action == "refresh":
        results = poll_due(settings, force=True, each=lambda r: print(r.summary(), flush=True))
        if not results:
            raise InputError("no feeds are followed — add one with: assistant feeds add URL")
        return 0
    url = _feed_url(args.url)
    state = FeedState(settings.index_dir)
    try:
        if action == "add":
            new = state.add(url)
            print(f"following {url}" if new else f"already following {url}")
            if args.no_poll:
                return 0
        else:
            return _remove(state, url, settings, purge=args.purge)
    finally:
        state.close()
    with Poller(settings) as poller:
        result = poller.poll(url)
        if result.not_a_feed:
            poller.state.remove(url)
            raise InputError(f"not following it: {result.error}")
    print(result.summary())
    return 1 if result.error else 0


def _remove(state: FeedState, url: str, settings: Settings, purge: bool) -> int:
    if state.feed(url) is None:
        raise InputError(f"{url} is not followed — list the feeds with: assistant feeds list")
    origins = state.remove(url)
    print(f"stopped following {url}")
    if purge and origins:
        from assistant.ingest import remove_documents

        report = remove_documents(origins, settings)
        print(f"removed {report.articles_removed} articles, {report.chunks_removed} chunks")
    elif origins:
        print(f"its {len(origins)} articles stay in the index (--purge removes them)")
    return 0


def _feed_url(text: str) -> str:
    if not is_web_url(text):
        raise InputError(f"{text!r} is not a feed URL — give one starting with http:// or "
                         "https://")
    return text


def _print_feeds(settings: Settings) -> None:
    if not (settings.index_dir / CATALOG_FILE).exists():
        print("no feeds — follow one with: assistant feeds add URL")
        return
    state = FeedState(settings.index_dir)
    try:
        rows = state.feeds()
    finally:
        state.close()
    if not rows:
        print("no feeds — follow one with: assistant feeds add URL")
    for row in rows:
        print(describe_feed(row))


def describe_feed(row: FeedRow) -> str:
    """Return one line about a feed: URL, title, last fetch, counts, and its error if any."""
    followed = "" if row.followed else " (ingested once, not followed)"
    status = f"error ×{row.errors}: {row.last_error}" if row.last_error else "ok"
    due = datetime.fromtimestamp(row.next_due, UTC).isoformat(timespec="seconds") \
        if row.next_due and row.followed else "now"
    return (f"{row.url}{followed}\t{row.title or '?'}\tlast fetched {row.last_fetch or 'never'}"
            f"\tnext {due}\t{row.articles} articles, {row.entries} entries\t{status}")


def run_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Poll the followed feeds until Ctrl-C or SIGTERM (one pass with --once)."""
    if args.every:
        feeds = settings.feeds.model_copy(update={"every_minutes": parse_every(args.every)})
        settings = settings.model_copy(update={"feeds": feeds})
    followed = [] if not (settings.index_dir / CATALOG_FILE).exists() else _followed(settings)
    if not followed:
        raise InputError("no feeds are followed — add one with: assistant feeds add URL")
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    every = settings.feeds.every_minutes
    print(f"watching {len(followed)} feeds, each every {every:g} min (Ctrl-C to stop)",
          flush=True)
    watch(settings, once=args.once, stop=stop,
          each=lambda r: print(f"{_stamp()} {r.summary()}", flush=True))
    return 0


def _followed(settings: Settings) -> list[FeedRow]:
    state = FeedState(settings.index_dir)
    try:
        return state.feeds(followed_only=True)
    finally:
        state.close()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S")
