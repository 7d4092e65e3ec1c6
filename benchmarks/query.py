"""Query latency and memory at 1k, 10k and 100k synthetic articles.

    python benchmarks/query.py --sizes 1000,10000,100000

Articles are recombined from sentences of the MultiHop-RAG corpus and ingested by
`build_index` itself (as `assistant ingest --rebuild` does), with an embedder that returns the
sentences' real embeddings (see benchmarks/README.md), so no model runs over the big corpora.
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
import shutil
import subprocess
import sys
import zlib
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
PARAGRAPHS = 2
FILE_ARTICLES = 10_000  # per JSON Lines file: ~19 MB
SENTENCES_PER_CHUNK = (5, 8)  # per paragraph
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
            keys = ("chunks", "build_seconds", "build", "build_rss_mb", "pool_share")
            built = {k: previous[size].get(k) for k in keys}
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
    """Ingest `size` synthetic articles into work/size-N as `assistant ingest --rebuild` does.

    The articles go through a JSON Lines file and `build_index`: loading, chunking, the
    vector store, the catalog, BM25 and the sentence vectors, in ingest's own order. Only the
    embedder is the pool's (`PoolEmbedder`), so no model runs over the big corpora.
    """
    from assistant.index.registry import register_embedder
    from assistant.ingest import build_index

    pool = sentence_pool(work)
    settings = Settings(index_dir=work / f"size-{size}")
    embedder = PoolEmbedder(pool, settings.ingest)
    register_embedder(settings.ingest, embedder)
    clock: dict[str, float] = {}
    corpus = work / f"size-{size}-corpus"
    with timed(clock, "generate"):
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for first in range(0, size, FILE_ARTICLES):  # files under ingest.max_file_mb
            lines = [json.dumps(synthetic_article(i, pool))
                     for i in range(first, min(size, first + FILE_ARTICLES))]
            (corpus / f"{first:07d}.jsonl").write_text("\n".join(lines) + "\n")
    with timed(clock, "ingest"):
        report = build_index([corpus], settings, rebuild=True)
    if report.skipped or report.articles_added != size:
        raise SystemExit(f"ingested {report.articles_added} of {size}: {report.summary()}")
    return {"chunks": report.chunks_added, "build_seconds": sum(clock.values()),
            "build": {k: round(v, 1) for k, v in clock.items()},
            "build_rss_mb": round(peak_rss_mb()),
            "pool_share": round(embedder.found / max(1, embedder.asked), 3)}


class PoolEmbedder:
    """Vectors from the sentence pool's real embeddings: a pool sentence gets its own, any
    other text the normalised mean of the pool sentences in it (a hashed row if none)."""

    backend = "pool"

    def __init__(self, pool: dict[str, Any], ingest: IngestSettings) -> None:
        self.name = ingest.embed_model
        self.vectors = pool["vectors"]
        self.rows = {sentence: row for row, sentence in enumerate(pool["sentences"])}
        self.asked = self.found = 0  # texts embedded, and of them with pool sentences in

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Return one unit vector per text."""
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> Any:
        """Return a float32 array of unit vectors, one row per text."""
        import numpy as np

        out = np.zeros((len(texts), self.dimension()), dtype="float32")
        for i, text in enumerate(texts):
            pieces = (p.strip() for p in _SENTENCE.split(text.replace("\n", " ")))
            rows = [self.rows[p] for p in pieces if p in self.rows]
            self.asked += 1
            self.found += bool(rows)
            mean = self.vectors[rows or [zlib.crc32(text.encode()) % len(self.vectors)]].mean(0)
            out[i] = mean / np.linalg.norm(mean)
        return out

    def dimension(self) -> int:
        """Return the vector size."""
        return int(self.vectors.shape[1])


def synthetic_article(i: int, pool: dict[str, Any]) -> dict[str, str]:
    """Return article i (the same for every size) as a JSON Lines record."""
    rng = random.Random(i)
    sentences = pool["sentences"]
    picks = [rng.sample(range(len(sentences)), rng.randint(*SENTENCES_PER_CHUNK))
             for _ in range(PARAGRAPHS)]
    published = datetime(2023, 9, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(200_000))
    title = f"Report {i}: " + " ".join(sentences[picks[0][0]].split()[:8])
    return {"id": f"syn-{i}", "title": title,
            "body": "\n\n".join(" ".join(sentences[j] for j in pick) for pick in picks),
            "source": f"Outlet {rng.randrange(40)}", "published_at": published.isoformat()}


def measure(size: int, work: Path, count: int) -> dict[str, Any]:
    """Time each query stage over `count` questions; return percentiles, RSS and index sizes."""
    from assistant import ask
    from assistant.index import open_index_for_search
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
            bm25 = index.bm25()
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
            "sizes_mb": _index_sizes(settings.index_dir, index.bm25()),
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
    rows += [["texts embedded from the pool (share)"] + [str(r.get("pool_share")) for r in results]]
    rows += [["load (1 min) while measuring"] + [f"{r['load']:.1f}" for r in results]]
    print_table(headers, rows)
    print(f"\nfinished; {load_text()}")


def _save_raw(results: list[dict[str, Any]], work: Path) -> None:
    target = work / "last-run.json"
    target.write_text(json.dumps(results, indent=1))
    print(f"raw figures: {target}")


if __name__ == "__main__":
    main()
