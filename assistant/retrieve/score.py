"""Add the stages' features up into one score per candidate, and pick a top k that covers
every sub-query of a multi-hop question (xQuAD-style diversification).

The weights were tuned on aggregate MultiHop-RAG dev metrics (MAP@10, MRR@10), never on single
questions; `benchmarks/retrieval.py` prints what each one adds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

    from assistant.retrieve.candidates import Pool
    from assistant.retrieve.hints import QueryHints
    from assistant.retrieve.rerank import Evidence
    from assistant.text.dates import DateMention

SHARPNESS = 8.0  # how strongly a sub-query prefers its best candidates
CONFIDENCE = 0.7  # how fully its best candidate covers a sub-query (below 1: hedge)


@dataclass(frozen=True)
class Signals:
    """What the features of one search read: its candidates, hints and sentence evidence."""

    pool: Pool
    hints: QueryHints
    evidence: Evidence | None  # None without the second stage (retrieve.rerank off)
    boosts: bool  # retrieve.query_hints: the outlets and dates the question names add
    prior: np.ndarray | None = None  # for sub-queries: the overall score, scaled to 0..1
    days: list[date | None] = field(init=False)

    def __post_init__(self) -> None:
        days = [c.published_at.date() if c.published_at else None for c in self.pool.chunks]
        object.__setattr__(self, "days", days)


Compute = Callable[[Signals, int], "np.ndarray | None"]  # (signals, query row) -> per candidate


@dataclass(frozen=True)
class Feature:
    """One signal added to a candidate's score: its weight beside the function computing it.

    `compute` returns one value per candidate for a query row (0: the question; i: sub-query
    i - 1), or None when the search does not use it (no sentence evidence, no boosts).
    """

    name: str
    scope: Literal["question", "sub-query"]
    compute: Compute
    weight: float
    reason: str


def _similarity(s: Signals, row: int) -> np.ndarray | None:
    return None if s.evidence is None else minmax(s.evidence.similarity[row])


def _proximity(s: Signals, row: int) -> np.ndarray | None:
    return None if s.evidence is None else s.evidence.proximity[row]


def _outlet(s: Signals, row: int) -> np.ndarray | None:
    import numpy as np

    if not s.boosts:
        return None
    named = {source.casefold() for source in s.hints.sources()}
    outlet: np.ndarray = np.array([(c.source or "").casefold() in named for c in s.pool.chunks],
                                  dtype="float32")
    return outlet


def _date(s: Signals, row: int) -> np.ndarray | None:
    import numpy as np

    if not s.boosts:
        return None
    when = np.zeros(len(s.days), dtype="float32")
    for mention in s.hints.dates:
        when = np.maximum(when, window_match(s.days, mention))
    return when


def _sub_bm25(s: Signals, row: int) -> np.ndarray | None:
    scores: np.ndarray = s.pool.sub_bm25[row - 1]
    return scores


def _sub_prior(s: Signals, row: int) -> np.ndarray | None:
    return s.prior


def _sub_date(s: Signals, row: int) -> np.ndarray | None:
    return window_match(s.days, s.hints.subqueries[row - 1].window)


# Added to the fused first stage (which counts 1) in this order; adding a signal is one row.
FEATURES = (
    Feature("similarity", "question", _similarity, 0.8,
            "best sentence's cosine similarity to the question"),
    Feature("proximity", "question", _proximity, 0.15,
            "best sentence's IDF-weighted share of the question's terms"),
    Feature("outlet", "question", _outlet, 0.5,
            "the passage comes from an outlet the question names"),
    Feature("date", "question", _date, 0.6,
            "it was published on a day the question names (half for a month or a span)"),
    Feature("sub_bm25", "sub-query", _sub_bm25, 1.0,
            "the sub-query's BM25 score among its outlets"),
    Feature("sub_prior", "sub-query", _sub_prior, 1.0,
            "the candidate's overall score for the whole question"),
    Feature("sub_date", "sub-query", _sub_date, 0.6,
            "the candidate falls in the sub-query's date window"),
    Feature("sub_similarity", "sub-query", _similarity, 0.5,
            "best sentence's cosine similarity to the sub-query"),
    Feature("sub_proximity", "sub-query", _proximity, 1.0,
            "best sentence's IDF-weighted share of the sub-query's terms"),
)


def add_features(
    base: np.ndarray | None, signals: Signals, scope: str, row: int = 0
) -> np.ndarray:
    """Return base plus weight × value of each feature of the scope the search uses, in order.

    Without a base the first feature starts the sum.
    """
    score = base
    for feature in FEATURES:
        if feature.scope == scope and (value := feature.compute(signals, row)) is not None:
            score = feature.weight * value if score is None else score + feature.weight * value
    if score is None:
        raise ValueError(f"no {scope} feature applies and there is no base score")
    return score


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


def window_match(days: list[date | None], mention: DateMention | None) -> np.ndarray:
    """Return 1 for days in an exact day's window, 0.5 in a month or span, else 0."""
    import numpy as np

    if mention is None:
        return np.zeros(len(days), dtype="float32")
    value = 1.0 if mention.exact else 0.5
    return np.array(
        [value if d is not None and mention.contains(d) else 0.0 for d in days], dtype="float32"
    )


def sub_scores(signals: Signals, overall: np.ndarray) -> np.ndarray:
    """Return (sub-queries, candidates) scores; 0 outside a sub-query's outlets."""
    import numpy as np

    pool, subqueries = signals.pool, signals.hints.subqueries
    with_prior = replace(signals, prior=minmax(overall))
    rows = []
    for i in range(len(subqueries)):
        score = add_features(None, with_prior, "sub-query", i + 1)
        rows.append(np.where(pool.sub_member[i], score, 0.0))
    return np.array(rows, dtype="float32").reshape(len(subqueries), len(pool.chunks))


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
