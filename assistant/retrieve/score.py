"""Add the stages' features up into one score per candidate, and pick a top k that covers
every sub-query of a multi-hop question (xQuAD-style diversification).

The weights were tuned on aggregate MultiHop-RAG dev metrics (MAP@10, MRR@10), never on single
questions; `benchmarks/retrieval.py` prints what each one adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from assistant.retrieve.candidates import Pool
    from assistant.retrieve.dates import DateMention
    from assistant.retrieve.hints import QueryHints
    from assistant.retrieve.rerank import Evidence


@dataclass(frozen=True)
class Weights:
    """How much each feature adds to a candidate's score (the fused first stage counts 1)."""

    similarity: float = 0.8  # best sentence's cosine similarity to the question
    proximity: float = 0.15  # best sentence's weighted share of the question's terms
    outlet: float = 0.5  # the passage comes from an outlet the question names
    date: float = 0.6  # ... and was published on a day it names (half for a month or a span)
    sub_bm25: float = 1.0  # for a sub-query: its BM25 score among its outlets
    sub_similarity: float = 0.5  # its best sentence similarity
    sub_proximity: float = 1.0  # its best sentence proximity
    sub_prior: float = 1.0  # the candidate's overall score
    sub_date: float = 0.6  # the candidate falls in the sub-query's date window
    sharpness: float = 8.0  # how strongly a sub-query prefers its best candidates
    confidence: float = 0.7  # how fully its best candidate covers a sub-query (below 1: hedge)


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to 0..1 over the candidates (all equal: all 1), so features of other units mix."""
    import numpy as np

    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-9:
        ones: np.ndarray = np.ones_like(values)
        return ones
    scaled: np.ndarray = (values - low) / (high - low)
    return scaled


def fused_score(pool: Pool, mode: str, dense_weight: float) -> np.ndarray:
    """Return the first-stage score: min-max normalised dense and BM25, weighted."""
    if mode == "dense":
        return minmax(pool.dense)
    if mode == "bm25":
        return minmax(pool.bm25)
    return dense_weight * minmax(pool.dense) + (1 - dense_weight) * minmax(pool.bm25)


def rerank_score(base: np.ndarray, evidence: Evidence, weights: Weights) -> np.ndarray:
    """Return the score with the question's sentence-level evidence added."""
    scored: np.ndarray = base + weights.similarity * minmax(evidence.similarity[0])
    scored = scored + weights.proximity * evidence.proximity[0]
    return scored


def hint_score(base: np.ndarray, pool: Pool, hints: QueryHints, weights: Weights) -> np.ndarray:
    """Return the score with boosts for the outlets and publication dates the question names."""
    import numpy as np

    named = {s.casefold() for s in hints.sources()}
    outlet = np.array([(c.source or "").casefold() in named for c in pool.chunks], dtype="float32")
    days = [c.published_at.date() if c.published_at else None for c in pool.chunks]
    when = np.zeros(len(days), dtype="float32")
    for mention in hints.dates:
        when = np.maximum(when, window_match(days, mention))
    return base + weights.outlet * outlet + weights.date * when


def window_match(days: list[date | None], mention: DateMention | None) -> np.ndarray:
    """Return 1 for days in an exact day's window, 0.5 in a month or span, else 0."""
    import numpy as np

    if mention is None:
        return np.zeros(len(days), dtype="float32")
    value = 1.0 if mention.exact else 0.5
    return np.array(
        [value if d is not None and mention.contains(d) else 0.0 for d in days], dtype="float32"
    )


def sub_scores(
    pool: Pool, hints: QueryHints, overall: np.ndarray, evidence: Evidence | None, weights: Weights
) -> np.ndarray:
    """Return (sub-queries, candidates) scores; 0 outside a sub-query's outlets."""
    import numpy as np

    days = [c.published_at.date() if c.published_at else None for c in pool.chunks]
    prior = minmax(overall)
    rows = []
    for i, sub in enumerate(hints.subqueries):
        score = weights.sub_bm25 * pool.sub_bm25[i] + weights.sub_prior * prior
        score = score + weights.sub_date * window_match(days, sub.window)
        if evidence is not None:
            score = score + weights.sub_similarity * minmax(evidence.similarity[i + 1])
            score = score + weights.sub_proximity * evidence.proximity[i + 1]
        rows.append(np.where(pool.sub_member[i], score, 0.0))
    return np.array(rows, dtype="float32").reshape(len(hints.subqueries), len(pool.chunks))


def select_covering(
    overall: np.ndarray,
    subs: np.ndarray,
    k: int,
    coverage: float,
    sharpness: float,
    confidence: float = 1.0,
) -> list[int]:
    """Return k candidate positions, greedily trading score against covering every sub-query.

    Each step takes the candidate maximising (1 - coverage) * score + coverage * Σ_s P(c|s) ·
    Π_{taken t} (1 - P(t|s)), where P(c|s) is the sub-query's normalised score raised to
    `sharpness`: once a sub-query has a good passage, its other candidates stop counting.
    """
    import numpy as np

    base = minmax(overall)
    top = subs.max(axis=1, keepdims=True) if subs.size else np.zeros((0, 1))
    probs = confidence * np.clip(subs / np.where(top > 0, top, 1.0), 0.0, 1.0) ** sharpness
    uncovered = np.ones(len(probs))
    free = np.ones(len(base), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(k, len(base))):
        gain = (probs * uncovered[:, None]).sum(axis=0) if len(probs) else 0.0
        value = np.where(free, (1 - coverage) * base + coverage * gain, -np.inf)
        best = int(np.argmax(value))
        chosen.append(best)
        free[best] = False
        if len(probs):
            uncovered = uncovered * (1 - probs[:, best])
    return chosen
