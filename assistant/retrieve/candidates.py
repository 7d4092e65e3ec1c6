"""Stage one: gather candidate chunks from Chroma and BM25 for the question and its aspects.

Every candidate gets the first-stage features the reranker and the fusion use: its BM25 score
for the question (and for each aspect it may answer) and its dense similarity to the question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.retrieve.filters import Filters
from assistant.retrieve.hints import Aspect, QueryHints

if TYPE_CHECKING:
    import numpy as np

    from assistant.config import RetrieveSettings
    from assistant.index import Index
    from assistant.retrieve.bm25 import BM25Index


@dataclass
class Pool:
    """Candidate chunk ids with one value per candidate for each first-stage feature."""

    ids: list[str]
    features: dict[str, np.ndarray]
    aspect_features: list[dict[str, np.ndarray]] = field(default_factory=list)
    aspect_members: list[np.ndarray] = field(default_factory=list)  # bool: in the aspect's outlets


def aspect_query(question: str, aspect: Aspect) -> str:
    """Return the text searched for one aspect: its own words weigh double, the question once."""
    return f"{aspect.text} {question}" if aspect.text else question


def aspect_filters(filters: Filters, aspect: Aspect) -> Filters | None:
    """Return the user's filters narrowed to an aspect's outlets, or None if they exclude them."""
    sources = aspect.sources
    if filters.sources:
        wanted = {s.casefold() for s in filters.sources}
        sources = tuple(s for s in sources if s.casefold() in wanted)
        if not sources:
            return None
    return Filters(sources=sources, since=filters.since, until=filters.until)


def gather(index: Index, question: str, hints: QueryHints, vectors: np.ndarray | None,
           bm25: BM25Index | None, filters: Filters, settings: RetrieveSettings) -> Pool:
    """Return the union of dense and BM25 candidates for the question and each aspect.

    Args:
        vectors: query vectors (row 0 the question, row i aspect i), None in BM25-only mode.
        bm25: the BM25 index, None in dense-only mode.
    """
    import numpy as np

    depth, aspect_depth = settings.candidates, settings.aspect_candidates
    known = list(index.catalog.sources())
    dense: dict[str, float] = {}
    order: dict[str, None] = {}
    sparse_scores: Any = None
    if vectors is not None:
        for chunk_id, sim in index.store.query(vectors[0], depth, filters.to_metadata_filters(known)):
            dense[chunk_id] = sim
            order[chunk_id] = None
    if bm25 is not None:
        sparse_scores = bm25.scores(question, bm25.mask(filters))
        order.update(dict.fromkeys(_top_ids(bm25, sparse_scores, depth)))
    aspect_scores = []
    for i, aspect in enumerate(hints.aspects, start=1):
        narrowed = aspect_filters(filters, aspect)
        if narrowed is None:
            aspect_scores.append(None)
            continue
        if vectors is not None:
            where = narrowed.to_metadata_filters(known)
            order.update(dict.fromkeys(cid for cid, _ in index.store.query(vectors[i], aspect_depth,
                                                                            where)))
        if bm25 is not None:
            scores = bm25.scores(aspect_query(question, aspect), bm25.mask(narrowed))
            order.update(dict.fromkeys(_top_ids(bm25, scores, aspect_depth)))
            aspect_scores.append(scores)
        else:
            aspect_scores.append(None)
    ids = list(order)
    features = {"dense": np.array([dense.get(cid, np.nan) for cid in ids], dtype="float32")}
    features["bm25"] = _pick(bm25, sparse_scores, ids)
    pool = Pool(ids, features)
    for aspect, scores in zip(hints.aspects, aspect_scores, strict=True):
        pool.aspect_features.append({"bm25": _pick(bm25, scores, ids)})
        pool.aspect_members.append(np.zeros(len(ids), dtype=bool) if scores is None and bm25
                                   is not None else _members(index, ids, aspect))
    return pool


def _top_ids(bm25: BM25Index, scores: np.ndarray, top_k: int) -> list[str]:
    import numpy as np

    if len(scores) == 0:
        return []
    top_k = min(top_k, len(scores))
    best = np.argpartition(-scores, top_k - 1)[:top_k]
    best = best[np.argsort(-scores[best])]
    return [bm25.ids[i] for i in best if scores[i] > 0]


def _pick(bm25: BM25Index | None, scores: np.ndarray | None, ids: list[str]) -> np.ndarray:
    """Return the candidates' BM25 scores divided by the best score in the index (0..1)."""
    import numpy as np

    if bm25 is None or scores is None or len(scores) == 0:
        return np.zeros(len(ids), dtype="float32")
    top = float(scores.max())
    picked = np.array([scores[bm25.positions[cid]] if cid in bm25.positions else 0.0
                       for cid in ids], dtype="float32")
    return picked / top if top > 0 else picked


def _members(index: Index, ids: list[str], aspect: Aspect) -> np.ndarray:
    """Return which candidates come from the aspect's outlets."""
    import numpy as np

    chunks = index.catalog.get_chunks(ids)
    wanted = {s.casefold() for s in aspect.sources}
    return np.array([cid in chunks and (chunks[cid].source or "").casefold() in wanted
                     for cid in ids], dtype=bool)
