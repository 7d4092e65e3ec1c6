"""Answers that fill the asked slot, on small made-up articles (real index, real model).

Each failure class of issue 16 has a case: the sentence that holds the asked fact wins over a
topical distractor; a related question the article does not answer is refused; a paraphrased
question is still answered; a follow-up about the article itself is answered from the catalog.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assistant import Settings, ask
from assistant.ingest import build_index

pytestmark = pytest.mark.slow

ARTICLES = [
    {"id": "bridge", "title": "Lakeside council votes to rebuild the Harbour Bridge",
     "source": "Lakeside Herald", "author": "Priya Natarajan", "published_at": "2026-11-20",
     "body": "The Lakeside council voted 7 to 2 on Tuesday to rebuild the Harbour Bridge, which "
     "has been closed to traffic since a crack was found in March. The rebuild will cost $48 "
     "million, paid from the regional transport fund over four years. Mayor Tomas Berg said work "
     "would start in May 2027 and that the bridge should reopen in the autumn of 2028. About "
     "14,000 vehicles crossed the bridge each day before it closed. Councillors who voted "
     "against the plan wanted a cheaper repair of the old deck."},
    {"id": "ferry", "title": "Harbor council buys an electric ferry", "source": "Harbor Times",
     "published_at": "2026-03-02", "body": "The harbor council voted to buy an electric ferry "
     "named Osprey for the island crossing. The Osprey will carry 120 passengers and replace a "
     "diesel boat that served the route for 35 years."},
    {"id": "bakery", "title": "Northside Bakery doubles its profit", "source": "Harbor Times",
     "author": "Leo Marsh", "published_at": "2026-10-14", "body": "Northside Bakery reported "
     "an operating profit of $2.4 million for the year, up from $1.2 million, as it sold 3,000 "
     "loaves a day. Its founder, Ana Ruiz, said the bakery will hire 15 more bakers. The new "
     "ovens were built by Heatwell Ovens, a firm based in Leeds."},
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    folder = tmp_path_factory.mktemp("slots")
    corpus = folder / "local.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    settings = Settings(index_dir=folder / "ix")
    build_index([corpus], settings)
    yield settings


@pytest.mark.parametrize(
    ("question", "expected", "lead"),
    [
        # money: the amount sentence, not the vote sentence that is more about "the rebuild"
        ("How much will the Harbour Bridge rebuild cost?", "$48 million", "$48 million"),
        ("How many vehicles crossed the Harbour Bridge each day?", "14,000", "14,000"),
        ("When will the Harbour Bridge reopen?", "autumn of 2028", None),
        ("Who is the mayor of Lakeside?", "Tomas Berg", None),
        ("How many passengers will the Osprey carry?", "120", "120"),
        ("For how long did the diesel boat serve the island crossing?", "35 years", "35 years"),
        ("How much operating profit did Northside Bakery report?", "$2.4 million",
         "$2.4 million"),
        ("Which company built Northside Bakery's new ovens?", "Heatwell Ovens", None),
        ("What is Ana Ruiz's job at Northside Bakery?", "founder", "founder"),
    ],
)
def test_the_sentence_that_holds_the_asked_fact_answers(
    settings: Settings, question: str, expected: str, lead: str | None
) -> None:
    answer = ask(question, settings=settings)
    assert answer.answered and expected in answer.text, answer.text
    if lead is not None:
        assert answer.verdict == lead and answer.text.startswith(f"{lead} — "), answer.text
    assert answer.citations and all(c.quote in c.passage for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "How much will tolls on the new Harbour Bridge cost drivers?",  # money, not stated
        "How many workers will the Harbour Bridge rebuild employ?",  # count, not stated
        "What percentage of the Harbour Bridge cost does the national government pay?",
        "How big a bonus did Ana Ruiz get from Northside Bakery?",  # money, none stated
        "How many passengers did the Osprey carry in 2019?",  # another year than any told
    ],
)
def test_a_related_detail_the_article_does_not_give_is_refused(
    settings: Settings, question: str
) -> None:
    answer = ask(question, settings=settings)
    assert not answer.answered, answer.text
    assert answer.text.startswith("The articles don't say")


def test_a_paraphrased_question_is_still_answered(settings: Settings) -> None:
    # "price" is not in the sentence ("The rebuild will cost $48 million …")
    answer = ask("What is the price of the Harbour Bridge rebuild?", settings=settings)
    assert answer.answered and "$48 million" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "word", "rule"),
    [
        ("Did the Lakeside council vote to rebuild the Harbour Bridge?", "Yes", "stated"),
        ("Will the Harbour Bridge rebuild cost $60 million?", "No", "other value"),
        ("Did Northside Bakery's operating profit fall?", "No", "opposite"),
        ("Will Northside Bakery fire bakers?", "No", "opposite"),
    ],
)
def test_a_yes_no_question_is_answered_with_its_verdict_first(
    settings: Settings, question: str, word: str, rule: str
) -> None:
    answer = ask(question, settings=settings)
    assert answer.answered and answer.text.startswith(f"{word} — "), answer.text
    assert answer.verdict == word and answer.verdict_rule == rule
    assert answer.citations and all(c.quote in c.passage for c in answer.citations)


def test_a_yes_no_question_the_sentence_only_touches_gets_no_verdict(settings: Settings) -> None:
    # The article gives the cost, not who pays for the tolls: quoted, but neither Yes nor No.
    answer = ask("Did the council raise tolls to pay for the Harbour Bridge rebuild?",
                 settings=settings)
    assert answer.verdict is None, answer.text
    assert answer.answered and answer.text.startswith("The articles don't settle it"), answer.text
    assert answer.citations and all(c.quote in c.passage for c in answer.citations)


def test_a_follow_up_about_the_article_is_answered_from_the_catalog(settings: Settings) -> None:
    first = ask("Who is the mayor of Lakeside?", settings=settings)
    history = [(first.question, first.text)]
    when = ask("When was that reported?", history=history, settings=settings)
    assert when.answered and "2026-11-20" in when.text, when.text
    who = ask("Who wrote it?", history=history, settings=settings)
    assert who.answered and "Priya Natarajan" in who.text, who.text


def test_who_wrote_a_piece_finds_the_piece_not_a_sentence_naming_someone(
    settings: Settings,
) -> None:
    answer = ask("Who wrote the piece about the bakery's profit?", settings=settings)
    assert answer.answered and "Leo Marsh" in answer.text, answer.text


def test_a_month_is_no_place_and_a_scientist_is_a_person() -> None:
    from assistant.answer.extractive.asked import answer_type

    where = answer_type("A court in which city rejected Meta's bid?")
    assert where is not None and where.name == "place"
    assert answer_type("In which kibbutz was she staying?").name == "where"  # type: ignore[union-attr]
    assert not where.fits("The regulator issued the ban back in July.", {"court", "meta", "bid"})
    assert where.fits("A court in Oslo rejected Meta's bid.", {"court", "meta", "bid"})
    scientist = answer_type("Which MIT scientist shared the Nobel Prize in chemistry?")
    assert scientist is not None and scientist.name == "person"
    university = answer_type("At which university is Jon Copley a professor?")
    assert university is not None and university.name == "organization"
