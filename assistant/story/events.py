"""Pick the sentence of each article that states the story's event, and the date it names.

An article about the story contributes one event: its sentence that best covers the story's
words (weighted by rarity), preferring the lede, with the publication day as the sort key and
the day the sentence itself names ("on October 6") when that differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from assistant.retrieve.dedup import jaccard, shingles
from assistant.schema import Chunk
from assistant.text import Sentence, content_words, find_dates, split_sentences

_MIN_WORDS, _MAX_WORDS = 6, 70
_LEDE_BONUS = 0.08  # per place among the first three sentences: ledes state the news
_TITLE_WEIGHT = 0.5  # a title and a lede both covering the story: half of the smaller added
LEDE_SENTENCES = 4  # the sentences of an article that say what it is about
BODY_WEIGHT = 0.8  # the story stated only further down counts for this share
REPEAT_OVERLAP = 0.6  # word 5-gram Jaccard at which a sentence repeats an earlier event


@dataclass(frozen=True)
class Story:
    """The words that make an article part of the story, each with its weight (rarity).

    `weights` are the query's words; `names` the entities its best articles share ("SBF
    trial" → "Bankman-Fried"), which may stand in for query words but never count against.
    """

    weights: dict[str, float]
    names: dict[str, float] = field(default_factory=dict)

    def coverage(self, words: AbstractSet[str]) -> float:
        """Return the weighted share of the story's words found in `words` (0..1)."""
        return max(_share(self.weights, words), _share(self.weights | self.names, words))

    def all_words(self) -> dict[str, float]:
        """Return the query's and the names' words with their weights."""
        return self.names | self.weights


def _share(weights: dict[str, float], words: AbstractSet[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in words) / total if total else 0.0


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


@lru_cache(maxsize=8192)  # a chunk's sentences and their words, reused by every timeline
def sentence_words(chunk: Chunk) -> tuple[tuple[Sentence, frozenset[str]], ...]:
    """Return the chunk's sentences, each with its content words."""
    return tuple((s, frozenset(content_words(s.text))) for s in split_sentences(chunk.text))


def article_words(chunks: list[Chunk]) -> frozenset[str]:
    """Return the content words of an article's text (one tokenization per chunk, cached)."""
    return frozenset().union(*(_chunk_words(chunk) for chunk in chunks))


@lru_cache(maxsize=8192)
def _chunk_words(chunk: Chunk) -> frozenset[str]:
    return frozenset(content_words(chunk.text))


@lru_cache(maxsize=8192)
def passage_shingles(chunk: Chunk) -> frozenset[str]:
    """Return the word 5-grams of a chunk's text (for copies across outlets)."""
    return shingles(chunk.text)


def pick_event(
    chunks: list[Chunk], story: Story, avoid: Sequence[frozenset[str]] = ()
) -> Event | None:
    """Return the article's event sentence (chunks in reading order), or None without one.

    Args:
        avoid: word 5-gram sets of sentences earlier events state (an outlet's standing
            background line is not this article's news).
    """
    best: tuple[float, Chunk, Sentence] | None = None
    place = 0
    for chunk in chunks:
        for sentence, words in sentence_words(chunk):
            size = len(sentence.text.split())
            if not _MIN_WORDS <= size <= _MAX_WORDS:
                continue
            if avoid and _repeats(sentence.text, avoid):
                continue
            score = story.coverage(words) + _LEDE_BONUS * max(0, 3 - place)
            place += 1
            if best is None or score > best[0]:
                best = (score, chunk, sentence)
    if best is None:
        return None
    score, chunk, sentence = best
    day = chunk.published_at.date() if chunk.published_at else None
    return Event(chunk, sentence, score, day, stated_day(sentence.text, day))


def _repeats(sentence: str, avoid: Sequence[frozenset[str]]) -> bool:
    grams = shingles(sentence)
    return any(jaccard(grams, other) >= REPEAT_OVERLAP for other in avoid)


def article_coverage(chunks: list[Chunk], story: Story, floor: float = 0.0) -> float:
    """Return how much an article is about the story: its title and lede, else any sentence.

    An article about the story names it in its headline or first sentences; one that states
    it only further down (a roundup, a live blog of something else) counts for less. Below
    `floor` the figure is 0 (an article whose words cannot reach it is not read sentence by
    sentence).
    """
    if not chunks:
        return 0.0
    title = story.coverage(content_words(chunks[0].title))
    if story.coverage(article_words(chunks) | content_words(chunks[0].title)) < floor:
        return 0.0  # no sentence of it can cover more than the whole article does
    lede = best = 0.0
    for place, (_, words) in enumerate(pair for c in chunks for pair in sentence_words(c)):
        covered = story.coverage(words)
        if place < LEDE_SENTENCES:
            lede = max(lede, covered)
        best = max(best, covered)
    top = max(title, lede)
    return min(1.0, max(top + _TITLE_WEIGHT * min(title, lede), BODY_WEIGHT * best))


def stated_day(sentence: str, published: date | None) -> date | None:
    """Return the single day the sentence names when it is not the publication day."""
    for mention in find_dates(sentence, today=published):
        one_day = mention.since == mention.until and mention.since != published
        if one_day and (published is None or mention.since <= published):
            return mention.since
    return None
