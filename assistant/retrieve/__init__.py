"""Find the passages that answer a question, best first.

1. Read the question: outlets and dates it names, and its sub-queries (`hints`).
2. Gather candidates from Chroma and BM25 for the question and each sub-query (`candidates`).
3. Fuse the normalised dense and BM25 scores (`score.fused_score`).
4. Rerank by sentence-level evidence (`rerank`), boost named outlets and dates, and optionally
   rescore the best candidates with a user's cross-encoder (`cross`).
5. Pick a top k that covers every sub-query (`score.select_covering`) and merge near-duplicate
   passages (`dedup`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.index import Index, open_index_for_search
from assistant.index.filters import Filters
from assistant.retrieve.candidates import Pool, gather
from assistant.retrieve.dedup import collapse_duplicates
from assistant.retrieve.hints import QueryHints, read_hints
from assistant.retrieve.rerank import sentence_evidence
from assistant.retrieve.score import (
    CONFIDENCE,
    SHARPNESS,
    Signals,
    add_features,
    fused_score,
    minmax,
    select_covering,
    sub_scores,
)
from assistant.schema import Hit

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Filters", "search"]


def search(
    question: str,
    settings: Settings | None = None,
    *,
    k: int | None = None,
    filters: Filters | None = None,
    today: date | None = None,
    timings: dict[str, float] | None = None,
    index: Index | None = None,
) -> list[Hit]:
    """Return the k best passages for the question, best first.

    Args:
        today: the date relative phrases ("last week") count from; None ignores them.
        timings: filled with milliseconds per stage (`embed`, `candidates`, `rerank`,
            `select`, and `retrieve` for the whole search).
        index: the index the caller already opened (`open_index_for_search`), else opened here.
    """
    index = index or open_index_for_search(settings or Settings())
    settings = index.settings  # with the embedding backend the index was built with
    r = settings.retrieve
    filters = filters or Filters()
    k = k or r.k
    clock = timings if timings is not None else {}
    started = time.perf_counter()
    hints = _hints(index, question, today, settings)
    texts = [question] + [sub.text for sub in hints.subqueries]
    vectors = None
    if r.mode != "bm25" or r.rerank:
        vectors = index.embedder().embed_array(texts)
    bm25 = index.bm25() if r.mode != "dense" or r.rerank else None
    _lap(clock, "embed", started)
    pool = gather(
        index,
        question,
        hints,
        vectors if r.mode != "bm25" else None,
        bm25 if r.mode != "dense" else None,
        filters,
        r.candidates,
        r.sub_candidates,
    )
    overall = fused_score(pool, r.mode, r.dense_weight)
    _lap(clock, "candidates", started)
    evidence = None
    if r.rerank:
        evidence = sentence_evidence(
            pool.chunks,
            texts,
            vectors,
            index.sentences(),
            bm25,
            index.embedder().embed_array,
        )
    signals = Signals(pool, hints, evidence, boosts=r.query_hints)
    overall = add_features(overall, signals, "question")
    if r.cross_encoder is not None:
        overall = _cross_rerank(question, pool, overall, settings)
    _lap(clock, "rerank", started)
    hits = _select(signals, overall, k, settings)
    _lap(clock, "select", started)
    clock["retrieve"] = (time.perf_counter() - started) * 1000
    return hits[:k]


def _lap(clock: dict[str, float], stage: str, started: float) -> None:
    """Record a stage's milliseconds: the time since the previous stages ended."""
    done = sum(v for key, v in clock.items() if key in _STAGES and key != stage)
    clock[stage] = (time.perf_counter() - started) * 1000 - done


_STAGES = ("embed", "candidates", "rerank", "select")


def _hints(index: Index, question: str, today: date | None, settings: Settings) -> QueryHints:
    """Return what the question says about outlets, dates and sub-queries (as settings allow)."""
    r = settings.retrieve
    if not (r.query_hints or r.multi_hop):
        return QueryHints()
    newest = index.catalog.date_range()[1]
    year = int(newest[:4]) if newest else None
    hints = read_hints(question, tuple(index.catalog.sources()), today, year)
    return hints if r.multi_hop else replace(hints, subqueries=())


def _cross_rerank(question: str, pool: Pool, overall: np.ndarray, settings: Settings) -> np.ndarray:
    """Return scores where the best candidates are reordered by the user's cross-encoder."""
    import numpy as np

    from assistant.retrieve.cross import cross_encoder_scores

    r = settings.retrieve
    assert r.cross_encoder is not None
    best = np.argsort(-overall)[: r.cross_encoder_depth]
    scores = cross_encoder_scores(r.cross_encoder, question, [pool.chunks[i] for i in best])
    rescored = overall.copy()
    # The rescored candidates stay above the rest, in the cross-encoder's order.
    rescored[best] = float(overall.max()) + minmax(scores)
    return rescored


def _select(signals: Signals, overall: np.ndarray, k: int, settings: Settings) -> list[Hit]:
    """Return the candidates in final order: covering sub-queries, duplicates merged."""
    import numpy as np

    r = settings.retrieve
    pool = signals.pool
    want = min(len(pool.chunks), 2 * k + 10)  # spare hits for the ones dedup merges away
    if r.multi_hop and signals.hints.subqueries and r.coverage > 0:
        subs = sub_scores(signals, overall)
        order = select_covering(overall, subs, want, r.coverage, SHARPNESS, CONFIDENCE)
    else:
        order = [int(i) for i in np.argsort(-overall, kind="stable")[:want]]
    hits = [Hit(pool.chunks[i], float(overall[i])) for i in order]
    return collapse_duplicates(hits, r.dedup_threshold) if r.dedup else hits
