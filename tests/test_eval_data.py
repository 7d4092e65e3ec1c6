"""The eval case loader, the feedback loader and the benchmark loaders, on small inline files."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.errors import InputError
from assistant.schema import Answer, Chunk, Citation, Hit
from evals.__main__ import main
from evals.benchmarks import load_multihop_queries, load_realtimeqa_queries, pick_choice
from evals.dataset import EvalCase, load_cases, load_feedback
from evals.printout import check_floors
from evals.report import write_report
from evals.run import RunOptions, evaluate

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
SEED_TITLE = (
    "Biden-Harris admin to allow Ukraine to use US long-range missiles to attack targets within "
    "Russia: report"
)


def write_jsonl(path: Path, *rows: dict[str, Any] | str) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_cases_reads_every_field(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "cases.jsonl",
        {
            "id": "c1",
            "question": "What missile system does that cover?",
            "answers": ["ATACMS"],
            "history": [["Who approved it?", ""], ["And when?", None]],
            "gold_articles": ["a1", "Some title"],
            "kind": "followup",
        },
        "",
        {"id": "c2", "question": "Capital of Peru?", "answers": []},
    )
    first, second = load_cases(path)
    assert first == EvalCase(
        id="c1",
        question="What missile system does that cover?",
        answers=("ATACMS",),
        history=(("Who approved it?", ""), ("And when?", "")),
        gold_articles=("a1", "Some title"),
        kind="followup",
    )
    assert first.answerable
    assert not second.answerable
    assert (second.history, second.gold_articles, second.kind) == ((), (), None)


def test_load_cases_ignores_unknown_keys(tmp_path: Path) -> None:
    row = {"id": "c1", "question": "Q?", "answers": ["a"], "notes": "x", "difficulty": 3}
    (case,) = load_cases(write_jsonl(tmp_path / "cases.jsonl", row))
    assert case.id == "c1"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"id": "c2", "question": "Q?", "answers": ["a"]', "not valid JSON"),
        ('["not", "an", "object"]', "expected a JSON object"),
        ('{"id": "c2", "answers": ["a"]}', "question"),
        ('{"id": "c2", "question": "Q?"}', "answers"),
        ('{"id": "c2", "question": "Q?", "answers": "a"}', "answers"),
        ('{"id": "c2", "question": "Q?", "answers": [10000]}', "answers.0"),
        ('{"id": "c2", "question": "Q?", "answers": [], "history": [["only one"]]}', "history"),
        ('{"id": "c1", "question": "Q?", "answers": []}', "id 'c1' already used on line 1"),
    ],
)
def test_load_cases_names_the_malformed_line(tmp_path: Path, bad_line: str, message: str) -> None:
    good = {"id": "c1", "question": "Q?", "answers": ["a"]}
    path = write_jsonl(tmp_path / "cases.jsonl", good, "", bad_line)
    with pytest.raises(InputError) as raised:
        load_cases(path)
    assert f"{path}, line 3: " in str(raised.value)
    assert message in str(raised.value)


def test_load_cases_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_cases(tmp_path / "missing.jsonl")


def test_load_feedback_keeps_thumbs_up_rows(tmp_path: Path) -> None:
    cited = {"quote": "about 10,000 North Korean troops", "article_id": "a1", "title": "T"}
    path = write_jsonl(
        tmp_path / "feedback.jsonl",
        {
            "question": "How many troops?",
            "answer": "About 10,000 [1].",
            "citations": [{"quote": " ", "title": "T0"}, cited],
            "rating": "up",
            "history": [["Who deployed troops?", "North Korea [1]."]],
        },
        {"question": "Who?", "answer": "Nobody.", "citations": [], "rating": "down", "reason": "x"},
        {
            "question": "Capital of Peru?",
            "answer": {"text": "The articles don't say."},
            "rating": "up",
        },
        {"question": "When?", "answer": {"text": "Nov [1].", "citations": [cited]}, "rating": "up"},
    )
    cases = load_feedback(path)
    assert [c.id for c in cases] == ["feedback-1", "feedback-3", "feedback-4"]
    assert cases[0].answers == ("about 10,000 North Korean troops",)
    assert cases[0].gold_articles == ("T0", "a1")
    assert cases[0].history == (("Who deployed troops?", "North Korea [1]."),)
    assert cases[0].kind == "feedback"
    assert (cases[1].answers, cases[1].kind) == ((), "feedback_abstain")
    assert cases[2].answers == ("about 10,000 North Korean troops",)


def test_load_feedback_names_the_malformed_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feedback.jsonl", {"question": "Q", "answer": "A", "rating": "meh"}
    )
    with pytest.raises(InputError, match=r"line 1: rating"):
        load_feedback(path)


MULTIHOP_ROWS: list[dict[str, Any]] = [
    {
        "id": "q1",
        "query": "Who is named by both Fortune and The Age?",
        "answer": "Donald Trump",
        "question_type": "inference_query",
        "evidence": [
            {"title": "A", "source": "Fortune", "published_at": "2023-09-26", "fact": "f1"},
            {"title": "B", "source": "The Age", "published_at": "2023-11-07", "fact": "f2"},
            {"title": "A", "source": "Fortune", "published_at": "2023-09-26", "fact": "f3"},
        ],
    },
    {
        "query": "What did nobody report?",
        "answer": "Insufficient information.",
        "question_type": "null_query",
        "evidence": [],
        "extra": 1,
    },
]


def test_load_multihop_queries(tmp_path: Path) -> None:
    inference, null = load_multihop_queries(write_jsonl(tmp_path / "mhr.jsonl", *MULTIHOP_ROWS))
    assert inference.answers == ("Donald Trump",)
    assert inference.kind == "inference_query"
    assert inference.gold_articles == ("A", "B")
    assert inference.gold_facts == ("f1", "f2", "f3")
    assert null.id == "mhr-2"
    assert null.answers == ()
    assert null.reference_answer == "Insufficient information."
    assert null.gold_facts == ()


def test_load_multihop_queries_names_the_malformed_line(tmp_path: Path) -> None:
    bad = {"query": "Q?", "answer": "A", "question_type": "x", "evidence": [{"title": "A"}]}
    path = write_jsonl(tmp_path / "mhr.jsonl", MULTIHOP_ROWS[0], bad)
    with pytest.raises(InputError, match=r"line 2: evidence\.0\.fact"):
        load_multihop_queries(path)


REALTIME_ROW: dict[str, Any] = {
    "id": "20220617_1",
    "query": "Which continent will require a common charger?",
    "question_date": "2022-06-16",
    "answer": "Europe",
    "choices": ["Europe", "North America", "Asia", "Africa"],
    "answer_index": 0,
    "question_source": "CNN",
    "gold_doc_ids": ["rtqa-d-0669"],
    "rationale": "European regulators announced a plan this week.",
}


def test_load_realtimeqa_queries_never_keeps_the_rationale(tmp_path: Path) -> None:
    slashed = {**REALTIME_ROW, "id": "x2", "question_date": "2022/06/16", "gold_doc_ids": []}
    case, other = load_realtimeqa_queries(write_jsonl(tmp_path / "rt.jsonl", REALTIME_ROW, slashed))
    assert case.answers == ("Europe",)
    assert case.choices == ("Europe", "North America", "Asia", "Africa")
    assert case.answer_index == 0
    assert case.question_date == date(2022, 6, 16) == other.question_date
    assert case.gold_articles == ("rtqa-d-0669",)
    assert "European regulators" not in repr(case)


def test_load_realtimeqa_queries_rejects_a_bad_answer_index(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rt.jsonl", {**REALTIME_ROW, "answer_index": 4})
    with pytest.raises(InputError, match="line 1: answer_index 4 has no choice"):
        load_realtimeqa_queries(path)


def test_pick_choice() -> None:
    choices = ["Europe", "North America", "Asia", "Africa"]
    assert pick_choice("Europe will require USB-C.", [], choices) == 0
    assert pick_choice("The articles don't say.", ["Regulators in Asia agreed."], choices) == 2
    assert pick_choice("", [], choices) == 0


def test_seed_cases_load_and_cover_every_kind() -> None:
    cases = load_cases(ROOT / "evals" / "data" / "seeds.jsonl")
    kinds = {case.kind for case in cases}
    assert len(cases) >= 45
    assert {"fact", "number", "date", "metadata", "why", "followup", "unanswerable"} <= kinds
    assert {"offtopic", "injection", "comparison", "people", "places"} <= kinds
    assert 12 <= sum(not case.answerable for case in cases) <= 15
    assert all(case.gold_articles == (SEED_TITLE,) for case in cases if case.answerable)
    assert any(case.history for case in cases if case.kind == "followup")


def test_the_blind_yes_no_set_loads_with_its_composition() -> None:
    cases = load_cases(ROOT / "evals" / "data" / "yesno-mhr.jsonl")
    answers = [case.answers for case in cases]
    assert len(cases) == 80 and len({case.id for case in cases}) == 80
    assert answers.count(("Yes",)) == 35 and answers.count(("No",)) == 35
    assert answers.count(()) == 10 and all(not c.answerable for c in cases if not c.answers)
    corpus = ROOT / "evals" / "data" / "multihop-rag" / "corpus.jsonl"
    titles = {json.loads(line)["title"] for line in corpus.open(encoding="utf-8")}
    assert all(set(case.gold_articles) <= titles for case in cases)


@pytest.mark.parametrize(
    ("name", "earlier", "counts"),
    [
        ("answers-mhr-2", ["answers-mhr"],
         {"single": 85, "unanswerable": 36, "followup": 27, "paraphrase": 23}),
        ("answers-mhr-3", ["answers-mhr", "answers-mhr-2"],
         {"single": 56, "unanswerable": 25, "followup": 17, "paraphrase": 15}),
    ],
)
def test_a_later_blind_answer_set_uses_only_articles_the_earlier_ones_do_not(
    name: str, earlier: list[str], counts: dict[str, int]
) -> None:
    cases = load_cases(ROOT / "evals" / "data" / f"{name}.jsonl")
    total = sum(counts.values())
    assert len(cases) == total and len({case.id for case in cases}) == total
    assert Counter(case.category for case in cases) == counts
    assert all(case.history for case in cases if case.category == "followup")
    used = {title for other in earlier
            for case in load_cases(ROOT / "evals" / "data" / f"{other}.jsonl")
            for title in case.gold_articles}
    assert not used & {title for case in cases for title in case.gold_articles}
    corpus = ROOT / "evals" / "data" / "multihop-rag" / "corpus.jsonl"
    titles = {json.loads(line)["title"] for line in corpus.open(encoding="utf-8")}
    assert all(set(case.gold_articles) <= titles for case in cases)


def test_multihop_dev_file_in_the_repo_loads() -> None:
    multihop = load_multihop_queries(ROOT / "evals/data/multihop-rag/queries-dev.jsonl")
    assert len(multihop) == 511
    assert sum(case.kind == "null_query" for case in multihop) == 58
    assert all(case.gold_facts for case in multihop if case.kind != "null_query")


@pytest.mark.skipif(not BENCHMARKS.exists(), reason="RealTime QA (no licence) is not in a clone")
def test_realtimeqa_dev_file_loads() -> None:
    realtime = load_realtimeqa_queries(BENCHMARKS / "realtimeqa" / "queries-dev.jsonl")
    assert len(realtime) == 47
    assert all(case.choices[case.answer_index or 0] == case.answers[0] for case in realtime)


# The runner, end to end on fakes at our own seams (ask and search); the real pipeline is
# exercised by `assistant eval` itself once assistant.ask exists.

ARTICLE_TEXT = "About 10,000 North Korean troops were deployed. Putin called it an act of war."


def fake_search(question: str, settings: Settings, **_: Any) -> list[Hit]:
    chunk = Chunk("c1", "a1", ARTICLE_TEXT, 0, len(ARTICLE_TEXT), SEED_TITLE, "Outlet")
    other = Chunk("c2", "a2", "Unrelated text.", 0, 15, "Other", "Outlet")
    return [Hit(other, 0.9), Hit(chunk, 0.5)]


def fake_ask(question: str, history: Any = None, settings: Any = None, **_: Any) -> Answer:
    if "troops" not in question.lower() and not history:
        return Answer(
            text="The articles don't say.", citations=[], question=question, answered=False
        )
    quote = ARTICLE_TEXT.split(". ")[0]
    citation = Citation(
        n=1, article_id="a1", title=SEED_TITLE, quote=quote, start=0, end=len(quote)
    )
    return Answer(
        text=f"{quote} [1].",
        citations=[citation],
        question=question,
        answered=True,
        timings_ms={"retrieve": 5.0, "generate": 20.0, "total": 30.0},
    )


def run_fake_eval(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    cases = write_jsonl(tmp_path / f"{name}.jsonl", *rows)
    options = RunOptions(cases_file=cases, out=tmp_path / name)
    settings = Settings(index_dir=tmp_path / "index")
    return evaluate(options, settings, ask_fn=fake_ask, search_fn=fake_search, progress=False)


SEED_LIKE_ROWS: list[dict[str, Any]] = [
    {
        "id": "n1",
        "kind": "number",
        "question": "How many troops?",
        "answers": ["10,000"],
        "gold_articles": [SEED_TITLE],
    },
    {
        "id": "f1",
        "kind": "followup",
        "question": "Along which border?",
        "answers": ["northern"],
        "history": [["How many troops?", ""]],
        "gold_articles": ["a1"],
    },
    {"id": "u1", "kind": "unanswerable", "question": "What did Zelensky say?", "answers": []},
    {"id": "p1", "kind": "people", "question": "Who is Putin?", "answers": ["President"]},
]


def test_evaluate_writes_the_run_folder_with_the_summary_keys(tmp_path: Path) -> None:
    summary = run_fake_eval(tmp_path, "run", SEED_LIKE_ROWS)
    for key in (
        "answer_match", "cited_answer_match", "citation_precision", "citation_validity",
        "refusal_recall", "refusal_precision", "false_refusal_rate", "hit@1", "hit@5", "hit@10",
        "mrr@10", "latency_p50_ms", "latency_p95_ms", "latency_retrieve_p50_ms",
        "latency_generate_p50_ms", "n", "by_kind",
    ):  # fmt: skip
        assert key in summary
    assert summary["n"] == 4
    assert summary["answer_match"] == pytest.approx(1 / 3)  # n1 matched; f1 wrong; p1 refused
    assert summary["refusal_recall"] == 1.0
    assert summary["refusal_precision"] == 0.5
    assert summary["false_refusal_rate"] == pytest.approx(1 / 3)
    assert summary["citation_validity"] == 1.0
    assert summary["citation_precision"] == 1.0
    assert summary["hit@1"] == 0.0  # gold matched by title (n1) and by id (f1), both at rank 2
    assert summary["hit@5"] == 1.0
    assert summary["mrr@10"] == 0.5
    assert summary["by_kind"]["number"] == {
        "n": 1, "answer_match": 1.0, "cited_answer_match": 1.0, "abstained": 0.0,
    }  # fmt: skip
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").open()]
    assert [row["id"] for row in rows] == ["n1", "f1", "u1", "p1"]
    assert rows[1]["history"] == [["How many troops?", ""]]
    assert rows[0]["retrieved"][1]["title"] == SEED_TITLE
    settings = json.loads((tmp_path / "run" / "settings.json").read_text())
    assert settings["settings"]["index_dir"] == str(tmp_path / "index")
    assert json.loads((tmp_path / "run" / "summary.json").read_text()) == summary


def test_report_and_compare_on_two_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_fake_eval(tmp_path, "a", SEED_LIKE_ROWS)
    changed = [dict(SEED_LIKE_ROWS[0], answers=["ten thousand"]), *SEED_LIKE_ROWS[1:]]
    run_fake_eval(tmp_path, "b", changed)
    report = write_report(tmp_path / "b")
    assert "![hits_at_k.png](hits_at_k.png)" in report.read_text()
    assert all(
        (tmp_path / "b" / png).stat().st_size > 0 for png in ("hits_at_k.png", "by_kind.png")
    )
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "answer_match" in out and "-0.333" in out
    assert "broken (1): n1" in out


def test_main_reports_a_bad_case_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_jsonl(tmp_path / "bad.jsonl", '{"id": "x"')
    assert main([str(bad), "--out", str(tmp_path / "run")]) == 1
    assert capsys.readouterr().err.startswith(f"Error: {bad}, line 1: not valid JSON")


def test_check_floors_names_the_metric() -> None:
    summary = {"answer_match": 0.5, "false_refusal_rate": 0.3, "refusal_recall": None}
    floors = {
        "answer_match": {"min": 0.6},
        "false_refusal_rate": {"max": 0.2},
        "refusal_recall": {"min": 0.5},
    }
    assert check_floors(summary, floors) == [
        "answer_match = 0.500 is below its floor 0.600",
        "false_refusal_rate = 0.300 is above its ceiling 0.200",
        "refusal_recall: not measured in this run (floor {'min': 0.5})",
    ]


def test_evaluate_scores_benchmark_files(tmp_path: Path) -> None:
    fact = {"title": SEED_TITLE, "fact": "Putin called it an act of war."}
    multihop = write_jsonl(
        tmp_path / "mhr.jsonl",
        {**MULTIHOP_ROWS[0], "query": "How many troops?", "answer": "10,000", "evidence": [fact]},
        MULTIHOP_ROWS[1],
    )
    settings = Settings(index_dir=tmp_path / "index")
    options = RunOptions(multihop, tmp_path / "mhr", benchmark="multihop-rag")
    summary = evaluate(options, settings, ask_fn=fake_ask, search_fn=fake_search, progress=False)
    scores = summary["multihop_rag"]
    assert (scores["n_retrieval"], scores["mrr@10"], scores["map@10"]) == (1, 0.5, 0.5)
    assert (scores["lenient"], scores["strict"]) == (1.0, 1.0)  # null query: abstention counts
    assert summary["refusal_recall"] == 1.0

    row = {**REALTIME_ROW, "query": "How many troops?", "choices": ["5,000", "10,000", "1", "2"]}
    realtime = write_jsonl(tmp_path / "rt.jsonl", {**row, "answer": "10,000", "answer_index": 1})
    options = RunOptions(realtime, tmp_path / "rt", benchmark="realtimeqa")
    summary = evaluate(options, settings, ask_fn=fake_ask, search_fn=fake_search, progress=False)
    assert summary["realtimeqa"] == {"n": 1, "choice_correct": 1.0, "em": 0.0, "f1": 0.25}
