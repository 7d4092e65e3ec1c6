"""An index built in two runs against the same chunks indexed at once: BM25 scores and top 10.

    python benchmarks/incremental.py [CORPUS] --work DIR [--rerank] [--against OTHER_INDEX]

Ingests the first half of the corpus file, then the whole file (the same origins, so the
second run adds only the rest), and compares the BM25 of that index, for every dev question,
with bm25s rebuilt in one go over the same chunks: scores bit for bit, and the top 10.
`--against` also compares with the bm25s files of an index built in one go by earlier code
(chunks matched by article and offsets). Sentence vectors are skipped unless --rerank.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from common import MULTIHOP, load_text, read_jsonl


def main() -> None:
    """Ingest in two runs, then print how the BM25 scores compare."""
    args = _parse()
    if not args.rerank:
        os.environ["ASSISTANT_RETRIEVE__RERANK"] = "false"
    from assistant.config import Settings
    from assistant.index import open_index
    from assistant.index.bm25 import get_bm25
    from assistant.ingest import build_index

    print(load_text(), flush=True)
    lines = args.corpus.read_text().splitlines(keepends=True)
    corpus = args.work / "corpus.jsonl"
    settings = Settings(index_dir=args.work / "idx")
    args.work.mkdir(parents=True, exist_ok=True)
    for part, upto in (("first half", len(lines) // 2), ("whole file", len(lines))):
        corpus.write_text("".join(lines[:upto]))
        started = time.perf_counter()
        report = build_index([corpus], settings)
        print(f"{part}: {report.summary()} in {time.perf_counter() - started:.0f} s", flush=True)
    index = open_index(settings)
    bm25 = get_bm25(index.catalog, index.directory)
    print(f"catalog commits (generation) {index.catalog.generation()}; segments "
          f"{[len(seg.ids) for seg, _ in bm25.postings.segments.parts]}")
    questions = [str(r["query"]) for r in read_jsonl(MULTIHOP / "queries-dev.jsonl")]
    ids, model = _bm25s_over(index.catalog)
    _compare("bm25s rebuilt over the same chunks", bm25, ids, model, questions)
    if args.against:
        ids, model = _earlier_index(args.against, index.directory)
        _compare(f"bm25s files of {args.against}", bm25, ids, model, questions)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=MULTIHOP / "corpus.jsonl")
    parser.add_argument("--work", type=Path, required=True, help="a new folder for the index")
    parser.add_argument("--rerank", action="store_true", help="also build sentence vectors")
    parser.add_argument("--against", type=Path, help="an index built in one go (read only)")
    return parser.parse_args()


def _bm25s_over(catalog: Any) -> tuple[list[str], Any]:
    import bm25s

    from assistant.text.words import tokenize

    ids, corpus = [], []
    for chunk in catalog.iter_chunks():
        ids.append(chunk.id)
        corpus.append(tokenize(chunk.indexed_text()) or ["_empty_"])
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    return ids, model


def _earlier_index(other: Path, ours: Path) -> tuple[list[str], Any]:
    """Return the other index's bm25s model and its chunk ids mapped to ours."""
    import bm25s

    def spans(index_dir: Path) -> dict[str, tuple[str, int, int]]:
        uri = f"file:{index_dir / 'catalog.sqlite'}?mode=ro"
        with sqlite3.connect(uri, uri=True) as conn:
            rows = conn.execute('SELECT id, article_id, start, "end" FROM chunks')
            return {row[0]: (row[1], row[2], row[3]) for row in rows}

    theirs, mine = spans(other), {v: k for k, v in spans(ours).items()}
    meta = json.loads((other / "bm25" / "ids.json").read_text())
    return [mine[theirs[i]] for i in meta["ids"]], bm25s.BM25.load(str(other / "bm25"))


def _compare(name: str, bm25: Any, ids: list[str], model: Any, questions: list[str]) -> None:
    import numpy as np

    from assistant.text.words import tokenize

    if sorted(ids) != sorted(bm25.ids):
        print(f"{name}: other chunks ({len(ids)} against {len(bm25.ids)})")
        return
    at = [bm25.positions[i] for i in ids]
    exact = same_top = 0
    worst = 0.0
    for question in questions:
        tokens = [t for t in tokenize(question) if t in model.vocab_dict]
        reference = model.get_scores(tokens) if tokens else np.zeros(len(ids), "float32")
        ours = bm25.scores(question)[at]
        exact += bool(np.array_equal(reference, ours))
        worst = max(worst, float(np.abs(reference - ours).max()))
        top = np.argsort(-reference, kind="stable")[:10]
        mine = np.argsort(-ours, kind="stable")[:10]
        same_top += [ids[i] for i in top] == [ids[i] for i in mine]
    print(f"{name}: {len(ids):,} chunks; of {len(questions)} questions, scores bit-identical "
          f"{exact}, top 10 identical {same_top}; max |difference| {worst}")


if __name__ == "__main__":
    main()
