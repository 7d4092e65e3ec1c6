"""The "+ metadata" ablation: the same pipeline on an index whose chunks carry no header.

    python benchmarks/experiments/no_header.py --corpus CORPUS.jsonl --queries QUERIES.jsonl \\
        --index /tmp/mhr-no-header [--rows ...]

Shipped chunks are embedded and BM25-indexed as "title / outlet, date / passage"
(`Chunk.indexed_text`). This script swaps that method for the bare passage before anything is
built or searched, then runs `benchmarks/retrieval.py` with the same arguments, so its rows
compare directly with the shipped ones. Use a fresh index folder: an index built with headers
would mix both kinds of text. The gold facts are body text, so scoring is unaffected.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assistant.schema import Chunk


def _passage_only(chunk: Chunk) -> str:
    return chunk.text


Chunk.indexed_text = _passage_only  # type: ignore[method-assign]

from retrieval import main  # noqa: E402  (after the swap, so nothing captured the method)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
