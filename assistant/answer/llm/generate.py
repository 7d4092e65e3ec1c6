"""LLM answers: prompt with numbered passages, generate, then keep only supported sentences.

Every sentence the model writes is checked as soon as it is complete: markers naming no passage
are dropped, its support by the cited passage is scored (assistant.answer.cite), and a sentence
its passage does not support is re-cited to a passage that does, or removed. What streams out
is exactly the checked text, so a retracted claim never reaches the reader.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from assistant.answer.cite import (
    MARKER,
    SUPPORT_THRESHOLD,
    drop_unknown_markers,
    make_citation,
    marker_numbers,
    support_score,
)
from assistant.answer.llm.backends import LLM
from assistant.answer.llm.prompts import build_answer_prompt, order_passages
from assistant.answer.refusal import refuse
from assistant.schema import Answer, Citation, Hit, SentenceSupport
from assistant.text import Sentence, content_words, split_sentences

Fallback = Callable[[], Answer]

_SENTINEL = re.compile(r"^\W*the (articles|passages) (don'?t|do not) say\b", re.I)
# "claim. [1]" → "claim [1]." so the marker stays with the sentence it follows
_MARKER_AFTER_END = re.compile(r"(?<=\S)\s*([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_MAX_MISSES = 3  # dropped sentences in a row before generation is stopped
_MAX_SENTENCES = 6
_SAME = 0.8  # share of content words that makes a sentence a repeat of a kept one
_FRAGMENT_WORDS = 4  # fewer content words than this: a short answer, checked with the question
_LEAD = re.compile(r"^\s*(?:answer\s*:|[-*•]|\d+[.)](?=\s))\s*", re.I)


def answer_with_llm(
    question: str,
    hits: list[Hit],
    llm: LLM,
    *,
    fallback: Fallback,
    timings: dict[str, float] | None = None,
) -> Answer:
    """Return the LLM's checked answer (the fallback's when no supported sentence remains)."""
    *_, answer = stream_with_llm(question, hits, llm, fallback=fallback, timings=timings)
    assert isinstance(answer, Answer)
    return answer


def stream_with_llm(
    question: str,
    hits: list[Hit],
    llm: LLM,
    *,
    fallback: Fallback,
    timings: dict[str, float] | None = None,
) -> Iterator[str | Answer]:
    """Yield the checked answer text sentence by sentence, then the full Answer.

    Args:
        question: the standalone question; it is also `Answer.question`.
        fallback: builds the answer used when no sentence of the model's survives the checks.
        timings: receives `first_token` (ms after the call) when given.
    """
    if not hits:
        yield from stream_answer(fallback())
        return
    passages = order_passages(hits)
    draft = _Draft(passages, question)
    started = time.perf_counter()
    stream = llm.stream(*build_answer_prompt(question, passages))
    try:
        for sentence in _sentences(_timed(stream, started, timings)):
            kept = draft.add(sentence)
            if kept is not None:
                yield kept if len(draft.kept) == 1 else f" {kept}"
            if draft.done():
                break  # sentinel, enough said, or the model has drifted: stop generating
    finally:
        if hasattr(stream, "close"):
            stream.close()  # ends the server request or the local generation now
    if draft.refused or not draft.kept:
        yield from stream_answer(refuse(question) if draft.refused else fallback())
        return
    yield draft.answer(question)


def stream_answer(answer: Answer) -> Iterator[str | Answer]:
    """Yield a finished answer's text sentence by sentence (pieces join to the text), then it."""
    text, end = answer.text, 0
    sentences = split_sentences(text)
    for sentence in sentences[:-1]:
        yield text[end : sentence.end]
        end = sentence.end
    if text[end:]:
        yield text[end:]
    yield answer


@dataclass
class _Draft:
    """The checked sentences so far, against passages numbered [1]..[k] in prompt order."""

    passages: list[Hit]
    question: str = ""
    kept: list[SentenceSupport] = field(default_factory=list)
    refused: bool = False
    misses: int = 0  # sentences dropped since the last kept one

    def done(self) -> bool:
        """Return True when reading more of the reply cannot improve the answer."""
        return self.refused or self.misses >= _MAX_MISSES or len(self.kept) >= _MAX_SENTENCES

    def add(self, raw: str) -> str | None:
        """Check one sentence of the reply; return its cited text if it is kept."""
        if _SENTINEL.match(raw.replace("\u2019", "'")):
            self.refused = not self.kept  # a sentinel after supported claims is just dropped
            return None
        checked = self._check(raw)
        if checked is None or self._repeats(checked.text):
            self.misses += 1
            return None
        self.misses = 0
        self.kept.append(checked)
        return checked.text

    def _check(self, raw: str) -> SentenceSupport | None:
        """Return the sentence cited to passages that support it, or None."""
        known = set(range(1, len(self.passages) + 1))
        text = _LEAD.sub("", drop_unknown_markers(raw, known).rstrip())
        cited = list(dict.fromkeys(marker_numbers(text)))
        support = self._support(text, [self._text(n) for n in cited])
        if not cited or support < SUPPORT_THRESHOLD:
            cited, support = self._best_passage(text)
            text = _recite(text, cited)
        if not cited or support < SUPPORT_THRESHOLD:
            return None
        return SentenceSupport(
            text=text, citations=cited, support=round(support, 4), supported=True
        )

    def answer(self, question: str) -> Answer:
        """Return the Answer made of the kept sentences and the passages they cite."""
        order = list(dict.fromkeys(n for s in self.kept for n in s.citations))
        citations = [self._citation(n) for n in order]
        return Answer(
            text=" ".join(s.text for s in self.kept),
            citations=citations,
            question=question,
            answered=True,
            sentences=list(self.kept),
        )

    def _text(self, n: int) -> str:
        return self.passages[n - 1].chunk.text

    def _repeats(self, text: str) -> bool:
        words = content_words(MARKER.sub("", text))
        for earlier in self.kept:
            seen = content_words(MARKER.sub("", earlier.text))
            if len(words & seen) / max(1, min(len(words), len(seen))) > _SAME:
                return True
        return False

    def _support(self, text: str, passages: list[str]) -> float:
        """Return the sentence's support; a fragment ("The White House.") must also support
        the question it answers, or any passage naming the words would do."""
        support = support_score(text, passages)
        if len(content_words(MARKER.sub("", text))) >= _FRAGMENT_WORDS:
            return support
        return min(support, support_score(f"{text} {self.question}", passages))

    def _best_passage(self, text: str) -> tuple[list[int], float]:
        scores = [self._support(text, [hit.chunk.text]) for hit in self.passages]
        best = max(range(len(scores)), key=scores.__getitem__)
        return ([best + 1], scores[best]) if scores[best] >= SUPPORT_THRESHOLD else ([], 0.0)

    def _citation(self, n: int) -> Citation:
        hit = self.passages[n - 1]
        chunk = hit.chunk
        claims = set().union(*(content_words(s.text) for s in self.kept if n in s.citations))
        sentences = split_sentences(chunk.text)
        quote = max(sentences, key=lambda s: len(claims & content_words(s.text)), default=None)
        start, end = (quote.start, quote.end) if quote else (0, len(chunk.text))
        return make_citation(n, hit, Sentence(chunk.text[start:end], start, end), hit.score)


def _sentences(tokens: Iterable[str]) -> Iterator[str]:
    """Yield complete sentences of a token stream as soon as the next one has begun."""
    buffer, done = "", 0
    for token in tokens:
        buffer += token
        sentences = split_sentences(_attach_markers(buffer))
        ready = len(sentences) - 1
        if ready > done and sentences[-1].text.startswith("["):
            ready -= 1  # "claim. [1" — the marker may still belong to the previous sentence
        for sentence in sentences[done:ready]:
            yield sentence.text
        done = max(done, ready)
    for sentence in split_sentences(_attach_markers(buffer))[done:]:
        yield sentence.text


def _attach_markers(text: str) -> str:
    return _MARKER_AFTER_END.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text)


def _recite(text: str, cited: list[int]) -> str:
    """Replace a sentence's markers with `cited`, placed before its final punctuation."""
    bare = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", text)).strip()
    if not cited:
        return bare
    marker = f"[{', '.join(map(str, cited))}]"
    stem, end = (bare[:-1], bare[-1]) if bare[-1:] in ".!?" else (bare, ".")
    return f"{stem.rstrip()} {marker}{end}"


def _timed(
    tokens: Iterable[str], started: float, timings: dict[str, float] | None
) -> Iterator[str]:
    """Pass tokens through, noting when the first arrived (or the reply ended empty)."""
    clock = timings if timings is not None else {}
    for token in tokens:
        clock.setdefault("first_token", (time.perf_counter() - started) * 1000)
        yield token
    clock.setdefault("first_token", (time.perf_counter() - started) * 1000)
