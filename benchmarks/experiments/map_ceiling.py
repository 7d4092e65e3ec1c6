"""The best MAP@10 any ranking could score on MultiHop-RAG, for each chunk size.

    python benchmarks/experiments/map_ceiling.py [--corpus FILE] [--queries FILE]

The authors' MAP@10 adds, at each rank, (gold facts found there for the first time) / rank and
divides by the number of gold facts, so a question whose 2 facts sit in 2 different articles
scores at most (1 + 1/2) / 2 = 0.75, with 3 facts 0.61 and with 4 facts 0.52, however good
the retriever. This script chunks the gold articles of every non-null dev query as ingest would,
orders their chunks greedily by new facts covered (an oracle ranking) and prints the mean
score, with the share of gold facts that lie wholly inside one chunk (a fact cut by a chunk
boundary can never be matched).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import MULTIHOP

from assistant.ingest.chunk import chunk_article
from assistant.ingest.load import load_articles
from evals.benchmarks import load_multihop_queries
from evals.metrics import mhr_retrieval_scores, mhr_strip

SIZES = ((256, 32), (512, 64), (1024, 128), (1536, 192), (2048, 256), (1_000_000, 0))


def main() -> None:
    """Print the oracle MAP@10 and the share of matchable facts for each chunk size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=MULTIHOP / "corpus.jsonl")
    parser.add_argument("--queries", type=Path, default=MULTIHOP / "queries-dev.jsonl")
    args = parser.parse_args()
    articles, _ = load_articles([args.corpus])
    by_title = defaultdict(list)
    for article in articles:
        by_title[article.title].append(article)
    cases = [c for c in load_multihop_queries(args.queries) if c.gold_facts]
    print(f"{len(cases)} queries; facts per query:",
          dict(sorted(Counter(len(c.gold_facts) for c in cases).items())))
    for size, overlap in SIZES:
        ceilings, matchable = [], []
        for case in cases:
            texts = [mhr_strip(chunk.indexed_text())
                     for title in dict.fromkeys(case.gold_articles)
                     for article in by_title.get(title, [])
                     for chunk in chunk_article(article, size, overlap)]
            facts = [mhr_strip(fact) for fact in case.gold_facts]
            matchable += [any(f in t for t in texts) for f in facts]
            ranking, found = [], set()
            while len(ranking) < 10:
                gain = [sum(f in t and f not in found for f in facts) for t in texts]
                if not gain or max(gain) == 0:
                    break
                best = texts[gain.index(max(gain))]
                ranking.append(best)
                found |= {f for f in facts if f in best}
            ceilings.append(mhr_retrieval_scores(ranking, case.gold_facts)["map@10"])
        label = "whole articles" if size >= 1_000_000 else f"{size}/{overlap}"
        print(f"{label:>15}: oracle MAP@10 {sum(ceilings) / len(ceilings):.3f}, "
              f"facts inside one chunk {sum(matchable) / len(matchable):.3f}")


if __name__ == "__main__":
    main()
