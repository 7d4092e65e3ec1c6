"""Read an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed into entries, with feedparser."""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assistant.errors import AssistantError

_FEED_TYPES = ("rss", "atom", "rdf", "xml")
_PROLOG = rb"^\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*)*"  # XML declaration, stylesheets, comments
_HTML_START = re.compile(_PROLOG + rb"<(?:!doctype\s+html|html)\b", re.I | re.S)
_FEED_START = re.compile(_PROLOG + rb"(?:<!doctype\s+rss[^>]*>\s*)?<(?:rss|feed|rdf:rdf)\b",
                         re.I | re.S)
_ALTERNATE = re.compile(
    rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I
)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.I)


class NotAFeedError(AssistantError):
    """A fetched body that is no feed (an HTML page, invalid XML, something else)."""


@dataclass(frozen=True)
class Entry:
    """One feed item: its stable key, what the feed says about it, and a fingerprint of that."""

    key: str  # the guid/id, else the link, else a hash of title and text
    link: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    content_html: str | None  # the entry's full content or summary, as the feed gives it
    fingerprint: str  # changes when the feed rewrites the entry


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and entries (newest first, each key once)."""

    title: str | None
    entries: list[Entry]
    warning: str | None = None  # set when the XML was broken but entries could be read


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Return whether a fetched body is a feed rather than a page (by type, else by its start)."""
    head = body[:2048]
    if _FEED_START.match(head):
        return True
    if _HTML_START.match(head) or "html" in content_type:
        return False
    return any(kind in content_type for kind in _FEED_TYPES)


def feed_links(body: bytes, base: str) -> list[str]:
    """Return the feeds an HTML page links to (`<link rel=alternate type=…rss+xml>`)."""
    from urllib.parse import urljoin

    links = []
    for tag in _ALTERNATE.findall(body[:200_000]):
        href = _HREF.search(tag)
        if href:
            links.append(urljoin(base, href.group(1).decode("utf-8", "replace")))
    return links


def parse_feed(body: bytes, url: str, content_type: str) -> Feed:
    """Return the feed's entries; raise NotAFeedError for an HTML page or unreadable XML."""
    import feedparser

    if _HTML_START.match(body[:2048]):
        links = feed_links(body, url)
        hint = (f"it links to the feed {links[0]} — follow that" if links
                else "give the feed's own URL, or ingest the page with: assistant ingest URL")
        raise NotAFeedError(f"{url} is an HTML page, not a feed — {hint}")
    # A stream, never bytes: feedparser reads a string that looks like a path or URL from there.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type or "application/xml",
                          "content-location": url},
        sanitize_html=False,  # only text is kept (trafilatura), and no markup is ever shown
        resolve_relative_uris=False,  # links in content are not used; item links still resolve
    )
    broken = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.entries and (broken is not None or not parsed.get("version")):
        why = f"invalid XML: {broken}" if broken is not None else "no RSS, Atom or RDF content"
        raise NotAFeedError(f"{url} is not a readable feed ({why}) — check the URL; if it is a "
                            "page, ingest it with: assistant ingest URL")
    warning = f"the feed's XML is broken ({broken}); read {len(parsed.entries)} entries anyway" \
        if broken is not None and "media type" not in str(broken) else None
    entries: dict[str, Entry] = {}
    for raw in parsed.entries:
        entry = _entry(raw)
        entries.setdefault(entry.key, entry)  # a repeated item counts once (the first)
    ordered = sorted(entries.values(), key=_newest_first)
    return Feed(_text(parsed.feed.get("title")), ordered, warning)


def _entry(raw: Any) -> Entry:
    link = _text(raw.get("link"))
    title = _text(raw.get("title"))
    contents = raw.get("content") or []
    content = max((c.get("value", "") for c in contents), key=len, default="") or \
        raw.get("summary") or None
    # dict.get: feedparser's own get maps a missing `updated` to `published` with a warning.
    date = dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(date), UTC) if date else None
    key = _text(raw.get("id")) or link or _digest(title or "", content or "")
    stamp = _text(dict.get(raw, "updated")) or _text(dict.get(raw, "published")) or ""
    fingerprint = _digest(key, link or "", title or "", stamp, content or "")
    author = _text(raw.get("author"))
    return Entry(key, link, title, author, published, content, fingerprint)


def _newest_first(entry: Entry) -> float:
    return -(entry.published_at.timestamp() if entry.published_at else 0.0)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
