"""A story's timeline: its dated events from every article about it, oldest first.

`timeline(query)` gathers the story's articles from the whole catalog (`gather`), takes the
sentence of each that states its event (`events`), merges syndicated copies and same-day
reports (`merge`), and returns a `Timeline` (`render` also makes its text and an `Answer`).
"""

from __future__ import annotations

import re
import time
from datetime import date

from assistant.config import Settings
from assistant.index import open_index_for_search
from assistant.retrieve import Filters
from assistant.retrieve.dedup import shingles
from assistant.schema import Chunk, Timeline
from assistant.story.events import Event, pick_event
from assistant.story.gather import gather_story
from assistant.story.merge import merge_events
from assistant.story.question import is_timeline_question, read_timeline_question, story_query
from assistant.story.render import format_timeline, timeline_answer, to_timeline
from assistant.text import find_outlets

__all__ = [
    "format_timeline",
    "is_timeline_question",
    "read_timeline_question",
    "story_query",
    "timeline",
    "timeline_answer",
]


def timeline(
    query: str,
    settings: Settings | None = None,
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> Timeline:
    """Return the story's dated events, oldest first, each citing the sentence that states it.

    Args:
        query: the story ("SBF trial"); a question ("How did the SBF trial unfold?") works too.
        filters: only reports from these outlets and/or published in this window.
        today: the date relative phrases in the query ("last week") count from.
    """
    started = time.perf_counter()
    index = open_index_for_search(settings or Settings())
    newest = index.catalog.date_range()[1]
    asked = read_timeline_question(query, today, int(newest[:4]) if newest else None)
    filters = _narrow(filters or Filters(), asked.since, asked.until)
    story, filters = _outlets(asked.query, filters, tuple(index.catalog.sources()))
    gathered = gather_story(index, story, filters, index.settings, today)
    events: list[Event] = []
    stated: list[frozenset[str]] = []
    for chunks in sorted(gathered.articles, key=_published):
        event = pick_event(chunks, gathered.story, stated)
        if event is not None:
            events.append(event)
            stated.append(shingles(event.sentence.text))
    most = index.settings.news.timeline_events
    lines = merge_events(events)
    if len(lines) > most:  # keep the best-covered lines, still in date order
        keep = {id(line) for line in sorted(lines, key=lambda ln: -ln.event.score)[:most]}
        lines = [line for line in lines if id(line) in keep]
    result = to_timeline(story, lines)
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return result.model_copy(update={"timings_ms": {"total": elapsed}})


def _published(chunks: list[Chunk]) -> str:
    stamp = chunks[0].published_at
    return stamp.isoformat() if stamp else "9999"


def _outlets(query: str, filters: Filters, known: tuple[str, ...]) -> tuple[str, Filters]:
    """Return the query without the outlets it names, and the filters restricted to them."""
    mentions = find_outlets(query, known)
    if not mentions or filters.sources:
        return query, filters
    for mention in reversed(mentions):
        query = query[: mention.start] + query[mention.end :]
    query = re.sub(r"\s+", " ", re.sub(r"\(\s*\)", "", query)).strip(" ,;:")
    sources = tuple(dict.fromkeys(s for m in mentions for s in m.sources))
    return query or " ".join(sources), Filters(sources, filters.since, filters.until)


def _narrow(filters: Filters, since: date | None, until: date | None) -> Filters:
    """Return the filters with the question's window added (the tighter bound wins)."""
    if since is not None and (filters.since is None or since > filters.since):
        filters = Filters(filters.sources, since, filters.until)
    if until is not None and (filters.until is None or until < filters.until):
        filters = Filters(filters.sources, filters.since, until)
    return filters
