"""Compare two runs: every numeric summary metric side by side with its delta, and flipped cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from evals.report import read_run

Delta = tuple[float | None, float | None, float | None]


def flatten(summary: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Return the numeric values of a nested summary, keys joined with `/`."""
    flat: dict[str, float] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= flatten(value, f"{name}/")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[name] = float(value)
    return flat


def metric_deltas(summary_a: dict[str, Any], summary_b: dict[str, Any]) -> dict[str, Delta]:
    """Return (a, b, b - a) for every metric in either summary, in summary order."""
    a, b = flatten(summary_a), flatten(summary_b)
    keys = list(dict.fromkeys([*a, *b]))
    return {k: (a.get(k), b.get(k), b[k] - a[k] if k in a and k in b else None) for k in keys}


def flipped_cases(
    rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Return the ids of cases in both runs whose answer_match went up or down."""
    before = {r["id"]: r["scores"].get("answer_match") for r in rows_a}
    flips: dict[str, list[str]] = {"fixed": [], "broken": []}
    for row in rows_b:
        old, new = before.get(row["id"]), row["scores"].get("answer_match")
        if old is not None and new is not None and old != new:
            flips["fixed" if new else "broken"].append(row["id"])
    return flips


def _cell(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def compare(run_a: Path, run_b: Path, out: TextIO = sys.stdout) -> dict[str, Delta]:
    """Print the metric deltas from run A to run B, then the flipped cases; return all deltas.

    Top-level metrics are always printed; nested ones (`by_kind/…`) only when they changed.
    """
    summary_a, rows_a = read_run(run_a)
    summary_b, rows_b = read_run(run_b)
    deltas = metric_deltas(summary_a, summary_b)
    print(f"{'metric':<40} {'A':>9} {'B':>9} {'B-A':>9}", file=out)
    for key, (a, b, delta) in deltas.items():
        if "/" in key and delta == 0:  # keep one screen: nested rows only when they moved
            continue
        print(f"{key:<40} {_cell(a):>9} {_cell(b):>9} {_cell(delta, True):>9}", file=out)
    for label, ids in flipped_cases(rows_a, rows_b).items():
        if ids:
            print(f"{label} ({len(ids)}): {', '.join(ids)}", file=out)
    return deltas


def compare_json(run_a: Path, run_b: Path) -> str:
    """Return the deltas and flipped cases as JSON, for `--json`."""
    summary_a, rows_a = read_run(run_a)
    summary_b, rows_b = read_run(run_b)
    deltas = metric_deltas(summary_a, summary_b)
    payload = {
        "metrics": {k: {"a": a, "b": b, "delta": d} for k, (a, b, d) in deltas.items()},
        "flipped": flipped_cases(rows_a, rows_b),
    }
    return json.dumps(payload, indent=2)
