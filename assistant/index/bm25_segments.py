"""BM25 postings kept as segments, so a run that adds N chunks tokenises and writes only those N.

A segment is an immutable folder `bm25/seg-…` holding the term frequencies (a sparse
term → chunk matrix), the chunk lengths and metadata, and the articles (origin, content hash)
whose chunks it holds. `bm25/manifest.json` lists the live segments, the articles in each that
have since changed or gone (their chunks are dead), and the catalog generation; it is replaced
atomically after the segments it names are written, so a killed refresh leaves the previous
state whole and the next one finds its difference again (`bm25_refresh`). A refresh compares
the catalog's articles with the manifest's by content hash: every addition, change and removal.

Scores are computed at query time with N, document frequencies and the mean chunk length taken
over all live chunks, in the arithmetic and float32 rounding of bm25s's Lucene BM25, so a
segmented index scores exactly like bm25s rebuilt over the same chunks. Adjacent segments are
merged when the newer one grows to half the older (a binary counter: about log2 segments, each
chunk rewritten about log2 times), and a segment that is half dead is rewritten.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.text.words import tokenize

if TYPE_CHECKING:
    import numpy as np

    from assistant.schema import Chunk

MANIFEST = "manifest.json"
SEGMENT_PREFIX = "seg-"
FORMAT = 2
K1, B = 1.5, 0.75  # bm25s's defaults (method and idf "lucene")
EMPTY = "_empty_"  # the token of a chunk with no content words, as the bm25s build had it


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class Segment:
    """One immutable batch of chunks: postings by term, and the articles the chunks belong to."""

    name: str
    terms: list[str]
    indptr: np.ndarray  # term t's postings are docs/tfs[indptr[t]:indptr[t + 1]]
    docs: np.ndarray  # chunk rows (int32), ascending within a term
    tfs: np.ndarray  # term frequencies
    lengths: np.ndarray  # tokens per chunk (int32)
    stamps: np.ndarray  # publication time per chunk (int64, -1 without a date)
    chunk_article: np.ndarray  # article row of each chunk (int32)
    ids: list[str]
    sources: list[str]
    origins: list[str]  # article rows: origin and content hash
    hashes: list[str]
    vocab: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.vocab:
            self.vocab.update((term, i) for i, term in enumerate(self.terms))

    def live(self, dead: frozenset[int]) -> np.ndarray:
        """Return a bool per chunk: False for chunks of dead article rows."""
        import numpy as np

        if not dead:
            return np.ones(len(self.ids), dtype=bool)
        return ~np.isin(self.chunk_article, np.fromiter(dead, dtype="int32"))


@dataclass(frozen=True, eq=False)
class Segments:
    """The segments of one BM25 index with their dead article rows, at a catalog generation."""

    parts: list[tuple[Segment, frozenset[int]]]
    generation: int

    def live_chunks(self) -> int:
        """Return how many chunks are live."""
        return sum(int(seg.live(dead).sum()) for seg, dead in self.parts)


class Postings:
    """Scores over the live chunks of some segments, as one bm25s index over them would give."""

    def __init__(self, segments: Segments) -> None:
        import numpy as np

        self.segments = segments
        parts = segments.parts
        lives = [seg.live(dead) for seg, dead in parts]
        self._lives = lives
        self.ids = [
            i
            for (seg, _), live in zip(parts, lives, strict=True)
            for i, keep in zip(seg.ids, live, strict=True)
            if keep
        ]
        self.sources = [
            s
            for (seg, _), live in zip(parts, lives, strict=True)
            for s, keep in zip(seg.sources, live, strict=True)
            if keep
        ]
        self.stamps = (
            np.concatenate([seg.stamps[live] for (seg, _), live in zip(parts, lives, strict=True)])
            if parts
            else np.zeros(0, dtype="int64")
        )
        self.count = len(self.ids)
        total = sum(
            int(seg.lengths[live].sum()) for (seg, _), live in zip(parts, lives, strict=True)
        )
        average = total / self.count if self.count else 1.0
        # bm25s's k1 * ((1 - b) + b * l_d / l_avg), per chunk, in the same float64 steps
        self._norms = [K1 * ((1 - B) + B * seg.lengths / average) for seg, _ in parts]
        starts = np.cumsum([0] + [int(live.sum()) for live in lives])
        self._at = [start + np.cumsum(live) - 1 for start, live in zip(starts, lives, strict=False)]
        self._terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # term -> (rows, scores)
        self._cached = 0  # postings held in _terms
        self._lock = threading.Lock()

    def df(self, term: str) -> int:
        """Return how many live chunks contain the term."""
        return len(self._term(term)[0])

    def idf(self, term: str) -> float:
        """Return the Lucene idf of a term over the live chunks (0 when none holds it)."""
        return _idf(self.df(term), self.count)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Return one float32 score per live chunk for these query tokens (repeats count)."""
        import numpy as np

        out = np.zeros(self.count, dtype="float32")
        for token in tokens:
            rows, scores = self._term(token)
            np.add.at(out, rows, scores)  # faster than out[rows] += scores in NumPy 2
        return out

    def _term(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the live rows holding a term and its float32 BM25 score in each (cached)."""
        import numpy as np

        with self._lock:
            known = self._terms.get(term)
        if known is not None:
            return known
        rows, tfs, norms = [], [], []
        for i, (seg, dead) in enumerate(self.segments.parts):
            column = seg.vocab.get(term)
            if column is None:
                continue
            docs = seg.docs[seg.indptr[column] : seg.indptr[column + 1]]
            tf = seg.tfs[seg.indptr[column] : seg.indptr[column + 1]]
            if dead:
                keep = self._lives[i][docs]
                docs, tf = docs[keep], tf[keep]
            rows.append(self._at[i][docs])
            tfs.append(tf)
            norms.append(self._norms[i][docs])
        tf = np.concatenate(tfs).astype("float32") if tfs else np.zeros(0, "float32")
        idf = np.float32(_idf(len(tf), self.count))  # bm25s keeps idf in float32
        norm = np.concatenate(norms) if norms else np.zeros(0)
        found = (
            np.concatenate(rows) if rows else np.zeros(0, "int64"),
            (idf * (tf / (norm + tf))).astype("float32"),  # bm25s's steps: float64, then float32
        )
        with self._lock:
            if self._cached > _MAX_CACHED:
                self._terms.clear()
                self._cached = 0
            self._terms[term] = found
            self._cached += len(tf)
        return found


_MAX_CACHED = 20_000_000  # postings whose scores are kept for later queries (~240 MB)


def _idf(df: int, count: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5)) if df else 0.0


def build_segment(
    pairs: Sequence[tuple[str, Chunk]], articles: Sequence[tuple[str, str]], name: str
) -> Segment:
    """Return a segment of these (origin, chunk) pairs, in order, and their articles."""
    import numpy as np

    row_of = {origin: row for row, (origin, _) in enumerate(articles)}
    words: list[str] = []
    lengths: list[int] = []
    for _, chunk in pairs:
        tokens = tokenize(chunk.indexed_text()) or [EMPTY]
        words.extend(tokens)
        lengths.append(len(tokens))
    vocab = {term: i for i, term in enumerate(dict.fromkeys(words))}  # first-seen order
    flat = list(map(vocab.__getitem__, words))
    n = max(len(pairs), 1)
    doc_of = np.repeat(np.arange(len(pairs), dtype="int64"), lengths)
    keys, tfs = np.unique(np.asarray(flat, dtype="int64") * n + doc_of, return_counts=True)
    terms, docs = np.divmod(keys, n)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=len(vocab)))])
    return Segment(
        name=name,
        terms=list(vocab),
        indptr=indptr.astype("int64"),
        docs=docs.astype("int32"),
        tfs=_narrow(tfs),
        lengths=np.asarray(lengths, "int32"),
        stamps=np.asarray(
            [int(c.published_at.timestamp()) if c.published_at else -1 for _, c in pairs],
            dtype="int64",
        ),
        chunk_article=np.asarray([row_of[o] for o, _ in pairs], dtype="int32"),
        ids=[c.id for _, c in pairs],
        sources=[c.source or "" for _, c in pairs],
        origins=[o for o, _ in articles],
        hashes=[h for _, h in articles],
    )


def merge_segments(parts: Sequence[tuple[Segment, frozenset[int]]], name: str) -> Segment:
    """Return one segment with the live chunks and articles of these, in their order."""
    import numpy as np

    vocab: dict[str, int] = {}
    terms_out, docs_out, tfs_out = [], [], []
    ids: list[str] = []
    sources: list[str] = []
    origins: list[str] = []
    hashes: list[str] = []
    lengths, stamps, chunk_article = [], [], []
    for seg, dead in parts:
        live = seg.live(dead)
        new_doc = np.cumsum(live) - 1 + len(ids)
        articles = [r for r in range(len(seg.origins)) if r not in dead]
        new_article = np.full(len(seg.origins), -1, dtype="int64")
        new_article[articles] = np.arange(len(articles)) + len(origins)
        column = np.asarray([vocab.setdefault(t, len(vocab)) for t in seg.terms], "int64")
        term = np.repeat(column, np.diff(seg.indptr))
        keep = live[seg.docs]
        terms_out.append(term[keep])
        docs_out.append(new_doc[seg.docs[keep]])
        tfs_out.append(seg.tfs[keep].astype("int64"))
        ids += [i for i, k in zip(seg.ids, live, strict=True) if k]
        sources += [s for s, k in zip(seg.sources, live, strict=True) if k]
        origins += [seg.origins[r] for r in articles]
        hashes += [seg.hashes[r] for r in articles]
        lengths.append(seg.lengths[live])
        stamps.append(seg.stamps[live])
        chunk_article.append(new_article[seg.chunk_article[live]])
    term, doc, tf = (
        np.concatenate(a) if a else np.zeros(0, "int64") for a in (terms_out, docs_out, tfs_out)
    )
    order = np.lexsort((doc, term))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(term, minlength=len(vocab)))])
    return Segment(
        name=name,
        terms=list(vocab),
        indptr=indptr.astype("int64"),
        docs=doc[order].astype("int32"),
        tfs=_narrow(tf[order]),
        lengths=_cat(lengths, "int32"),
        stamps=_cat(stamps, "int64"),
        chunk_article=_cat(chunk_article, "int32"),
        ids=ids,
        sources=sources,
        origins=origins,
        hashes=hashes,
    )


def compact(
    parts: list[tuple[Segment, frozenset[int]]], generation: int
) -> list[tuple[Segment, frozenset[int]]]:
    """Return the parts with half-dead segments rewritten and the newest merged as they grow."""
    out: list[tuple[Segment, frozenset[int]]] = []
    for seg, dead in parts:
        live = int(seg.live(dead).sum())
        if dead and (live * 2 < len(seg.ids) or (not seg.ids and dead)):
            seg, dead = merge_segments([(seg, dead)], segment_name(generation)), frozenset()
        out.append((seg, dead))
        while len(out) >= 2 and _size(out[-2]) < 2 * _size(out[-1]):
            merged = merge_segments(out[-2:], segment_name(generation))
            out[-2:] = [(merged, frozenset())]
    return [(seg, dead) for seg, dead in out if seg.ids or seg.origins]


def segment_name(generation: int) -> str:
    """Return a fresh, never reused segment folder name."""
    return f"{SEGMENT_PREFIX}{generation:09d}-{secrets.token_hex(4)}"


def _size(part: tuple[Segment, frozenset[int]]) -> int:
    seg, dead = part
    return int(seg.live(dead).sum())


def _narrow(tfs: np.ndarray) -> np.ndarray:
    """Return term frequencies as uint16 when they fit (they do for chunks of any sane size)."""
    return tfs.astype("uint16" if len(tfs) == 0 or int(tfs.max()) < 2**16 else "int32")


def _cat(arrays: list[np.ndarray], dtype: str) -> np.ndarray:
    import numpy as np

    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)
