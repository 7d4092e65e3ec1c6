"""What the LLM reads: the evidence windows the extractive answerer already selects.

On a 2-core CPU every prompt token costs time before the first word, so the model does not
read whole passages. A multi-part question ("Did A report X before B covered Y?") gets, for
each part, the sentence `multihop.gather_evidence` finds best for it; any other question gets
the best few sentences `extractive.score_sentences` ranks. Each sentence becomes one numbered
window: the sentence, plus the sentence before it when the two together stay short (a
sentence often names its subject only as "he" or "the company"). A sentence that gives orders
(`answer.is_instruction`) is never evidence nor part of a window. A window is verbatim article
text; it is returned as a Hit whose chunk is narrowed to the window, with offsets into the
article, so citations and support checks work on exactly what the model read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.answer.extractive.multihop import gather_evidence, is_multi_part, split_parts
from assistant.answer.extractive.sentences import Encode, score_sentences
from assistant.answer.refusal import is_instruction
from assistant.schema import Hit
from assistant.text import Sentence, split_sentences

if TYPE_CHECKING:
    import numpy as np

WINDOW_CHARS = 420
"""A window grows by its previous sentence only while it stays this short (~100 tokens)."""
SINGLE_WINDOWS = 3
"""Windows for a question that is not multi-part: its best sentences, one per window."""
MAX_WINDOWS = 4


def evidence_windows(focus: str, question: str, hits: list[Hit], encode: Encode) -> list[Hit]:
    """Return the windows the LLM reads, numbered [1]..[k] in the order returned.

    Args:
        focus: the user's own question (the parts are cut from it).
        question: the standalone question.
    """
    if not hits:
        return []
    parts = split_parts(focus, hits)
    picks: list[tuple[int, Sentence]]
    if is_multi_part(parts):
        picks = [(e.hit, e.sentence) for e in gather_evidence(parts, hits, encode)]
    else:
        picks = [(s.hit, s.sentence) for s in score_sentences(question, focus, hits, encode)]
        picks = picks[: SINGLE_WINDOWS * 3]
    windows: list[Hit] = []
    seen: set[tuple[int, int]] = set()
    for index, sentence in picks:
        key = (index, sentence.start)
        if key in seen or is_instruction(sentence.text):
            continue  # instructions planted in an article are never evidence
        seen.add(key)
        windows.append(window(hits[index], sentence))
        limit = MAX_WINDOWS if is_multi_part(parts) else SINGLE_WINDOWS
        if len(windows) >= limit:
            break
    return windows


def remember(encode: Encode) -> Encode:
    """Return `encode` that computes each list of texts once (for one question).

    The LLM path first runs the extractive answerer (its gate decides abstention), then picks
    the windows from the same evidence: both encode the same question and sentences, so the
    second pass reuses the first's vectors instead of gathering the evidence again.
    """
    seen: dict[tuple[str, ...], np.ndarray] = {}

    def encode_once(texts: list[str]) -> np.ndarray:
        key = tuple(texts)
        if key not in seen:
            seen[key] = encode(texts)
        return seen[key]

    return encode_once


def window(hit: Hit, sentence: Sentence) -> Hit:
    """Return the hit narrowed to the sentence (and the one before it, when short enough)."""
    chunk = hit.chunk
    start, end = sentence.start, sentence.end
    before = [s for s in split_sentences(chunk.text) if s.end <= sentence.start]
    if before and end - before[-1].start <= WINDOW_CHARS and not is_instruction(before[-1].text):
        start = before[-1].start
    if end - start > WINDOW_CHARS:  # one long sentence: cut it at a word
        cut = chunk.text.rfind(" ", start, start + WINDOW_CHARS)
        end = cut if cut > start else start + WINDOW_CHARS
    narrowed = replace(
        chunk, text=chunk.text[start:end], start=chunk.start + start, end=chunk.start + end
    )
    return replace(hit, chunk=narrowed)
