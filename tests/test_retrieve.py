"""Retrieval: hints, fusion, coverage, dedup as units; search on a real Chroma in tmp_path."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import ModelUnavailableError
from assistant.index import open_index
from assistant.index.bm25 import get_bm25
from assistant.index.sentence_index import load_sentence_index
from assistant.ingest import build_index, remove_documents
from assistant.retrieve import Filters, search
from assistant.retrieve.dedup import collapse_duplicates
from assistant.retrieve.hints import read_hints
from assistant.retrieve.score import minmax, select_covering
from assistant.schema import Chunk, Hit
from assistant.text import find_dates, find_outlets, outlet_aliases
from assistant.text import sentence_texts as split_sentences
from tests.conftest import DATA

QUESTIONS = [json.loads(line) for line in (DATA / "questions.jsonl").read_text().splitlines()]
SOURCES = ("TechCrunch", "The Verge", "The Age", "Cnbc | World Business News Leader", "Fortune")
TODAY = date(2024, 2, 14)  # a Wednesday


# --- dates and outlets named in a question ---------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("published on October 6, 2023?", [("2023-10-06", "2023-10-06", True)]),
        (
            "on Oct. 7 and on 3rd of December",
            [("2023-10-07",) * 2 + (True,), ("2023-12-03",) * 2 + (True,)],
        ),
        ("news from 2024-01-29", [("2024-01-29", "2024-01-29", True)]),
        ("What happened in October 2023?", [("2023-10-01", "2023-10-31", False)]),
        ("What happened in January?", [("2024-01-01", "2024-01-31", False)]),
        ("What happened last week?", [("2024-02-05", "2024-02-11", False)]),
        ("anything from the past week", [("2024-02-07", "2024-02-14", False)]),
        ("reported yesterday", [("2024-02-13", "2024-02-13", False)]),
        ("three days ago", [("2024-02-10", "2024-02-12", False)]),
        ("last month", [("2024-01-01", "2024-01-31", False)]),
        ("You may go now", []),
    ],
)
def test_dates_named_in_a_question(question: str, expected: list[tuple[Any, ...]]) -> None:
    found = [
        (m.since.isoformat(), m.until.isoformat(), m.exact)
        for m in find_dates(question, today=TODAY, default_year=2023)
    ]
    assert found == expected


def test_relative_dates_need_today() -> None:
    assert find_dates("What happened last week?") == []


def test_outlet_aliases_and_mentions() -> None:
    assert outlet_aliases("Cnbc | World Business News Leader") == {
        "Cnbc | World Business News Leader",
        "Cnbc",
    }
    assert "Verge" in outlet_aliases("The Verge") and "Age" not in outlet_aliases("The Age")
    question = "Did CNBC and The Age agree with Fortune, a fortune at the age of 30?"
    named = [m.sources for m in find_outlets(question, SOURCES)]
    assert named == [("Cnbc | World Business News Leader",), ("The Age",), ("Fortune",)]


def test_multi_hop_question_becomes_sub_queries() -> None:
    question = (
        "Who was accused by Fortune of hiding customer losses, claimed by The Verge to "
        "have struggled with running the exchange, and reported by TechCrunch on "
        "October 7, 2023 to have committed fraud?"
    )
    hints = read_hints(question, SOURCES, default_year=2023)
    assert hints.sources() == {"Fortune", "The Verge", "TechCrunch"}
    by_outlet = {s.sources: s for s in hints.subqueries if len(s.sources) == 1}
    assert "struggled" in by_outlet[("The Verge",)].text
    window = by_outlet[("TechCrunch",)].window
    assert window is not None and window.since == date(2023, 10, 7)
    assert len(hints.subqueries) >= 6  # one per outlet mention, one per clause


def test_plain_question_has_no_sub_queries() -> None:
    assert read_hints("How much did the council set aside?", SOURCES).subqueries == ()


# --- fusion, coverage and duplicates ---------------------------------------------------------


def test_minmax_handles_constant_scores() -> None:
    assert minmax(np.array([2.0, 2.0])).tolist() == [1.0, 1.0]
    assert minmax(np.array([1.0, 3.0, 2.0])).tolist() == [0.0, 1.0, 0.5]


def test_covering_selection_serves_every_sub_query_before_seconds() -> None:
    overall = np.array([1.0, 0.95, 0.9, 0.3, 0.2])
    # Sub-query 0 is served by candidates 0-2, sub-query 1 only by candidate 4.
    subs = np.array([[1.0, 0.95, 0.9, 0.0, 0.0], [0.0, 0.0, 0.0, 0.1, 1.0]])
    assert select_covering(overall, subs, 3, coverage=0.0, sharpness=8) == [0, 1, 2]
    assert select_covering(overall, subs, 3, coverage=0.9, sharpness=8)[:2] == [0, 4]


def _chunk(cid: str, text: str, source: str) -> Chunk:
    return Chunk(
        id=cid, article_id=cid, text=text, start=0, end=len(text), title=cid, source=source
    )


def test_near_duplicates_collapse_into_the_better_hit() -> None:
    story = (
        "The central bank raised its main interest rate by a quarter point on Thursday, "
        "its fifth increase this year, citing stubborn inflation in services and wages."
    )
    hits = [
        Hit(_chunk("a", story, "Wire One"), 0.9),
        Hit(_chunk("b", "A different story about a football transfer fee.", "Sports Daily"), 0.8),
        Hit(_chunk("c", story.replace("Thursday", "Thursday morning"), "Wire Two"), 0.7),
        Hit(_chunk("d", story, "Wire One"), 0.6),
    ]
    kept = collapse_duplicates(hits, threshold=0.6)
    assert [h.chunk.id for h in kept] == ["a", "b"]
    assert kept[0].also_in == ("Wire Two",)  # the same outlet is not listed again


def test_sentences_split_at_ends_not_abbreviations() -> None:
    text = "Mr. Smith met Dr. Jones on Monday. They agreed on 4.2 million.\nNew paragraph here now"
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones on Monday.",
        "They agreed on 4.2 million.",
        "New paragraph here now",
    ]


def test_missing_cross_encoder_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.retrieve.cross import check_cross_encoder

    with pytest.raises(ModelUnavailableError, match=r"retrieve\.cross_encoder"):
        check_cross_encoder(tmp_path / "no-such-model")


# --- search over a real index (real embedder, real Chroma in tmp_path) ----------------------


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("tiny-index"))
    build_index([DATA / "articles.jsonl"], settings)
    return settings


def _with(settings: Settings, **retrieve: Any) -> Settings:
    return settings.model_copy(update={"retrieve": settings.retrieve.model_copy(update=retrieve)})


MODES = [
    pytest.param({"mode": "dense", "rerank": False, "multi_hop": False}, id="dense"),
    pytest.param({"mode": "bm25", "rerank": False, "multi_hop": False}, id="bm25"),
    pytest.param({"mode": "hybrid", "rerank": False, "multi_hop": False}, id="hybrid"),
    pytest.param({"mode": "hybrid", "rerank": True, "multi_hop": False}, id="hybrid+rerank"),
    pytest.param({}, id="defaults"),
]


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", QUESTIONS, ids=[q["article_id"] for q in QUESTIONS])
def test_each_question_finds_its_article(
    tiny_index: Settings, mode: dict[str, Any], case: dict[str, str]
) -> None:
    hits = search(case["question"], _with(tiny_index, **mode), k=1)
    assert hits[0].chunk.article_id == case["article_id"]


@pytest.mark.slow
def test_filters_narrow_results(tiny_index: Settings) -> None:
    question = "council museum budget opening"
    everything = search(question, tiny_index, k=8)
    assert len({h.chunk.source for h in everything}) > 1
    herald = search(question, tiny_index, k=8, filters=Filters(sources=("millbrook herald",)))
    assert herald and {h.chunk.source for h in herald} == {"Millbrook Herald"}
    january = Filters(since=date(2024, 1, 20), until=date(2024, 1, 31))
    late = search(question, tiny_index, k=8, filters=january)
    assert [h.chunk.article_id for h in late] == ["t7"]
    for mode in ("dense", "bm25"):
        narrowed = search(question, _with(tiny_index, mode=mode), k=8, filters=january)
        assert {h.chunk.article_id for h in narrowed} == {"t7"}


@pytest.mark.slow
def test_named_outlet_and_relative_date_lift_their_articles(tiny_index: Settings) -> None:
    question = "What happened in Millbrook last week?"
    # Both Millbrook stories match the words; "last week" picks the one published then.
    for today, expected in ((date(2024, 1, 22), "t1"), (date(2024, 2, 5), "t7")):
        assert search(question, tiny_index, k=1, today=today)[0].chunk.article_id == expected
    outlet = search("What was reported according to Northern Wire?", tiny_index, k=1)
    assert outlet[0].chunk.source == "Northern Wire"


@pytest.mark.slow
def test_timings_name_each_stage(tiny_index: Settings) -> None:
    timings: dict[str, float] = {}
    search("Why did households lose heating?", tiny_index, k=3, timings=timings)
    assert {"embed", "candidates", "rerank", "select", "retrieve"} <= set(timings)
    assert timings["retrieve"] >= timings["rerank"] >= 0


def _article(article_id: str, title: str, body: str, day: int) -> dict[str, str]:
    stamp = datetime(2024, 3, day, tzinfo=UTC).isoformat()
    return {
        "id": article_id,
        "title": title,
        "body": body,
        "source": "Test Wire",
        "published_at": stamp,
    }


def _in_step(settings: Settings) -> set[str]:
    index = open_index(settings)
    ids = index.catalog.all_chunk_ids()
    assert index.store.ids() == ids, "Chroma and the catalog disagree"
    assert set(get_bm25(index.catalog, index.directory).ids) == ids, "BM25 is out of step"
    sentences = load_sentence_index(index.directory)
    assert sentences is not None and set(sentences.chunks) == ids, "sentence vectors out of step"
    return ids


@pytest.mark.slow
def test_bm25_and_sentences_stay_in_step_through_add_replace_remove(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = _article(
        "x1",
        "Harbour bridge closes",
        "The harbour bridge closed for repairs. "
        "Ferries will run every ten minutes until it reopens in May.",
        1,
    )
    second = _article(
        "x2",
        "Library extends hours",
        "The central library will open until "
        "ten at night. Students asked for longer hours during exams.",
        2,
    )
    (corpus / "a.jsonl").write_text(json.dumps(first) + "\n")
    (corpus / "b.jsonl").write_text(json.dumps(second) + "\n")
    build_index([corpus], settings)
    before = _in_step(settings)
    assert search("When will the bridge reopen?", settings, k=1)[0].chunk.article_id == "x1"
    first["body"] = "The harbour bridge reopened early on Monday after the repairs finished."
    (corpus / "a.jsonl").write_text(json.dumps(first) + "\n")
    build_index([corpus], settings)
    after = _in_step(settings)
    assert after != before and len(after) == len(before)
    assert "reopened early" in search("bridge reopened", settings, k=1)[0].chunk.text
    remove_documents([str(corpus / "b.jsonl")], settings)
    assert len(_in_step(settings)) == len(after) - 1
    assert {h.chunk.article_id for h in search("library hours", settings, k=5)} == {"x1"}


def test_answer_encoder_reuses_stored_sentence_vectors(tiny_index: Settings) -> None:
    from assistant.index.registry import get_embedder
    from assistant.index.sentence_index import embedder_id, get_sentence_index

    index = open_index(tiny_index)
    ingest = index.settings.ingest
    stored = get_sentence_index(index.directory, embedder_id(ingest))
    chunk = next(index.catalog.iter_chunks())
    sentences = split_sentences(chunk.text)
    embed = get_embedder(ingest).embed_array
    asked: list[str] = []

    def counting(texts: list[str]) -> np.ndarray:
        asked.extend(texts)
        return embed(texts)

    question = "Which sentence is this question about?"
    vectors = stored.encoder(counting)([question, *sentences])
    assert asked == [question], "stored sentences must not be embedded again"
    fresh = embed([question, *sentences])
    assert vectors.shape == fresh.shape
    # float16 storage, and int8 activations scaled per batch: the same direction, not bits
    assert np.min(np.sum(vectors * fresh, axis=1)) > 0.98


def test_dedup_size_shortcut_agrees_with_jaccard() -> None:
    import random

    from assistant.retrieve.dedup import _similar, jaccard

    rng = random.Random(5)
    for _ in range(500):
        a = frozenset(str(rng.randrange(60)) for _ in range(rng.randrange(1, 50)))
        b = frozenset(str(rng.randrange(60)) for _ in range(rng.randrange(1, 50)))
        for threshold in (0.3, 0.6, 0.9):
            assert _similar(a, b, threshold) == (jaccard(a, b) >= threshold)
