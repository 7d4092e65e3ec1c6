"""The eval runner: ask every case as a user would, score it, and write the run to a folder.

A run folder holds `results.jsonl` (one row per case: question, answer, citations, retrieved
articles, scores, timings), `settings.json` (the settings and options used) and
`summary.json` (the aggregate metrics, keys as in the evals README).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from assistant.config import Settings
from assistant.errors import InputError
from assistant.schema import Answer, Hit
from evals import breakdown, metrics
from evals.benchmarks import load_multihop_queries, load_realtimeqa_queries, pick_choice
from evals.dataset import EvalCase, load_cases

Benchmark = Literal["multihop-rag", "realtimeqa"]
AskFn = Callable[..., Answer]
SearchFn = Callable[..., Sequence[Hit]]

RETRIEVAL_DEPTH = 10
HIT_KS = (1, 5, 10)
MHR_NO_ANSWER = "Insufficient information."  # what the authors' prompt asks for on null queries


@dataclass
class RunOptions:
    """What to evaluate, against which index, and where the run goes."""

    cases_file: Path
    out: Path
    corpus: list[Path] = field(default_factory=list)
    index: Path | None = None
    limit: int | None = None
    benchmark: Benchmark | None = None


def load_run_cases(path: Path, benchmark: Benchmark | None = None) -> list[EvalCase]:
    """Return the cases of a case file, or of a benchmark query file when `benchmark` is set."""
    if benchmark == "multihop-rag":
        return load_multihop_queries(path)
    if benchmark == "realtimeqa":
        return load_realtimeqa_queries(path)
    return load_cases(path)


def default_out(cases_file: Path) -> Path:
    """Return a fresh run folder under evals/runs/ named after the case file and the time."""
    return Path("evals/runs") / f"{cases_file.stem}-{datetime.now():%Y%m%d-%H%M%S}"


def prepare_settings(options: RunOptions, settings: Settings | None = None) -> Settings:
    """Return settings pointing at the run's index, building it from `--corpus` first if given.

    With a corpus the index goes to `--index` or `<out>/index`; build_index skips unchanged
    articles, so a second run over the same corpus reuses it.
    """
    settings = settings or Settings()
    index_dir = options.index or (options.out / "index" if options.corpus else None)
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    if options.corpus:
        from assistant.ingest import build_index

        missing = [str(p) for p in options.corpus if not p.exists()]
        if missing:
            raise InputError(f"corpus not found: {', '.join(missing)} — check the --corpus paths")
        build_index(options.corpus, settings)
    return settings


def run_eval(
    cases: Sequence[EvalCase],
    settings: Settings,
    *,
    ask_fn: AskFn | None = None,
    search_fn: SearchFn | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Return one scored result row per case, asking each exactly as a user's script would."""
    from tqdm import tqdm

    if ask_fn is None or search_fn is None:
        from assistant import ask
        from assistant.retrieve import search

        ask_fn, search_fn = ask_fn or ask, search_fn or search
    rows = []
    for case in tqdm(cases, desc="eval", unit="q", disable=not progress):
        started = time.perf_counter()
        history = list(case.history) or None
        answer = ask_fn(case.question, history=history, settings=settings, today=case.question_date)
        elapsed = (time.perf_counter() - started) * 1000
        query = answer.question or case.question
        hits = search_fn(query, settings, k=RETRIEVAL_DEPTH, today=case.question_date)
        rows.append(result_row(case, answer, list(hits), elapsed))
    return rows


def result_row(
    case: EvalCase, answer: Answer, hits: Sequence[Hit], elapsed_ms: float
) -> dict[str, Any]:
    """Return the JSON row of one case: what was asked, what came back, and its scores."""
    timings = dict(answer.timings_ms)
    timings.setdefault("total", elapsed_ms)
    return {
        "id": case.id,
        "kind": case.kind,
        "category": case.category,
        "question": case.question,
        "history": [list(turn) for turn in case.history],
        "accepted": list(case.answers),
        "gold_articles": list(case.gold_articles),
        "standalone_question": answer.question,
        "answer": answer.text,
        "answered": answer.answered,
        "verdict": answer.verdict,
        "verdict_rule": answer.verdict_rule,
        "reference_answer": case.reference_answer,
        "citations": [c.model_dump(mode="json", exclude={"passage"}) for c in answer.citations],
        "retrieved": [
            {"article_id": h.chunk.article_id, "title": h.chunk.title, "score": h.score}
            for h in hits[:RETRIEVAL_DEPTH]
        ],
        "scores": score_case(case, answer, hits),
        "timings_ms": timings,
    }


@dataclass(frozen=True)
class Metric:
    """One metric: its per-case score (None where it does not apply) and how a run sums it up.

    `per_case` is None for metrics only a whole run has (refusal recall); `aggregate` is None
    for the mean of the per-case scores. Add a metric here, once: `score_case` and `summarize`
    both read this table.
    """

    name: str
    per_case: Callable[[EvalCase, Answer, Sequence[Hit]], Any] | None = None
    aggregate: Callable[[Sequence[dict[str, Any]]], float | None] | None = None
    applies: Callable[[EvalCase], bool] = lambda case: True  # scored for this case at all


def _answer_match(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> bool | None:
    if not case.answerable:
        return None
    return answer.answered and metrics.answer_match(answer.text, case.answers)


def _lead_match(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> bool | None:
    if not case.answerable:
        return None
    return answer.answered and metrics.lead_match(answer.text, case.answers)


def _cited_answer_match(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> bool | None:
    if not case.answerable:
        return None
    return answer.answered and metrics.cited_answer_match(answer, case.answers)


def _ranked(case: EvalCase, hits: Sequence[Hit]) -> list[str]:
    gold = case.gold_articles
    return [metrics.article_key(h.chunk.article_id, h.chunk.title, gold) for h in hits]


def _retrieval(name: str, score: Callable[[Sequence[str], Sequence[str]], Any]) -> Metric:
    """Return a metric over the ranked articles, scored for cases with gold articles."""

    def per_case(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> Any:
        return score(_ranked(case, hits), case.gold_articles)

    return Metric(name, per_case, applies=lambda case: bool(case.gold_articles))


def _hit_at(k: int) -> Metric:
    return _retrieval(f"hit@{k}", lambda ranked, gold: metrics.hit_at_k(ranked, gold, k))


def _outcomes(rows: Sequence[dict[str, Any]]) -> list[tuple[bool, bool]]:
    return [(not r["scores"]["answerable"], r["scores"]["abstained"]) for r in rows]


METRICS: tuple[Metric, ...] = (
    Metric("answer_match", _answer_match),
    Metric("cited_answer_match", _cited_answer_match),
    Metric("lead_match", _lead_match),
    Metric("citation_precision", lambda case, answer, hits: metrics.citation_precision(answer)),
    Metric("citation_validity", lambda case, answer, hits: metrics.citation_validity(answer)),
    Metric("refusal_recall", aggregate=lambda rows: metrics.refusal_recall(_outcomes(rows))),
    Metric("refusal_precision", aggregate=lambda rows: metrics.refusal_precision(_outcomes(rows))),
    Metric(
        "false_refusal_rate", aggregate=lambda rows: metrics.false_refusal_rate(_outcomes(rows))
    ),
    *(_hit_at(k) for k in HIT_KS),
    _retrieval("mrr@10", lambda ranked, gold: metrics.mrr_at_k(ranked, gold, 10)),
    _retrieval("recall@10", lambda ranked, gold: metrics.article_recall_at_k(ranked, gold, 10)),
    _retrieval(
        "all_evidence_recall@10",
        lambda ranked, gold: metrics.all_evidence_recall_at_k(ranked, gold, 10),
    ),
    Metric("answer_precision", aggregate=breakdown.answer_precision),
)


def score_case(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> dict[str, Any]:
    """Return the per-case scores: answer, citations, abstention, retrieval, benchmark rules."""
    scores: dict[str, Any] = {"answerable": case.answerable, "abstained": not answer.answered}
    for metric in METRICS:
        if metric.per_case is not None and metric.applies(case):
            scores[metric.name] = metric.per_case(case, answer, hits)
    if case.gold_articles:
        scores["gold_rank"] = metrics.first_gold_rank(
            _ranked(case, hits), case.gold_articles, RETRIEVAL_DEPTH
        )
    if case.gold_facts:
        chunk_texts = [h.chunk.indexed_text() for h in hits]
        scores |= {
            f"mhr_{k}": v
            for k, v in metrics.mhr_retrieval_scores(chunk_texts, case.gold_facts).items()
        }
    if case.reference_answer is not None and not case.choices:  # a MultiHop-RAG case
        output = mhr_output(answer)
        scores["mhr_lenient"] = metrics.mhr_lenient_match(output, case.reference_answer)
        scores["mhr_strict"] = metrics.mhr_strict_match(output, case.reference_answer)
    if case.choices:
        scores |= _realtime_scores(case, answer, hits)
    return scores


def mhr_output(answer: Answer) -> str:
    """Return what MultiHop-RAG's rules score: the stated verdict when the answer has one.

    The authors ask their LLMs to end with `The answer to the question is "…"` and score only
    that; an answer that states its conclusion first is scored on that conclusion the same
    way. Without a verdict the whole text is scored (and a refusal as their "no answer", as is
    an answer that says the articles don't cover a part: its quotes are not a conclusion).
    """
    if not answer.answered or answer.verdict_rule == "missing":  # says the articles don't say
        return MHR_NO_ANSWER
    if answer.verdict:
        return f'The answer to the question is "{answer.verdict}"'
    return answer.text


def _realtime_scores(case: EvalCase, answer: Answer, hits: Sequence[Hit]) -> dict[str, Any]:
    """Return RealTime QA's multiple-choice and generation scores (markers removed first)."""
    text = metrics.strip_markers(answer.text) if answer.answered else ""
    chosen = pick_choice(text, [h.chunk.text for h in hits], case.choices)
    gold = case.reference_answer or case.answers[0]
    return {
        "rtqa_choice": chosen,
        "rtqa_choice_correct": chosen == case.answer_index,
        "rtqa_em": metrics.rtqa_exact_match(text, gold),
        "rtqa_f1": metrics.rtqa_f1(text, gold),
    }


def _mean_of(rows: Sequence[dict[str, Any]], key: str) -> float | None:
    """Return the mean of a score over the rows where it is not None."""
    return metrics.mean(row["scores"].get(key) for row in rows)


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return the run's summary: the metrics named in the evals README, plus `n` and `by_kind`."""
    summary: dict[str, Any] = {"n": len(rows)}
    for metric in METRICS:
        summary[metric.name] = (
            metric.aggregate(rows) if metric.aggregate else _mean_of(rows, metric.name)
        )
    summary |= metrics.latency_summary([r["timings_ms"] for r in rows])
    summary["by_kind"] = _by_kind(rows)
    summary["by_category"] = breakdown.by_category(rows)
    summary["verdict_rules"] = breakdown.rule_table(rows)
    if any("mhr_lenient" in r["scores"] for r in rows):
        summary["multihop_rag"] = _multihop_summary(rows)
    if any("rtqa_choice_correct" in r["scores"] for r in rows):
        summary["realtimeqa"] = {
            "n": sum("rtqa_choice_correct" in r["scores"] for r in rows),
            **{k: _mean_of(rows, f"rtqa_{k}") for k in ("choice_correct", "em", "f1")},
        }
    return summary


def _group(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return the rows grouped by kind (`unspecified` when a case has none)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["kind"] or "unspecified"].append(row)
    return dict(sorted(groups.items()))


def _by_kind(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return n, answer_match, cited_answer_match and the abstention share per kind."""
    return {
        kind: {
            "n": len(group),
            "answer_match": _mean_of(group, "answer_match"),
            "cited_answer_match": _mean_of(group, "cited_answer_match"),
            "abstained": _mean_of(group, "abstained"),
        }
        for kind, group in _group(rows).items()
    }


def _multihop_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return the MultiHop-RAG authors' retrieval and answer scores, overall and per type."""
    scored = [r for r in rows if "mhr_map@10" in r["scores"]]
    retrieval_keys = ("mrr@10", "map@10", "hits@10", "hits@4", "fact_recall@10", "all_evidence@10")
    summary: dict[str, Any] = {"n_retrieval": len(scored)}
    summary |= {key: _mean_of(scored, f"mhr_{key}") for key in retrieval_keys}
    summary["lenient"] = _mean_of(rows, "mhr_lenient")
    summary["strict"] = _mean_of(rows, "mhr_strict")
    summary["by_type"] = {
        kind: {
            "n": len(group),
            "lenient": _mean_of(group, "mhr_lenient"),
            "strict": _mean_of(group, "mhr_strict"),
            **{key: _mean_of(group, f"mhr_{key}") for key in ("map@10", "hits@10")},
        }
        for kind, group in _group(rows).items()
    }
    binary = {kind: breakdown.binary_confusion(group) for kind, group in _group(rows).items()}
    summary["binary"] = {kind: table for kind, table in binary.items() if table}
    return summary


def write_run(
    out: Path,
    rows: Sequence[dict[str, Any]],
    summary: dict[str, Any],
    settings_info: dict[str, Any],
) -> None:
    """Write results.jsonl, settings.json and summary.json into the run folder."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (out / "settings.json").write_text(json.dumps(settings_info, indent=2) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def settings_record(options: RunOptions, settings: Settings, n_cases: int) -> dict[str, Any]:
    """Return what settings.json records: the run's options and every setting used."""
    run = {k: _jsonable(v) for k, v in asdict(options).items()}
    run |= {"n_cases": n_cases, "started": datetime.now().isoformat(timespec="seconds")}
    return {"run": run, "settings": settings.model_dump(mode="json")}


def _jsonable(value: Any) -> Any:
    """Return paths (and lists of them) as strings for JSON."""
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Path) else value


def evaluate(
    options: RunOptions,
    settings: Settings | None = None,
    *,
    ask_fn: AskFn | None = None,
    search_fn: SearchFn | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run a whole eval as `assistant eval` does, write the run folder, and return the summary."""
    cases = load_run_cases(options.cases_file, options.benchmark)[: options.limit]
    started = time.perf_counter()
    settings = prepare_settings(options, settings)
    indexed = time.perf_counter()
    rows = run_eval(cases, settings, ask_fn=ask_fn, search_fn=search_fn, progress=progress)
    summary = summarize(rows)
    record = settings_record(options, settings, len(cases))
    # Wall-clock seconds of the run's two phases (index build or reuse, then the questions).
    record["run"] |= {
        "index_seconds": round(indexed - started, 1),
        "questions_seconds": round(time.perf_counter() - indexed, 1),
    }
    write_run(options.out, rows, summary, record)
    return summary
