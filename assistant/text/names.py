"""Capitalised words that are never part of a name, and the names a text writes.

A run of capitalised words in a sentence ("Reveal After OpenAI", "Republican Party We",
"Did Bankman-Fried", "Google CEO Sundar Pichai") is cut at the words that begin sentences or
join clauses — pronouns, determiners, auxiliaries, conjunctions, prepositions, the calendar —
at roles, and after a possessive, so that what is left are names ("OpenAI", "Republican
Party", "Bankman-Fried", "Google", "Sundar Pichai").
"""

from __future__ import annotations

from assistant.text.dates import CALENDAR_WORDS

_FUNCTION_WORDS = (
    "The A An In On At Of And But Or Nor For To As It Its This That These Those He She They We "
    "I You His Her Their Our My Your Him Them Us Me After Before When While If However "
    "Meanwhile Still Also According Yes No Mr Mrs Ms Dr Though Although Despite Because Since "
    "Until Unlike Like With Without From By Under Over Then Now So Even Only Just Why What Who "
    "Whom Whose How Where Which Did Does Do Is Was Were Are Be Been Has Have Had Can Could Will "
    "Would Should May Might Must Shall Some Any Each Every Both Either Neither Many Much "
    "More Other Another Such There Here Not Never Into Onto Upon About Against Between "
    "Through During Among Within Across Toward Towards Via Per Plus Yet"
)
_TITLE_WORDS = (
    "CEO CFO CTO COO Chairman Chairwoman Chair President Founder Co-founder Co-Founder Judge "
    "Senator Sen Rep Gov Governor Minister Secretary Coach Chief Executive Director "
    "Commissioner Witness Attorney Prosecutor Spokesperson Spokesman Spokeswoman Analyst"
)
FUNCTION_WORDS = frozenset(w.lower() for w in _FUNCTION_WORDS.split())
"""Pronouns, determiners, auxiliaries, conjunctions, prepositions: words that claim nothing."""
NOT_NAME_WORDS = (
    frozenset(_FUNCTION_WORDS.split()) | frozenset(_TITLE_WORDS.split()) | CALENDAR_WORDS
)
"""Capitalised words that begin sentences, join clauses or give a role; never part of a name."""


def name_runs(words: list[str]) -> list[tuple[int, list[str]]]:
    """Return the runs of a capitalised word sequence between words that are not names.

    Each run comes with the index of its first word, so a caller can tell a run that opens
    the sequence (maybe a sentence's first word) from one inside it.
    """
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, word in enumerate(words):
        bare = word.strip(".,").removesuffix("’s").removesuffix("'s").removesuffix("’re")
        if bare in NOT_NAME_WORDS or word.strip(".,") in NOT_NAME_WORDS:
            if current:
                runs.append((start, current))
            current = []
            continue
        if not current:
            start = i
        if bare != word.strip(".,"):  # "Google’s Search …": the owner's name ends here
            current.append(bare)
            runs.append((start, current))
            current = []
            continue
        current.append(word)
    if current:
        runs.append((start, current))
    return [(i, run) for i, run in runs if run[0][:1].isupper() and run[-1][:1].isupper()]


# A capital or seat of power written for its country, as news writes them: "Pyongyang sent
# troops" is North Korea, "the Kremlin warned" is Russia. Lower case; each alias is the words an
# article may use instead ("U.S." is no alias: read as "us" it is a pronoun too). Read by the
# answerer when it checks that passages name what a question names.
METONYMS: dict[str, tuple[str, ...]] = {
    "pyongyang": ("north korea", "north korean"),
    "moscow": ("russia", "russian"),
    "kremlin": ("russia", "russian"),
    "kyiv": ("ukraine", "ukrainian", "kiev"),
    "kiev": ("ukraine", "ukrainian", "kyiv"),
    "beijing": ("china", "chinese"),
    "washington": ("united states", "american", "white house"),
    "america": ("united states", "american"),
    "tehran": ("iran", "iranian"),
    "jerusalem": ("israel", "israeli"),
    "london": ("uk", "britain", "british", "united kingdom"),
    "paris": ("france", "french"),
    "berlin": ("germany", "german"),
    "tokyo": ("japan", "japanese"),
    "seoul": ("south korea", "south korean"),
    "brussels": ("eu", "european union", "nato"),
    "downing": ("uk", "britain", "british"),
    "pentagon": ("defense department", "defence department"),
}
