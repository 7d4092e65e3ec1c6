"""Query latency and memory at 1k, 10k and 100k synthetic articles.

    python benchmarks/query.py --sizes 1000,10000,100000

Articles are recombined from sentences of the MultiHop-RAG corpus, and their vectors are
made from real sentence embeddings (see benchmarks/README.md), so no model runs over the
big corpora; the sentence vectors the second stage reads are saved as ingest saves them.
Each size is built and then measured in its own subprocess, so peak RSS is per size.
Stages: query embedding, dense (Chroma), BM25, fusion + catalog fetch, then the public
search() and ask() end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    MULTIHOP,
    load_text,
    peak_rss_mb,
    percentile,
    print_table,
    read_jsonl,
    timed,
)

from assistant.config import IngestSettings, Settings
from assistant.index.registry import get_embedder

POOL_SIZE = 4000  # sentences embedded once with the real model, then recombined
CHUNKS_PER_ARTICLE = 2
SENTENCES_PER_CHUNK = (5, 8)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def main() -> None:
    """Build each size in a subprocess, measure it in another, and print the tables."""
    args = _parse()
    if args.build:
        print(json.dumps(build(args.build, args.work)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.work, args.queries)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"query benchmark; {load_text()}", flush=True)
    pool = sentence_pool(args.work)
    print(f"sentence pool: {len(pool['sentences'])} sentences, vectors {pool['vectors'].shape}",
          flush=True)
    previous = {}
    if args.no_build and (args.work / "last-run.json").exists():
        previous = {r["size"]: r for r in json.loads((args.work / "last-run.json").read_text())}
    results = []
    for size in args.sizes:
        if args.no_build:  # measure the indexes the last run built; keep its build figures
            keys = ("chunks", "build_seconds", "build", "build_rss_mb")
            built = {k: previous[size][k] for k in keys}
        else:
            built = _child("--build", size, args)
        measured = _child("--measure", size, args)
        results.append({"size": size, **built, **measured})
        print(f"  {size}: built in {built['build_seconds']:.0f} s; {load_text()}", flush=True)
    _print_results(results)
    _save_raw(results, args.work)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1000, 10000, 100000], help="article counts (comma-separated)")
    parser.add_argument("--queries", type=int, default=100, help="timed questions per size")
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache/news-assistant/bench",
                        help="where corpora and the sentence pool are kept")
    parser.add_argument("--no-build", action="store_true",
                        help="measure the indexes the last run built (after a code change)")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def _child(flag: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, flag, str(size), "--work", str(args.work),
               "--queries", str(args.queries)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def sentence_pool(work: Path) -> dict[str, Any]:
    """Return POOL_SIZE corpus sentences and their real embeddings (cached under work)."""
    import numpy as np

    target = work / f"pool-{POOL_SIZE}.npz"
    if target.exists():
        saved = np.load(target, allow_pickle=False)
        return {"sentences": list(saved["sentences"]), "vectors": saved["vectors"]}
    sentences: list[str] = []
    for record in read_jsonl(MULTIHOP / "corpus.jsonl"):
        for sentence in _SENTENCE.split(str(record["body"]).replace("\n", " ")):
            if 8 <= len(sentence.split()) <= 40:
                sentences.append(sentence.strip())
    unique = sorted(set(sentences))
    random.Random(0).shuffle(unique)
    chosen = unique[:POOL_SIZE]
    vectors = get_embedder(IngestSettings()).embed_array(chosen)
    np.savez(target, sentences=np.array(chosen), vectors=vectors)
    return {"sentences": chosen, "vectors": vectors}


def build(size: int, work: Path) -> dict[str, Any]:
    """Write a synthetic index of `size` articles under work/size-N; return build figures."""
    import numpy as np

    from assistant.index import check_manifest, delete_index, open_index
    from assistant.index.bm25 import build_bm25
    from assistant.index.sentence_index import (
        SentenceIndex,
        embedder_id,
        save_sentence_index,
        sentence_key,
    )
    from assistant.ingest.pipeline import check_vectors, content_hash

    pool = sentence_pool(work)
    settings = Settings(index_dir=work / f"size-{size}")
    delete_index(settings)
    index = open_index(settings, create=True)
    check_manifest(index)
    check_vectors(index)
    # A benchmark corpus need not survive a power cut: skip the fsync per article.
    index.catalog._conn.execute("PRAGMA synchronous=OFF")
    clock: dict[str, float] = {}
    chunks_total = 0
    rows_of: dict[str, list[int]] = {}  # chunk id -> its sentences' rows in the pool
    for first in range(0, size, 1000):
        with timed(clock, "generate"):
            batch = [synthetic_article(i, pool) for i in range(first, min(size, first + 1000))]
            for _, chunks, _, picks in batch:
                rows_of.update(zip([c.id for c in chunks], picks, strict=True))
        with timed(clock, "catalog"):
            for article, chunks, _, _ in batch:
                index.catalog.replace_document(article, content_hash(article), chunks)
        with timed(clock, "chroma"):
            chunks = [c for _, cs, _, _ in batch for c in cs]
            index.store.upsert(chunks, [v for _, _, vs, _ in batch for v in vs])
        chunks_total += len(chunks)
    with timed(clock, "bm25"):
        build_bm25(index.catalog, index.directory)
    with timed(clock, "sentences"):  # as ingest would: every chunk's sentence vectors, saved
        keys = [sentence_key(sentence) for sentence in pool["sentences"]]
        vectors = np.asarray(pool["vectors"], dtype="float16")
        saved = SentenceIndex(vectors, keys, rows_of, index.catalog.generation(),
                              embedder_id(settings.ingest))
        save_sentence_index(saved, index.directory)
    index.catalog.set_meta({"dirty": "0"})
    return {"chunks": chunks_total, "build_seconds": sum(clock.values()),
            "build": {k: round(v, 1) for k, v in clock.items()},
            "build_rss_mb": round(peak_rss_mb())}


def synthetic_article(
    i: int, pool: dict[str, Any]
) -> tuple[Any, list[Any], list[Any], list[list[int]]]:
    """Return article i (the same for every size), its chunks, their vectors, their sentences."""
    import numpy as np

    from assistant.ingest.chunk import chunk_id
    from assistant.schema import Article, Chunk

    rng = random.Random(i)
    sentences, vectors = pool["sentences"], pool["vectors"]
    picks = [rng.sample(range(len(sentences)), rng.randint(*SENTENCES_PER_CHUNK))
             for _ in range(CHUNKS_PER_ARTICLE)]
    texts = [" ".join(sentences[j] for j in pick) for pick in picks]
    title = f"Report {i}: " + " ".join(sentences[picks[0][0]].split()[:8])
    published = datetime(2023, 9, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(200_000))
    article = Article(id=f"syn-{i}", title=title, text="\n\n".join(texts),
                      source=f"Outlet {rng.randrange(40)}", published_at=published,
                      origin=f"synthetic#{i}")
    chunks, start = [], 0
    for text in texts:
        end = start + len(text)
        chunks.append(Chunk(id=chunk_id(f"{article.origin}\x00{article.id}", start, end, text),
                            article_id=article.id, text=text, start=start, end=end, title=title,
                            source=article.source, published_at=published))
        start = end + 2
    # A chunk's vector: the normalised mean of its sentences' real embeddings.
    means = [vectors[pick].mean(axis=0) for pick in picks]
    return article, chunks, [m / np.linalg.norm(m) for m in means], picks


def measure(size: int, work: Path, count: int) -> dict[str, Any]:
    """Time each query stage over `count` questions; return percentiles, RSS and index sizes."""
    from assistant import ask
    from assistant.index import open_index_for_search
    from assistant.index.bm25 import get_bm25
    from assistant.retrieve import search

    settings = Settings(index_dir=work / f"size-{size}")
    questions = [str(q["query"]) for q in read_jsonl(MULTIHOP / "queries-dev.jsonl")][:count]
    rss = {"start": _rss_mb()}
    embedder = get_embedder(settings.ingest)
    embedder.embed_array(["warm up"])
    rss["model"] = _rss_mb()
    for question in questions[:3]:  # load BM25, the HNSW index and the catalog pages
        ask(question, settings=settings)
    rss["warm"] = _rss_mb()
    stages: dict[str, list[float]] = {}
    depth = settings.retrieve.candidates
    for question in questions:
        clock: dict[str, float] = {}
        with timed(clock, "open index"):
            index = open_index_for_search(settings)
        with timed(clock, "embed query"):
            vector = embedder.embed_array([question])[0]
        with timed(clock, "dense (Chroma)"):
            dense = index.store.query(vector, depth)
        with timed(clock, "bm25"):
            bm25 = get_bm25(index.catalog, index.directory)
            sparse = bm25.search(question, depth)
        with timed(clock, "catalog"):  # the candidates' rows; fusion itself is array arithmetic
            index.catalog.get_chunks(list(dict.fromkeys(c for c, _ in [*dense, *sparse])))
        with timed(clock, "search()"):
            search(question, settings)
        with timed(clock, "ask()"):
            ask(question, settings=settings)
        for stage, seconds in clock.items():
            stages.setdefault(stage, []).append(seconds * 1000)
    rss["end"] = _rss_mb()
    return {"stages": {s: [percentile(v, 50), percentile(v, 95)] for s, v in stages.items()},
            "rss_mb": {k: round(v) for k, v in rss.items()}, "peak_rss_mb": round(peak_rss_mb()),
            "sizes_mb": _index_sizes(settings.index_dir, get_bm25(index.catalog, index.directory)),
            "load": os.getloadavg()[0]}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _index_sizes(folder: Path, bm25: Any) -> dict[str, float]:
    """Return MB on disk (Chroma, HNSW files, catalog, BM25) and BM25's arrays in memory."""
    def disk(path: Path, pattern: str = "**/*") -> float:
        return sum(p.stat().st_size for p in path.glob(pattern) if p.is_file()) / 2**20

    scores = getattr(bm25.model, "scores", {}) or {}
    arrays = sum(getattr(a, "nbytes", 0) for a in scores.values())
    per_id = sys.getsizeof(bm25.ids[0]) + 8 + 100 if bm25.ids else 0  # str + list slot + dict
    return {
        "chroma_disk": round(disk(folder / "chroma"), 1),
        "hnsw_disk": round(disk(folder / "chroma", "*/*.bin"), 1),
        "catalog_disk": round(disk(folder, "catalog.sqlite*"), 1),
        "bm25_disk": round(disk(folder / "bm25"), 1),
        "bm25_arrays": round(arrays / 2**20, 1),
        "bm25_ids": round(len(bm25.ids) * per_id / 2**20, 1),
    }


def _print_results(results: list[dict[str, Any]]) -> None:
    stages = list(results[0]["stages"])
    base = results[0]
    print("\nlatency per stage, ms: p50 / p95 (× p50 at the smallest size)")
    headers = ["stage"] + [f"{r['size']:,} articles ({r['chunks']:,} chunks)" for r in results]
    rows = []
    for stage in stages:
        row = [stage]
        for r in results:
            p50, p95 = r["stages"][stage]
            ratio = p50 / base["stages"][stage][0] if base["stages"][stage][0] else 0.0
            row.append(f"{p50:.1f} / {p95:.1f} (×{ratio:.2f})")
        rows.append(row)
    print_table(headers, rows)
    print("\nmemory, MB")
    keys = ["peak_rss_mb", "build_rss_mb"]
    rows = [[k] + [str(r[k]) for r in results] for k in keys]
    rows += [[f"rss after {k}"] + [str(r["rss_mb"][k]) for r in results]
             for k in results[0]["rss_mb"]]
    rows += [[k] + [str(r["sizes_mb"][k]) for r in results] for k in results[0]["sizes_mb"]]
    rows += [["build seconds"] + [json.dumps(r["build"]) for r in results]]
    rows += [["load (1 min) while measuring"] + [f"{r['load']:.1f}" for r in results]]
    print_table(headers, rows)
    print(f"\nfinished; {load_text()}")


def _save_raw(results: list[dict[str, Any]], work: Path) -> None:
    target = work / "last-run.json"
    target.write_text(json.dumps(results, indent=1))
    print(f"raw figures: {target}")


if __name__ == "__main__":
    main()
