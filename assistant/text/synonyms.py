"""Words news writes for one another: "replaced" and "successor", "dismissed" and "relieved".

A question is often worded otherwise than the sentence that answers it. Each group below is a
set of words that, in news about people, companies and events, name the same act or thing; a
question word is found in a sentence when any word of its group is there (`held`). Opposites are
never in one group (that is `answer.extractive.yesno.OPPOSITES`).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from functools import lru_cache

from assistant.text.words import content_words

_GROUPS = (
    "replace replaced replacing replacement successor succeed succeeded succeeds take over",
    "dismiss dismissed fire fired sack sacked oust ousted relieve relieved axe axed",
    "resign resigned resignation quit quits step stepped down",
    "buy bought acquire acquired acquisition purchase purchased takeover",
    "sue sued suing lawsuit lawsuits",
    "die died death dead killed kill fatalities",
    "hire hired hiring recruit recruited appoint appointed appointment",
    "layoffs layoff laid",
    "win won wins victory beat beaten",
    "ban banned bans prohibit prohibited",
    "launch launched unveil unveiled introduce introduced debut debuted release released",
    "invest invested investment funding round raise raised",
    "warn warned warning caution cautioned",
    "arrest arrested detain detained custody",
    "charge charged indict indicted indictment",
    "sentence sentenced prison jail jailed",
    "approve approved approval authorize authorized authorization greenlight green-light",
    "criticize criticized criticise criticised slam slammed blast blasted",
    "soldier soldiers troop troops forces",
    "company firm business startup",
    "chief executive ceo",
    "shares stock stocks",
    "quickly soon fast within",
    "worry worries concern concerns fear fears",
    "cost costs costing price prices priced",
    "value valued valuation worth",
    "attend attended attending attendees attendance visitors spectators",
    "first inaugural",
    "run ran running lead led leading head headed chair chaired",
    "coach coached coaching manager managed",
    "create created invent invented coin coined devise devised develop developed",
)


@lru_cache(maxsize=1)
def _group_of() -> dict[str, frozenset[str]]:
    group_of: dict[str, frozenset[str]] = {}
    for words in _GROUPS:
        group = frozenset(content_words(words))
        for word in group:
            group_of[word] = group_of.get(word, frozenset()) | group
    return group_of


def held(word: str, words: AbstractSet[str]) -> bool:
    """Return True when a stemmed word, or a word of its group, is among the stemmed words."""
    return word in words or bool(_group_of().get(word, frozenset()) & words)


def synonym_overlap(query_words: set[str], words: set[str]) -> float:
    """Return the share of query words held by the words, a synonym counting (0..1)."""
    if not query_words:
        return 0.0
    return sum(held(w, words) for w in query_words) / len(query_words)
