"""The one entry point: ask(question, history) -> Answer, and ask_stream for text as it comes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from assistant.answer import Encode, is_instruction, refuse
from assistant.answer.answerers import Answerer, answerer_for
from assistant.answer.llm.backends import LLM, get_llm
from assistant.answer.llm.generate import stream_answer
from assistant.answer.query import Query
from assistant.chat import condense_question, condense_with_llm
from assistant.config import Settings
from assistant.index import Index, open_index_for_search
from assistant.news import finish_answer, timeline_reply, until_today
from assistant.retrieve import Filters, search
from assistant.schema import Answer, Hit, Turn


def ask(
    question: str,
    history: Sequence[Turn] | None = None,
    settings: Settings | None = None,
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> Answer:
    """Answer a question from the indexed articles, citing the passages it rests on.

    Args:
        question: the user's question; a follow-up may lean on `history`.
        history: earlier (question, answer) turns of the same conversation, oldest first.
        settings: defaults to Settings() (reads ASSISTANT_* environment variables);
            `settings.answer.llm` picks the extractive answerer or an LLM backend.
        filters: restrict the search to outlets and/or a publication date window.
        today: the date relative expressions ("last week") refer to.
    """
    for item in ask_stream(question, history, settings, filters=filters, today=today):
        if isinstance(item, Answer):
            return item
    raise AssertionError("ask_stream ended without an Answer")  # pragma: no cover


def ask_stream(
    question: str,
    history: Sequence[Turn] | None = None,
    settings: Settings | None = None,
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is produced, then the full Answer (as `ask` returns it).

    The text pieces join to `Answer.text`. With an LLM they are its checked sentences as they
    are generated; the extractive answer yields its sentences.
    """
    settings = settings or Settings()
    today = today or settings.news.today
    started = time.perf_counter()
    timings: dict[str, float] = {}
    llm = None if settings.answer.llm == "extractive" else get_llm(settings)
    if llm is not None:
        timings["load_llm"] = (time.perf_counter() - started) * 1000  # ~0 once cached
    query = Query(question, _condense(question, history, settings, llm), today,
                  until_today(filters, today))  # an answer as of `today` reads nothing newer
    timings["condense"] = (time.perf_counter() - started) * 1000 - timings.get("load_llm", 0)
    answer: Answer | None = None
    hits: list[Hit] = []
    generate_started = time.perf_counter()
    if is_instruction(question):
        pieces = stream_answer(
            refuse(query.standalone, "I answer questions from the indexed news articles only.")
        )
    elif (story := timeline_reply(query.standalone, settings, query.filters, today)) is not None:
        pieces = stream_answer(story)
    else:
        index = open_index_for_search(settings)  # once per question: search and answer share it
        hits = search(query.standalone, settings, filters=query.filters, today=today,
                      timings=timings, index=index)
        generate_started = time.perf_counter()
        answerer = answerer_for(settings, llm, _finisher(settings))
        pieces = answerer(query, hits, _encoder(index), timings)
    for item in pieces:
        if isinstance(item, Answer):
            answer = item
        else:
            yield item
    assert answer is not None
    if llm is not None and answer.as_of is None and hits:  # streamed already: notes go after
        done = finish_answer(answer, query.standalone, hits, settings, filters=query.filters,
                             today=today, lead=False)
        if done.text != answer.text:
            yield done.text[len(answer.text) :]
        answer = done
    if "retrieve" in timings:
        timings["generate"] = (time.perf_counter() - generate_started) * 1000
    timings["total"] = (time.perf_counter() - started) * 1000
    yield answer.model_copy(update={"timings_ms": {k: round(v, 1) for k, v in timings.items()}})


def answer_from_hits(
    query: Query,
    hits: list[Hit],
    settings: Settings,
    llm: LLM | None = None,
    timings: dict[str, float] | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer to retrieved `hits` as `ask_stream` does, then the Answer.

    `llm=None` is the extractive answerer; the eval's paired mode calls this twice on the same
    hits so that the difference between two runs is the answerer alone.
    """
    answerer: Answerer = answerer_for(settings, llm)
    return answerer(query, hits, _encoder(open_index_for_search(settings)), timings or {})


def _condense(
    question: str, history: Sequence[Turn] | None, settings: Settings, llm: LLM | None
) -> str:
    """Return the question made whole with the conversation (by the LLM when there is one)."""
    turns = list(history or [])
    if llm is None:
        return condense_question(question, turns, settings.chat.carry_turns)
    return condense_with_llm(question, turns, llm, settings.chat.carry_turns)


def _finisher(settings: Settings) -> Callable[[Answer, Query, list[Hit]], Answer]:
    """Return the step every extractive answer ends with: as-of, differences, newer reports."""

    def finish(answer: Answer, query: Query, hits: list[Hit]) -> Answer:
        return finish_answer(answer, query.standalone, hits, settings, filters=query.filters,
                             today=query.today)

    return finish


def _encoder(index: Index) -> Encode:
    """Return the answerer's sentence encoder: the index's model, reusing stored vectors.

    The extractive answerer scores the same sentences the second stage ranked, so their
    vectors come from the index's sentence file instead of being embedded again.
    """
    return index.sentences().encoder(index.embedder().embed_array)  # the index's own model
