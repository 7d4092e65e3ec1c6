"""Find the passages that answer a question: dense, BM25 or hybrid search, then collapse dupes."""

from __future__ import annotations

import time
from datetime import date

from assistant.config import Settings
from assistant.embed import get_embedder
from assistant.index import Index, open_index_for_search
from assistant.retrieve.bm25 import get_bm25
from assistant.retrieve.filters import Filters
from assistant.retrieve.fuse import fuse_weighted
from assistant.schema import Hit

__all__ = ["Filters", "search"]


def search(
    question: str,
    settings: Settings | None = None,
    *,
    k: int | None = None,
    filters: Filters | None = None,
    today: date | None = None,
    timings: dict[str, float] | None = None,
) -> list[Hit]:
    """Return the k best passages for the question, best first."""
    settings = settings or Settings()
    index = open_index_for_search(settings)
    filters = filters or Filters()
    k = k or settings.retrieve.k
    clock = timings if timings is not None else {}
    started = time.perf_counter()
    scored = _candidates(index, question, settings, filters)
    chunks = index.catalog.get_chunks([chunk_id for chunk_id, _ in scored])
    hits = [Hit(chunks[cid], score) for cid, score in scored if cid in chunks]
    clock["retrieve"] = (time.perf_counter() - started) * 1000
    return hits[:k]


def _candidates(
    index: Index, question: str, settings: Settings, filters: Filters
) -> list[tuple[str, float]]:
    mode, depth = settings.retrieve.mode, settings.retrieve.candidates
    dense: list[tuple[str, float]] = []
    sparse: list[tuple[str, float]] = []
    if mode in ("dense", "hybrid"):
        vector = get_embedder(settings.ingest).embed_array([question])[0]
        where = filters.to_metadata_filters(list(index.catalog.sources()))
        dense = index.store.query(vector, depth, where)
    if mode in ("bm25", "hybrid"):
        bm25 = get_bm25(index.catalog, index.directory)
        sparse = bm25.search(question, depth, bm25.mask(filters))
    if mode == "dense":
        return dense
    if mode == "bm25":
        return sparse
    return fuse_weighted(dense, sparse, settings.retrieve.dense_weight)
