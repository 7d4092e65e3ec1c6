"""Where are the gold facts the top 10 misses: further down the ranking, or never retrieved?

    python benchmarks/experiments/evidence_depth.py --index DIR [--queries FILE]

Runs the shipped search on every non-null MultiHop-RAG dev query asking for the whole ranked
candidate pool, and prints the share of gold facts found (and of queries with every fact
found) within the first 4, 10, 20, 50 and all candidates, per question type. If the pool holds
a fact the top 10 lacks, ranking is the problem; if the pool lacks it, candidate recall is.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import MULTIHOP

from assistant.config import Settings
from assistant.retrieve import search
from evals.benchmarks import load_multihop_queries
from evals.metrics import mhr_strip

DEPTHS = (4, 10, 20, 50, 1000)


def main() -> None:
    """Print fact recall and all-evidence recall by depth, overall and per question type."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=MULTIHOP / "queries-dev.jsonl")
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    cases = [c for c in load_multihop_queries(args.queries) if c.gold_facts]
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)  # "type@depth" -> rows
    pool_sizes = []
    for case in cases:
        hits = search(case.question, settings, k=500)
        pool_sizes.append(len(hits))
        texts = [mhr_strip(h.chunk.indexed_text()) for h in hits]  # the authors' matching rule
        facts = [mhr_strip(fact) for fact in case.gold_facts]
        for depth in DEPTHS:
            top = texts[:depth]
            share = sum(any(f in t for t in top) for f in facts) / len(facts)
            for kind in ("all", str(case.kind)):
                found[f"{kind}@{depth}"].append((share, float(share == 1.0)))
    print(f"{len(cases)} queries; candidates per query: median "
          f"{sorted(pool_sizes)[len(pool_sizes) // 2]}, max {max(pool_sizes)}")
    kinds = sorted({key.split("@")[0] for key in found}, key=lambda k: (k != "all", k))
    print("type".ljust(18) + "".join(f"{'@' + str(d) if d < 1000 else 'pool':>16}" for d in DEPTHS))
    for kind in kinds:
        cells = []
        for depth in DEPTHS:
            rows = found[f"{kind}@{depth}"]
            facts = sum(r[0] for r in rows) / len(rows)
            every = sum(r[1] for r in rows) / len(rows)
            cells.append(f"{facts:.3f}/{every:.3f}".rjust(16))
        print(kind.ljust(18) + "".join(cells))
    print("cells: fact recall / all-evidence recall")


if __name__ == "__main__":
    main()
