"""Where the gold answer sits for each case a run got wrong or refused (a diagnosis, not a metric).

python -m evals.gold_sentences RUN [--limit N]
re-retrieves each answerable case of RUN that was answered wrong or refused (with the run's
settings and index), scores every sentence of the hits as the extractive answerer does, and
reports the first sentence holding an accepted answer: its rank, and whether it fits the answer
type the question names. Buckets: `absent` (no retrieved sentence holds it), `top1`, `top3`,
`top10`, `deep`. Writes RUN/gold_sentences.json and prints the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.answer.extractive.asked import answer_type
from assistant.answer.extractive.sentences import question_words, score_sentences
from assistant.config import Settings
from assistant.index import open_index_for_search
from assistant.retrieve import search
from evals.metrics import answer_match


def bucket(rank: int | None) -> str:
    """Return the rank bucket a gold sentence falls in."""
    if rank is None:
        return "absent"
    return "top1" if rank == 0 else "top3" if rank < 3 else "top10" if rank < 10 else "deep"


def diagnose(run: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Return one row per failed answerable case: the gold sentence's rank and type fit."""
    settings = Settings(**json.loads((run / "settings.json").read_text())["settings"])
    index = open_index_for_search(settings)
    encode = index.sentences().encoder(index.embedder().embed_array)  # as `ask` scores them
    rows = [json.loads(line) for line in (run / "results.jsonl").open(encoding="utf-8")]
    failed = [r for r in rows if r["accepted"] and not r["scores"].get("answer_match")]
    out = []
    for row in failed[:limit]:
        question = row["standalone_question"] or row["question"]
        focus = question if row["history"] else row["question"]
        hits = search(question, settings, index=index)
        scored = score_sentences(question, focus, hits, encode)
        rank = next((k for k, s in enumerate(scored)
                     if answer_match(s.sentence.text, row["accepted"])), None)
        wanted = answer_type(focus)
        fits = None
        if rank is not None and wanted is not None:
            fits = wanted.fits(scored[rank].sentence.text, question_words(question))
        out.append({
            "id": row["id"], "question": question, "accepted": row["accepted"],
            "status": "wrong" if row["answered"] else "refused", "bucket": bucket(rank),
            "rank": rank, "fits_type": fits,
            "gold_sentence": scored[rank].sentence.text if rank is not None else None,
            "top_sentence": scored[0].sentence.text if scored else None,
        })
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.gold_sentences", description=__doc__)
    parser.add_argument("run", type=Path, help="a run folder (results.jsonl, settings.json)")
    parser.add_argument("--limit", type=int, default=None, help="diagnose the first N failures")
    args = parser.parse_args(argv)
    rows = diagnose(args.run, args.limit)
    (args.run / "gold_sentences.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    counts = Counter((r["status"], r["bucket"]) for r in rows)
    for (status, where), n in sorted(counts.items()):
        print(f"{status:<8} {where:<7} {n:>4}")
    fits = Counter((r["status"], r["fits_type"]) for r in rows if r["fits_type"] is not None)
    print("gold sentence fits the answer type:", dict(sorted(fits.items(), key=str)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
