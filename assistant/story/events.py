"""Pick the sentence of each article that states the story's event, and the date it names.

An article about the story contributes one event: its sentence that best covers the story's
words (weighted by rarity), preferring the lede, with the publication day as the sort key and
the day the sentence itself names ("on October 6") when that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.schema import Chunk
from assistant.text import Sentence, content_words, find_dates, split_sentences

_MIN_WORDS, _MAX_WORDS = 6, 70
_LEDE_BONUS = 0.08  # per place among the first three sentences: ledes state the news
_TITLE_WEIGHT = 0.5  # a title covering the story counts half a sentence


@dataclass(frozen=True)
class Story:
    """The words that make an article part of the story, each with its weight (rarity)."""

    weights: dict[str, float]

    def coverage(self, words: set[str]) -> float:
        """Return the weighted share of the story's words found in `words` (0..1)."""
        total = sum(self.weights.values())
        return sum(w for t, w in self.weights.items() if t in words) / total if total else 0.0


@dataclass(frozen=True)
class Event:
    """One article's statement of the story's event."""

    chunk: Chunk  # the passage the sentence lies in
    sentence: Sentence  # offsets within chunk.text
    score: float
    day: date | None
    stated: date | None

    @property
    def article_id(self) -> str:
        return self.chunk.article_id


def pick_event(chunks: list[Chunk], story: Story) -> Event | None:
    """Return the article's event sentence (chunks in reading order), or None without one."""
    best: tuple[float, Chunk, Sentence] | None = None
    place = 0
    for chunk in chunks:
        for sentence in split_sentences(chunk.text):
            size = len(sentence.text.split())
            if not _MIN_WORDS <= size <= _MAX_WORDS:
                continue
            score = story.coverage(content_words(sentence.text)) + _LEDE_BONUS * max(0, 3 - place)
            place += 1
            if best is None or score > best[0]:
                best = (score, chunk, sentence)
    if best is None:
        return None
    score, chunk, sentence = best
    day = chunk.published_at.date() if chunk.published_at else None
    return Event(chunk, sentence, score, day, stated_day(sentence.text, day))


def article_coverage(chunks: list[Chunk], story: Story) -> float:
    """Return how much of the story an article covers: its best sentence, helped by its title."""
    title = story.coverage(content_words(chunks[0].title)) if chunks else 0.0
    best = 0.0
    for chunk in chunks:
        for sentence in split_sentences(chunk.text):
            best = max(best, story.coverage(content_words(sentence.text)))
    return min(1.0, max(best, title) + _TITLE_WEIGHT * min(best, title))


def stated_day(sentence: str, published: date | None) -> date | None:
    """Return the single day the sentence names when it is not the publication day."""
    for mention in find_dates(sentence, today=published):
        one_day = mention.since == mention.until and mention.since != published
        if one_day and (published is None or mention.since <= published):
            return mention.since
    return None
