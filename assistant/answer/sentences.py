"""Sentences of passages (see assistant.text) and the words they share with a question."""

from __future__ import annotations

from assistant.retrieve.bm25 import tokenize
from assistant.text import Sentence, split_sentences

__all__ = ["Sentence", "content_words", "overlap", "split_sentences"]


def content_words(text: str) -> set[str]:
    """Return the stemmed content words of a text."""
    return set(tokenize(text))


def overlap(query_words: set[str], text: str) -> float:
    """Return the share of query words that occur in the text (0..1)."""
    if not query_words:
        return 0.0
    return len(query_words & content_words(text)) / len(query_words)
