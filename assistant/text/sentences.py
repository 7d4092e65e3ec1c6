"""Split text into sentences with their offsets: one splitter for answers and sentence vectors."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets) before
# whitespace and a capital, digit or opening quote; common abbreviations are not ends.
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "St.",
    "Jr.",
    "Sr.",
    "U.S.",
    "U.K.",
    "Gov.",
    "Sen.",
    "Rep.",
    "Gen.",
    "Lt.",
    "Col.",
    "No.",
    "vs.",
    "Inc.",
    "Co.",
    "Corp.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "a.m.",
    "p.m.",
    "e.g.",
    "i.e.",
    "Prof.",
    "Rev.",
    "Mt.",
)


@dataclass(frozen=True)
class Sentence:
    """A sentence and its offsets in the text it was split from."""

    text: str
    start: int
    end: int


def split_sentences(text: str, min_words: int = 0) -> list[Sentence]:
    """Return the sentences of a text (paragraph breaks always end one), with offsets.

    Args:
        text: the text to split.
        min_words: drop sentences of fewer whitespace-separated words (0 keeps every one).
    """
    sentences: list[Sentence] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for match in _END.finditer(para.group()):
            end = para.start() + match.start()
            if text[start:end].endswith(_ABBREVIATIONS):
                continue
            _add(sentences, text, start, end)
            start = para.start() + match.end()
        _add(sentences, text, start, para.end())
    if min_words:
        return [s for s in sentences if len(s.text.split()) >= min_words]
    return sentences


def sentence_texts(text: str, min_words: int = 3) -> list[str]:
    """Return the texts of the sentences worth embedding (of three words or more by default)."""
    return [s.text for s in split_sentences(text, min_words)]


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if len(stripped) < 3:
        return
    lead = len(piece) - len(piece.lstrip())
    start += lead
    sentences.append(Sentence(stripped, start, start + len(stripped)))
