"""Read a question for the outlets and dates it names, and split it into sub-queries.

"Did TechCrunch on October 6, 2023 and The Verge both report …?" names two outlets and a day:
search boosts passages from those outlets and days. A multi-hop question also becomes
sub-queries, one per outlet mention (its neighbouring words, outlet and date) and one per clause,
so that each report it needs is looked for on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.text.dates import DateMention, find_dates
from assistant.text.outlets import OutletMention, find_outlets

# Clauses end at a comma (not one inside a date), a semicolon, or "while"/"whereas".
_CLAUSE_BREAK = re.compile(
    r",\s+(?!\d{4})(?:and\s+|while\s+|but\s+|whereas\s+)?|;\s+|\s+(?:while|whereas)\s+"
)
_CLAUSE_WORDS = 4  # content words a clause or segment needs to be searched on its own
_FUNCTION_WORDS_TEXT = """
the a an of by to in on for and or is was were be been has have had as that this which who what
with from at its it their his her does did do article articles report reports reported according
both between
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


@dataclass(frozen=True)
class SubQuery:
    """One report or one hop a question asks about: its own words, outlets and date window."""

    text: str
    sources: tuple[str, ...] = ()  # outlets it is about (empty: any)
    window: DateMention | None = None


@dataclass(frozen=True)
class QueryHints:
    """What a question says about where and when its answer was published."""

    outlets: tuple[OutletMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    subqueries: tuple[SubQuery, ...] = field(default=())

    def sources(self) -> set[str]:
        """Return every outlet the question names."""
        return {s for mention in self.outlets for s in mention.sources}


def read_hints(
    question: str,
    sources: tuple[str, ...],
    today: date | None = None,
    default_year: int | None = None,
) -> QueryHints:
    """Return the outlets, dates and sub-queries (aspects, then clauses) of a question."""
    outlets = find_outlets(question, sources)
    dates = find_dates(question, today, default_year)
    subs = _aspects(question, outlets, dates) + _clauses(question, outlets, dates)
    return QueryHints(tuple(outlets), tuple(dates), subs)


def _aspects(
    question: str, outlets: list[OutletMention], dates: list[DateMention]
) -> tuple[SubQuery, ...]:
    """Return one sub-query per outlet mention (with its date), or per date when no outlet."""
    if not outlets:
        return tuple(SubQuery(_segment(question, d.start, d.end, []), (), d) for d in dates)
    owner = _date_owners(outlets, dates)
    found: dict[tuple[tuple[str, ...], DateMention | None, str], None] = {}
    for i, mention in enumerate(outlets):
        text = _segment(question, mention.start, mention.end, outlets)
        windows: list[DateMention | None] = [d for d, o in owner.items() if o == i]
        for window in windows or [None]:
            found[(mention.sources, window, text)] = None
    return tuple(SubQuery(text, sources, window) for sources, window, text in found)


def _clauses(
    question: str, outlets: list[OutletMention], dates: list[DateMention]
) -> tuple[SubQuery, ...]:
    """Return one sub-query per clause that says enough (a multi-hop question's single hops)."""
    named = tuple(sorted({s for mention in outlets for s in mention.sources}))
    subs: list[SubQuery] = []
    for start, end in _clause_spans(question):
        text = question[start:end].strip(" '\"?.")
        if len(_content_words(text)) >= _CLAUSE_WORDS:
            own = tuple(sorted({s for o in outlets if start <= o.start < end for s in o.sources}))
            window = next((d for d in dates if start <= d.start < end), None)
            subs.append(SubQuery(text, own or named, window))
    return tuple(subs) if len(subs) > 1 else ()


def _clause_spans(question: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each clause of the question."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(question):
        spans.append((start, match.start()))
        start = match.end()
    return [*spans, (start, len(question))]


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if w not in _FUNCTION_WORDS]


def _date_owners(outlets: list[OutletMention], dates: list[DateMention]) -> dict[DateMention, int]:
    """Give each date to the closest outlet mention before it (else the first one after it)."""
    owners: dict[DateMention, int] = {}
    for mention in dates:
        before = [i for i, o in enumerate(outlets) if o.end <= mention.start]
        owners[mention] = before[-1] if before else 0
    return owners


def _segment(question: str, start: int, end: int, outlets: list[OutletMention]) -> str:
    """Return the words around one mention, up to the neighbouring outlet mentions."""
    edges = sorted({o.start for o in outlets} | {o.end for o in outlets})
    left = max([e for e in edges if e < start] or [0])
    right = min([e for e in edges if e > end] or [len(question)])
    text = question[left:right].strip(" ,;'\"?")
    # A mention in a list ("by The Age, The Verge and TechCrunch") has no words of its own.
    return text if len(_content_words(text)) >= _CLAUSE_WORDS else question
