"""A run's report: report.md with the summary tables and three matplotlib figures (PNG).

Figures: the hits@k curve (share of cases with gold evidence found in the top k, k = 1..10),
bars per kind (answer match for answerable kinds, abstention share for the others), and a
histogram of total latency. Only scores and figures go in; no article text is copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.printout import format_summary
from evals.run import RETRIEVAL_DEPTH


def read_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return a run folder's summary and result rows."""
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    lines = (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return summary, [json.loads(line) for line in lines if line.strip()]


def hits_curve(rows: list[dict[str, Any]], rank_key: str) -> list[float]:
    """Return the share of rows with a rank ≤ k for k = 1..10, over rows where it was scored."""
    ranks = [r["scores"][rank_key] for r in rows if rank_key in r["scores"]]
    if not ranks:
        return []
    return [sum(1 for r in ranks if r and r <= k) / len(ranks) for k in range(1, 11)]


def _mhr_ranks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return rows with `mhr_rank` (rank of the first relevant chunk) derived from mrr@10."""
    return [
        {"scores": {"mhr_rank": round(1 / mrr) if mrr else None}}
        for r in rows
        if (mrr := r["scores"].get("mhr_mrr@10")) is not None
    ]


def plot_hits(rows: list[dict[str, Any]], path: Path) -> bool:
    """Draw the hits@k curves (article level, and MultiHop-RAG chunk level); False if none."""
    import matplotlib.pyplot as plt

    curves = {
        "gold article (article level)": hits_curve(rows, "gold_rank"),
        "gold fact (MultiHop-RAG rule)": hits_curve(_mhr_ranks(rows), "mhr_rank"),
    }
    curves = {label: values for label, values in curves.items() if values}
    if not curves:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, values in curves.items():
        ax.plot(range(1, RETRIEVAL_DEPTH + 1), values, marker="o", label=label)
    ax.set(xlabel="k (passages)", ylabel="hits@k", ylim=(0, 1.02), title="hits@k")
    ax.set_xticks(range(1, RETRIEVAL_DEPTH + 1))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_kinds(summary: dict[str, Any], path: Path) -> bool:
    """Draw per-kind bars: answer match, or abstention share for unanswerable kinds."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colours = {"answer match": "tab:blue", "abstained (must refuse)": "tab:orange"}
    bars = []
    for kind, row in summary.get("by_kind", {}).items():
        if row["answer_match"] is not None:
            bars.append((kind, row["answer_match"], colours["answer match"]))
        elif row["abstained"] is not None:
            bars.append((kind, row["abstained"], colours["abstained (must refuse)"]))
    if not bars:
        return False
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(bars)), 4.5))
    ax.bar([b[0] for b in bars], [b[1] for b in bars], color=[b[2] for b in bars])
    ax.set(ylabel="share of cases", ylim=(0, 1.02), title="answer match / abstention by kind")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right")
    ax.legend(
        handles=[Patch(color=c, label=label) for label, c in colours.items()],
        fontsize=8,
        loc="lower left",
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_latency(rows: list[dict[str, Any]], path: Path) -> bool:
    """Draw a histogram of total latency per case; False when there is none."""
    import matplotlib.pyplot as plt

    totals = [r["timings_ms"]["total"] for r in rows if "total" in r.get("timings_ms", {})]
    if not totals:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(totals, bins=min(30, max(5, len(totals) // 5)))
    ax.set(xlabel="total latency (ms)", ylabel="cases", title="latency per question")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def write_report(run_dir: Path) -> Path:
    """Write report.md and its PNG figures into the run folder and return the report's path."""
    import matplotlib

    matplotlib.use("Agg")
    summary, rows = read_run(run_dir)
    figures = {
        "hits_at_k.png": plot_hits(rows, run_dir / "hits_at_k.png"),
        "by_kind.png": plot_kinds(summary, run_dir / "by_kind.png"),
        "latency.png": plot_latency(rows, run_dir / "latency.png"),
    }
    lines = [
        f"# Eval report: {run_dir.name}",
        "",
        _run_line(run_dir),
        "",
        "```",
        format_summary(summary),
        "```",
        "",
    ]
    lines += [f"![{name}]({name})" for name, drawn in figures.items() if drawn]
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_line(run_dir: Path) -> str:
    """Return what ran and how long it took, from settings.json (empty when it is missing)."""
    try:
        record = json.loads((run_dir / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    run, ingest = record.get("run", {}), record.get("settings", {}).get("ingest", {})
    seconds = ""
    if "index_seconds" in run:
        seconds = (
            f"; index build {run['index_seconds'] / 60:.1f} min, questions "
            f"{run['questions_seconds'] / 60:.1f} min"
        )
    return (
        f"{run.get('n_cases', '?')} cases from `{Path(str(run.get('cases_file', '?'))).name}`"
        f", embeddings `{ingest.get('embed_backend', '?')}`{seconds}."
    )
