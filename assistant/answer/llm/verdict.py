"""The LLM answer from evidence windows: the verdict first, then one checked sentence per part.

The model reads the short windows `llm_evidence.evidence_windows` selects and replies with the
answer alone on its first line ("Yes", "No", a name, or the cannot-answer sentinel), then a
cited sentence for each window it relies on. The guarantees are the extractive answerer's:

- every sentence goes through `generate._Draft`: markers naming no window are dropped, its
  support by the cited window is scored, and an unsupported sentence is re-cited to a window
  that supports it or removed;
- the verdict stands only when it fits the question and the evidence: "Yes"/"No" for a
  yes/no question, and a name or phrase only if its words occur in the windows; otherwise,
  or when no sentence of the model's survives, the extractive answer is given instead;
- the sentinel on the first line abstains; so does the extractive fallback when it abstains;
- article text is data: the windows are quoted, one line each, and the system prompt says
  orders inside them are not to be followed. The verdict cannot come from an article's
  instructions unless its words are in the evidence and a sentence supporting it survives.

Nothing streams before it is checked: the verdict is held until the first supported sentence.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Iterator

from assistant.answer.cite import MARKER, make_citation
from assistant.answer.llm.backends import LLM
from assistant.answer.llm.generate import (
    _SENTINEL,
    Fallback,
    _Draft,
    _sentences,
    _timed,
    stream_answer,
)
from assistant.answer.llm.prompts import build_verdict_prompt, question_form
from assistant.answer.refusal import refuse
from assistant.schema import Answer, Hit, SentenceSupport
from assistant.text import Sentence, content_words

VERDICT_WORDS = 10
"""A first line longer than this is a sentence, not a verdict."""

MAX_SENTENCES = 2
"""Checked sentences after which generation stops: each costs seconds on a CPU."""

_YES_NO_WORD = re.compile(r"^(yes|no)\b", re.I)
_YES_NO_THEN = re.compile(r"^\s*(yes|no)\b[\s,.:;!\u2014-]+(\S.*)$", re.I)
_CANNOT = re.compile(
    r"insufficient information|i (?:do not|don'?t) know|not (?:enough|sufficient) information|"
    r"cannot be (?:determined|answered)|no information",
    re.I,
)
_HEAD_LEAD = re.compile(r"^\s*(?:line\s*1\s*:|answer\s*:|verdict\s*:|[*#>\-]+)\s*", re.I)


def stream_verdict_answer(
    question: str,
    windows: list[Hit],
    llm: LLM,
    *,
    fallback: Fallback,
    timings: dict[str, float] | None = None,
) -> Iterator[str | Answer]:
    """Yield the checked answer text piece by piece, then the full Answer.

    Args:
        question: the standalone question; it is also `Answer.question`.
        windows: the evidence windows, numbered [1]..[k] in this order.
        fallback: the extractive answer, used when the model's answer does not hold.
        timings: receives `first_token` (ms), and `tokens_in`/`tokens_out` when the backend
            counts them.
    """
    if not windows:
        yield from stream_answer(fallback())
        return
    clock = timings if timings is not None else {}
    draft = _Draft(windows, question)
    started = time.perf_counter()
    stream = llm.stream(*build_verdict_prompt(question, windows))
    verdict: str | None = None
    try:
        head, rest = _first_line(_timed(stream, started, clock))
        joined = _YES_NO_THEN.match(head)
        if joined and len(head.split()) > VERDICT_WORDS:  # "Yes, the council voted … [1]."
            head, rest = joined.group(1), itertools.chain([joined.group(2) + "\n"], rest)
        kind = _read_head(head, question, windows)
        if kind == "refused":
            draft.refused = True
        elif kind == "invalid":
            verdict = None
        else:
            verdict = kind or None
            if not kind:  # a sentence on the first line: check it like the others
                rest = itertools.chain([head + "\n"], rest)
        if kind not in ("refused", "invalid"):
            for sentence in _sentences(rest):
                kept = draft.add(sentence)
                if kept is not None:
                    if len(draft.kept) == 1:
                        yield f"{verdict}\n\n{kept}" if verdict else kept
                    else:
                        yield f" {kept}"
                if draft.done() or len(draft.kept) >= min(len(windows), MAX_SENTENCES):
                    break
    finally:
        if hasattr(stream, "close"):
            stream.close()
        usage = getattr(llm, "usage", None)
        if isinstance(usage, dict):
            clock.update({k: float(v) for k, v in usage.items()})
    if draft.refused and kind == "refused":
        yield from stream_answer(refuse(question))
        return
    if draft.refused and verdict is not None:  # "Donald Trump" then the sentinel: no reasons
        draft.kept.clear()
    if kind == "invalid" or (not draft.kept and verdict is None):
        yield from stream_answer(fallback())
        return
    if not draft.kept:  # a verdict whose reasons did not hold: the extractive sentences instead
        yield from stream_answer(_with_verdict(verdict or "", fallback()))
        return
    answer = _quote_windows(draft.answer(question), windows)
    if verdict is None:
        yield answer
        return
    head_support = SentenceSupport(
        text=verdict,
        citations=[c.n for c in answer.citations],
        support=min(s.support for s in answer.sentences),
        supported=True,
    )
    yield answer.model_copy(
        update={
            "text": f"{verdict}\n\n{answer.text}",
            "sentences": [head_support, *answer.sentences],
            "verdict": verdict,
            "verdict_rule": "llm",
        }
    )


def _quote_windows(answer: Answer, windows: list[Hit]) -> Answer:
    """Return the answer with each citation quoting its whole window: what the model read."""
    citations = []
    for citation in answer.citations:
        hit = windows[citation.n - 1]
        whole = Sentence(hit.chunk.text, 0, len(hit.chunk.text))
        citations.append(make_citation(citation.n, hit, whole, citation.score or hit.score))
    return answer.model_copy(update={"citations": citations})


def _with_verdict(verdict: str, checked: Answer) -> Answer:
    """Return the extractive answer led by the model's verdict (abstentions left alone)."""
    if not checked.answered:
        return checked
    body = checked.text
    if checked.verdict and "\n\n" in body:  # "Yes — reason:\n\n…": the extractive head goes
        body = body.split("\n\n", 1)[1]
    head = SentenceSupport(
        text=verdict,
        citations=[c.n for c in checked.citations],
        support=min((s.support for s in checked.sentences), default=0.0),
        supported=True,
    )
    body_sentences = [s for s in checked.sentences if s.citations] or checked.sentences
    return checked.model_copy(
        update={
            "text": f"{verdict}\n\n{body}",
            "sentences": [head, *body_sentences],
            "verdict": verdict,
            "verdict_rule": "llm+extractive",
        }
    )


def _first_line(tokens: Iterable[str]) -> tuple[str, Iterator[str]]:
    """Return the reply's first non-empty line and the tokens after it."""
    iterator = iter(tokens)
    buffer = ""
    for token in iterator:
        buffer += token
        stripped = buffer.lstrip()
        if "\n" in stripped:
            line, remainder = stripped.split("\n", 1)
            return line.strip(), itertools.chain([remainder], iterator)
    return buffer.strip(), iter(())


def _read_head(head: str, question: str, windows: list[Hit]) -> str:
    """Return the verdict the first line states, "" when it is a sentence, "refused" for the
    sentinel, "invalid" when it is a verdict the question or the evidence rules out."""
    text = _HEAD_LEAD.sub("", MARKER.sub("", head)).strip().strip("*").strip()
    text = text.rstrip(" .!;:,").strip()
    if _SENTINEL.match(text.replace("\u2019", "'")) or _CANNOT.search(text):
        return "refused"
    if not text:
        return "invalid"
    if len(text.split()) > VERDICT_WORDS:
        return ""
    yes_no = _YES_NO_WORD.match(text)
    if yes_no:
        if question_form(question) != "yes/no":
            return "invalid"  # "Which company …?" or "How many fans …?" answered "No"
        return yes_no.group(1).capitalize()
    words = content_words(text)
    evidence = set().union(
        *(content_words(f"{h.chunk.text} {h.chunk.source or ''} {h.chunk.title}") for h in windows)
    )
    if not words or not words <= evidence:
        return "invalid"  # a name or phrase the evidence does not hold
    return text
