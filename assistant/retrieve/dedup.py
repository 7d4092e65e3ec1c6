"""Collapse exact and near-duplicate passages (one wire story in several outlets, boilerplate).

Two passages are duplicates when their word 5-gram sets overlap by at least a threshold
(Jaccard). The better-ranked one survives and lists the others' outlets in `Hit.also_in`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from assistant.schema import Hit

_WORD = re.compile(r"\w+")
_N = 5


def shingles(text: str, n: int = _N) -> frozenset[str]:
    """Return the set of lower-cased word n-grams of a text (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= n:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Return |a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    common = len(a & b) if a and b else 0
    union = len(a) + len(b) - common
    return common / union if union else 0.0


def _similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    # |a ∩ b| ≤ min(|a|, |b|), so sets of very different sizes cannot reach the threshold
    if min(len(a), len(b)) < threshold * max(len(a), len(b)):
        return False
    return jaccard(a, b) >= threshold


def collapse_duplicates(hits: list[Hit], threshold: float = 0.6) -> list[Hit]:
    """Return hits with near-duplicates merged into the best-ranked copy, order kept."""
    kept: list[tuple[Hit, frozenset[str]]] = []
    for hit in hits:
        grams = _shingles_of(hit.chunk.id, hit.chunk.text)
        twin = next(
            (i for i, (_, other) in enumerate(kept) if _similar(grams, other, threshold)), None
        )
        if twin is None:
            kept.append((hit, grams))
            continue
        survivor, survivor_grams = kept[twin]
        kept[twin] = (_merge(survivor, hit), survivor_grams)
    return [hit for hit, _ in kept]


@lru_cache(maxsize=500)  # ~80 KB each for a 1,024-token chunk
def _shingles_of(chunk_id: str, text: str) -> frozenset[str]:
    return shingles(text)


def _merge(survivor: Hit, duplicate: Hit) -> Hit:
    """Return the survivor with the duplicate's outlets added to also_in (no repeats)."""
    outlets = list(survivor.also_in)
    for outlet in (duplicate.chunk.source, *duplicate.also_in):
        if outlet and outlet != survivor.chunk.source and outlet not in outlets:
            outlets.append(outlet)
    return replace(survivor, also_in=tuple(outlets))
