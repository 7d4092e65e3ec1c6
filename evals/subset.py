"""Pick a stratified subset of a MultiHop-RAG query file with a fixed seed (no hand-picking).

python -m evals.subset evals/data/multihop-rag/queries-dev.jsonl \
    evals/data/multihop-rag/queries-dev-200.jsonl
writes 60 comparison, 50 temporal, 60 inference and 30 null questions, in file order.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SEED = 20
QUOTAS = {"comparison_query": 60, "temporal_query": 50, "inference_query": 60, "null_query": 30}


def pick(lines: list[str], quotas: dict[str, int], seed: int = SEED) -> list[str]:
    """Return `quotas[type]` lines of each question type, drawn with `seed`, in file order."""
    by_type: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        by_type.setdefault(json.loads(line)["question_type"], []).append(i)
    rng = random.Random(seed)
    chosen: list[int] = []
    for kind in sorted(quotas):
        chosen += rng.sample(by_type[kind], quotas[kind])
    return [lines[i] for i in sorted(chosen)]


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    target.write_text("\n".join(pick(lines, QUOTAS)) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
