"""Each eval metric on small hand-made cases whose scores were worked out by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from assistant.schema import Answer, Citation
from evals.metrics import (
    all_evidence_recall_at_k,
    answer_match,
    article_key,
    article_recall_at_k,
    citation_precision,
    citation_validity,
    cited_answer_match,
    cited_evidence,
    cited_sentences,
    false_refusal_rate,
    hit_at_k,
    latency_summary,
    lead_match,
    mean,
    mhr_extract_answer,
    mhr_lenient_match,
    mhr_retrieval_scores,
    mhr_strict_match,
    mrr_at_k,
    normalize_answer,
    percentile,
    refusal_precision,
    refusal_recall,
    rtqa_exact_match,
    rtqa_f1,
    rtqa_normalize,
    strip_markers,
    supports,
)

QUOTE = (
    "The decision comes in response to reports that approximately 10,000 North Korean troops "
    "have been deployed to assist Russian forces along Ukraine\u2019s northern border."
)


def make_answer(text: str, *quotes: str, passage: str = "", **meta: Any) -> Answer:
    citations = [
        Citation(
            n=n, article_id="a1", quote=q, start=0, end=1, passage=passage, **{"title": "T", **meta}
        )
        for n, q in enumerate(quotes, 1)
    ]
    return Answer(text=text, citations=citations, question="q", answered=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The  Washington Post!", "washington post"),
        ("10,000 troops", "10000 troops"),
        ("Biden's decision", "biden decision"),
        ("Ukraine\u2019s northern border", "ukraine northern border"),
        ("2024-11-18", "2024 11 18"),
        ("An act of war — said Putin.", "act of war said putin"),
        ("“Every dollar”", "every dollar"),
    ],
)
def test_normalize_answer(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_answer_match_is_normalised_whole_word_containment() -> None:
    text = "About 10,000 North Korean troops were deployed [1]."
    assert answer_match(text, ["ten thousand", "10000"])
    assert answer_match(text, ["north korean TROOPS"])
    assert not answer_match(text, ["1000"])  # a part of a number is not the number
    assert not answer_match("He won an award.", ["war"])
    assert answer_match("Published 2024-11-18.", ["2024"])
    assert answer_match("Biden's decision", ["Biden"])
    assert not answer_match("anything", [])
    assert not answer_match("anything", [""])


def test_cited_answer_match_needs_the_answer_in_a_cited_quote_or_passage() -> None:
    accepted = ["10,000", "ten thousand"]
    assert cited_answer_match(make_answer("About 10,000 troops [1].", QUOTE), accepted)
    # matched in the text, but no cited quote holds it
    assert not cited_answer_match(make_answer("About 10,000 troops [1].", "Putin spoke."), accepted)
    # the passage around the quote counts too
    in_passage = make_answer("About 10,000 troops [1].", "Troops went.", passage=QUOTE)
    assert cited_answer_match(in_passage, accepted)
    # the quote holds an accepted answer, but not the one the text matched
    assert not cited_answer_match(make_answer("ten thousand troops [1].", QUOTE), accepted)
    assert not cited_answer_match(make_answer("I don't know.", QUOTE), accepted)


def test_cited_sentences_attach_markers_to_the_sentence_they_follow() -> None:
    text = "Biden approved it [1]. Putin objected. [2][3] Trump is next [1, 4]."
    assert cited_sentences(text) == [
        ("Biden approved it .", [1]),
        ("Putin objected.", [2, 3]),
        ("Trump is next .", [1, 4]),
    ]
    assert cited_sentences("[2] Leading marker with nothing before.") == [
        ("Leading marker with nothing before.", [2])
    ]


def test_citation_validity_is_the_share_of_markers_with_a_citation() -> None:
    answer = make_answer("One [1]. Two [2]. Three [1, 9].", "q1", "q2")
    assert citation_validity(answer) == 3 / 4
    assert citation_validity(make_answer("No markers here.", "q1")) is None


def test_supports_needs_half_of_the_content_words() -> None:
    # content words 10, 000, north, korean, troops, deployed: all in the quote
    assert supports(QUOTE, "About 10,000 North Korean troops were deployed.")
    # content words: putin, called, act, war, strike, moscow -> none in the quote
    assert not supports(QUOTE, "Putin called it an act of war to strike Moscow.")
    # 2 of 4 content words (troops, border | missiles, atacms) is exactly half: supported
    assert supports(QUOTE, "Troops, border, missiles, ATACMS.")
    assert not supports(QUOTE, "Troops, missiles, ATACMS.")
    assert not supports(QUOTE, "It was.")  # no content words at all


def test_citation_precision_checks_each_marker_against_its_quote() -> None:
    putin = "Russian President Vladimir Putin has said he would perceive this as an act of war."
    answer = make_answer(
        "About 10,000 North Korean troops were deployed [1]. Putin called it an act of war [1][2]."
        " Trump promised peace [3].",
        QUOTE,
        putin,
    )
    # [1] supports sentence 1; [1] does not support sentence 2, [2] does; [3] has no citation
    assert citation_precision(answer) == 2 / 4
    assert citation_precision(make_answer("Nothing cited.", QUOTE)) is None


META: dict[str, Any] = {
    "title": "Biden-Harris admin to allow Ukraine to use US long-range missiles: report",
    "source": "The Postmillennial",
    "author": "Hayden Cunningham",
    "published_at": datetime(2024, 11, 18),
}


def test_cited_evidence_adds_the_article_metadata() -> None:
    (citation,) = make_answer("x", "A quote.", **META).citations
    assert cited_evidence(citation) == (
        "A quote.\nBiden-Harris admin to allow Ukraine to use US long-range missiles: report"
        " | The Postmillennial | Hayden Cunningham | 2024-11-18 | November 18, 2024"
    )
    (bare,) = make_answer("x", "", passage="The passage.").citations
    assert cited_evidence(bare) == "The passage.\nT"


def test_metadata_answers_are_cited_by_the_citation_metadata() -> None:
    text = "The report was written by Hayden Cunningham in The Postmillennial on 2024-11-18 [1]."
    answer = make_answer(text, "Biden approved long-range strikes.", **META)
    assert cited_answer_match(answer, ["Hayden Cunningham"])
    assert cited_answer_match(answer, ["November 18, 2024", "2024-11-18"])
    assert citation_precision(answer) == 1.0
    assert not cited_answer_match(make_answer(text, "Biden approved."), ["Hayden Cunningham"])


def test_citation_precision_falls_back_to_the_passage_for_an_empty_quote() -> None:
    answer = make_answer("About 10,000 North Korean troops were deployed [1].", "", passage=QUOTE)
    assert citation_precision(answer) == 1.0


OUTCOMES = [  # (expected_unanswerable, abstained)
    (True, True),
    (True, True),
    (True, False),
    (False, True),
    (False, False),
    (False, False),
    (False, False),
]


def test_abstention_aggregates() -> None:
    assert refusal_recall(OUTCOMES) == 2 / 3
    assert refusal_precision(OUTCOMES) == 2 / 3
    assert false_refusal_rate(OUTCOMES) == 1 / 4


def test_abstention_aggregates_without_a_denominator_are_none() -> None:
    answerable_only = [(False, False)]
    assert refusal_recall(answerable_only) is None
    assert refusal_precision(answerable_only) is None
    assert false_refusal_rate([(True, True)]) is None
    assert refusal_recall([]) is None


RANKED = ["x", "y", "gold-a", "x", "gold-b", "z"]
GOLD = {"gold-a", "gold-b"}


def test_hit_and_mrr_at_k_count_passages() -> None:
    assert not hit_at_k(RANKED, GOLD, 2)
    assert hit_at_k(RANKED, GOLD, 3)
    assert mrr_at_k(RANKED, GOLD, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(RANKED, GOLD, 2) == 0.0
    assert not hit_at_k(RANKED, set(), 10)


def test_article_recall_and_all_evidence_recall() -> None:
    assert article_recall_at_k(RANKED, GOLD, 4) == 0.5
    assert not all_evidence_recall_at_k(RANKED, GOLD, 4)
    assert article_recall_at_k(RANKED, GOLD, 5) == 1.0
    assert all_evidence_recall_at_k(RANKED, GOLD, 5)
    assert not all_evidence_recall_at_k(RANKED, set(), 5)


def test_article_key_matches_gold_by_id_or_title() -> None:
    gold = ["mhr-d-0001", "Biden-Harris admin to allow Ukraine: report"]
    assert article_key("mhr-d-0001", "Other", gold) == "mhr-d-0001"
    assert article_key("000_abc", "biden-harris admin to allow  Ukraine: report", gold) == gold[1]
    assert article_key("000_abc", "Unrelated", gold) == "000_abc"


def test_percentile_interpolates_linearly() -> None:
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == 25.0
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_latency_summary_per_stage_and_total() -> None:
    timings = [
        {"retrieve": 10.0, "generate": 100.0, "total": 120.0},
        {"retrieve": 30.0, "generate": 300.0, "total": 340.0},
        {"retrieve": 20.0, "total": 30.0},
    ]
    summary = latency_summary(timings)
    assert summary["latency_p50_ms"] == 120.0
    assert summary["latency_retrieve_p50_ms"] == 20.0
    assert summary["latency_generate_p50_ms"] == 200.0
    assert summary["latency_generate_p95_ms"] == pytest.approx(290.0)
    assert "latency_total_p50_ms" not in summary


def test_mean_skips_none() -> None:
    assert mean([1.0, None, 0.0, True]) == pytest.approx(2 / 3)
    assert mean([None]) is None


FACTS = [
    "approximately 10,000 North Korean troops",
    "Putin has previously said",
    "broker peace within 24 hours",
]


def test_mhr_retrieval_scores_map_worked_by_hand() -> None:
    chunks = [
        "nothing relevant here",
        "reports that approximately 10,000\nNorth Korean  troops have",  # fact 1 (rank 2)
        "again approximately 10,000 North Korean troops",  # relevant, but nothing new
        "Putin has previously said ... promised to broker peace within 24 hours",  # facts 2, 3
        "filler",
    ]
    scores = mhr_retrieval_scores(chunks, FACTS)
    # precision at relevant ranks: 1/2 + 0/3 + 2/4 = 1.0; divided by min(3 facts, 10) = 1/3
    assert scores["map@10"] == pytest.approx(1 / 3)
    assert scores["mrr@10"] == 0.5
    assert scores["hits@4"] == 1.0
    assert scores["hits@10"] == 1.0
    assert scores["fact_recall@10"] == 1.0
    assert scores["all_evidence@10"] == 1.0


def test_mhr_retrieval_scores_only_count_the_top_ten() -> None:
    chunks = ["filler"] * 4 + ["Putin has previously said"] + ["filler"] * 5 + [FACTS[0]]
    scores = mhr_retrieval_scores(chunks, FACTS)
    assert scores["hits@4"] == 0.0
    assert scores["hits@10"] == 1.0
    assert scores["mrr@10"] == pytest.approx(1 / 5)
    assert scores["map@10"] == pytest.approx((1 / 5) / 3)
    assert scores["fact_recall@10"] == pytest.approx(1 / 3)
    assert scores["all_evidence@10"] == 0.0


def test_mhr_retrieval_scores_substring_rule_quirks() -> None:
    # only spaces and newlines are removed: a tab still breaks the match
    assert mhr_retrieval_scores(["Putin\thas previously said"], FACTS)["hits@10"] == 0.0
    # a fact split across two chunks is never found
    split = ["Putin has previously", "said he would"]
    assert mhr_retrieval_scores(split, FACTS)["hits@10"] == 0.0
    # a duplicated gold fact is found once but counts twice in the denominator
    assert mhr_retrieval_scores([FACTS[1]], [FACTS[1], FACTS[1]])["map@10"] == 0.5
    with pytest.raises(ValueError, match="null queries"):
        mhr_retrieval_scores(["anything"], [])


def test_mhr_extract_answer() -> None:
    assert (
        mhr_extract_answer('The answer to the question is "Sam Altman". Because…') == "Sam Altman"
    )
    assert mhr_extract_answer("Sam Altman") == "Sam Altman"


@pytest.mark.parametrize(
    ("output", "gold", "expected"),
    [
        ("Sam Altman", "Sam Altman", True),
        ("Altman", "Sam Altman", True),
        ("yes or no, hard to say", "Yes", True),  # both yes and no: passes any yes/no question
        ("The Verge", "The Guardian", True),  # "the" is a shared word
        ("Insufficient information", "Insufficient information.", True),  # via "insufficient"
        ("information", "Insufficient information.", False),  # "information." keeps its period
        ("No.", "No", False),  # punctuation stays attached
        ('The answer to the question is "Elon Musk". Sam Altman', "Sam Altman", False),
    ],
)
def test_mhr_lenient_match_quirks(output: str, gold: str, expected: bool) -> None:
    assert mhr_lenient_match(output, gold) is expected


@pytest.mark.parametrize(
    ("output", "gold", "expected"),
    [
        ("It was Donald Trump.", "Donald Trump", True),
        ("Donald", "Donald Trump", False),
        ("Yes.", "Yes", True),
        ("yes or no, hard to say", "Yes", False),
        ("No, it did not.", "No", True),
        ("The Verge", "The Guardian", False),
        ("Insufficient information", "Insufficient information.", True),
        ('The answer to the question is "Sam Altman".', "Sam Altman", True),
    ],
)
def test_mhr_strict_match(output: str, gold: str, expected: bool) -> None:
    assert mhr_strict_match(output, gold) is expected


def test_rtqa_normalize_keeps_articles_and_drops_ascii_punctuation() -> None:
    assert (
        rtqa_normalize("The  Ban, on military-style weapons!") == "the ban on militarystyle weapons"
    )


def test_rtqa_exact_match() -> None:
    assert rtqa_exact_match("Europe!", "europe")
    assert not rtqa_exact_match("the Europe", "Europe")  # articles are not removed
    assert not rtqa_exact_match("Europe and Asia", "Europe")


def test_rtqa_f1() -> None:
    # 4 shared tokens; precision 4/4, recall 4/5 -> F1 = 2 * 1 * 0.8 / 1.8
    f1 = rtqa_f1("ban on assault weapons", "Ban on military-style assault weapons")
    assert f1 == pytest.approx(1.6 / 1.8)
    assert rtqa_f1("Europe", "Europe") == 1.0
    assert rtqa_f1("Asia", "Europe") == 0.0
    assert rtqa_f1("", "Europe") == 0.0
    # repeated tokens count as often as both sides have them
    assert rtqa_f1("the the the", "the") == pytest.approx(0.5)


def test_strip_markers() -> None:
    assert strip_markers("Europe [1]. Asia [2, 3] too.") == "Europe . Asia too."


def test_a_figure_s_scale_matches_however_it_is_written() -> None:
    from evals.metrics import answer_match

    assert answer_match("Microsoft completed its $69B acquisition", ["$69bn"])
    assert answer_match("It rose 40 per cent", ["40%"])
    assert answer_match("a $2.5m fine", ["$2.5 million"])
    assert not answer_match("$69B", ["$69 million"])
    assert not answer_match("the 5 mile race", ["5 million"])
    assert not answer_match("5 bikes", ["5bn"])


def test_lead_match_reads_only_up_to_the_first_citation() -> None:
    gold = ["$75 million"]
    assert lead_match("$75 million — It paid $75 million [1]. Later $105 million [2].", gold)
    assert not lead_match("It paid $105 million [1]. Later it paid $75 million [2].", gold)
    assert lead_match("The articles don't say whether it paid $75 million.", gold)
