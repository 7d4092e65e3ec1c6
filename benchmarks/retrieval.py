"""Retrieval ablation on MultiHop-RAG with the authors' scoring: one row per stage switched on.

    python benchmarks/retrieval.py --corpus CORPUS.jsonl --queries QUERIES.jsonl \\
        --index /tmp/mhr-index [--chunk-size 512 --chunk-overlap 64] [--out REPORT.md]

The index is built from the corpus on the first run and reused afterwards (ingest skips
unchanged articles). Every row calls `assistant.retrieve.search` exactly as the assistant does,
with `k=10`, and scores each hit's `indexed_text()` (title/outlet/date header plus passage, as in
the authors' LlamaIndex pipeline) with `evals.metrics.mhr_retrieval_scores`. Null queries are
skipped, as the authors do. Latency is warm, in this process, per question.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from assistant.config import Settings
from assistant.retrieve import search
from evals.benchmarks import load_multihop_queries
from evals.dataset import EvalCase
from evals.metrics import mhr_retrieval_scores, percentile

METRICS = ("mrr@10", "map@10", "hits@4", "hits@10", "all_evidence@10")
STAGES = ("embed", "candidates", "rerank", "select")
OFF = {"rerank": False, "query_hints": False, "multi_hop": False, "dedup": False}
ROWS: dict[str, dict[str, Any]] = {
    "dense": {**OFF, "mode": "dense"},
    "BM25": {**OFF, "mode": "bm25"},
    "hybrid (weighted fusion)": {**OFF, "mode": "hybrid"},
    "+ rerank (sentence similarity, proximity)": {**OFF, "rerank": True},
    "+ filters (outlet/date hints as boosts)": {**OFF, "rerank": True, "query_hints": True},
    "+ multi-hop coverage (sub-queries)": {**OFF, "rerank": True, "query_hints": True,
                                           "multi_hop": True},
    "+ dedup (= defaults)": {},
    "defaults without rerank": {"rerank": False},
}
PAPER = [  # README of the benchmark copy: second-hand numbers for the full query set
    ("paper: voyage-02 + bge-reranker-large (best)", 0.5860, 0.4795, 0.6625, 0.7467),
    ("paper: text-embedding-ada-002 + bge-reranker-large", 0.5477, 0.4625, 0.6169, 0.7059),
    ("paper: bge-large-en-v1.5, no reranker", 0.4298, 0.3423, 0.5221, 0.6718),
]


def main(argv: Sequence[str] | None = None) -> int:
    """Build or reuse the index, run every row, print the tables and write the report."""
    args = _parser().parse_args(argv)
    settings = _settings(args)
    if args.build:
        _build(args, settings)
    cases = [c for c in load_multihop_queries(args.queries) if c.gold_facts][: args.limit]
    results = {}
    for name in args.rows or list(ROWS):
        row_settings = _variant(settings, ROWS[name])
        results[name] = run_row(cases, row_settings)
        print(f"{name}: {_summary(results[name])}", file=sys.stderr, flush=True)
    report = render(results, cases, settings, args)
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="corpus.jsonl to index")
    parser.add_argument("--queries", type=Path, required=True, help="queries-dev.jsonl")
    parser.add_argument("--index", type=Path, required=True, help="index folder (built if new)")
    parser.add_argument("--chunk-size", type=int, help="ingest.chunk_size (default: Settings)")
    parser.add_argument("--chunk-overlap", type=int, help="ingest.chunk_overlap")
    parser.add_argument("--no-build", dest="build", action="store_false",
                        help="use the index as it is, without checking it against the corpus")
    parser.add_argument("--rows", nargs="*", choices=list(ROWS), help="rows to run (default: all)")
    parser.add_argument("--limit", type=int, help="score only the first N non-null queries")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings(index_dir=args.index)
    chunking = {key: value for key, value in (("chunk_size", args.chunk_size),
                                              ("chunk_overlap", args.chunk_overlap)) if value}
    if chunking:
        ingest = settings.ingest.model_copy(update=chunking)
        settings = settings.model_copy(update={"ingest": ingest})
    return settings


def _build(args: argparse.Namespace, settings: Settings) -> None:
    from assistant.ingest import build_index

    started = time.perf_counter()
    report = build_index([args.corpus], settings)
    print(f"index: {report.summary()} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _variant(settings: Settings, retrieve: dict[str, Any]) -> Settings:
    return settings.model_copy(update={"retrieve": settings.retrieve.model_copy(update=retrieve)})


def run_row(cases: Sequence[EvalCase], settings: Settings) -> list[dict[str, Any]]:
    """Return one scored row per case: the authors' metrics, the type and stage timings."""
    search(cases[0].question, settings, k=10)  # warm: models, caches, BM25 and sentence files
    rows = []
    for case in cases:
        timings: dict[str, float] = {}
        hits = search(case.question, settings, k=10, timings=timings)
        scores = mhr_retrieval_scores([h.chunk.indexed_text() for h in hits], case.gold_facts)
        rows.append({"kind": case.kind, **scores, "timings": timings})
    return rows


def _mean(rows: Sequence[dict[str, Any]], key: str) -> float:
    return sum(float(r[key]) for r in rows) / len(rows) if rows else 0.0


def _latency(rows: Sequence[dict[str, Any]], stage: str, q: float) -> float:
    values = [r["timings"][stage] for r in rows if stage in r["timings"]]
    return percentile(values, q) or 0.0


def _summary(rows: Sequence[dict[str, Any]]) -> str:
    scores = " ".join(f"{m}={_mean(rows, m):.3f}" for m in METRICS)
    return f"{scores} p50={_latency(rows, 'retrieve', 50):.0f}ms"


def render(results: dict[str, list[dict[str, Any]]], cases: Sequence[EvalCase],
           settings: Settings, args: argparse.Namespace) -> str:
    """Return the Markdown report: overall table (with the paper's rows), per type, per stage."""
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    r, ingest = settings.retrieve, settings.ingest
    lines = [
        "# Retrieval ablation: MultiHop-RAG dev split",
        "",
        f"{len(cases)} non-null dev queries (null queries are not scored, as the authors do); "
        f"chunks of {ingest.chunk_size} tokens, overlap {ingest.chunk_overlap}; top 10 scored on "
        "each chunk's `indexed_text()` with `evals.metrics.mhr_retrieval_scores`. Rows are "
        "cumulative; latency is warm, per question, in one process on a shared 2-core CPU "
        f"(load average at the end: {load}). Defaults: candidates {r.candidates}, sub-query "
        f"candidates {r.sub_candidates}, dense weight {r.dense_weight}, coverage {r.coverage}.",
        "",
        "| row | MRR@10 | MAP@10 | Hits@4 | Hits@10 | all-evidence@10 | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in results.items():
        scores = " | ".join(f"{_mean(rows, m):.3f}" for m in METRICS)
        lines.append(f"| {name} | {scores} | {_latency(rows, 'retrieve', 50):.0f} | "
                     f"{_latency(rows, 'retrieve', 95):.0f} |")
    for name, mrr, map10, hits4, hits10 in PAPER:
        lines.append(f"| {name} | {mrr:.3f} | {map10:.3f} | {hits4:.3f} | {hits10:.3f} | – | – "
                     "| – |")
    lines += ["", "## Per question type (MRR@10 / MAP@10 / Hits@10 / all-evidence@10)", ""]
    kinds = sorted({c.kind or "" for c in cases})
    lines.append("| row | " + " | ".join(f"{k} (n={sum(c.kind == k for c in cases)})"
                                          for k in kinds) + " |")
    lines.append("|---|" + "---:|" * len(kinds))
    for name, rows in results.items():
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_kind[row["kind"] or ""].append(row)
        cells = [" / ".join(f"{_mean(by_kind[k], m):.2f}" for m in
                            ("mrr@10", "map@10", "hits@10", "all_evidence@10")) for k in kinds]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Latency per stage (p50 / p95 ms)", "",
              "| row | " + " | ".join(STAGES) + " |", "|---|" + "---:|" * len(STAGES)]
    for name, rows in results.items():
        cells = [f"{_latency(rows, s, 50):.0f} / {_latency(rows, s, 95):.0f}" for s in STAGES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
