"""Where the LLM answer's time goes: retrieval, the extractive gate, evidence windows, the model.

    python benchmarks/ttft.py --index DIR [--limit 20] [--threads 2] [--out rows.jsonl]

Asks the first N questions of the fixed MultiHop-RAG subset with `--llm llamacpp` (the packaged
Qwen2.5 1.5B unless --model-path) exactly as `assistant ask` answers them, one at a time, and
prints p50 / p95 per stage: retrieve, extractive (the answerer whose gate decides abstention),
evidence (the windows the model reads), the model's time to first token and whole answer,
tokens in / reused from the KV cache / out, and the 1-minute load average beside them. The
first model call pays for the system prompt and the model's pages; it is listed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from common import MULTIHOP, load_text, percentile, print_table

from assistant.config import Settings

STAGES = ("retrieve", "extractive", "evidence", "first_token", "answer", "first_text")
TOKENS = ("tokens_in", "tokens_cached", "tokens_out")


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Return one row of timings (ms) and token counts per question."""
    from assistant.answer.answerers import answerer_for
    from assistant.answer.llm.backends import get_llm
    from assistant.answer.query import Query
    from assistant.api import _encoder
    from assistant.index import open_index_for_search
    from assistant.retrieve import search
    from assistant.schema import Answer
    from evals.benchmarks import load_multihop_queries

    answer: dict[str, Any] = {"llm": "llamacpp", "threads": args.threads}
    if args.model_path:
        answer["model_path"] = args.model_path
    settings = Settings(index_dir=args.index, answer=answer)
    started = time.perf_counter()
    llm = get_llm(settings)
    print(f"model loaded in {time.perf_counter() - started:.1f} s; {load_text()}")
    index = open_index_for_search(settings)
    encode, answerer = _encoder(index), answerer_for(settings, llm)
    rows = []
    for case in load_multihop_queries(args.queries)[: args.limit]:
        timings: dict[str, float] = {"load_1m": os.getloadavg()[0]}
        started = time.perf_counter()
        hits = search(case.question, settings, today=case.question_date, index=index)
        timings["retrieve"] = (time.perf_counter() - started) * 1000
        began = time.perf_counter()
        for piece in answerer(
            Query(case.question, case.question, case.question_date), hits, encode, timings
        ):
            if not isinstance(piece, Answer):
                timings.setdefault("first_text", (time.perf_counter() - began) * 1000)
        timings["answer"] = (time.perf_counter() - began) * 1000
        rows.append({"id": case.id, **{k: round(v, 1) for k, v in timings.items()}})
        if args.out:
            with args.out.open("a", encoding="utf-8") as out:
                out.write(json.dumps(rows[-1]) + "\n")
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    """Print p50 / p95 of each stage over the questions the model was asked."""
    called = [r for r in rows if "first_token" in r]
    warm = called[1:]  # the first call evaluates the system prompt and faults the model in
    table = []
    for name in STAGES:
        seconds = [r[name] / 1000 for r in warm if name in r]
        table.append([f"{name} (s)", _p(seconds, 50, 2), _p(seconds, 95, 2)])
    for name in TOKENS:
        counts = [r[name] for r in warm if name in r]
        table.append([name, _p(counts, 50, 0), _p(counts, 95, 0)])
    loads = [r["load_1m"] for r in warm]
    table.append(["load (1 min)", _p(loads, 50, 2), f"{max(loads, default=0):.2f} (max)"])
    print(
        f"{len(rows)} questions, {len(called)} model calls; p50 / p95 over the {len(warm)} "
        "after the first"
    )
    if called:
        first = called[0]
        print(
            f"first call: time to first token {first['first_token'] / 1000:.2f} s, "
            f"{first.get('tokens_in', 0):.0f} tokens in, "
            f"{first.get('tokens_cached', 0):.0f} reused"
        )
    print_table(["stage", "p50", "p95"], table)


def _p(values: list[float], q: int, digits: int) -> str:
    return f"{percentile(values, q):.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="Index folder (MultiHop-RAG).")
    parser.add_argument(
        "--queries",
        type=Path,
        default=MULTIHOP / "queries-dev-200.jsonl",
        help="MultiHop-RAG query file (default: the fixed 200-question subset).",
    )
    parser.add_argument("--limit", type=int, default=20, help="Ask the first N questions.")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads.")
    parser.add_argument("--model-path", default=None, help="Another GGUF file.")
    parser.add_argument("--out", type=Path, default=None, help="Append each row to this JSONL.")
    args = parser.parse_args()
    report(measure(args))


if __name__ == "__main__":
    main()
