"""Map [n] markers in answer text to passages, drop unknown ones, and score each sentence's support."""

from __future__ import annotations

import re

from assistant.answer.sentences import content_words, split_sentences
from assistant.schema import Citation, SentenceSupport

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
SUPPORT_THRESHOLD = 0.5


def marker_numbers(text: str) -> list[int]:
    """Return every citation number used in the text, in order of appearance."""
    return [int(n) for group in MARKER.findall(text) for n in group.split(",")]


def drop_unknown_markers(text: str, known: set[int]) -> str:
    """Remove markers (or numbers inside a marker) that name no passage."""

    def keep(match: re.Match[str]) -> str:
        numbers = [n.strip() for n in match.group(1).split(",") if int(n) in known]
        return f"[{', '.join(numbers)}]" if numbers else ""

    return re.sub(r"\s+(?=[.,;:!?]|$)", "", MARKER.sub(keep, text)) if text else text


def support_score(sentence: str, quotes: list[str]) -> float:
    """Return the share of the sentence's content words found in its best cited quote (0..1)."""
    words = content_words(MARKER.sub("", sentence))
    if not words or not quotes:
        return 0.0
    return max(len(words & content_words(quote)) / len(words) for quote in quotes)


def check_support(text: str, citations: list[Citation]) -> list[SentenceSupport]:
    """Return each answer sentence with its markers and how well its cited passages support it."""
    by_n = {c.n: c for c in citations}
    checked: list[SentenceSupport] = []
    for sentence in split_sentences(text):
        numbers = [n for n in marker_numbers(sentence.text) if n in by_n]
        quotes = [by_n[n].passage or by_n[n].quote for n in numbers]
        score = support_score(sentence.text, quotes)
        checked.append(SentenceSupport(text=sentence.text, citations=numbers, support=score,
                                       supported=bool(numbers) and score >= SUPPORT_THRESHOLD))
    return checked


def keep_cited(citations: list[Citation], text: str) -> list[Citation]:
    """Return only the citations whose number appears in the text."""
    used = set(marker_numbers(text))
    return [c for c in citations if c.n in used]
