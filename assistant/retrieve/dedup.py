"""Collapse exact and near-duplicate passages (one wire story in several outlets, boilerplate).

Two passages are duplicates when their word 5-gram sets overlap by at least a threshold
(Jaccard). The better-ranked one survives and lists the others' outlets in `Hit.also_in`.
"""

from __future__ import annotations

import re
from dataclasses import replace

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
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def collapse_duplicates(hits: list[Hit], threshold: float = 0.6) -> list[Hit]:
    """Return hits with near-duplicates merged into the best-ranked copy, order kept."""
    kept: list[tuple[Hit, frozenset[str]]] = []
    for hit in hits:
        grams = shingles(hit.chunk.text)
        twin = next(
            (i for i, (_, other) in enumerate(kept) if jaccard(grams, other) >= threshold), None
        )
        if twin is None:
            kept.append((hit, grams))
            continue
        survivor, survivor_grams = kept[twin]
        kept[twin] = (_merge(survivor, hit), survivor_grams)
    return [hit for hit, _ in kept]


def _merge(survivor: Hit, duplicate: Hit) -> Hit:
    """Return the survivor with the duplicate's outlets added to also_in (no repeats)."""
    outlets = list(survivor.also_in)
    for outlet in (duplicate.chunk.source, *duplicate.also_in):
        if outlet and outlet != survivor.chunk.source and outlet not in outlets:
            outlets.append(outlet)
    return replace(survivor, also_in=tuple(outlets))
