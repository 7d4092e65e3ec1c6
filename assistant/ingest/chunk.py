"""Split an article into sentence-aware chunks that keep their offsets in the article text."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.schema import Article, Chunk

if TYPE_CHECKING:
    from llama_index.core.node_parser import SentenceSplitter


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int) -> SentenceSplitter:
    from llama_index.core.node_parser import SentenceSplitter

    overlap = min(chunk_overlap, chunk_size // 2)
    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=overlap)


def chunk_id(article_id: str, start: int, end: int, text: str) -> str:
    """Return the stable id of a chunk: a hash of its article, offsets and content."""
    digest = hashlib.sha256(f"{article_id}\x00{start}\x00{end}\x00{text}".encode())
    return digest.hexdigest()[:32]


def chunk_article(
    article: Article, chunk_size: int = 1024, chunk_overlap: int = 128
) -> list[Chunk]:
    """Return the article's chunks in reading order; chunk.text == article.text[start:end]."""
    pieces = _splitter(chunk_size, chunk_overlap).split_text(article.text)
    chunks: list[Chunk] = []
    cursor = 0
    for piece in pieces:
        start, end = _locate(article.text, piece, cursor)
        if start < 0:
            continue
        cursor = start + 1
        text = article.text[start:end]
        chunks.append(
            Chunk(
                id=chunk_id(f"{article.origin}\x00{article.id}", start, end, text),
                article_id=article.id,
                text=text,
                start=start,
                end=end,
                title=article.title,
                source=article.source,
                author=article.author,
                published_at=article.published_at,
                url=article.url,
            )
        )
    return chunks


def _locate(text: str, piece: str, cursor: int) -> tuple[int, int]:
    """Find a splitter piece in the text at or after cursor; the splitter may alter whitespace."""
    start = text.find(piece, cursor)
    if start < 0:
        start = text.find(piece)
    if start >= 0:
        return start, start + len(piece)
    # The splitter joins sentences with single spaces: match on the first and last words.
    words = piece.split()
    if not words:
        return -1, -1
    start = text.find(words[0], cursor)
    tail = text.find(words[-1], max(start, 0) + len(piece) // 2)
    if start < 0 or tail < 0:
        return -1, -1
    return start, tail + len(words[-1])
