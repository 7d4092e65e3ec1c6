"""Where a sentence places its claim: the country a question asks about, or another one.

"How many people die from drug-resistant infections in the UK each year?" is not answered by
"In the U.S. alone, … 35,000 deaths each year" nor by "… 1.27 million people worldwide": the
figure is of the right kind, but for another place (`other_country`).
"""

from __future__ import annotations

import re

from assistant.text import COUNTRY_NAMES, is_demonym

# Countries as news writes them besides their names: the acronyms and the usual other names.
_COUNTRY_ALIASES = {
    "us": "united states", "usa": "united states", "america": "united states",
    "uk": "united kingdom", "britain": "united kingdom",
}
_COUNTRY_WORD = re.compile(rf"\b(?:{COUNTRY_NAMES}|U\.S\.A?|USA?|U\.K\.|UK|America)(?!\w)")
_IN_COUNTRY = re.compile(rf"\b(?i:in|across|throughout)\s+(?:the\s+)?({_COUNTRY_WORD.pattern})")


_WORLDWIDE = re.compile(
    r"\b(?:worldwide|globally|(?:around|across|in) the (?:world|globe))\b", re.I
)


def _country(name: str) -> str:
    key = name.lower().replace(".", "")
    return _COUNTRY_ALIASES.get(key, key)


def other_country(question: str, sentence: str) -> bool:
    """Return True when the sentence speaks of another country than the one the question asks
    about: "How many die … in the UK?" is not answered by "In the U.S. alone, … 35,000 deaths".

    The sentence must place its claim in a country ("in the U.S.") or the world ("worldwide")
    and name the question's country in no form (name, acronym, demonym: "India", "Indian")."""
    asked = {_country(m.group()) for m in _COUNTRY_WORD.finditer(question)}
    if not asked:
        return False
    placed = {_country(m.group(1)) for m in _IN_COUNTRY.finditer(sentence)}
    if _WORLDWIDE.search(sentence):
        placed.add("world")  # "killed 1.27 million people worldwide" is no figure for the UK
    if not placed or placed & asked:
        return False
    named = {_country(m.group()) for m in _COUNTRY_WORD.finditer(sentence)}
    demonyms = {w[:4].lower() for w in re.findall(r"\b[A-Z][a-z]+(?:an|ese|ish|i|ch)\b", sentence)
                if is_demonym(w)}  # "Indian", "British"; not "United" of "United Nations"
    return not (named & asked) and not any(a[:4] in demonyms for a in asked)
