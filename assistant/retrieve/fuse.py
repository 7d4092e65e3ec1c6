"""Merge ranked candidate lists from several retrievers into one ranking."""

from __future__ import annotations

from collections import defaultdict


def fuse_rrf(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    """Merge ranked chunk-id lists by reciprocal rank, best first."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] += 1 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def normalize_scores(scored: list[tuple[str, float]]) -> dict[str, float]:
    """Scale scores to 0..1 by the list's max (0 stays 0), so lists of other units mix."""
    if not scored:
        return {}
    top = max(score for _, score in scored)
    low = min(score for _, score in scored)
    span = top - low
    if span <= 1e-9:
        return {chunk_id: 1.0 for chunk_id, _ in scored}
    return {chunk_id: (score - low) / span for chunk_id, score in scored}


def fuse_weighted(
    dense: list[tuple[str, float]], sparse: list[tuple[str, float]], dense_weight: float
) -> list[tuple[str, float]]:
    """Merge dense and BM25 candidates by a weighted sum of min-max normalised scores."""
    dense_norm, sparse_norm = normalize_scores(dense), normalize_scores(sparse)
    ids = dict.fromkeys([chunk_id for chunk_id, _ in dense] + [chunk_id for chunk_id, _ in sparse])
    fused = {
        chunk_id: dense_weight * dense_norm.get(chunk_id, 0.0)
        + (1 - dense_weight) * sparse_norm.get(chunk_id, 0.0)
        for chunk_id in ids
    }
    return sorted(fused.items(), key=lambda item: item[1], reverse=True)
