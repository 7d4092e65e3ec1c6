"""Read an indexed article back: its metadata and the text that citations' offsets point into."""

from __future__ import annotations

from assistant.config import Settings
from assistant.errors import InputError
from assistant.index import open_index
from assistant.schema import Article


def article(article_id: str, settings: Settings | None = None) -> Article:
    """Return the indexed article with this id (`Citation.article_id`).

    Its `text` is the article body as indexed — after the title/byline header a file may have —
    so for every citation of it `article.text[c.start:c.end] == c.quote`.

    Raises:
        InputError: no indexed article has this id.
    """
    index = open_index(settings or Settings())
    chunks = index.catalog.article_text_span(article_id)
    if not chunks:
        raise InputError(
            f"no indexed article has id {article_id!r} — ids are in Citation.article_id, "
            "and `assistant info --documents` lists the indexed articles"
        )
    text = [" "] * max(c.end for c in chunks)  # passages cover the body; gaps are whitespace
    for chunk in chunks:
        text[chunk.start : chunk.end] = chunk.text
    first = chunks[0]
    origin = next((row.origin for row in index.catalog.documents().values()
                   if row.article_id == article_id), "")
    return Article(id=article_id, title=first.title, text="".join(text), source=first.source,
                   author=first.author, published_at=first.published_at, url=first.url,
                   origin=origin)
