"""Stage two without a cross-encoder: sentence-level evidence for each candidate.

Two signals, both per sentence so that a passage is judged by its best sentence rather than by
its average: the cosine similarity of the query to each sentence vector (stored at ingest), and
*proximity*, the IDF-weighted share of the query's terms that occur together in one sentence.
Both are computed for the question and for each of its sub-queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.index.sentence_index import EmbedFn, SentenceIndex
from assistant.text.sentences import sentence_texts
from assistant.text.words import tokenize

if TYPE_CHECKING:
    import numpy as np

    from assistant.index.bm25 import BM25Index
    from assistant.schema import Chunk


@dataclass
class Evidence:
    """Sentence-level features: one row for the question, then one per sub-query."""

    similarity: np.ndarray  # (1 + sub-queries, candidates): best sentence cosine similarity
    proximity: np.ndarray  # (1 + sub-queries, candidates): best sentence's weighted term share


def sentence_evidence(
    chunks: Sequence[Chunk],
    queries: Sequence[str],
    vectors: np.ndarray | None,
    sentences: SentenceIndex | None,
    bm25: BM25Index | None,
    embed: EmbedFn | None,
) -> Evidence:
    """Return the best-sentence similarity and proximity of each query for each chunk.

    Args:
        queries: the question, then each sub-query's text.
        vectors: their unit vectors (same order); None skips similarity.
        sentences: stored sentence vectors; chunks it lacks are embedded with `embed`.
    """
    import numpy as np

    shape = (len(queries), len(chunks))
    similarity = np.zeros(shape, dtype="float32")
    if vectors is not None and sentences is not None and embed is not None:
        per_chunk = sentences.chunk_vectors(chunks, embed)
        query_vectors = np.asarray(vectors, dtype="float32")
        for j, rows in enumerate(per_chunk):
            if len(rows):
                similarity[:, j] = (query_vectors @ rows.T).max(axis=1)
    proximity = _proximity(chunks, queries, bm25) if bm25 is not None else np.zeros(shape)
    return Evidence(similarity, proximity.astype("float32"))


def _proximity(chunks: Sequence[Chunk], queries: Sequence[str], bm25: BM25Index) -> np.ndarray:
    """Return, per query and chunk, the best sentence's IDF-weighted share of the query terms."""
    import numpy as np

    out = np.zeros((len(queries), len(chunks)), dtype="float64")
    weighted = [_weights(query, bm25) for query in queries]
    vocab = list(dict.fromkeys(term for weights in weighted for term in weights))
    if not vocab or not chunks:
        return out
    # (queries, vocab): each query's term weights as a share of its total (0 for other terms)
    share = np.zeros((len(queries), len(vocab)), dtype="float64")
    for i, weights in enumerate(weighted):
        total = sum(weights.values())
        if total:
            for v, term in enumerate(vocab):
                share[i, v] = weights.get(term, 0.0) / total
    for j, chunk in enumerate(chunks):
        count, where = _sentence_terms(chunk)
        if count:
            present = np.zeros((count, len(vocab)), dtype="float64")
            for v, term in enumerate(vocab):
                rows = where.get(term)
                if rows:
                    present[rows, v] = 1.0
            out[:, j] = (present @ share.T).max(axis=0)
    return out


def _weights(query: str, bm25: BM25Index) -> dict[str, float]:
    """Return the query's distinct terms with their IDF in the index."""
    return {term: bm25.idf(term) for term in dict.fromkeys(tokenize(query))}


def _sentence_terms(chunk: Chunk) -> tuple[int, dict[str, list[int]]]:
    """Return the chunk's sentence count and, per stemmed term, the sentences holding it."""
    return _term_map(chunk.id, chunk.text)


@lru_cache(maxsize=2_000)  # ~40 KB each for a 1,024-token chunk
def _term_map(chunk_id: str, text: str) -> tuple[int, dict[str, list[int]]]:
    sentences = sentence_texts(text)
    where: dict[str, list[int]] = {}
    for row, sentence in enumerate(sentences):
        for term in set(tokenize(sentence)):
            where.setdefault(term, []).append(row)
    return len(sentences), where
