"""Find the news outlets a question names: "Did TechCrunch and The Verge both report …?".

An outlet is named by its index name or a shorter alias ("The Roar | Sports …" → "The Roar",
"The Verge" → "Verge"); only capitalised mentions count, so "the age of 30" names no outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SUFFIX = re.compile(r"\s+(?:\||-|–|—|:)\s+.*$")  # "Cnbc | World Business News Leader" → "Cnbc"


@dataclass(frozen=True)
class OutletMention:
    """Outlets (as the index names them) that one phrase of the question refers to."""

    sources: tuple[str, ...]
    start: int
    end: int


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
