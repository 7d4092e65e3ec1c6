"""Read a question for the outlets and dates it names, and split it into per-outlet aspects.

"Did TechCrunch on October 6, 2023 and The Verge both report …?" names two outlets and a day;
search boosts passages from those outlets and days, and runs one sub-query per aspect so that
each named report is looked for on its own (multi-hop questions need every one of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from assistant.retrieve.dates import DateMention, find_dates

DISTINCT_MENTIONS = True
_SUFFIX = re.compile(r"\s+(?:\||-|–|—|:)\s+.*$")  # "Cnbc | World Business News Leader" → "Cnbc"


@dataclass(frozen=True)
class OutletMention:
    """Outlets (as the index names them) that one phrase of the question refers to."""

    sources: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Aspect:
    """One report a question asks about: its outlets, its date window and its own words."""

    text: str
    sources: tuple[str, ...] = ()
    window: DateMention | None = None


@dataclass(frozen=True)
class QueryHints:
    """What a question says about where and when its answer was published."""

    outlets: tuple[OutletMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    aspects: tuple[Aspect, ...] = field(default=())

    def sources(self) -> set[str]:
        """Return every outlet the question names."""
        return {s for mention in self.outlets for s in mention.sources}


def outlet_aliases(source: str) -> set[str]:
    """Return the names a question may use for an outlet: 'The Roar | Sports …' → 'The Roar'."""
    names = {source.strip(), _SUFFIX.sub("", source).strip()}
    names |= {name[4:] for name in names if name.startswith("The ") and len(name) >= 9}
    return {name for name in names if len(name) >= 3}


@lru_cache(maxsize=8)
def _alias_pattern(sources: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    owners: dict[str, set[str]] = {}
    for source in sources:
        for alias in outlet_aliases(source):
            owners.setdefault(alias.casefold(), set()).add(source)
    ordered = sorted(owners, key=len, reverse=True)  # longest first: "The Independent - Sports"
    alternatives = "|".join(re.escape(alias) for alias in ordered) or r"(?!x)x"
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return pattern, {alias: tuple(sorted(found)) for alias, found in owners.items()}


def find_outlets(question: str, sources: tuple[str, ...]) -> list[OutletMention]:
    """Return the known outlets the question names, in order (capitalised mentions only)."""
    pattern, owners = _alias_pattern(tuple(sorted(sources)))
    mentions: list[OutletMention] = []
    for match in pattern.finditer(question):
        words = match.group().split()
        if not words[-1][:1].isupper():  # "the age of 30", "a fortune" are not outlets
            continue
        mentions.append(OutletMention(owners[match.group().casefold()], *match.span()))
    return mentions


def read_hints(question: str, sources: tuple[str, ...], today: date | None = None,
               default_year: int | None = None) -> QueryHints:
    """Return the outlets, dates and per-outlet aspects of a question."""
    outlets = find_outlets(question, sources)
    dates = find_dates(question, today, default_year)
    return QueryHints(tuple(outlets), tuple(dates), _aspects(question, outlets, dates))


def _aspects(question: str, outlets: list[OutletMention],
             dates: list[DateMention]) -> tuple[Aspect, ...]:
    """Return one aspect per distinct (outlet, date) the question names; dates alone count too."""
    if not outlets:
        return tuple(Aspect(_segment(question, d.start, d.end, [], dates), (), d) for d in dates)
    owner = _date_owners(outlets, dates)
    seen: set[tuple[tuple[str, ...], DateMention | None, str]] = set()
    aspects: list[Aspect] = []
    for i, mention in enumerate(outlets):
        windows: list[DateMention | None] = [d for d, o in owner.items() if o == i] or [None]
        text = _segment(question, mention.start, mention.end, outlets, dates)
        for window in windows:
            key = (mention.sources, window, text if DISTINCT_MENTIONS else "")
            if key in seen:
                continue
            seen.add(key)
            aspects.append(Aspect(text, mention.sources, window))
    return tuple(aspects)


def _date_owners(outlets: list[OutletMention], dates: list[DateMention]) -> dict[DateMention, int]:
    """Give each date to the closest outlet mention before it (else the first one after it)."""
    owners: dict[DateMention, int] = {}
    for mention in dates:
        before = [i for i, o in enumerate(outlets) if o.end <= mention.start]
        owners[mention] = before[-1] if before else 0
    return owners


def _segment(question: str, start: int, end: int, outlets: list[OutletMention],
             dates: list[DateMention]) -> str:
    """Return the words around one mention, up to the neighbouring outlet mentions."""
    edges = sorted({o.start for o in outlets} | {o.end for o in outlets})
    left = max([e for e in edges if e <= start and e != start] or [0])
    right = min([e for e in edges if e >= end and e != end] or [len(question)])
    return question[left:right].strip(" ,;'\"")
