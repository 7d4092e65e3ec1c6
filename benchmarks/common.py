"""Helpers the benchmark scripts share: corpus slices, machine load, timing and tables."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as `python benchmarks/x.py` from a checkout
# MultiHop-RAG (ODC-BY) ships in evals/data/; ASSISTANT_BENCH_MULTIHOP names another folder
# holding corpus.jsonl and queries-dev.jsonl.
MULTIHOP = Path(
    os.environ.get("ASSISTANT_BENCH_MULTIHOP") or ROOT / "evals/data/multihop-rag"
)


def load_text() -> str:
    """Return the 1/5/15-minute load averages and the core count, for the tables' headers."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def limited_corpus(corpus: Path, limit: int | None, folder: Path) -> Path:
    """Return a JSONL file holding the first `limit` records of corpus (or corpus itself)."""
    if limit is None:
        return corpus
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{corpus.stem}-first{limit}.jsonl"
    with corpus.open() as source:
        lines = [line for _, line in zip(range(limit), source, strict=False)]
    target.write_text("".join(lines))
    return target


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the JSON objects of a JSONL file."""
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.strip()]


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    """Add the seconds spent in the block to into[name]."""
    started = time.perf_counter()
    try:
        yield
    finally:
        into[name] = into.get(name, 0.0) + time.perf_counter() - started


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0..100) of values, interpolated; 0 when empty."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1])


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print a Markdown table with columns padded to line up in a terminal."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    sys.stdout.flush()
