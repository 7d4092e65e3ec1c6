"""Build or update the index: load → chunk → embed → store, one committed batch at a time."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.config import Settings
from assistant.embed import get_embedder
from assistant.index import Index, check_manifest, delete_index, open_index
from assistant.ingest.chunk import chunk_article
from assistant.ingest.load import Skipped, iter_articles
from assistant.retrieve.bm25 import build_bm25
from assistant.schema import Article, Chunk

ProgressCallback = Callable[[int, int], None]  # (articles done, articles total)


@dataclass
class IngestReport:
    """What one ingest run did."""

    articles_added: int = 0
    articles_replaced: int = 0
    articles_unchanged: int = 0
    articles_removed: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

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


def content_hash(article: Article) -> str:
    """Return a hash of everything about an article that ends up in the index."""
    date = article.published_at.isoformat() if article.published_at else ""
    parts = (article.id, article.title, article.source or "", article.author or "", date,
             article.url or "", article.text)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def build_index(
    paths: Iterable[Path],
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: bool | ProgressCallback = False,
) -> IngestReport:
    """Ingest files and folders into the index; unchanged articles cost nothing."""
    import time

    started = time.perf_counter()
    settings = settings or Settings()
    if rebuild:
        delete_index(settings)
    index = open_index(settings, create=True)
    check_manifest(index)
    report = IngestReport()
    articles = _load(list(paths), settings, report)
    known = index.catalog.documents()
    todo = [a for a in articles if known.get(a.origin) is None
            or known[a.origin].content_hash != content_hash(a)]
    report.articles_unchanged = len(articles) - len(todo)
    _sweep_if_interrupted(index)
    index.catalog.set_meta({"dirty": "1"})
    _ingest(index, todo, known, report, progress)
    if prune:
        seen = {a.origin for a in articles} | {_absolute_origin(str(s.path)) for s in report.skipped}
        _remove(index, [origin for origin in known if origin not in seen], report)
    if report.chunks_added or report.chunks_removed or not (index.directory / "bm25").exists():
        build_bm25(index.catalog, index.directory)
    index.catalog.set_meta({"dirty": "0"})
    report.seconds = time.perf_counter() - started
    return report


def remove_documents(origins: list[str], settings: Settings | None = None) -> IngestReport:
    """Remove documents by origin (a file path, or a path prefix) from the index."""
    settings = settings or Settings()
    index = open_index(settings)
    known = index.catalog.documents()
    wanted = [_absolute_origin(origin) for origin in origins]
    matches = [o for o in known if any(o == p or o.startswith(p.rstrip("/") + "/")
                                       or o.startswith(p + "#") for p in wanted)]
    report = IngestReport()
    _remove(index, matches, report)
    build_bm25(index.catalog, index.directory)
    return report


def _load(paths: list[Path], settings: Settings, report: IngestReport) -> list[Article]:
    articles: list[Article] = []
    for item in iter_articles(paths, max_file_mb=settings.ingest.max_file_mb):
        if isinstance(item, Skipped):
            print(f"warning: skipped {item.path}: {item.reason}", file=sys.stderr)
            report.skipped.append(item)
        else:
            articles.append(replace(item, origin=_absolute_origin(item.origin)))
    return articles


def _absolute_origin(origin: str) -> str:
    """Return the origin with its file path made absolute, so any working folder agrees."""
    if Path(origin).exists() or "#" not in origin:
        return str(Path(origin).resolve())
    path, sep, record = origin.rpartition("#")
    return str(Path(path).resolve()) + sep + record


def _ingest(index: Index, todo: list[Article], known: dict, report: IngestReport,
            progress: bool | ProgressCallback) -> None:
    from tqdm import tqdm

    ingest = index.settings.ingest
    embedder = get_embedder(ingest) if todo else None
    bar = tqdm(total=len(todo), unit="article", desc="ingest", disable=progress is not True
               or not sys.stderr.isatty())
    done = 0
    for batch in _batches(todo, ingest):
        chunked = [(a, chunk_article(a, ingest.chunk_size, ingest.chunk_overlap)) for a in batch]
        chunks = [c for _, cs in chunked for c in cs]
        assert embedder is not None
        vectors = embedder.embed_array([c.indexed_text() for c in chunks])
        index.store.upsert(chunks, vectors)
        for article, article_chunks in chunked:
            _commit(index, article, article_chunks, known, report)
        done += len(batch)
        bar.update(len(batch))
        if callable(progress):
            progress(done, len(todo))
    bar.close()


def _commit(index: Index, article: Article, chunks: list[Chunk], known: dict,
            report: IngestReport) -> None:
    old_ids = set(index.catalog.chunk_ids_of([article.origin]))
    index.catalog.replace_document(article, content_hash(article), chunks)
    stale = sorted(old_ids - {c.id for c in chunks})
    index.store.delete(stale)
    if article.origin in known:
        report.articles_replaced += 1
    else:
        report.articles_added += 1
    report.chunks_added += len({c.id for c in chunks} - old_ids)
    report.chunks_removed += len(stale)


def _batches(articles: list[Article], ingest: object) -> Iterable[list[Article]]:
    # Enough text per batch for full encoder batches, small enough to commit often.
    batch: list[Article] = []
    size = 0
    for article in articles:
        batch.append(article)
        size += len(article.text)
        if size >= 200_000 or len(batch) >= 64:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _remove(index: Index, origins: list[str], report: IngestReport) -> None:
    if not origins:
        return
    ids = index.catalog.chunk_ids_of(origins)
    index.catalog.remove_documents(origins)
    index.store.delete(ids)
    report.articles_removed += len(origins)
    report.chunks_removed += len(ids)


def _sweep_if_interrupted(index: Index) -> None:
    """Delete vectors a killed run stored without committing them to the catalog."""
    if index.catalog.get_meta("dirty") != "1":
        return
    orphans = sorted(index.store.ids() - index.catalog.all_chunk_ids())
    index.store.delete(orphans)
