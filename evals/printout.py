"""What a run prints: the one-screen summary table and the floor check the CI gate uses."""

from __future__ import annotations

from typing import Any

from evals import breakdown


def _format(value: Any) -> str:
    """Return a metric value as the summary table prints it."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


def format_summary(summary: dict[str, Any]) -> str:
    """Return the one-screen summary table printed after a run."""
    flat = [(k, v) for k, v in summary.items() if not isinstance(v, dict)]
    lines = [f"{key:<28} {_format(value):>8}" for key, value in flat]
    lines += ["", f"{'kind':<16} {'n':>4} {'match':>7} {'cited':>7} {'abstain':>8}"]
    for kind, row in summary.get("by_kind", {}).items():
        cells = (row["answer_match"], row["cited_answer_match"], row["abstained"])
        lines.append(f"{kind:<16} {row['n']:>4} " + " ".join(f"{_format(c):>7}" for c in cells))
    for name in ("multihop_rag", "realtimeqa"):
        if name in summary:
            parts = [
                f"{k} {_format(v)}" for k, v in summary[name].items() if not isinstance(v, dict)
            ]
            lines += ["", f"{name}: " + ", ".join(parts)]
    return "\n".join(lines + breakdown.format_breakdown(summary))


def check_floors(summary: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    """Return a message for each metric outside its floor (`{"metric": {"min": x}}` or max)."""
    failures = []
    for metric, bounds in floors.items():
        value = summary.get(metric)
        low, high = bounds.get("min"), bounds.get("max")
        if value is None:
            failures.append(f"{metric}: not measured in this run (floor {bounds})")
        elif low is not None and value < low:
            failures.append(f"{metric} = {value:.3f} is below its floor {low:.3f}")
        elif high is not None and value > high:
            failures.append(f"{metric} = {value:.3f} is above its ceiling {high:.3f}")
    return failures
