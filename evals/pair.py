"""Paired eval: the extractive answerer and an LLM answer the same retrieved passages.

`python -m evals … --pair --llm llamacpp --out RUN` searches once per question, hands the same
hits to both answerers (`assistant.api.answer_from_hits`), and writes two ordinary run folders,
RUN/extractive and RUN/llm, so the difference between them is the answerer alone; then it
prints `compare RUN/extractive RUN/llm`. Rows are appended to RUN/<answerer>/partial.jsonl as
they come, so a long CPU run can be watched (`tail -f`) and loses nothing finished if stopped
(`python -m evals.pair RUN` then summarises the finished rows into the two run folders). Each
LLM row's timings hold `first_token` (ms), `tokens_in` / `tokens_out` and the 1-minute load
average when it was asked (`load_1m`), because on a shared machine the load decides the speed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.schema import Answer
from evals.dataset import EvalCase
from evals.run import RETRIEVAL_DEPTH, result_row, summarize, write_run

ANSWERERS = ("extractive", "llm")


def run_pair(
    cases: Sequence[EvalCase], settings: Settings, out: Path, *, progress: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """Return the result rows of both answerers, per answerer, and write their run folders."""
    from tqdm import tqdm

    from assistant.answer.llm.backends import get_llm
    from assistant.answer.query import Query
    from assistant.api import answer_from_hits
    from assistant.chat import condense_question
    from assistant.retrieve import search

    llm = get_llm(settings)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ANSWERERS}
    for name in ANSWERERS:
        (out / name).mkdir(parents=True, exist_ok=True)
    with (
        (out / "extractive" / "partial.jsonl").open("w", encoding="utf-8") as partial_ext,
        (out / "llm" / "partial.jsonl").open("w", encoding="utf-8") as partial_llm,
    ):
        for case in tqdm(cases, desc="pair", unit="q", disable=not progress):
            history = list(case.history)
            started = time.perf_counter()
            standalone = condense_question(case.question, history, settings.chat.carry_turns)
            found: dict[str, float] = {}
            hits = search(standalone, settings, today=case.question_date, timings=found)
            retrieve_ms = (time.perf_counter() - started) * 1000
            depth = search(standalone, settings, k=RETRIEVAL_DEPTH, today=case.question_date)
            for name in ANSWERERS:
                timings = dict(found)
                timings["load_1m"] = os.getloadavg()[0]
                began = time.perf_counter()
                query = Query(case.question, standalone, case.question_date)
                pieces = answer_from_hits(
                    query, hits, settings, llm if name == "llm" else None, timings
                )
                answer = next(p for p in pieces if isinstance(p, Answer))
                own_ms = (time.perf_counter() - began) * 1000
                timings["generate"] = own_ms
                timings["total"] = retrieve_ms + own_ms
                answer = answer.model_copy(
                    update={"timings_ms": {k: round(v, 2) for k, v in timings.items()}}
                )
                row = result_row(case, answer, list(depth), retrieve_ms + own_ms)
                rows[name].append(row)
                partial = partial_llm if name == "llm" else partial_ext
                partial.write(json.dumps(row, ensure_ascii=False) + "\n")
                partial.flush()
    for name in ANSWERERS:
        record = {
            "run": {"mode": "pair", "answerer": name, "n_cases": len(cases)},
            "settings": settings.model_dump(mode="json"),
        }
        write_run(out / name, rows[name], summarize(rows[name]), record)
    return rows


def finish_partial(out: Path) -> int:
    """Write both run folders from the rows a stopped paired run finished; return their count.

    Only questions both answerers finished are kept, so the two runs stay paired.
    """
    rows = {
        name: [json.loads(line) for line in (out / name / "partial.jsonl").open(encoding="utf-8")]
        for name in ANSWERERS
    }
    done = {r["id"] for r in rows["extractive"]} & {r["id"] for r in rows["llm"]}
    for name in ANSWERERS:
        kept = [r for r in rows[name] if r["id"] in done]
        record = {"run": {"mode": "pair", "answerer": name, "n_cases": len(kept), "partial": True}}
        write_run(out / name, kept, summarize(kept), record)
    return len(done)


if __name__ == "__main__":
    import sys

    print(f"{finish_partial(Path(sys.argv[1]))} paired questions summarised in {sys.argv[1]}")
