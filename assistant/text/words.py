"""Words of a text as search and answers compare them: stemmed, lower-cased, stop words dropped."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"[\w][\w'’.-]*[\w]|\w", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Return lower-cased, stemmed content words (numbers kept, stop words dropped)."""
    words = [w.strip(".'’-") for w in _WORD.findall(text.lower())]
    words = [w.replace("’", "'") for w in words if w and w not in _stopwords()]
    return list(_stemmer().stemWords(words))


def content_words(text: str) -> set[str]:
    """Return the stemmed content words of a text."""
    return set(tokenize(text))


def overlap(query_words: set[str], text: str) -> float:
    """Return the share of query words that occur in the text (0..1)."""
    if not query_words:
        return 0.0
    return len(query_words & content_words(text)) / len(query_words)
