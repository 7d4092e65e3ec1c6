"""Gather the articles of a story from the whole catalog, not only the top passages.

1. Search the question as `ask` does: the best articles are the story's seeds.
2. Read the names the seeds share ("SBF trial" → "Bankman-Fried"): the story's entities.
3. Score every chunk of the catalog by BM25 for the query plus those names (bounded pool).
4. Keep the articles whose best sentence (or title) covers enough of the story's words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from assistant.config import Settings
from assistant.index import Index
from assistant.retrieve import Filters, search
from assistant.schema import Chunk
from assistant.story.events import Story, article_coverage
from assistant.text import content_words, outlet_aliases, tokenize

SEEDS = 12  # passages searched for the question itself
SEED_ARTICLES = 3  # best articles whose shared names become the story's entities
POOL = 120  # chunks scored by BM25 for the query and its entities
MAX_ARTICLES = 60  # articles read in full, at most
MIN_COVERAGE = 0.55  # weighted share of the story's words an article must state
NAME_WEIGHT = 0.5  # an entity word weighs half a query word of the same rarity
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?:\s+(?:[A-Z][\w’'-]+|of|de|al))*")


@dataclass(frozen=True)
class Gathered:
    """The story's words and its articles (each as its chunks in reading order)."""

    story: Story
    articles: list[list[Chunk]]
    names: tuple[str, ...]


def gather_story(
    index: Index, query: str, filters: Filters, settings: Settings, today: date | None
) -> Gathered:
    """Return the story's words and the articles about it, in no particular order."""
    bm25 = index.bm25()
    # the story's entities do not depend on the window or outlets asked for: seed unfiltered
    quick = settings.retrieve.model_copy(update={"rerank": False})  # seeds need no 2nd stage
    seeds = search(query, settings.model_copy(update={"retrieve": quick}), k=SEEDS, today=today)
    seed_ids = list(dict.fromkeys(hit.chunk.article_id for hit in seeds))
    texts = {aid: index.catalog.article_text_span(aid) for aid in seed_ids[:SEED_ARTICLES]}
    outlets = {name.casefold() for s in index.catalog.sources() for name in outlet_aliases(s)}
    found_names = shared_names([chunks for chunks in texts.values() if chunks], query)
    names = tuple(n for n in found_names if n.casefold() not in outlets)
    weights = {t: bm25.idf(t) for t in tokenize(query)}
    extra = {t: NAME_WEIGHT * bm25.idf(t) for name in names for t in tokenize(name)}
    story = Story(
        {t: w for t, w in weights.items() if w > 0},
        {t: w for t, w in extra.items() if w > 0 and t not in weights},
    )
    if not story.weights:
        return Gathered(story, [], names)
    expanded = " ".join([query, *names])
    pool = bm25.search(expanded, POOL, bm25.mask(filters))
    found = index.catalog.get_chunks([chunk_id for chunk_id, _ in pool])
    by_bm25 = [found[chunk_id].article_id for chunk_id, _ in pool if chunk_id in found]
    candidates = list(dict.fromkeys([*seed_ids, *by_bm25]))[:MAX_ARTICLES]
    articles = []
    for article_id in candidates:
        chunks = texts.get(article_id) or index.catalog.article_text_span(article_id)
        if (
            chunks
            and filters.accepts(chunks[0])
            and article_coverage(chunks, story, MIN_COVERAGE) >= MIN_COVERAGE
        ):
            articles.append(chunks)
    return Gathered(story, articles, names)


def shared_names(articles: list[list[Chunk]], query: str) -> tuple[str, ...]:
    """Return up to three names at least two of the seed articles use that the query lacks."""
    if len(articles) < 2:
        return ()
    asked = content_words(query)
    counts: Counter[str] = Counter()
    for chunks in articles:
        text = " ".join([chunks[0].title, *(c.text for c in chunks[:2])])
        counts.update({m.group().strip() for m in _NAME.finditer(text) if len(m.group()) > 3})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))  # ties: stable
    shared = [n for n, c in ranked if c >= 2 and not content_words(n) <= asked]
    return tuple(shared[:4])
