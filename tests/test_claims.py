"""Aligning claims: the same statement with different values, and the pairs that are not one."""

from __future__ import annotations

import pytest

from assistant.answer.claims import conflicts, sentence_values
from assistant.answer.freshness import asks_about_present
from assistant.story import is_timeline_question, read_timeline_question


def _conflict(first: str, second: str) -> bool:
    question = _QUESTIONS[next(k for k in _QUESTIONS if k in first.lower())]
    return bool(conflicts(first, second, question=question))


_QUESTIONS = {  # each pair is asked about with the question its claim answers
    "ftx": "How much did FTX customers lose in the collapse?",
    "flood": "How many people did the flood in the valley kill?",
    "smith": "Was Smith found guilty of fraud?",
    "startup": "How much money did the startup raise?",
}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "FTX customers lost $2 billion in the collapse, prosecutors said.",
            "Prosecutors said FTX customers lost $8 billion in the collapse.",
        ),
        (
            "The flood killed 12 people in the valley on Sunday, officials said.",
            "Officials said the flood killed 31 people in the valley.",
        ),
        (
            "The jury found Smith guilty of fraud after a two-week trial in Boston.",
            "After a two-week trial in Boston, Smith was acquitted of fraud by the jury.",
        ),
    ],
)
def test_the_same_claim_with_different_values_conflicts(first: str, second: str) -> None:
    assert _conflict(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # the same value written differently, or within rounding
        (
            "FTX customers lost $2 billion in the collapse, prosecutors said.",
            "FTX customers lost about $2.0 billion in the collapse, prosecutors said.",
        ),
        # a bound the other value satisfies
        (
            "The flood killed more than 10 people in the valley, officials said.",
            "Officials said the flood killed 12 people in the valley.",
        ),
        # different predicates about the same subject
        (
            "The startup raised $2 billion from investors in its latest round.",
            "The startup is now valued at $8 billion by its investors after the round.",
        ),
        # different counted things
        (
            "The flood killed 12 people in the valley on Sunday, officials said.",
            "The flood destroyed 31 homes in the valley on Sunday, officials said.",
        ),
        # the same words about another product: another subject, another claim
        (
            "The startup Cyberbeast sells its scooter with a $9,990 price tag and a 30-mile range.",
            "Rival startup ElectraMeccanica sells its scooter with an $8,500 price tag and a "
            "25-mile range.",
        ),
        # a ticket price and a box-office total about one film: two quantities
        (
            "Tickets for the startup's film cost $19.89 for adults at the opening.",
            "The startup's film took $92.8 million at the opening, its distributor said.",
        ),
        # a running total that has passed the first figure
        (
            "The startup raised $92.8 million in its first week, its founders said.",
            "The startup has surpassed $250 million raised since its first week.",
        ),
        # an update that states both values agrees with each
        (
            "FTX customers lost $2 billion in the collapse, prosecutors said.",
            "Prosecutors raised the loss FTX customers suffered in the collapse from $2 billion to "
            "$8 billion.",
        ),
    ],
)
def test_values_that_can_both_hold_do_not_conflict(first: str, second: str) -> None:
    assert not _conflict(first, second)


def test_only_the_asked_value_differs_and_predictions_do_not_count() -> None:
    first = "The council voted 7-4 to approve a $180 million subsidy for the stadium."
    second = "Voting 8-3, the council approved a $180 million subsidy for the new stadium."
    assert conflicts(first, second, question="What was the council vote on the subsidy?")
    assert not conflicts(first, second, question="How big is the subsidy for the stadium?")
    assert not conflicts(first, second)  # a question that asks for no value names no claim
    predicted = "Analysts predicted the council would vote 6-5 to approve the stadium subsidy."
    assert not conflicts(first, predicted, question="What was the council vote on the subsidy?")


def test_years_and_day_numbers_are_not_counts() -> None:
    kinds = [
        (v.kind, v.text)
        for v in sentence_values("In 2023 the plant hired 40 workers on October 5, 2023.")
    ]
    assert kinds == [("count", "40 workers"), ("date", "October 5, 2023")]


@pytest.mark.parametrize(
    ("question", "story", "since", "until"),
    [
        ("How did the SBF trial unfold?", "the SBF trial", None, None),
        ("What happened with OpenAI since October 2023?", "OpenAI", "2023-10-01", None),
        ("Timeline of the UAW strike", "the UAW strike", None, None),
        (
            "Give me a timeline of the OpenAI board crisis in November 2023",
            "the OpenAI board crisis",
            "2023-11-01",
            "2023-11-30",
        ),
    ],
)
def test_timeline_questions_name_their_story_and_window(
    question: str, story: str, since: str | None, until: str | None
) -> None:
    asked = read_timeline_question(question)
    assert is_timeline_question(question)
    assert (
        asked.query,
        str(asked.since) if asked.since else None,
        str(asked.until) if asked.until else None,
    ) == (story, since, until)


def test_fact_questions_are_not_timeline_or_present_questions() -> None:
    assert not is_timeline_question("Who is the CEO of OpenAI?")
    assert not asks_about_present("Who was the CEO of OpenAI in 2022?")
    assert asks_about_present("Who is the current CEO of OpenAI?")
    assert asks_about_present("Where did Shohei Ohtani end up signing?")  # how it ended
