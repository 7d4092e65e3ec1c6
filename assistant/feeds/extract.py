"""Turn a fetched article page (or a feed entry's own content) into an `Article`, with trafilatura.

The article's id and origin are its canonical URL, so one story fetched twice, or reached
through two feeds, is one article, and a changed page replaces its chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from assistant.ingest.header import parse_date
from assistant.schema import Article

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.IGNORECASE)
_MIN_TEXT = 40  # characters: less than this is no article
_CANONICAL = re.compile(r"<link\b[^>]*\brel=[\"']?canonical\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)
_DATES = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": True}


@dataclass(frozen=True)
class Hints:
    """What a feed says about an entry, used where the page itself is silent."""

    title: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None


def canonical_url(found: str | None, fetched_url: str) -> str:
    """Return the page's canonical URL (else the fetched one), without fragment or tracking."""
    url = urljoin(fetched_url, found) if found else fetched_url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        parts = urlsplit(fetched_url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))


def extract_article(html: bytes | str, url: str, hints: Hints | None = None) -> Article | None:
    """Return the page's main text and metadata as an Article, or None when it holds no article."""
    import trafilatura

    hints = hints or Hints()
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        deduplicate=False, date_extraction_params=_DATES,
    )
    if doc is None or isinstance(doc, dict) or len((doc.text or "").strip()) < _MIN_TEXT:
        return None
    title = _clean(doc.title) or hints.title or _host(url)
    text = paragraphs(doc.text or "", title)
    canonical = canonical_url(doc.url if doc.url != url else _canonical_link(html), url)
    return Article(
        id=canonical,
        title=title,
        text=text,
        source=_clean(doc.sitename) or hints.source or _host(canonical),
        author=_clean(doc.author) or hints.author,
        published_at=_date(parse_date(doc.date), hints.published_at),
        url=canonical,
        origin=canonical,
    )


def article_from_content(content_html: str, url: str, hints: Hints) -> Article | None:
    """Return the article a feed entry carries in full, or None when its text is too short."""
    import trafilatura

    wrapped = f"<html><body><article>{content_html}</article></body></html>"
    text = trafilatura.extract(wrapped, include_comments=False, deduplicate=False,
                               fast=True) or trafilatura.html2txt(wrapped)
    if len((text or "").strip()) < _MIN_TEXT:
        return None
    title = hints.title or _host(url)
    return Article(
        id=url, title=title, text=paragraphs(text or "", title), source=hints.source or _host(url),
        author=hints.author, published_at=hints.published_at, url=url, origin=url,
    )


def text_length(content_html: str) -> int:
    """Return about how many characters of text an HTML fragment holds."""
    return len(" ".join(re.sub(r"<[^>]*>", " ", content_html).split()))


def paragraphs(text: str, title: str) -> str:
    """Return extracted text as blank-line-separated paragraphs, without a leading title line."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines and lines[0].casefold() == title.casefold() and len(lines) > 1:
        lines = lines[1:]
    return "\n\n".join(lines)


def _canonical_link(html: bytes | str) -> str | None:
    """Return a relative `<link rel=canonical>` href, which trafilatura leaves out."""
    head = html[:100_000] if isinstance(html, str) else html[:100_000].decode("utf-8", "replace")
    tag = _CANONICAL.search(head)
    href = _HREF.search(tag.group(0)) if tag else None
    return href.group(1) if href else None


def _date(page: datetime | None, feed: datetime | None) -> datetime | None:
    """Return the page's publication date; the feed's when the page gives only that day."""
    if page is None or (feed is not None and feed.date() == page.date()):
        return feed
    return page


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
