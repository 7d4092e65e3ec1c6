"""Evals of the news-native answers: timelines, reports that differ, and as-of dates.

python -m evals news --timeline evals/data/timeline-mhr.jsonl --index MHR_INDEX \\
    --disagree evals/data/disagree.jsonl --disagree-index DG_INDEX \\
    --asof evals/data/asof-mhr.jsonl --out evals/runs/news

Case formats are in evals/data/news-evals.README.md. Metrics (one function each, below):
- timeline: `event_recall` (share of gold articles on some line), `order_tau` (Kendall tau of
  the lines' order against publication order, pairs on one line or one day skipped), latency p50;
- disagree: `flagged` per case, then precision and recall of "reports differ" over the cases;
- as-of: `as_of_correct` (Answer.as_of is the newest cited article's day and, for a question
  about the present or a case with stale articles, no older than the newest gold article by
  `today`), `as_of_exact` (it is the
  gold date: the answer cited the newest gold article), `as_of_accepted` (or the date of another
  gold or supporting article), `cites_only_stale`, and the answer match.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.answer.freshness import asks_about_present
from assistant.config import Settings
from evals.metrics import answer_match, mean, percentile

Row = dict[str, Any]


def event_recall(found: Sequence[str], gold: Sequence[str]) -> float:
    """Return the share of gold articles that appear on some timeline line."""
    return len(set(found) & set(gold)) / len(gold) if gold else 1.0


def order_tau(lines: Sequence[Sequence[str]], days: dict[str, date]) -> float | None:
    """Return Kendall's tau of the line order against publication days (ties skipped)."""
    place = {aid: i for i, line in enumerate(lines) for aid in line if aid in days}
    ids = sorted(place)
    agree = disagree = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if place[a] == place[b] or days[a] == days[b]:
                continue
            same = (place[a] < place[b]) == (days[a] < days[b])
            agree, disagree = agree + same, disagree + (not same)
    pairs = agree + disagree
    return (agree - disagree) / pairs if pairs else None


def as_of_correct(
    as_of: date | None, newest_cited: date | None, newest_known: date | None, today: date | None
) -> bool:
    """Return True when `as_of` is what "as of" means: the newest cited article's day.

    For a question about the present (`newest_known` given: the newest article on the story
    published by `today`), the answer must also be that fresh and not from after `today`.
    """
    if as_of is None or as_of != newest_cited or (today is not None and as_of > today):
        return False
    return newest_known is None or as_of >= newest_known


def precision_recall(flags: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """Return precision and recall of (flagged, truly differs) pairs."""
    flagged = [truth for said, truth in flags if said]
    differ = [said for said, truth in flags if truth]
    return {
        "precision": sum(flagged) / len(flagged) if flagged else None,
        "recall": sum(differ) / len(differ) if differ else None,
        "flagged": float(len(flagged)),
        "differ_cases": float(len(differ)),
    }


def run_timeline(cases: list[Row], settings: Settings) -> list[Row]:
    """Return one row per timeline case: the lines, recall, order tau, and `ask`'s routing."""
    from assistant import Filters, ask, timeline

    days = _publication_days(settings)
    rows = []
    for case in cases:
        filters = Filters(
            sources=(case["source"],) if case.get("source") else (),
            since=_day(case.get("since")),
            until=_day(case.get("until")),
        )
        started = time.perf_counter()
        story = timeline(case["query"], settings, filters=filters)
        elapsed = (time.perf_counter() - started) * 1000
        lines = [event.article_ids for event in story.events]
        found = [aid for line in lines for aid in line]
        asked = ask(case["question"], settings=settings, filters=filters)
        asked_ids = [c.article_id for c in asked.citations]
        rows.append(
            {
                "id": case["id"],
                "query": case["query"],
                "gold": case["gold_articles"],
                "lines": lines,
                "recall": event_recall(found, case["gold_articles"]),
                "precision": _share(found, case["gold_articles"]),
                "tau": order_tau(lines, days),
                "ms": round(elapsed, 1),
                "ask_timeline": asked.verdict_rule == "timeline",
                "ask_recall": event_recall(asked_ids, case["gold_articles"]),
            }
        )
    return rows


def run_disagree(cases: list[Row], settings_for: Callable[[str], Settings]) -> list[Row]:
    """Return one row per disagreement case: whether the answer said reports differ."""
    from assistant import ask

    rows = []
    for case in cases:
        answer = ask(case["question"], settings=settings_for(case["corpus"]))
        said = [v for d in answer.differences for v in d.values]
        rows.append(
            {
                "id": case["id"],
                "corpus": case["corpus"],
                "kind": case["kind"],
                "differ": bool(case["differ"]),
                "flagged": bool(answer.differences),
                "values_said": said,
                "values_match": bool(case["differ"])
                and all(answer_match(" ".join(said), [v]) for v in case["values"]),
                "updated": any(d.updated for d in answer.differences),
                "latest_leads": bool(case.get("latest_value"))
                and answer_match(answer.text.split("\n\n")[0], [case["latest_value"]]),
                "answer": answer.text,
            }
        )
    return rows


def run_asof(cases: list[Row], settings: Settings) -> list[Row]:
    """Return one row per as-of case: the stated as-of date against the gold one."""
    from assistant import ask

    days = _publication_days(settings)
    rows = []
    for case in cases:
        answer = ask(case["question"], settings=settings, today=_day(case["today"]))
        cited = {c.article_id for c in answer.citations}
        gold = _day(case["as_of"])
        accepted = {gold} | {
            days[a]
            for a in [*case["gold_articles"], *case.get("supporting_articles", [])]
            if a in days
        }
        stale = set(case.get("stale_articles", []))
        newest = max((days[a] for a in cited if a in days), default=None)
        # freshness is judged for a question about the present, and wherever the gold names
        # older articles whose answer is out of date (not only where the product sees "still")
        present = asks_about_present(case["question"]) or bool(case.get("stale_articles"))
        rows.append(
            {
                "id": case["id"],
                "answered": answer.answered,
                "as_of": answer.as_of.isoformat() if answer.as_of else None,
                "gold_as_of": case["as_of"],
                "as_of_exact": answer.as_of == gold,
                "as_of_accepted": answer.as_of in accepted,
                "present": present,
                "as_of_correct": as_of_correct(
                    answer.as_of, newest, gold if present else None, _day(case["today"])
                ),
                "cites_gold": bool(cited & set(case["gold_articles"])),
                "cites_only_stale": bool(cited) and cited <= stale,
                "answer_match": answer.answered and answer_match(answer.text, case["answers"]),
                "answer": answer.text,
            }
        )
    return rows


def summarize(timeline: list[Row], disagree: list[Row], asof: list[Row]) -> dict[str, Any]:
    """Return the aggregate figures of the three sets."""
    summary: dict[str, Any] = {}
    if timeline:
        taus = [r["tau"] for r in timeline if r["tau"] is not None]
        summary["timeline"] = {
            "cases": len(timeline),
            "event_recall": mean(r["recall"] for r in timeline),
            "event_precision": mean(r["precision"] for r in timeline),
            "order_tau": mean(taus),
            "order_perfect": mean(t == 1.0 for t in taus),
            "p50_ms": percentile([r["ms"] for r in timeline], 50),
            "p90_ms": percentile([r["ms"] for r in timeline], 90),
            "ask_routed": mean(r["ask_timeline"] for r in timeline),
            "ask_recall": mean(r["ask_recall"] for r in timeline),
        }
    if disagree:
        summary["disagree"] = precision_recall([(r["flagged"], r["differ"]) for r in disagree])
        summary["disagree"] |= {
            "values_match": mean(r["values_match"] for r in disagree if r["differ"]),
            "by_corpus": {
                corpus: precision_recall(
                    [(r["flagged"], r["differ"]) for r in disagree if r["corpus"] == corpus]
                )
                for corpus in sorted({r["corpus"] for r in disagree})
            },
        }
    if asof:
        answered = [r for r in asof if r["answered"]]
        summary["asof"] = {
            "cases": len(asof),
            "answered": len(answered),
            "as_of_correct": mean(r["as_of_correct"] for r in answered),
            "as_of_correct_present": mean(r["as_of_correct"] for r in answered if r["present"]),
            "as_of_exact": mean(r["as_of_exact"] for r in answered),
            "as_of_accepted": mean(r["as_of_accepted"] for r in answered),
            "cites_gold": mean(r["cites_gold"] for r in answered),
            "cites_only_stale": mean(r["cites_only_stale"] for r in answered),
            "answer_match": mean(r["answer_match"] for r in asof),
        }
    return summary


def _publication_days(settings: Settings) -> dict[str, date]:
    from assistant.index import open_index

    rows = open_index(settings).catalog.documents().values()
    return {r.article_id: date.fromisoformat(r.published_at[:10]) for r in rows if r.published_at}


def _share(found: Sequence[str], gold: Sequence[str]) -> float | None:
    return len(set(found) & set(gold)) / len(set(found)) if found else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _read(path: Path | None) -> list[Row]:
    if path is None:
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main(argv: Sequence[str]) -> int:
    """Run the news evals named on the command line and write results and summary to --out."""
    parser = argparse.ArgumentParser(prog="python -m evals news", description=__doc__)
    parser.add_argument("--timeline", type=Path, help="timeline cases (JSONL)")
    parser.add_argument("--disagree", type=Path, help="disagreement cases (JSONL)")
    parser.add_argument("--asof", type=Path, help="as-of cases (JSONL)")
    parser.add_argument("--index", type=Path, required=True, help="index of the MultiHop corpus")
    parser.add_argument("--disagree-index", type=Path, help="index of disagree-corpus.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="run folder")
    args = parser.parse_args(argv)
    mhr = Settings(index_dir=args.index)
    made_up = Settings(index_dir=args.disagree_index or args.index)

    def settings_for(corpus: str) -> Settings:
        return made_up if corpus == "disagree-corpus" else mhr

    results = {
        "timeline": run_timeline(_read(args.timeline), mhr),
        "disagree": run_disagree(_read(args.disagree), settings_for),
        "asof": run_asof(_read(args.asof), mhr),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in results.items():
        with (args.out / f"{name}.jsonl").open("w") as out:
            out.writelines(json.dumps(row, default=str) + "\n" for row in rows)
    summary = summarize(results["timeline"], results["disagree"], results["asof"])
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    print(json.dumps(summary, indent=2, default=str))
    return 0
