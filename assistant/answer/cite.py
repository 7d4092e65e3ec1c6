"""Map [n] markers to passages, drop unknown ones, and score each sentence's support."""

from __future__ import annotations

import re

from assistant.schema import Citation, Hit, SentenceSupport
from assistant.text import Sentence, content_words, split_sentences

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
SUPPORT_THRESHOLD = 0.5
_SPACED_MARKER = re.compile(r"(\s*)" + MARKER.pattern + r"(\s+(?=[.,;:!?]))?")


def marker_numbers(text: str) -> list[int]:
    """Return every citation number used in the text, in order of appearance."""
    return [int(n) for group in MARKER.findall(text) for n in group.split(",")]


def drop_unknown_markers(text: str, known: set[int]) -> str:
    """Remove markers (or numbers inside a marker) that name no passage.

    Only the space before a removed marker goes with it ("Russia [9]." → "Russia."); spacing
    elsewhere in the text is left alone.
    """

    def keep(match: re.Match[str]) -> str:
        before, group, after = match.group(1), match.group(2), match.group(3) or ""
        numbers = [n.strip() for n in group.split(",") if int(n) in known]
        if numbers:
            return f"{before}[{', '.join(numbers)}]{after}"
        if after:  # the marker sat between its sentence and the punctuation that ends it
            return ""
        following = text[match.end() : match.end() + 1]
        return before if following.isalnum() or following == "[" else ""

    return _SPACED_MARKER.sub(keep, text)


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
        checked.append(
            SentenceSupport(
                text=sentence.text,
                citations=numbers,
                support=score,
                supported=bool(numbers) and score >= SUPPORT_THRESHOLD,
            )
        )
    return checked


def summary_line(
    text: str, citations: list[Citation], checked: list[SentenceSupport]
) -> SentenceSupport:
    """Return the support of a line about every cited sentence at once (a verdict, "the articles
    don't settle it"): it rests on all the citations and is as supported as the weakest sentence."""
    return SentenceSupport(
        text=text, citations=[c.n for c in citations],
        support=min((x.support for x in checked), default=0.0),
        supported=all(x.supported for x in checked),
    )


def keep_cited(citations: list[Citation], text: str) -> list[Citation]:
    """Return only the citations whose number appears in the text."""
    used = set(marker_numbers(text))
    return [c for c in citations if c.n in used]


def make_citation(n: int, hit: Hit, sentence: Sentence, score: float) -> Citation:
    """Return citation n for a sentence of a hit's passage (offsets in the article text)."""
    chunk = hit.chunk
    return Citation(
        n=n,
        article_id=chunk.article_id,
        title=chunk.title,
        quote=sentence.text,
        start=chunk.start + sentence.start,
        end=chunk.start + sentence.end,
        source=chunk.source,
        author=chunk.author,
        published_at=chunk.published_at,
        url=chunk.url,
        passage=chunk.text,
        passage_start=chunk.start,
        score=round(score, 4),
        also_in=list(hit.also_in),
    )
