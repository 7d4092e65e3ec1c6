"""Deterministic follow-up condensation for the extractive default."""

from assistant.chat import condense_question, needs_context


def test_self_contained_question_is_unchanged() -> None:
    question = "Who approved Ukraine's use of long-range US missiles inside Russia?"
    assert condense_question(question, [("Earlier question about Gaza?", "")]) == question


def test_follow_up_carries_the_previous_question() -> None:
    history = [("Who approved Ukraine's use of long-range US missiles?", "Biden did [1].")]
    condensed = condense_question("And when did he change his mind?", history)
    assert condensed.startswith("And when did he change his mind?")
    assert "long-range US missiles" in condensed


def test_no_history_means_no_change() -> None:
    assert condense_question("What did he say?", None) == "What did he say?"
    assert needs_context("What did he say?")
    assert not needs_context("How many North Korean troops were sent to Russia's border?")


def test_a_refused_turn_is_not_carried() -> None:
    history = [("What is the capital of Peru?", "The articles don't say. No passage …")]
    assert condense_question("Who approved the missiles?", history) == "Who approved the missiles?"
