"""What a Ray ingest's driver must keep up with: the Chroma server's writes, catalog commits,
and the BM25 / sentence-vector refresh at the end of a run, measured at scale.

    python benchmarks/scale_out.py --chunks 200000 --upserts 20000

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
    rows += _chroma_rates(work, args.upserts, sentences)
    rows += _catalog_and_refresh(work, args.chunks, sentences)
    print()
    print_table(["what", "figure", "load (1 min)"], rows)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=200_000, help="catalog size for BM25")
    parser.add_argument("--upserts", type=int, default=20_000, help="vectors written to Chroma")
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


def _catalog_and_refresh(work: Path, count: int, sentences: list[str]) -> list[list[str]]:
    """Commit count/2 articles to a catalog, then time BM25's rebuild and the sentence scan."""
    from assistant.index.bm25 import build_bm25
    from assistant.index.catalog import Catalog
    from assistant.index.sentence_index import sentence_key
    from assistant.ingest.pipeline import content_hash
    from assistant.text.sentences import sentence_texts
    from assistant.text.words import tokenize

    catalog = Catalog(work / "catalog.sqlite")
    rows = []
    started, first = time.perf_counter(), 0.0
    for i in range(count // 2):
        article, chunks = _article(i, sentences)
        catalog.replace_document(article, content_hash(article), chunks)
        if i == 1999:
            first = 2000 / (time.perf_counter() - started)
    seconds = time.perf_counter() - started
    rows.append([f"catalog commits, one article each (first 2,000 / all {count // 2:,})",
                 f"{first:,.0f} / {count // 2 / seconds:,.0f} articles/s", f"{_load():.2f}"])
    print("  " + " | ".join(rows[-1]), flush=True)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    texts = [c.indexed_text() for c in catalog.iter_chunks()]
    phases["read"] = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts:
        tokenize(text)
    phases["tokenize"] = time.perf_counter() - started
    started = time.perf_counter()
    build_bm25(catalog, work)
    phases["whole"] = time.perf_counter() - started
    rows.append([f"BM25 rebuild at {count:,} chunks (read / tokenize / all)",
                 f"{phases['read']:.1f} / {phases['tokenize']:.1f} / {phases['whole']:.1f} s",
                 f"{_load():.2f}"])
    print("  " + " | ".join(rows[-1]), flush=True)
    started = time.perf_counter()
    keys = {sentence_key(s) for c in catalog.iter_chunks() for s in sentence_texts(c.text)}
    rows.append([f"sentence-vector refresh, scan of {count:,} chunks ({len(keys):,} sentences)",
                 f"{time.perf_counter() - started:.1f} s", f"{_load():.2f}"])
    print("  " + " | ".join(rows[-1]), flush=True)
    return rows


def _load() -> float:
    import os

    return os.getloadavg()[0]


if __name__ == "__main__":
    main()
