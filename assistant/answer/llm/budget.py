"""Fit retrieved passages into an LLM's prompt.

A prompt holds k passages; long passages (or a small `context_window`) would not fit, llama.cpp
fails on an over-long prompt, and on a CPU every prompt token costs time to the first word.
Each passage longer than its share is cut to the window of whole sentences around the sentence
sharing most words with the question, so what the model reads is still verbatim article text
at the right offsets.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.config import AnswerSettings
from assistant.schema import Hit
from assistant.text import content_words, overlap, split_sentences

CHARS_PER_TOKEN = 3.0  # conservative for English news (most tokenizers give 4 or more)
PROMPT_TOKENS = 512  # instructions, question and passage fences, generously


def passage_budget(answer: AnswerSettings, passages: int) -> int:
    """Return how many characters of passage text a prompt of `passages` passages may hold:
    `passage_chars` each, and never more than the context window leaves."""
    tokens = answer.context_window - answer.max_tokens - PROMPT_TOKENS
    return max(min(int(tokens * CHARS_PER_TOKEN), passages * answer.passage_chars), 0)


def fit_passages(question: str, hits: list[Hit], max_chars: int) -> list[Hit]:
    """Return the hits, each cut to at most its share of `max_chars` around its best sentence.

    Hits that already fit are returned unchanged; a cut hit keeps its chunk id, and its
    `start`/`end` still give the (narrower) passage's place in the article.
    """
    if sum(len(hit.chunk.text) for hit in hits) <= max_chars or not hits:
        return hits
    share = max_chars // len(hits)
    words = content_words(question)
    return [_cut(hit, share, words) if len(hit.chunk.text) > share else hit for hit in hits]


def _cut(hit: Hit, share: int, words: set[str]) -> Hit:
    chunk = hit.chunk
    sentences = split_sentences(chunk.text)
    if not sentences:
        return hit
    best = max(range(len(sentences)), key=lambda i: (overlap(words, sentences[i].text), -i))
    first = last = best
    while True:  # grow by the neighbour on the side with more room, while it fits
        grown = False
        for i in (last + 1, first - 1):
            if 0 <= i < len(sentences):
                lo, hi = min(first, i), max(last, i)
                if sentences[hi].end - sentences[lo].start <= share:
                    first, last, grown = lo, hi, True
        if not grown:
            break
    start, end = sentences[first].start, sentences[last].end
    if end - start > share:  # one sentence longer than the share: cut it at a word
        end = start + chunk.text[start : start + share].rfind(" ") if share > 0 else start
        end = max(end, start)
    narrowed = replace(
        chunk, text=chunk.text[start:end], start=chunk.start + start, end=chunk.start + end
    )
    return replace(hit, chunk=narrowed)
