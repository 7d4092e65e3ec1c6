"""Build or update the index: load → chunk → embed → store, one committed batch at a time.

A background thread chunks the next articles while the main thread encodes the current batch
(the model releases the GIL). Each batch holds a few hundred chunks, so the encoder can sort
them by length; a text seen earlier in the run is not encoded twice. Vectors are upserted
before the catalog commits their batch (one transaction per batch), and a run marks the index
dirty until it ends, so a killed run leaves only vectors the next run sweeps away.
"""

from __future__ import annotations

import hashlib
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import IngestSettings, Settings
from assistant.embed import ArrayEmbedder, vectors_kind
from assistant.index import (
    Index,
    adopt_index_settings,
    check_manifest,
    delete_index,
    open_index,
)
from assistant.index.bm25 import BM25_DIR, build_bm25
from assistant.index.lock import writing
from assistant.index.registry import get_embedder
from assistant.index.sentence_index import refresh_sentence_index
from assistant.ingest.changes import (
    absolute_origin,
    content_hash,
    gone_origins,
    without_copies,
)
from assistant.ingest.chunk import chunk_article
from assistant.ingest.load import Skipped, iter_articles
from assistant.schema import Article, Chunk

if TYPE_CHECKING:
    import numpy as np

ProgressCallback = Callable[[int, int], None]  # (articles done, articles total)
Chunked = list[tuple[Article, list[Chunk]]]  # articles with their chunks, one encode batch
# Articles → their encode batches with one vector per chunk, in article order.
ChunkEncoder = Callable[[list[Article], IngestSettings, "IngestReport"],
                        Iterator[tuple[Chunked, "np.ndarray"]]]
# Lists of texts → one float32 array per list, in order (the sentence vectors' batches).
EmbedBatches = Callable[[list[list[str]]], Iterator["np.ndarray"]]
POOL_CHUNKS = 256  # chunks per encode batch: enough to sort by length, few enough to commit often
_MAX_REUSED = 100_000  # vectors kept for repeated texts; beyond this the memo starts over


@dataclass
class IngestReport:
    """What one ingest run did."""

    articles_added: int = 0
    articles_replaced: int = 0
    articles_unchanged: int = 0
    articles_removed: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_reused: int = 0  # chunks whose text was encoded earlier in the run
    skipped: list[Skipped] = field(default_factory=list)
    removed_origins: list[str] = field(default_factory=list)
    seconds: float = 0.0
    encode_seconds: float = 0.0

    def summary(self) -> str:
        """Return the one-line summary the CLI prints."""
        ingested = self.articles_added + self.articles_replaced
        line = (
            f"ingested {ingested} articles, {self.chunks_added} chunks"
            f" ({self.articles_unchanged} unchanged, {self.articles_replaced} replaced,"
            f" {self.articles_removed} removed); skipped {len(self.skipped)}"
        )
        if self.skipped:
            reasons = sorted({s.reason for s in self.skipped})
            line += ": " + "; ".join(reasons[:5]) + ("; …" if len(reasons) > 5 else "")
        return line


def build_index(
    paths: Iterable[Path],
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: bool | ProgressCallback = False,
    encode: ChunkEncoder | None = None,
    embed_batches: Callable[[IngestSettings], EmbedBatches] | None = None,
) -> IngestReport:
    """Ingest files and folders into the index; unchanged articles cost nothing.

    With prune, articles whose source files no longer exist are removed too (and records
    gone from a JSON Lines file that was read again); articles elsewhere are kept.
    One process writes at a time: another writer gets IndexBusyError at once.
    `encode` and `embed_batches` replace the in-process encoder (assistant.ingest.distributed
    passes Ray's); whatever encodes, this process stores and commits in the same order.
    """
    started = time.perf_counter()
    settings = settings or Settings()
    with writing(Path(settings.index_dir)):
        if rebuild:
            delete_index(settings)
        index = open_index(settings, create=True)
        settings = adopt_index_settings(index)
        index = replace(index, settings=settings)
        check_manifest(index)
        check_vectors(index)
        report = IngestReport()
        articles = _load(list(paths), settings, report)
        _index_loaded(index, articles, report, progress, prune, encode or encode_locally,
                      embed_batches(settings.ingest) if embed_batches else None)
    report.seconds = time.perf_counter() - started
    return report


def index_articles(articles: list[Article], settings: Settings | None = None, *,
                   progress: bool | ProgressCallback = False) -> IngestReport:
    """Index articles made elsewhere (web pages, feed entries) exactly as loaded files are:
    an origin whose content is unchanged costs nothing, a changed one replaces its chunks."""
    started = time.perf_counter()
    settings = settings or Settings()
    with writing(Path(settings.index_dir)):
        index = open_index(settings, create=True)
        index = replace(index, settings=adopt_index_settings(index))
        check_manifest(index)
        check_vectors(index)
        report = IngestReport()
        unique = list({a.origin: a for a in articles}.values())  # one article per origin
        _index_loaded(index, unique, report, progress, prune=False)
    report.seconds = time.perf_counter() - started
    return report


def _index_loaded(index: Index, articles: list[Article], report: IngestReport,
                  progress: bool | ProgressCallback, prune: bool,
                  encode: ChunkEncoder | None = None,
                  embed_batches: EmbedBatches | None = None) -> None:
    """Store the new and changed articles (holding the write lock), then refresh BM25 etc."""
    known = index.catalog.documents()
    todo = [a for a in articles if known.get(a.origin) is None
            or known[a.origin].content_hash != content_hash(a)]
    report.articles_unchanged = len(articles) - len(todo)
    todo = without_copies(todo, known, report.skipped)
    _sweep_if_interrupted(index)
    index.catalog.set_meta({"dirty": "1"})
    _ingest(index, todo, known, report, progress, encode or encode_locally)
    if prune:
        _remove(index, gone_origins(known, articles, report.skipped), report)
    _refresh_derived(index, report, progress is True, embed_batches=embed_batches)
    index.catalog.set_meta({"dirty": "0"})


def remove_documents(origins: list[str], settings: Settings | None = None,
                     progress: bool = False) -> IngestReport:
    """Remove documents by origin (a file path, or a path prefix) from the index."""
    settings = settings or Settings()
    with writing(Path(settings.index_dir)):
        index = open_index(settings)
        settings = adopt_index_settings(index)
        index = replace(index, settings=settings)
        known = index.catalog.documents()
        wanted = [absolute_origin(origin) for origin in origins]
        matches = [o for o in known if any(o == p or o.startswith(p.rstrip("/") + "/")
                                           or o.startswith(p + "#") for p in wanted)]
        report = IngestReport()
        _remove(index, matches, report)
        _refresh_derived(index, report, progress, force=True)
    return report


def _refresh_derived(index: Index, report: IngestReport, show: bool, force: bool = False,
                     embed_batches: EmbedBatches | None = None) -> None:
    """Bring BM25 and the sentence vectors up to the catalog, saying so when show is set."""
    changed = force or report.chunks_added or report.chunks_removed
    if changed or not (index.directory / BM25_DIR).exists():
        chunks = index.catalog.counts()[1]
        with _stage(show, f"BM25 keyword index: {chunks:,} chunks"):
            _refresh_bm25(index)
    if index.settings.retrieve.rerank:  # the second stage's sentence vectors (about half the work)
        with _stage(show, "sentence vectors for reranking"):
            refresh_sentence_index(index.catalog, index.directory, index.settings.ingest,
                                   progress=show, embed_batches=embed_batches)


@contextmanager
def _stage(show: bool, what: str) -> Iterator[None]:
    """Print what a step after the article bar does and how long it took, when show is set."""
    started = time.perf_counter()
    if show:
        print(f"{what} …", file=sys.stderr, flush=True)
    yield
    if show:
        print(f"{what}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr,
              flush=True)


def check_vectors(index: Index) -> None:
    """Record which vectors the index holds (`adopt_index_settings` made the settings match)."""
    backend = index.settings.ingest.embed_backend
    index.catalog.set_meta({"embed_vectors": vectors_kind(backend), "embed_backend": backend})


def _load(paths: list[Path], settings: Settings, report: IngestReport) -> list[Article]:
    articles: list[Article] = []
    for item in iter_articles(paths, max_file_mb=settings.ingest.max_file_mb):
        if isinstance(item, Skipped):
            print(f"warning: skipped {item.path}: {item.reason}", file=sys.stderr)
            report.skipped.append(item)
        else:
            articles.append(replace(item, origin=absolute_origin(item.origin)))
    return articles


def _ingest(index: Index, todo: list[Article], known: dict[str, Any], report: IngestReport,
            progress: bool | ProgressCallback, encode: ChunkEncoder) -> None:
    from tqdm import tqdm

    if not todo:
        return
    bar = tqdm(total=len(todo), unit="article", desc="ingest", disable=progress is not True
               or not sys.stderr.isatty())
    done = 0
    for batch, vectors in encode(todo, index.settings.ingest, report):
        chunks = [c for _, cs in batch for c in cs]
        index.store.upsert(chunks, vectors)
        _commit(index, batch, known, report)
        done += len(batch)
        bar.update(len(batch))
        if callable(progress):
            progress(done, len(todo))
    bar.close()


def encode_locally(todo: list[Article], ingest: IngestSettings,
                   report: IngestReport) -> Iterator[tuple[Chunked, np.ndarray]]:
    """Yield encode batches with their vectors, chunked by a thread and encoded here."""
    embedder = get_embedder(ingest)
    memo: dict[bytes, Any] = {}
    for batch in iter_chunked(todo, ingest):
        chunks = [c for _, cs in batch for c in cs]
        started = time.perf_counter()
        vectors = embed_unique(embedder, chunks, memo, report)
        report.encode_seconds += time.perf_counter() - started
        yield batch, vectors


def embed_unique(embedder: ArrayEmbedder, chunks: list[Chunk], memo: dict[bytes, Any],
                 report: IngestReport | None = None) -> np.ndarray:
    """Return one vector per chunk, encoding each distinct indexed text once per run."""
    import numpy as np

    texts = [chunk.indexed_text() for chunk in chunks]
    keys = [hashlib.blake2b(text.encode(), digest_size=16).digest() for text in texts]
    fresh = {key: text for key, text in zip(keys, texts, strict=True) if key not in memo}
    if len(memo) + len(fresh) > _MAX_REUSED:
        memo.clear()
        fresh = dict(zip(keys, texts, strict=True))
    if fresh:
        memo.update(zip(fresh, embedder.embed_array(list(fresh.values())), strict=True))
    if report is not None:
        report.chunks_reused += len(keys) - len(fresh)
    if not keys:
        return np.zeros((0, embedder.dimension()), dtype="float32")
    return np.stack([memo[key] for key in keys])


def iter_chunked(articles: list[Article], ingest: IngestSettings) -> Iterator[Chunked]:
    """Yield articles with their chunks, about POOL_CHUNKS at a time, chunked by a thread."""
    out: queue.Queue[object] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in _group(articles, ingest):
                if not _put(out, batch, stop):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            _put(out, exc, stop)
            return
        _put(out, None, stop)

    thread = threading.Thread(target=produce, name="ingest-chunker", daemon=True)
    thread.start()
    try:
        while (item := out.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _group(articles: list[Article], ingest: IngestSettings) -> Iterator[Chunked]:
    pairs = ((a, chunk_article(a, ingest.chunk_size, ingest.chunk_overlap)) for a in articles)
    return group_chunked(pairs)


def group_chunked(pairs: Iterable[tuple[Article, list[Chunk]]]) -> Iterator[Chunked]:
    """Yield articles with their chunks in encode batches of about POOL_CHUNKS chunks."""
    batch: Chunked = []
    size = 0
    for article, chunks in pairs:
        batch.append((article, chunks))
        size += len(chunks)
        if size >= POOL_CHUNKS or len(batch) >= 64:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _put(out: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _commit(index: Index, batch: Chunked, known: dict[str, Any], report: IngestReport) -> None:
    """Commit a batch whose vectors are stored, in one catalog transaction, then drop the
    vectors of chunks the batch's articles no longer have (a crash between leaves orphans
    that the next run sweeps)."""
    old_ids = {a.origin: set(index.catalog.chunk_ids_of([a.origin])) for a, _ in batch}
    index.catalog.replace_documents([(a, content_hash(a), cs) for a, cs in batch])
    held = set(index.catalog.chunk_ids_of(list(old_ids)))  # an origin twice: the last one won
    stored = set().union(*old_ids.values(), (c.id for _, cs in batch for c in cs))
    index.store.delete(sorted(stored - held))
    for article, chunks in batch:
        before = old_ids[article.origin]
        if article.origin in known:
            report.articles_replaced += 1
        else:
            report.articles_added += 1
        report.chunks_added += len({c.id for c in chunks} - before)
        report.chunks_removed += len(before - {c.id for c in chunks})


def _remove(index: Index, origins: list[str], report: IngestReport) -> None:
    if not origins:
        return
    report.removed_origins.extend(origins)
    ids = index.catalog.chunk_ids_of(origins)
    index.catalog.remove_documents(origins)
    index.store.delete(ids)
    report.articles_removed += len(origins)
    report.chunks_removed += len(ids)


def _refresh_bm25(index: Index) -> None:
    """Rebuild BM25 for the catalog's new generation through the registry of open things.

    `Index.bm25` builds under its registry part's lock, so a search in another thread of this
    process never saves its own rebuild into the same folder at the same moment.
    """
    if (index.directory / BM25_DIR).exists():
        index.bm25()
    else:
        build_bm25(index.catalog, index.directory)


def _sweep_if_interrupted(index: Index) -> None:
    """Delete vectors a killed run stored without committing them to the catalog."""
    if index.catalog.get_meta("dirty") != "1":
        return
    orphans = sorted(index.store.ids() - index.catalog.all_chunk_ids())
    index.store.delete(orphans)
