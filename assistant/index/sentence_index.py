"""Sentence vectors of every chunk, embedded once at ingest so reranking is one matrix product.

Rows are keyed by a hash of the sentence text, so overlapping chunks and re-chunked articles
share them and an update embeds only sentences it has not seen before. Chunk ids are content
hashes, so a file written at an older catalog generation is still right for every chunk it
lists; chunks it lacks are embedded at search time (and kept in memory) instead.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.files import folder_names, fresh_sibling, swap_in
from assistant.text.sentences import sentence_texts

if TYPE_CHECKING:
    import numpy as np

    from assistant.config import IngestSettings
    from assistant.index.catalog import Catalog
    from assistant.schema import Chunk

SENTENCES_DIR = "sentences"
# Only a killed save's leftovers go with a deleted index: the vectors are keyed by sentence text
# and embedder, not by the catalog, so a rebuild reuses them instead of embedding every sentence.
DERIVED_FILES = folder_names(SENTENCES_DIR)[1:]
EmbedFn = Callable[[list[str]], Any]  # texts -> float32 array of unit vectors, one row each
EmbedBatches = Callable[[list[list[str]]], Iterator[Any]]  # lists of texts -> one array per list


def sentence_key(sentence: str) -> str:
    """Return the key a sentence's vector is stored under (a hash of its text)."""
    return hashlib.blake2b(sentence.encode(), digest_size=10).hexdigest()


class SentenceIndex:
    """Unit vectors of sentences, and which rows make up each chunk (in reading order)."""

    def __init__(
        self,
        vectors: np.ndarray,
        keys: list[str],
        chunks: dict[str, list[int]],
        generation: int,
        model: str = "",
    ) -> None:
        self.vectors = vectors
        self.keys = keys
        self.chunks = chunks
        self.generation = generation
        self.model = model  # embedder identity: vectors of another model are never mixed in
        self._extra: dict[str, np.ndarray] = {}  # chunks embedded at search time
        self._rows: dict[str, int] | None = None  # sentence key -> row, built on first use
        self._lock = threading.Lock()

    def chunk_vectors(self, chunks: Sequence[Chunk], embed: EmbedFn) -> list[np.ndarray]:
        """Return each chunk's sentence vectors (float32, one row per sentence; maybe 0 rows)."""
        import numpy as np

        missing = [c for c in chunks if c.id not in self.chunks and c.id not in self._extra]
        if missing:
            self._embed_missing(missing, embed)
        out: list[np.ndarray] = []
        for chunk in chunks:
            rows = self.chunks.get(chunk.id)
            if rows is not None:
                out.append(self.vectors[rows].astype("float32"))
            else:
                out.append(self._extra.get(chunk.id, np.zeros((0, self.dim()), "float32")))
        return out

    def encoder(self, embed: EmbedFn) -> EmbedFn:
        """Return `embed` that takes the stored vector of every sentence this index holds.

        Sentences are found by their text, so the vectors are exactly those the second stage
        ranked with; only texts the index lacks (the question, short sentences) are embedded.
        `embed` must be the model the index was built with.
        """
        import numpy as np

        def encode(texts: list[str]) -> np.ndarray:
            row_of = self._row_of()
            rows = [row_of.get(sentence_key(text)) for text in texts]
            missing = [text for text, row in zip(texts, rows, strict=True) if row is None]
            fresh = np.asarray(embed(missing), dtype="float32") if missing else None
            dim = fresh.shape[1] if fresh is not None else self.dim()
            out = np.empty((len(texts), dim), dtype="float32")
            taken = [(i, row) for i, row in enumerate(rows) if row is not None]
            if taken:
                at, stored = zip(*taken, strict=True)
                out[list(at)] = self.vectors[list(stored)]
            if fresh is not None:
                out[[i for i, row in enumerate(rows) if row is None]] = fresh
            return out

        return encode

    def _row_of(self) -> dict[str, int]:
        with self._lock:
            if self._rows is None:
                self._rows = {key: row for row, key in enumerate(self.keys)}
            return self._rows

    def dim(self) -> int:
        """Return the vector size (384 when the index is empty)."""
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 and len(self.vectors) else 384

    def _embed_missing(self, chunks: Sequence[Chunk], embed: EmbedFn) -> None:
        import numpy as np

        texts = [sentence_texts(c.text) for c in chunks]
        flat = [s for sentences in texts for s in sentences]
        vectors = np.asarray(embed(flat), dtype="float32") if flat else np.zeros((0, self.dim()))
        with self._lock:
            offset = 0
            for chunk, sentences in zip(chunks, texts, strict=True):
                self._extra[chunk.id] = vectors[offset : offset + len(sentences)]
                offset += len(sentences)


def update_sentence_index(
    catalog: Catalog, index_dir: Path, embed: EmbedFn, model: str = "", batch: int = 4096,
    progress: bool = False, embed_batches: EmbedBatches | None = None,
) -> SentenceIndex:
    """Embed the sentences the saved index lacks, drop unused rows, save, and return it.

    Only chunks the saved index does not list are split into sentences (chunk ids are content
    hashes, so a listed chunk's sentences are the ones stored); the others keep their rows.
    `embed_batches`, when given, encodes all the batches of `batch` sentences (in order)
    instead of calling `embed` on each in turn, e.g. spread over a Ray cluster.
    """
    old = load_sentence_index(index_dir)
    if old is not None and old.model != model:
        old = None  # another embedder's vectors cannot be reused
    current = catalog.all_chunk_ids()
    chunks = {} if old is None else {c: r for c, r in old.chunks.items() if c in current}
    slots = {} if old is None else dict(old._row_of())
    fresh: list[tuple[int, str]] = []  # (slot, sentence) still to embed
    for chunk in catalog.ordered_chunks(current - chunks.keys()):
        rows = chunks[chunk.id] = []
        for sentence in sentence_texts(chunk.text):
            key = sentence_key(sentence)
            if key not in slots:
                slots[key] = len(slots)
                fresh.append((slots[key], sentence))
            rows.append(slots[key])
    vectors = _embed_fresh(old, slots, fresh, embed, batch, progress, embed_batches)
    keys, chunks, vectors = _drop_unused(list(slots), chunks, vectors)
    index = SentenceIndex(vectors, keys, chunks, catalog.generation(), model)
    save_sentence_index(index, index_dir)
    return index


def _embed_fresh(
    old: SentenceIndex | None, slots: dict[str, int], fresh: list[tuple[int, str]],
    embed: EmbedFn, batch: int, progress: bool, embed_batches: EmbedBatches | None,
) -> np.ndarray:
    """Return one float16 row per slot: the old rows kept, the fresh sentences embedded."""
    import numpy as np
    from tqdm import tqdm

    dim = old.dim() if old is not None else None
    vectors: np.ndarray | None = None
    bar = tqdm(total=len(fresh), unit="sentence", desc="sentences", disable=not progress
               or not fresh)
    parts = [fresh[offset : offset + batch] for offset in range(0, max(len(fresh), 1), batch)]
    texts = [[s for _, s in part] for part in parts if part]
    encoded = embed_batches(texts) if embed_batches else (embed(t) for t in texts)
    for part in parts:
        embedded = np.asarray(next(encoded), dtype="float16") if part else None
        if vectors is None:
            dim = embedded.shape[1] if embedded is not None else (dim or 384)
            vectors = np.zeros((len(slots), dim), dtype="float16")
            if old is not None and len(old.keys):
                vectors[: len(old.keys)] = old.vectors
        if embedded is not None:
            vectors[[slot for slot, _ in part]] = embedded
        bar.update(len(part))
    bar.close()
    assert vectors is not None
    return vectors


def _drop_unused(
    keys: list[str], chunks: dict[str, list[int]], vectors: np.ndarray
) -> tuple[list[str], dict[str, list[int]], np.ndarray]:
    """Return keys, chunk rows and vectors without the rows no chunk uses any more."""
    import numpy as np

    used = np.zeros(len(keys), dtype=bool)
    used[np.fromiter((r for rows in chunks.values() for r in rows), dtype="int64")] = True
    if used.all():
        return keys, chunks, vectors
    renumber = np.cumsum(used) - 1
    kept = [key for key, use in zip(keys, used, strict=True) if use]
    rows = {c: renumber[r].tolist() for c, r in chunks.items()}
    return kept, rows, vectors[used]


def embedder_id(ingest: IngestSettings) -> str:
    """Return the identity of the vectors these settings make (exact backends agree)."""
    from assistant.embed import EXACT_BACKENDS

    kind = "exact" if ingest.embed_backend in EXACT_BACKENDS else ingest.embed_backend
    return f"{ingest.embed_model}|{kind}"


def refresh_sentence_index(
    catalog: Catalog, index_dir: Path, ingest: IngestSettings, progress: bool = False,
    embed_batches: EmbedBatches | None = None,
) -> None:
    """Bring the saved sentence vectors up to the catalog's generation (ingest calls this)."""
    saved = load_sentence_index(index_dir)
    model = embedder_id(ingest)
    if (
        saved is not None
        and (saved.generation, saved.model) == (catalog.generation(), model)
        and saved.chunks.keys() == catalog.all_chunk_ids()  # a rebuild may reach the same count
    ):
        return
    from assistant.index.registry import drop_part, get_embedder

    update_sentence_index(catalog, index_dir, get_embedder(ingest).embed_array, model,
                          progress=progress, embed_batches=embed_batches)
    drop_part(Path(index_dir), SENTENCES_DIR)


def save_sentence_index(index: SentenceIndex, index_dir: Path) -> None:
    """Write the sentence vectors into the index folder, replacing the old ones at once."""
    import numpy as np

    target = Path(index_dir) / SENTENCES_DIR
    tmp = fresh_sibling(target)
    np.save(tmp / "vectors.npy", index.vectors)
    meta = {
        "generation": index.generation,
        "model": index.model,
        "keys": index.keys,
        "chunks": index.chunks,
    }
    (tmp / "index.json").write_text(json.dumps(meta))
    swap_in(tmp, target)


def load_sentence_index(index_dir: Path) -> SentenceIndex | None:
    """Return the saved sentence index, or None when there is none (or it is unreadable)."""
    import numpy as np

    target = Path(index_dir) / SENTENCES_DIR
    try:
        meta = json.loads((target / "index.json").read_text())
        vectors = np.load(target / "vectors.npy")
    except (OSError, ValueError, KeyError):
        return None
    chunks = dict(meta["chunks"])
    return SentenceIndex(
        vectors, list(meta["keys"]), chunks, int(meta["generation"]), str(meta.get("model", ""))
    )


def get_sentence_index(index_dir: Path, model: str) -> SentenceIndex:
    """Return the process-wide sentence index of this folder for this embedder.

    Without a saved index (or with one from another embedder) it starts empty and fills
    in memory as searches embed the sentences of their candidates. The loaded one is kept
    with the rest of its folder in the registry of open things.
    """
    import numpy as np

    from assistant.index.registry import held_part

    stamp = _stamp(Path(index_dir) / SENTENCES_DIR / "index.json")
    with held_part(Path(index_dir), SENTENCES_DIR) as part:
        cached: tuple[float, SentenceIndex] | None = part.value
        if cached is None or cached[0] != stamp or cached[1].model != model:
            loaded = load_sentence_index(Path(index_dir))
            if loaded is None or loaded.model != model:
                loaded = SentenceIndex(np.zeros((0, 384), "float16"), [], {}, -1, model)
            cached = (stamp, loaded)
            part.value = cached
        return cached[1]


def _stamp(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0
