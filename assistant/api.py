"""The one entry point: ask(question, history) -> Answer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date

from assistant.answer import answer_extractively, is_instruction, refuse
from assistant.chat import condense_question
from assistant.config import Settings
from assistant.embed import get_embedder
from assistant.retrieve import Filters, search
from assistant.schema import Answer, Turn


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
        settings: defaults to Settings() (reads ASSISTANT_* environment variables).
        filters: restrict the search to outlets and/or a publication date window.
        today: the date relative expressions ("last week") refer to.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    standalone = condense_question(question, list(history or []), settings.chat.carry_turns)
    timings["condense"] = (time.perf_counter() - started) * 1000
    if is_instruction(question):
        answer = refuse(standalone, "I answer questions from the indexed news articles only.")
    else:
        hits = search(standalone, settings, filters=filters, today=today, timings=timings)
        generate_started = time.perf_counter()
        encode = get_embedder(settings.ingest).embed_array
        answer = answer_extractively(standalone, question, hits, encode, settings)
        timings["generate"] = (time.perf_counter() - generate_started) * 1000
    timings["total"] = (time.perf_counter() - started) * 1000
    return answer.model_copy(update={"timings_ms": {k: round(v, 1) for k, v in timings.items()}})
