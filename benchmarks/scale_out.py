"""What a Ray ingest's driver must keep up with: the Chroma server's writes, catalog commits,
and the BM25 / sentence-vector refresh at the end of a run, measured at scale.

    python benchmarks/scale_out.py --chunks 200000 --upserts 20000 [--add 1000] [--bm25s]

BM25 and the sentence vectors are timed on their first build and on the refresh after a later
run adding (or changing) --add articles, which is what every run after the first pays.

The encoders scale with workers; these do not (one driver writes the index), so they set the
ceiling of a cluster ingest. Synthetic articles of two chunks each are recombined from
MultiHop-RAG sentences; vectors are random unit vectors (the rates do not depend on them).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import MULTIHOP, load_text, print_table, read_jsonl

from assistant.config import Settings, StoreSettings
from assistant.schema import Article, Chunk

DIM = 384


def main() -> None:
    """Measure each rate and print one table."""
    args = _parse()
    work = Path(tempfile.mkdtemp(prefix="bench-scale-out-"))
    print(f"work in {work}; {load_text()}\n", flush=True)
    sentences = _sentences()
    rows: list[list[str]] = []
    if args.upserts:
        rows += _chroma_rates(work, args.upserts, sentences)
    rows += _catalog_and_refresh(work, args, sentences)
    print()
    print_table(["what", "figure", "load (1 min)"], rows)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=200_000, help="catalog size for BM25")
    parser.add_argument("--upserts", type=int, default=20_000,
                        help="vectors written to Chroma (0: skip the Chroma rates)")
    parser.add_argument("--add", type=int, default=1_000,
                        help="articles a later run adds (and old ones it changes)")
    parser.add_argument("--single", type=int, default=5_000,
                        help="articles committed one per transaction, for the old rate")
    parser.add_argument("--bm25s", action="store_true",
                        help="also time the earlier full bm25s rebuild and compare scores")
    return parser.parse_args()


def _sentences() -> list[str]:
    from assistant.text.sentences import sentence_texts

    out: list[str] = []
    for record in read_jsonl(MULTIHOP / "corpus.jsonl"):
        out += [s for s in sentence_texts(str(record["body"])) if 40 <= len(s) <= 400]
    return out


def _article(i: int, sentences: list[str]) -> tuple[Article, list[Chunk]]:
    """Return synthetic article i: two chunks of 6–12 corpus sentences each."""
    from assistant.ingest.chunk import chunk_id

    rng = random.Random(i)
    texts = [" ".join(rng.sample(sentences, rng.randint(6, 12))) for _ in range(2)]
    published = datetime(2023, 9, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(200_000))
    article = Article(id=f"syn-{i}", title=f"Report {i}", text="\n\n".join(texts),
                      source=f"Outlet {rng.randrange(40)}", published_at=published,
                      origin=f"synthetic#{i}")
    chunks, start = [], 0
    for text in texts:
        end = start + len(text)
        chunks.append(Chunk(id=chunk_id(f"{article.origin}\x00{article.id}", start, end, text),
                            article_id=article.id, text=text, start=start, end=end,
                            title=article.title, source=article.source, published_at=published))
        start = end + 2
    return article, chunks


def _chroma_rates(work: Path, count: int, sentences: list[str]) -> list[list[str]]:
    """Upsert `count` vectors in the pipeline's batches: to a Chroma server (1 and 2 writers)
    and to the embedded store."""
    import numpy as np

    from assistant.index.store import open_store
    from tests.serving import free_port

    chunks = [c for i in range(count // 2) for c in _article(i, sentences)[1]]
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(chunks), DIM)).astype("float32")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen([str(chroma), "run", "--path", str(work / "server"), "--host",
                               "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    rows = []
    try:
        _wait_for_chroma(port)
        url = f"http://127.0.0.1:{port}"
        for writers in (1, 2):
            stores = [open_store(Settings(index_dir=work / "x", store=StoreSettings(
                url=url, collection=f"rate-{writers}"))) for _ in range(writers)]
            rate = _upsert_rate(stores, chunks, vectors)
            rows.append([f"Chroma server upsert, {writers} writer(s), 256 per call",
                         f"{rate:,.0f} vectors/s", f"{_load():.2f}"])
            print("  " + " | ".join(rows[-1]), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    embedded = open_store(Settings(index_dir=work / "embedded"))
    rate = _upsert_rate([embedded], chunks, vectors)
    rows.append(["embedded Chroma upsert, 256 per call", f"{rate:,.0f} vectors/s",
                 f"{_load():.2f}"])
    print("  " + " | ".join(rows[-1]), flush=True)
    return rows


def _wait_for_chroma(port: int) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError("chroma run did not answer within 60 s")


def _upsert_rate(stores: list[Any], chunks: list[Chunk], vectors: Any) -> float:
    """Return vectors/s with the chunks split between the stores' threads, 256 per call."""
    share = len(chunks) // len(stores)

    def write(store: Any, offset: int) -> None:
        for at in range(offset, offset + share, 256):
            end = min(at + 256, offset + share)
            store.upsert(chunks[at:end], vectors[at:end])

    threads = [threading.Thread(target=write, args=(s, i * share)) for i, s in enumerate(stores)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return share * len(stores) / (time.perf_counter() - started)


def _catalog_and_refresh(work: Path, args: argparse.Namespace,
                         sentences: list[str]) -> list[list[str]]:
    """Commit count/2 articles to a catalog, then time the derived files' build and refresh."""
    from assistant.index.catalog import Catalog

    count, rows = args.chunks, []
    catalog = Catalog(work / "catalog.sqlite")
    started = time.perf_counter()
    _commit_batches(catalog, range(count // 2), sentences)
    batched = count // 2 / (time.perf_counter() - started)
    single = Catalog(work / "single.sqlite")
    started = time.perf_counter()
    for i in range(args.single):
        single.replace_document(*_with_hash(*_article(i, sentences)))
    one = args.single / (time.perf_counter() - started)
    _row(rows, f"catalog commits: one per article (first {args.single:,}) / one per encode "
         f"batch of 64 (all {count // 2:,})", f"{one:,.0f} / {batched:,.0f} articles/s")
    rows += _bm25_rows(work, catalog, args, sentences)
    rows += _sentence_rows(work, catalog, args, sentences)
    return rows


def _commit_batches(catalog: Any, numbers: Iterable[int], sentences: list[str]) -> None:
    """Commit synthetic articles 64 to a transaction, as an ingest's encode batches do."""
    batch = []
    for i in numbers:
        batch.append(_with_hash(*_article(i, sentences)))
        if len(batch) == 64:
            catalog.replace_documents(batch)
            batch = []
    if batch:
        catalog.replace_documents(batch)


def _with_hash(article: Article, chunks: list[Chunk]) -> tuple[Article, str, list[Chunk]]:
    from assistant.ingest.changes import content_hash

    return article, content_hash(article), chunks


def _bm25_rows(work: Path, catalog: Any, args: argparse.Namespace,
               sentences: list[str]) -> list[list[str]]:
    """Time BM25's first build, a run adding articles, one changing some, and query speed."""
    from assistant.index.bm25 import build_bm25

    rows: list[list[str]] = []
    count, added = args.chunks, args.add
    started = time.perf_counter()
    index = build_bm25(catalog, work)
    _row(rows, f"BM25 first build (segments) at {count:,} chunks",
         f"{time.perf_counter() - started:.1f} s")
    if args.bm25s:
        rows += _bm25s_rebuild(work, catalog, index)
    first = count // 2
    _commit_batches(catalog, range(first, first + added), sentences)
    started = time.perf_counter()
    index = build_bm25(catalog, work)
    _row(rows, f"BM25 refresh after a run adding {added:,} articles ({2 * added:,} chunks)",
         f"{time.perf_counter() - started:.1f} s "
         f"({len(index.postings.segments.parts)} segments)")
    changed = [replace(a, title=a.title + " (updated)") for a, _ in
               (_article(i, sentences) for i in range(0, first, max(1, first // added)))]
    catalog.replace_documents([(a, *_with_hash(a, _rechunk(a))[1:]) for a in changed[:added]])
    started = time.perf_counter()
    index = build_bm25(catalog, work)
    _row(rows, f"BM25 refresh after a run changing {min(added, len(changed)):,} old articles",
         f"{time.perf_counter() - started:.1f} s "
         f"({len(index.postings.segments.parts)} segments)")
    cold, warm = _p50_ms(index.scores), _p50_ms(index.scores)
    _row(rows, f"BM25 (segments) scores for a question over {len(index.ids):,} chunks, p50 of "
         f"{len(_questions())} (a term's first use / later)", f"{cold:.1f} / {warm:.1f} ms")
    return rows


def _questions() -> list[str]:
    """Return the first 100 MultiHop-RAG dev questions (long: ~30 terms each)."""
    return [str(r["query"]) for r in read_jsonl(MULTIHOP / "queries-dev.jsonl")[:100]]


def _p50_ms(score: Any) -> float:
    took = []
    for query in _questions():
        started = time.perf_counter()
        score(query)
        took.append(time.perf_counter() - started)
    return 1000 * sorted(took)[len(took) // 2]


def _rechunk(article: Article) -> list[Chunk]:
    """Return the chunks of a synthetic article whose title changed (same texts and ids)."""
    texts = article.text.split("\n\n")
    out, start = [], 0
    from assistant.ingest.chunk import chunk_id

    for text in texts:
        end = start + len(text)
        out.append(Chunk(id=chunk_id(f"{article.origin}\x00{article.id}", start, end, text),
                         article_id=article.id, text=text, start=start, end=end,
                         title=article.title, source=article.source,
                         published_at=article.published_at))
        start = end + 2
    return out


def _bm25s_rebuild(work: Path, catalog: Any, index: Any) -> list[list[str]]:
    """Time the earlier full rebuild (tokenise every chunk, bm25s index and save) for comparison,
    and check the segments score like it."""
    import bm25s
    import numpy as np

    from assistant.text.words import tokenize

    rows: list[list[str]] = []
    started = time.perf_counter()
    corpus = [tokenize(c.indexed_text()) or ["_empty_"] for c in catalog.iter_chunks()]
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    model.save(str(work / "bm25s"))
    _row(rows, "BM25 full rebuild as before (bm25s: tokenise, index, save)",
         f"{time.perf_counter() - started:.1f} s")
    def score(query: str) -> Any:
        tokens = [t for t in tokenize(query) if t in model.vocab_dict]
        return model.get_scores(tokens) if tokens else np.zeros(len(corpus), "float32")

    same = sum(bool(np.array_equal(score(q), index.scores(q))) for q in _questions())
    _row(rows, "bm25s scores for a question, p50 (segments bit-identical on "
         f"{same}/{len(_questions())})", f"{_p50_ms(score):.1f} ms")
    return rows


def _sentence_rows(work: Path, catalog: Any, args: argparse.Namespace,
                   sentences: list[str]) -> list[list[str]]:
    """Time the sentence vectors' first build and a refresh after a run adding articles
    (random unit vectors: the model's time is the encoders', not the driver's)."""
    import numpy as np

    from assistant.index.sentence_index import update_sentence_index
    from assistant.text.sentences import sentence_texts

    rows: list[list[str]] = []
    rng = np.random.default_rng(0)

    def embed(texts: list[str]) -> Any:
        vectors = rng.standard_normal((len(texts), DIM)).astype("float32")
        return vectors / (vectors ** 2).sum(axis=1, keepdims=True) ** 0.5

    started = time.perf_counter()
    keys = sum(len(sentence_texts(c.text)) for c in catalog.iter_chunks())
    _row(rows, f"sentence scan as before: split every chunk ({keys:,} sentences)",
         f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    index = update_sentence_index(catalog, work, embed)
    _row(rows, f"sentence vectors first build ({len(index.keys):,} rows, random vectors)",
         f"{time.perf_counter() - started:.1f} s")
    first = args.chunks // 2 + args.add
    _commit_batches(catalog, range(first, first + args.add), sentences)
    started = time.perf_counter()
    update_sentence_index(catalog, work, embed)
    _row(rows, f"sentence vectors refresh after a run adding {args.add:,} articles "
         "(split + embed new, save all)", f"{time.perf_counter() - started:.1f} s")
    return rows


def _row(rows: list[list[str]], what: str, figure: str) -> None:
    rows.append([what, figure, f"{_load():.2f}"])
    print("  " + " | ".join(rows[-1]), flush=True)


def _load() -> float:
    import os

    return os.getloadavg()[0]


if __name__ == "__main__":
    main()
