"""Stage one: gather candidate chunks from Chroma and BM25 for the question and its sub-queries.

Each candidate carries the first-stage features later stages use: its BM25 score for the
question (divided by the best score in the index), its cosine similarity to the question, and
for each sub-query its BM25 score among the sub-query's outlets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.index.filters import Filters
from assistant.retrieve.hints import QueryHints, SubQuery

if TYPE_CHECKING:
    import numpy as np

    from assistant.index import Index
    from assistant.index.bm25 import BM25Index
    from assistant.schema import Chunk


@dataclass
class Pool:
    """Candidate chunks and their first-stage features, one array entry per candidate."""

    chunks: list[Chunk]
    bm25: np.ndarray  # question BM25 / best BM25 score in the index (0..1)
    dense: np.ndarray  # cosine similarity to the question (0 in BM25-only mode)
    sub_bm25: np.ndarray  # (sub-queries, candidates): BM25 of the sub-query / its best score
    sub_member: np.ndarray  # (sub-queries, candidates): bool, from the sub-query's outlets

    @property
    def ids(self) -> list[str]:
        """Return the candidates' chunk ids."""
        return [chunk.id for chunk in self.chunks]


def narrow(filters: Filters, sub: SubQuery) -> Filters | None:
    """Return the user's filters narrowed to a sub-query's outlets, or None if none are left."""
    if not sub.sources:
        return filters
    sources = sub.sources
    if filters.sources:
        wanted = {s.casefold() for s in filters.sources}
        sources = tuple(s for s in sources if s.casefold() in wanted)
        if not sources:
            return None
    return Filters(sources=sources, since=filters.since, until=filters.until)


def gather(
    index: Index,
    question: str,
    hints: QueryHints,
    vectors: np.ndarray | None,
    bm25: BM25Index | None,
    filters: Filters,
    depth: int,
    sub_depth: int,
) -> Pool:
    """Return the union of dense and BM25 candidates for the question and each sub-query.

    Args:
        vectors: unit query vectors, row 0 the question and row i sub-query i; None for BM25 only.
        bm25: the BM25 index; None for dense only.
        depth: candidates taken from each retriever for the question.
        sub_depth: candidates taken from each retriever for each sub-query.
    """
    import numpy as np

    known = list(index.catalog.sources())
    order: dict[str, None] = {}
    dense: dict[str, float] = {}
    if vectors is not None:
        where = filters.to_metadata_filters(known)
        for chunk_id, sim in index.store.query(vectors[0], depth, where):
            dense[chunk_id] = sim
            order[chunk_id] = None
    question_scores = None
    if bm25 is not None:
        question_scores = bm25.scores(question, bm25.mask(filters))
        order.update(dict.fromkeys(_top_ids(bm25, question_scores, depth)))
    sub_scores: list[np.ndarray | None] = []
    for i, sub in enumerate(hints.subqueries, start=1):
        narrowed = narrow(filters, sub)
        scores = None
        if narrowed is not None and bm25 is not None:
            scores = bm25.scores(sub.text, bm25.mask(narrowed))
            order.update(dict.fromkeys(_top_ids(bm25, scores, sub_depth)))
        if narrowed is not None and vectors is not None:
            hits = index.store.query(vectors[i], sub_depth, narrowed.to_metadata_filters(known))
            order.update(dict.fromkeys(chunk_id for chunk_id, _ in hits))
        sub_scores.append(scores)
    found = index.catalog.get_chunks(list(order))
    chunks = [found[cid] for cid in order if cid in found]
    ids = [chunk.id for chunk in chunks]
    dense_values = _dense_for(index, vectors, ids, dense)
    member = np.array(
        [[_from(chunk, sub) for chunk in chunks] for sub in hints.subqueries], dtype=bool
    ).reshape(len(hints.subqueries), len(chunks))
    sub_bm25 = np.array(
        [_pick(bm25, scores, ids) for scores in sub_scores], dtype="float32"
    ).reshape(len(hints.subqueries), len(chunks))
    return Pool(chunks, _pick(bm25, question_scores, ids), dense_values, sub_bm25, member)


def _from(chunk: Chunk, sub: SubQuery) -> bool:
    if not sub.sources:
        return True
    return (chunk.source or "").casefold() in {s.casefold() for s in sub.sources}


def _dense_for(
    index: Index, vectors: np.ndarray | None, ids: list[str], known: dict[str, float]
) -> np.ndarray:
    """Return each candidate's cosine similarity to the question (fetching missing vectors)."""
    import numpy as np

    if vectors is None:
        return np.zeros(len(ids), dtype="float32")
    missing = [cid for cid in ids if cid not in known]
    if missing:
        found, stored = index.store.vectors(missing)
        if len(stored):
            sims = stored @ np.asarray(vectors[0], dtype="float32")
            known = known | dict(zip(found, sims.tolist(), strict=True))
    return np.array([known.get(cid, 0.0) for cid in ids], dtype="float32")


def _top_ids(bm25: BM25Index, scores: np.ndarray, top_k: int) -> list[str]:
    import numpy as np

    top_k = min(top_k, len(scores))
    if top_k == 0:
        return []
    best = np.argpartition(-scores, top_k - 1)[:top_k]
    best = best[np.argsort(-scores[best])]
    return [bm25.ids[i] for i in best if scores[i] > 0]


def _pick(bm25: BM25Index | None, scores: np.ndarray | None, ids: list[str]) -> np.ndarray:
    """Return the candidates' BM25 scores divided by the best score in the index (0..1)."""
    import numpy as np

    if bm25 is None or scores is None or len(scores) == 0:
        return np.zeros(len(ids), dtype="float32")
    top = float(scores.max())
    picked = np.array(
        [scores[bm25.positions[cid]] if cid in bm25.positions else 0.0 for cid in ids],
        dtype="float32",
    )
    return picked / top if top > 0 else picked
