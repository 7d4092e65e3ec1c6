"""Turn timeline lines into the public Timeline, its text, and an Answer for `ask`."""

from __future__ import annotations

from assistant.answer.cite import make_citation
from assistant.schema import Answer, Citation, Hit, SentenceSupport, Timeline, TimelineEvent
from assistant.story.merge import Line

TIMELINE_RULE = "timeline"  # Answer.verdict_rule of a timeline answer


def to_timeline(query: str, lines: list[Line]) -> Timeline:
    """Return the public Timeline: one event per line, oldest first, citations numbered."""
    events = []
    for n, line in enumerate(lines, start=1):
        event = line.event
        hit = Hit(event.chunk, event.score, tuple(line.outlets()))
        citation = make_citation(n, hit, event.sentence, event.score)
        events.append(
            TimelineEvent(
                day=event.day,
                stated=event.stated,
                text=event.sentence.text,
                citation=citation,
                also_in=line.outlets(),
                article_ids=line.article_ids(),
            )
        )
    days = [e.day for e in events if e.day is not None]
    return Timeline(query=query, events=events, as_of=max(days) if days else None)


def event_line(event: TimelineEvent) -> str:
    """Return `2023-10-03 — TechCrunch: sentence [1] (also in …)` for one event."""
    day = event.day.isoformat() if event.day else "undated"
    stated = f" (about {event.stated.isoformat()})" if event.stated else ""
    outlet = event.citation.source or event.citation.title
    also = f" (also in {', '.join(event.also_in)})" if event.also_in else ""
    sentence = event.text.rstrip().rstrip(".")
    return f"{day}{stated} — {outlet}: {sentence}{also} [{event.citation.n}]."


def format_timeline(timeline: Timeline) -> str:
    """Return the timeline as text: a heading, one line per event, then its sources."""
    if not timeline.events:
        return f"No dated reports about “{timeline.query}” in the indexed articles."
    lines = [
        f"Timeline of “{timeline.query}” ({len(timeline.events)} events, as of {timeline.as_of}):",
        "",
    ]
    lines += [event_line(event) for event in timeline.events]
    lines.append("")
    for event in timeline.events:
        c = event.citation
        date = c.published_at.date().isoformat() if c.published_at else "undated"
        lines.append(f"[{c.n}] {c.title} — {c.source or 'unknown outlet'}, {date}")
    return "\n".join(lines)


def timeline_answer(question: str, timeline: Timeline) -> Answer | None:
    """Return the timeline as an Answer (one cited line per event), or None when it is empty."""
    if not timeline.events:
        return None
    lines = [event_line(event) for event in timeline.events]
    citations: list[Citation] = [event.citation for event in timeline.events]
    # each line quotes its sentence verbatim; the date and outlet come from the catalog
    support = [
        SentenceSupport(text=line, citations=[event.citation.n], support=1.0, supported=True)
        for line, event in zip(lines, timeline.events, strict=True)
    ]
    return Answer(
        text="\n".join(lines),
        citations=citations,
        question=question,
        answered=True,
        sentences=support,
        verdict_rule=TIMELINE_RULE,
        as_of=timeline.as_of,
    )
