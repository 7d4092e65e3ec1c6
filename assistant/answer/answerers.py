"""The two answerers behind one seam: extractive (the default) and an LLM over its evidence.

Both take a `Query` and the retrieved hits and yield the answer's text pieces, then the
`Answer`. `answerer_for` picks one, once, from the settings; `api.ask_stream` only calls it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from assistant.answer import Encode, answer_extractively
from assistant.answer.extractive.verdict import SETTLED
from assistant.answer.llm.answer_check import check_answer, needs_check
from assistant.answer.llm.backends import LLM
from assistant.answer.llm.budget import fit_passages, passage_budget
from assistant.answer.llm.claims import CLAIM_CHECKED, check_claims, claim_answer
from assistant.answer.llm.evidence import evidence_windows, remember
from assistant.answer.llm.generate import stream_answer, stream_with_llm
from assistant.answer.llm.prompts import question_form
from assistant.answer.llm.verdict import stream_verdict_answer
from assistant.answer.query import Query
from assistant.config import Settings
from assistant.schema import Answer, Hit

Pieces = Iterator[str | Answer]
# (query, hits, the index's sentence encoder, timings to fill) -> text pieces, then the Answer
Answerer = Callable[[Query, list[Hit], Encode, dict[str, float]], Pieces]
Finish = Callable[[Answer, Query, list[Hit]], Answer]  # the notes every answer gets (as-of, …)


def answerer_for(settings: Settings, llm: LLM | None, finish: Finish | None = None) -> Answerer:
    """Return the answerer the settings name: extractive without an LLM, else the LLM's."""
    if llm is None:
        return _extractive(settings, finish)
    return _with_llm(settings, llm)


def _extractive(settings: Settings, finish: Finish | None) -> Answerer:
    def answer(query: Query, hits: list[Hit], encode: Encode, timings: dict[str, float]) -> Pieces:
        found = answer_extractively(query.standalone, query.words, hits, encode, settings)
        return stream_answer(finish(found, query, hits) if finish else found)

    return answer


def _with_llm(settings: Settings, llm: LLM) -> Answerer:
    def answer(query: Query, hits: list[Hit], encode: Encode, timings: dict[str, float]) -> Pieces:
        encode = remember(encode)  # the windows reuse the extractive answerer's evidence

        def extractive() -> Answer:
            return answer_extractively(query.standalone, query.words, hits, encode, settings)

        if settings.answer.llm_reads == "passages":  # a window of each passage, as before
            budget = passage_budget(settings.answer, len(hits))
            passages = fit_passages(query.standalone, hits, budget)
            return stream_with_llm(
                query.standalone, passages, llm, fallback=extractive, timings=timings
            )
        started = time.perf_counter()
        checked = extractive()  # its evidence gate decides abstention; the model is not asked
        timings["extractive"] = (time.perf_counter() - started) * 1000
        if not checked.answered:
            return stream_answer(checked)
        if settings.answer.llm_checks_answers and needs_check(checked):
            started = time.perf_counter()
            checked, odds = check_answer(query.standalone, checked, llm)
            timings["answer_check"] = (time.perf_counter() - started) * 1000
            timings["answer_odds"] = odds
            if not checked.answered:  # its quotes do not answer it: say so, name the article
                return stream_answer(checked)
        if settings.answer.llm_checks_claims and checked.verdict_rule in CLAIM_CHECKED:
            started = time.perf_counter()
            checks = check_claims(query.words, hits, encode, llm)
            timings["claims"] = (time.perf_counter() - started) * 1000
            timings["claims_checked"] = float(len(checks))
            if checks:  # the model's reading of each part decides (llm/claims.py)
                return stream_answer(claim_answer(query.standalone, checks, hits, checked))
        if not _model_decides(settings, query, checked):
            return stream_answer(checked)
        started = time.perf_counter()
        windows = evidence_windows(query.words, query.standalone, hits, encode)
        timings["evidence"] = (time.perf_counter() - started) * 1000
        return stream_verdict_answer(
            query.standalone, windows, llm, fallback=lambda: checked, timings=timings
        )

    return answer


def _model_decides(settings: Settings, query: Query, checked: Answer) -> bool:
    """Return True when the model is asked, by `answer.llm_asks`, to answer this question."""
    asks = settings.answer.llm_asks
    if asks == "names":
        return question_form(query.words) == "entity"
    return asks == "all" or checked.verdict_rule not in SETTLED
