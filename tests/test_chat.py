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


def test_a_follow_up_about_the_article_carries_the_quote_of_the_outlet_it_names() -> None:
    from assistant.chat import cited_quote

    reply = (
        "No — the reports tell of different events:\n\n"
        "TechCrunch (2023-10-01): Bankman-Fried resigned as chief executive in November [1].\n\n"
        "The Verge (2023-10-26): It was all vastly outweighed by his investments early on [2]."
    )
    question = "When was the Verge one published?"
    quote = "It was all vastly outweighed by his investments early on"
    assert cited_quote(reply, question) == quote
    assert cited_quote(reply, "Who wrote it?").startswith("Bankman-Fried resigned")
    standalone = condense_question(question, [("Did The Verge differ from TechCrunch?", reply)])
    assert "It was all vastly outweighed by his investments early on" in standalone
    later = condense_question("How did the markets react?", [("Did The Verge differ?", reply)])
    assert "outweighed" not in later  # only questions about the article itself carry the quote


def test_a_possessive_after_a_name_the_question_gives_needs_no_earlier_turn() -> None:
    assert not needs_context("How many jobs is ASOS cutting as its losses balloon?")
    assert needs_context("What did his lawyer say about the verdict?")
    history = [("Who wrote that article?", "“Girl spends birthday in tunnels” was published [1].")]
    question = "How many jobs is ASOS cutting as its losses balloon?"
    assert condense_question(question, history) == question  # no "Who wrote …" carried along


def test_a_question_word_alone_does_not_lean_on_earlier_turns() -> None:
    assert not needs_context("When did Apple release its first folding phone?")
    assert needs_context("Why did he resign from the board?")
    assert needs_context("Why?") and needs_context("And what about Google?")


def test_a_role_written_in_capitals_names_no_one() -> None:
    assert needs_context("Who is taking over as CEO?")  # whose CEO: the earlier turn says
    assert not needs_context("Who is the CEO of Binance now?")
    history = [("Why did Changpeng Zhao step down at Binance?", "He pleaded guilty [1].")]
    assert "Binance" in condense_question("Who is taking over as CEO?", history)
