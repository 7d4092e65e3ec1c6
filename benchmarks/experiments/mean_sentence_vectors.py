"""Could a chunk's vector be the mean of its sentence vectors (one encoding pass, not two)?

    python benchmarks/experiments/mean_sentence_vectors.py --index DIR [--queries FILE]

Reads an existing MultiHop-RAG index (its Chroma chunk vectors and its sentence vectors),
builds each chunk's vector as the normalised mean of its sentences' vectors plus a weighted
vector of its title/outlet/date header, and scores dense top-10 retrieval of both with the
authors' rule, by brute force in numpy. Result on 2026-12-02 (exact vectors): the mean is
4-11 % worse on MRR@10 than the model's own chunk vectors at every header weight, so
ingest still encodes chunks and sentences separately (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import MULTIHOP

from assistant.config import Settings
from assistant.index import open_index_for_search
from assistant.index.registry import get_embedder
from assistant.index.sentence_index import load_sentence_index
from evals.benchmarks import load_multihop_queries
from evals.metrics import mhr_retrieval_scores

KEYS = ("mrr@10", "map@10", "hits@4", "hits@10", "all_evidence@10")


def main() -> None:
    """Print one row per chunk-vector variant."""
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=MULTIHOP / "queries-dev.jsonl")
    args = parser.parse_args()
    index = open_index_for_search(Settings(index_dir=args.index))
    embedder = get_embedder(index.settings.ingest)
    chunks = list(index.catalog.iter_chunks())
    stored: dict[str, list[float]] = {}
    for offset in range(0, len(chunks), 1000):
        got = index.store.collection.get(ids=[c.id for c in chunks[offset : offset + 1000]],
                                         include=["embeddings"])
        stored.update(zip(got["ids"], got["embeddings"], strict=True))
    model = np.array([stored[c.id] for c in chunks], dtype="float32")
    sentences = load_sentence_index(args.index)
    if sentences is None:
        sys.exit("the index has no sentence vectors: build it with retrieve.rerank on")
    rows = sentences.vectors.astype("float32")
    headers = sorted({c.header() for c in chunks})
    header_vectors = dict(zip(headers, embedder.embed_array(headers), strict=True))
    cases = [c for c in load_multihop_queries(args.queries) if c.gold_facts]
    questions = embedder.embed_array([c.question for c in cases])
    texts = [c.indexed_text() for c in chunks]

    def score(matrix: np.ndarray, name: str) -> None:
        top = np.argsort(-(questions @ matrix.T), axis=1)[:, :10]
        scored = [mhr_retrieval_scores([texts[j] for j in top[i]], case.gold_facts)
                  for i, case in enumerate(cases)]
        figures = " ".join(f"{k} {np.mean([s[k] for s in scored]):.4f}" for k in KEYS)
        print(f"{name:<38} {figures}", flush=True)

    def mean_vector(i: int, weight: float) -> np.ndarray:
        members = sentences.chunks.get(chunks[i].id, [])
        vector = rows[members].mean(axis=0) if members else np.zeros(rows.shape[1], "float32")
        vector = vector + weight * header_vectors[chunks[i].header()]
        return vector / (np.linalg.norm(vector) + 1e-9)

    print(f"{len(cases)} queries, {len(chunks)} chunks, backend {embedder.backend}")
    score(model, "model's chunk vectors")
    for weight in (0.0, 0.1, 0.2, 0.35, 0.5):
        score(np.stack([mean_vector(i, weight) for i in range(len(chunks))]),
              f"mean of sentences + header x {weight}")


if __name__ == "__main__":
    main()
