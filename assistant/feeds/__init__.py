"""Live news: ingest article pages and RSS/Atom/RDF feeds from the web, and keep them fresh.

    assistant ingest https://example.org/story          # one article page
    assistant feeds add https://example.org/feed.xml    # follow a feed
    assistant watch --every 30m                         # poll followed feeds until stopped

fetch (safety, politeness) → parse (feedparser) → extract (trafilatura) → the ingest pipeline;
feed state (validators, errors, entries seen) lives in the index's catalog.
"""

from assistant.feeds.fetch import Fetcher, FetchError, is_web_url
from assistant.feeds.poll import Poller, PollResult
from assistant.feeds.state import FeedRow, FeedState
from assistant.feeds.watch import parse_every, poll_due, watch

__all__ = [
    "FeedRow",
    "FeedState",
    "FetchError",
    "Fetcher",
    "PollResult",
    "Poller",
    "is_web_url",
    "parse_every",
    "poll_due",
    "watch",
]
