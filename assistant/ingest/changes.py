"""What a run changes: which loaded articles are new, changed, copies, or gone from their files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ingest.load import Skipped

if TYPE_CHECKING:
    from assistant.index.catalog import DocumentRow
    from assistant.schema import Article


def content_hash(article: Article) -> str:
    """Return a hash of everything about an article that ends up in the index."""
    date = article.published_at.isoformat() if article.published_at else ""
    parts = (article.id, article.title, article.source or "", article.author or "", date,
             article.url or "", article.text)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def without_copies(
    todo: list[Article], known: Mapping[str, DocumentRow], skipped: list[Skipped]
) -> list[Article]:
    """Drop articles identical to one indexed (or loaded) from another file: one story, once.

    The same corpus copied to a second folder, or one wire story saved twice, would otherwise
    put every chunk in the index twice and crowd other articles out of the top hits.
    """
    held = {row.content_hash: origin for origin, row in known.items()}
    kept = []
    for article in todo:
        first = held.setdefault(content_hash(article), article.origin)
        if first != article.origin and article.origin not in known:
            path = Path(article.origin.rpartition("#")[0] or article.origin)
            skipped.append(Skipped(path, "identical to an article already indexed"
                                                " from another file"))
        else:
            kept.append(article)
    return kept


def gone_origins(
    known: Iterable[str], articles: list[Article], skipped: list[Skipped]
) -> list[str]:
    """Return the indexed origins whose source is gone: a missing file, or a record missing
    from a JSON Lines/JSON file that this run read again. Origins of unreadable files stay."""
    seen = {a.origin for a in articles} | {absolute_origin(str(s.path)) for s in skipped}
    read_files = {origin.rpartition("#")[0] for origin in seen if "#" in origin}
    gone = []
    for origin in known:
        if origin in seen or is_url(origin):  # web articles have no file to miss
            continue
        path, _, record = origin.rpartition("#") if "#" in origin else (origin, "", "")
        if not Path(path).exists() or (record and path in read_files):
            gone.append(origin)
    return sorted(gone)


def absolute_origin(origin: str) -> str:
    """Return the origin with its file path made absolute, so any working folder agrees."""
    if is_url(origin):
        return origin
    if Path(origin).exists() or "#" not in origin:
        return str(Path(origin).resolve())
    path, sep, record = origin.rpartition("#")
    return str(Path(path).resolve()) + sep + record


def is_url(origin: str) -> bool:
    return origin.startswith(("http://", "https://"))
