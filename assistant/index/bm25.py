"""A BM25 index (stemmed, stop words removed) over the same chunk texts as Chroma.

It is derived from the catalog and saved beside it with the catalog generation it reflects, as
segments (`bm25_segments`): ingest refreshes it after every change by tokenising only the
articles added or changed since, and a stale one is brought up to date on first search.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.bm25_refresh import load_segments, refresh_segments
from assistant.index.bm25_segments import Postings
from assistant.index.files import folder_names
from assistant.index.lock import saving
from assistant.text.words import tokenize

if TYPE_CHECKING:
    import numpy as np

    from assistant.index.catalog import Catalog
    from assistant.index.filters import Filters

BM25_DIR = "bm25"
DERIVED_FILES = folder_names(BM25_DIR)  # rebuilt from the catalog: an index's deletion takes them


class BM25Index:
    """BM25 scores over chunk ids, in the catalog's order."""

    def __init__(self, postings: Postings, generation: int) -> None:
        import numpy as np

        self.postings = postings
        self.ids = postings.ids
        self.generation = generation
        self.positions = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        self.sources = np.array([s.casefold() for s in postings.sources], dtype=object)
        self.stamps = postings.stamps  # -1 when the article has no date

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Return a 0/1 weight per chunk for these filters, or None when nothing is filtered."""
        import numpy as np

        if filters.is_empty():
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if filters.sources:
            keep &= np.isin(self.sources, [s.casefold() for s in filters.sources])
        low, high = filters.since_ts(), filters.until_ts()
        if low is not None:
            keep &= self.stamps >= low
        if high is not None:
            keep &= (self.stamps <= high) & (self.stamps >= 0)
        return keep.astype("float32")

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """Return one BM25 score per chunk (0 where masked out)."""
        import numpy as np

        tokens = [t for t in tokenize(query) if self.postings.df(t)]
        if not tokens or not self.ids:
            return np.zeros(len(self.ids), dtype="float32")
        scores = self.postings.scores(tokens)
        return scores * mask if mask is not None else scores

    def idf(self, term: str) -> float:
        """Return the term's inverse document frequency in the index (0 for unknown terms)."""
        return self.postings.idf(term)

    def search(
        self, query: str, top_k: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Return (chunk id, score) pairs with a positive score, best first."""
        import numpy as np

        scores = self.scores(query, mask)
        if len(scores) == 0:
            return []
        top_k = min(top_k, len(scores))
        best = np.argpartition(-scores, top_k - 1)[:top_k]
        best = best[np.argsort(-scores[best])]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]


def build_bm25(catalog: Catalog, index_dir: Path, save: bool = True) -> BM25Index:
    """Bring BM25 up to the catalog (only changed articles are tokenised) and save it when asked."""
    segments = refresh_segments(catalog, Path(index_dir) / BM25_DIR, save)
    return BM25Index(Postings(segments), segments.generation)


def _load(target: Path) -> BM25Index | None:
    segments = load_segments(target)
    return None if segments is None else BM25Index(Postings(segments), segments.generation)


def get_bm25(catalog: Catalog, index_dir: Path) -> BM25Index:
    """Return the BM25 index matching the catalog's current generation, loading or rebuilding.

    The loaded one is kept with the rest of its folder in the registry of open things.
    """
    from assistant.index.registry import held_part

    generation = catalog.generation()
    with held_part(Path(index_dir), BM25_DIR) as part:
        cached: BM25Index | None = part.value
        if cached is None or cached.generation != generation:
            cached = _load(Path(index_dir) / BM25_DIR)
            if cached is None or cached.generation != generation:
                with saving(Path(index_dir)) as may_save:  # a writer elsewhere saves its own
                    cached = build_bm25(catalog, Path(index_dir), save=may_save)
            part.value = cached
        return cached
