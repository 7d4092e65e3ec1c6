"""Breakdown tables of a run: yes/no confusion and balanced accuracy, verdict rules, categories.

- **Binary confusion** (MultiHop-RAG yes/no questions): gold Yes/No × the answer's verdict
  Yes / No / none (no verdict, or a refusal). **Balanced accuracy** is the mean of the recall on
  gold-Yes and on gold-No, so a constant "Yes" scores 0.50 however many questions are Yes.
- **Verdict rules**: per rule (`Answer.verdict_rule`), how often it fired and how often the
  case was then right under our strict rule (`mhr_strict`, else `answer_match`).
- **Categories** (`category` in a case file: single, unanswerable, followup, paraphrase, …):
  answer match, refusals and **answer precision** — the share of answered cases that are right
  (an answered unanswerable case counts as wrong).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

_BINARY = {"yes": "Yes", "no": "No"}


def binary_confusion(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the yes/no confusion matrix and balanced accuracy, or None without such cases."""
    cells: Counter[tuple[str, str]] = Counter()
    for row in rows:
        gold = _BINARY.get(str(row.get("reference_answer") or "").strip(" .").lower())
        if gold is None:
            continue
        said = _BINARY.get(str(row.get("verdict") or "").lower(), "none")
        cells[(gold, said if row.get("answered") else "none")] += 1
    if not cells:
        return None
    recalls = []
    for gold in ("Yes", "No"):
        total = sum(n for (g, _), n in cells.items() if g == gold)
        if total:
            recalls.append(cells[(gold, gold)] / total)
    return {
        "matrix": {g: {s: cells[(g, s)] for s in ("Yes", "No", "none")} for g in ("Yes", "No")},
        "balanced_accuracy": sum(recalls) / len(recalls),
    }


def rule_table(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return per verdict rule: how many cases it decided and the share of those that are right."""
    fired: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        rule = row.get("verdict_rule")
        if not rule:
            continue
        scores = row["scores"]
        right = scores.get("mhr_strict", scores.get("answer_match"))
        fired[rule].append(bool(right))
    return {rule: {"n": len(v), "right": sum(v) / len(v)} for rule, v in sorted(fired.items())}


def answer_precision(rows: Sequence[dict[str, Any]]) -> float | None:
    """Return the share of answered cases that are right; None when nothing was answered."""
    answered = [r for r in rows if not r["scores"]["abstained"]]
    if not answered:
        return None
    right = [r for r in answered if r["scores"]["answerable"] and r["scores"]["answer_match"]]
    return len(right) / len(answered)


def by_category(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return per case category: n, answer match, abstained share, answer precision."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("category"):
            groups[row["category"]].append(row)
    table = {}
    for name, group in sorted(groups.items()):
        matches = [r["scores"]["answer_match"] for r in group if r["scores"]["answerable"]]
        table[name] = {
            "n": len(group),
            "answer_match": sum(map(bool, matches)) / len(matches) if matches else None,
            "abstained": sum(r["scores"]["abstained"] for r in group) / len(group),
            "answer_precision": answer_precision(group),
        }
    return table


def format_breakdown(summary: dict[str, Any]) -> list[str]:
    """Return the summary lines for the tables above that the run has."""
    lines: list[str] = []
    categories = summary.get("by_category") or {}
    if categories:
        lines += ["", f"{'category':<16} {'n':>4} {'match':>7} {'abstain':>8} {'precision':>9}"]
        for name, row in categories.items():
            cells = [row["answer_match"], row["abstained"], row["answer_precision"]]
            lines.append(f"{name:<16} {row['n']:>4} " + " ".join(_cell(c, 8) for c in cells))
    binary = (summary.get("multihop_rag") or {}).get("binary") or {}
    for kind, table in binary.items():
        matrix = table["matrix"]
        lines += [
            "",
            f"{kind} yes/no: gold × verdict (Yes / No / none), "
            f"balanced accuracy {table['balanced_accuracy']:.3f}",
        ]
        lines += [
            f"  gold {g:<3}  " + "  ".join(f"{s} {matrix[g][s]:>3}" for s in matrix[g])
            for g in matrix
        ]
    rules = summary.get("verdict_rules") or {}
    if rules:
        lines += ["", f"{'verdict rule':<16} {'fired':>6} {'right':>7}"]
        lines += [f"{rule:<16} {row['n']:>6} {row['right']:>7.3f}" for rule, row in rules.items()]
    return lines


def _cell(value: float | None, width: int) -> str:
    return f"{'—' if value is None else f'{value:.3f}':>{width}}"
