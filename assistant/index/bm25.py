"""A BM25 index (bm25s, stemmed, stop words removed) over the same chunk texts as Chroma.

It is derived from the catalog and saved beside it with the catalog generation it reflects;
ingest refreshes it after every change, and a stale one is rebuilt on first search.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.files import folder_names, fresh_sibling, swap_in
from assistant.index.lock import saving
from assistant.text.words import tokenize

if TYPE_CHECKING:
    import numpy as np

    from assistant.index.catalog import Catalog
    from assistant.index.filters import Filters

BM25_DIR = "bm25"
DERIVED_FILES = folder_names(BM25_DIR)  # rebuilt from the catalog: an index's deletion takes them


class BM25Index:
    """bm25s scores over chunk ids, in the catalog's order."""

    def __init__(
        self, model: Any, ids: list[str], generation: int, sources: list[str], stamps: list[int]
    ) -> None:
        import numpy as np

        self.model = model
        self.ids = ids
        self.generation = generation
        self.positions = {chunk_id: i for i, chunk_id in enumerate(ids)}
        self.sources = np.array([s.casefold() for s in sources], dtype=object)
        self.stamps = np.array(stamps, dtype="int64")  # -1 when the article has no date
        self._df: np.ndarray | None = None

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

        tokens = [t for t in tokenize(query) if t in self.model.vocab_dict]
        if not tokens or not self.ids:
            return np.zeros(len(self.ids), dtype="float32")
        scores: np.ndarray = self.model.get_scores(tokens)
        return scores * mask if mask is not None else scores

    def idf(self, term: str) -> float:
        """Return the term's inverse document frequency in the index (0 for unknown terms)."""
        if self._df is None:
            import numpy as np

            self._df = np.diff(np.asarray(self.model.scores["indptr"])) if self.ids else None
        position = self.model.vocab_dict.get(term) if self.ids else None
        if position is None or self._df is None or position >= len(self._df):
            return 0.0
        df = float(self._df[position])
        return math.log(1 + (len(self.ids) - df + 0.5) / (df + 0.5))

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
    """Index every catalog chunk and save it under index_dir/bm25 (replaced atomically)."""
    import bm25s

    generation = catalog.generation()
    ids: list[str] = []
    sources: list[str] = []
    stamps: list[int] = []
    corpus: list[list[str]] = []
    for chunk in catalog.iter_chunks():
        ids.append(chunk.id)
        sources.append(chunk.source or "")
        stamps.append(int(chunk.published_at.timestamp()) if chunk.published_at else -1)
        corpus.append(tokenize(chunk.indexed_text()) or ["_empty_"])
    model = bm25s.BM25()
    if corpus:
        model.index(corpus, show_progress=False)
    index = BM25Index(model, ids, generation, sources, stamps)
    if save:
        _save(index, index_dir / BM25_DIR)
    return index


def _save(index: BM25Index, target: Path) -> None:
    tmp = fresh_sibling(target)
    if index.ids:
        index.model.save(str(tmp))
    meta = {
        "generation": index.generation,
        "ids": index.ids,
        "sources": [str(s) for s in index.sources],
        "stamps": index.stamps.tolist(),
    }
    (tmp / "ids.json").write_text(json.dumps(meta))
    swap_in(tmp, target)


def _load(target: Path) -> BM25Index | None:
    import bm25s

    try:
        meta = json.loads((target / "ids.json").read_text())
        model = bm25s.BM25.load(str(target)) if meta["ids"] else bm25s.BM25()
    except (OSError, ValueError, KeyError):
        return None
    return BM25Index(
        model,
        list(meta["ids"]),
        int(meta["generation"]),
        list(meta["sources"]),
        list(meta["stamps"]),
    )


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
