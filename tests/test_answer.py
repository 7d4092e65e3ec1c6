"""The extractive answerer's parts: marker clean-up, answer-type gates, sentence coverage."""

from __future__ import annotations

import pytest

from assistant.answer.cite import drop_unknown_markers
from assistant.answer.entities import answer_type
from assistant.answer.extractive import Scored, choose_sentences, question_words
from assistant.answer.sentences import Sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Biden approved it [9].", "Biden approved it."),
        (
            "Biden approved it [9] and Putin objected [1].",
            "Biden approved it and Putin objected [1].",
        ),
        ("A [9][1].", "A [1]."),
        ("A [1, 9] b", "A [1] b"),
        ("Ends here [9]", "Ends here"),
    ],
)
def test_unknown_markers_are_dropped_with_their_space(text: str, expected: str) -> None:
    assert drop_unknown_markers(text, {1}) == expected


def test_spacing_away_from_a_dropped_marker_is_left_alone() -> None:
    text = "Prices rose ( sharply ) , analysts said ; one asked : why ? [1]"
    assert drop_unknown_markers(text, {1}) == text
    assert drop_unknown_markers("A list : one , two [7] .", {1}) == "A list : one , two."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("On what date did the talks end?", "date"),
        ("Which Russian cities has Ukraine struck?", "place"),
        ("Troops from which country are fighting?", "country"),
        ("Which North Korean general commands the troops?", "person"),
        ("How many troops were deployed?", "number"),
        ("Who approved the missiles?", "who"),
        ("What do US officials fear could follow?", None),
        ("Along which border were they deployed?", None),
    ],
)
def test_questions_name_their_answer_type(question: str, kind: str | None) -> None:
    found = answer_type(question)
    assert (found.name if found else None) == kind


def test_a_date_must_share_a_clause_with_the_question() -> None:
    question = "On what date did the minister's meeting with farmers in Leeds end?"
    date, words = answer_type(question), question_words(question)
    assert date is not None
    unrelated = (
        "“Every pound will be spent before March 3,” the minister said at a meeting in Leeds."
    )
    assert not date.fits(unrelated, words)
    assert date.fits("The meeting in Leeds ended on March 3 without a deal.", words)


def test_a_place_or_person_the_question_already_names_does_not_count() -> None:
    question = "Which Russian cities has Ukraine already struck?"
    cities, words = answer_type(question), question_words(question)
    assert cities is not None
    assert not cities.fits("Ukraine has struck targets inside Russia for months.", words)
    assert cities.fits("Ukraine has struck an airfield in Belgorod, officials said.", words)
    general = answer_type("Which North Korean general commands the troops?")
    assert general is not None
    words = question_words("Which North Korean general commands the troops?")
    assert not general.fits("North Korean troops are now in Russia.", words)
    assert general.fits("The troops are commanded by General Kim Yong Bok.", words)


def _scored(*items: tuple[str, float]) -> list[Scored]:
    return [Scored(0, Sentence(text, 0, len(text)), score, score) for text, score in items]


def test_a_sentence_holding_question_words_the_best_one_lacks_is_added() -> None:
    scored = _scored(
        ("Biden approved the use of long-range weapons inside Russia.", 0.75),
        ("Previously the administration opposed strikes within Russia.", 0.60),
        ("Biden had previously assured Americans this would not be permitted.", 0.48),
        ("Ukraine asked for months.", 0.30),
    )
    question = "Had Biden previously assured Americans that Ukraine could use weapons in Russia?"
    chosen = choose_sentences(scored, 0.45, 3, question, question)
    texts = [c.sentence.text for c in chosen]
    assert texts[0].startswith("Biden approved")
    assert any("assured Americans" in t for t in texts)
    assert not any(t.startswith("Ukraine asked") for t in texts)


def test_no_relevant_sentence_means_no_answer() -> None:
    scored = _scored(("Something unrelated.", 0.2))
    assert choose_sentences(scored, 0.45, 3, "What happened?") == []
