"""Merge a story's events: syndicated copies collapse, same-day reports become one line.

A wire story run by several outlets is one event (its first outlet, "also in" the others);
reports of one day that state the same thing are one line with "also in"; the rest stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.retrieve.dedup import jaccard, shingles
from assistant.story.events import Event, passage_shingles
from assistant.text import content_words

COPY_OVERLAP = 0.6  # word 5-gram Jaccard of the event passages: the same wire copy
SAME_DAY_OVERLAP = 0.2  # content-word Jaccard of two same-day event sentences: the same news


@dataclass
class Line:
    """One timeline line: the event shown and the events merged into it."""

    event: Event
    merged: list[Event] = field(default_factory=list)

    def outlets(self) -> list[str]:
        """Return the other outlets of the merged events, without repeats or the shown one."""
        seen: list[str] = []
        for other in self.merged:
            name = other.chunk.source or other.chunk.title
            if name and name != self.event.chunk.source and name not in seen:
                seen.append(name)
        return seen

    def article_ids(self) -> list[str]:
        """Return the shown article's id and every merged one's."""
        return [self.event.article_id, *(e.article_id for e in self.merged)]


def merge_events(events: list[Event]) -> list[Line]:
    """Return the events as timeline lines, oldest first, copies and same-day news merged."""
    ordered = sorted(events, key=_order)
    lines: list[Line] = []
    for event in ordered:
        twin = next((line for line in lines if _same(line.event, event)), None)
        if twin is None:
            lines.append(Line(event))
        elif event.score > twin.event.score and event.day == twin.event.day:
            twin.merged.append(twin.event)  # the same day's better statement is shown
            twin.event = event
        else:
            twin.merged.append(event)
    return sorted(lines, key=lambda line: _order(line.event))


def _order(event: Event) -> tuple[int, str, str, int]:
    day = event.day.toordinal() if event.day else 10**7  # undated reports go last
    stamp = event.chunk.published_at.isoformat() if event.chunk.published_at else ""
    return (day, stamp, event.chunk.source or "", event.chunk.start + event.sentence.start)


def _same(a: Event, b: Event) -> bool:
    """Return True for a syndicated copy (any day) or the same news on the same day.

    A shared sentence alone (an outlet's standing background line) makes no copy across days.
    """
    if jaccard(passage_shingles(a.chunk), passage_shingles(b.chunk)) >= COPY_OVERLAP:
        return True
    if a.day is None or a.day != b.day:
        return False
    if jaccard(shingles(a.sentence.text), shingles(b.sentence.text)) >= COPY_OVERLAP:
        return True
    words_a, words_b = frozenset(content_words(a.sentence.text)), content_words(b.sentence.text)
    return jaccard(words_a, frozenset(words_b)) >= SAME_DAY_OVERLAP
