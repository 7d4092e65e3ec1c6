"""The eval case loader, the feedback loader and the benchmark loaders, on small inline files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import InputError
from evals.benchmarks import load_multihop_queries, load_realtimeqa_queries, pick_choice
from evals.dataset import EvalCase, load_cases, load_feedback

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


@pytest.mark.skipif(not BENCHMARKS.exists(), reason="no shared benchmarks on this machine")
def test_benchmark_dev_files_load() -> None:
    multihop = load_multihop_queries(BENCHMARKS / "multihop-rag" / "queries-dev.jsonl")
    realtime = load_realtimeqa_queries(BENCHMARKS / "realtimeqa" / "queries-dev.jsonl")
    assert len(multihop) == 511
    assert sum(case.kind == "null_query" for case in multihop) == 58
    assert len(realtime) == 47
    assert all(case.choices[case.answer_index or 0] == case.answers[0] for case in realtime)
