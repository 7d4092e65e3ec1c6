"""The one entry point: ask(question, history) -> Answer, and ask_stream for text as it comes."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import date

from assistant.answer import Encode, answer_extractively, is_instruction, refuse
from assistant.answer.budget import fit_passages, passage_budget
from assistant.answer.generate import stream_answer, stream_with_llm
from assistant.answer.llm import LLM, get_llm
from assistant.answer.llm_evidence import evidence_windows
from assistant.answer.llm_verdict import stream_verdict_answer
from assistant.answer.prompts import question_form
from assistant.chat import condense_question, condense_with_llm
from assistant.config import Settings
from assistant.embed import get_embedder
from assistant.index import open_index_for_search
from assistant.retrieve import Filters, search
from assistant.retrieve.sentence_index import embedder_id, get_sentence_index
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
    started = time.perf_counter()
    timings: dict[str, float] = {}
    llm = None if settings.answer.llm == "extractive" else get_llm(settings)
    if llm is not None:
        timings["load_llm"] = (time.perf_counter() - started) * 1000  # ~0 once cached
    turns = list(history or [])
    if llm is None:
        standalone = condense_question(question, turns, settings.chat.carry_turns)
    else:
        standalone = condense_with_llm(question, turns, llm, settings.chat.carry_turns)
    timings["condense"] = (time.perf_counter() - started) * 1000 - timings.get("load_llm", 0)
    answer: Answer | None = None
    generate_started = time.perf_counter()
    if is_instruction(question):
        pieces = stream_answer(
            refuse(standalone, "I answer questions from the indexed news articles only.")
        )
    else:
        hits = search(standalone, settings, filters=filters, today=today, timings=timings)
        generate_started = time.perf_counter()
        pieces = answer_from_hits(question, standalone, hits, settings, llm, timings)
    for item in pieces:
        if isinstance(item, Answer):
            answer = item
        else:
            yield item
    if "retrieve" in timings:
        timings["generate"] = (time.perf_counter() - generate_started) * 1000
    timings["total"] = (time.perf_counter() - started) * 1000
    assert answer is not None
    yield answer.model_copy(update={"timings_ms": {k: round(v, 1) for k, v in timings.items()}})


def answer_from_hits(
    question: str,
    standalone: str,
    hits: list[Hit],
    settings: Settings,
    llm: LLM | None,
    timings: dict[str, float] | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer to retrieved `hits` as `ask_stream` does, then the Answer.

    `llm=None` is the extractive answerer; the eval's paired mode calls this twice on the same
    hits so that the difference between two runs is the answerer alone.
    """

    def extractive() -> Answer:
        return answer_extractively(standalone, question, hits, _encoder(settings), settings)

    if llm is None:
        return stream_answer(extractive())
    if settings.answer.llm_reads == "evidence":  # the extractive answerer's sentence windows
        checked = extractive()  # its evidence gate decides abstention; the model is not asked
        if not checked.answered or (
            settings.answer.llm_asks == "names" and question_form(question) != "entity"
        ):
            return stream_answer(checked)
        windows = evidence_windows(question, standalone, hits, _encoder(settings))
        return stream_verdict_answer(
            standalone, windows, llm, fallback=lambda: checked, timings=timings
        )
    # the model reads a window of each passage around what the question asks about
    passages = fit_passages(standalone, hits, passage_budget(settings.answer, len(hits)))
    return stream_with_llm(standalone, passages, llm, fallback=extractive, timings=timings)


def _encoder(settings: Settings) -> Encode:
    """Return the answerer's sentence encoder: the index's model, reusing stored vectors.

    The extractive answerer scores the same sentences the second stage ranked, so their
    vectors come from the index's sentence file instead of being embedded again.
    """
    index = open_index_for_search(settings)
    ingest = index.settings.ingest  # the backend the index was built with
    sentences = get_sentence_index(index.directory, embedder_id(ingest))
    return sentences.encoder(get_embedder(ingest).embed_array)
