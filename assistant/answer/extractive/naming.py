"""Which name the evidence of a multi-part question points to ("Which company …, reported by both A
and B, …?", "Who is the individual …?"), written in full as the passages write it.

Names come from `text.name_runs` (capitalised words cut at words that are never names, at
roles and after a possessive); a person is two title-case words ("OpenAI CEO Sam Altman" →
"Sam Altman"); an organisation is given its longer written form when the passages have one
("Fed" → "Federal Reserve", "Caesars" → "Caesars Sportsbook").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.schema import Hit
from assistant.text import content_words, name_runs


@dataclass(frozen=True)
class PartPassage:
    """What naming reads of one supported part: where it starts, its hit, its evidence sentence."""

    start: int
    hit: int
    sentence: str


_TITLES = re.compile(
    r"^(?:CEO|President|Judge|Senator|Sen|Gov|Governor|Minister|Secretary|Coach|Dr|Mr|Mrs|Ms|"
    r"Chief|Executive|Founder|Former|Co-founder)\s+"
)
_NOT_PERSON = re.compile(
    r"\b(?:Commission|Exchange|Court|Department|Inc|Corp|Company|Group|Team|Association|"
    r"Council|Committee|Agency|Bank|Board|Office|University|League|Club|News|Times|Post|Research|"
    r"Capital|Labs|Ventures|Partners|Holdings|Media|Network|Party|Reserve|Fund|Foundation|of)\b"
)
# A word of a person's name: "Sam", "Bankman-Fried", "O'Neil", "J." — not "OpenAI", "NBA", "AI".
_PERSON_WORD = re.compile(r"^(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.|Mc[A-Z][a-z]+)$")
_PERSON_QUESTION = re.compile(r"^\s*who\b|\b(?:individual|person|figure|ceo|founder)\b", re.I)
_NAME = re.compile(r"\b[A-Z][\w’'&.-]*(?:[ \t]+(?:of[ \t]+|de[ \t]+|the[ \t]+)?[A-Z][\w’'&.-]*)*")


def shared_name(question: str, supported: Sequence[PartPassage], hits: list[Hit]) -> str:
    """Return the name the supported parts' passages share, full name as written, or "".

    Among the names in the passages (capitalised words not in the question and not an outlet;
    for "who" a person's two title-case words), the one found in the passages of the most
    parts, then in the most evidence sentences (for a person), then the most often; stated only
    when it is in at least two parts' passages (or the only part's) and no other name ties.
    """
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    outlets = {w.lower() for h in hits for w in re.findall(r"\w+", h.chunk.source or "")}
    person = bool(_PERSON_QUESTION.search(question))
    texts = [hits[item.hit].chunk.text for item in supported]
    # Names as written anywhere in the passages: a part's passage may say only "Bankman-Fried".
    written_in = list(dict.fromkeys(h.chunk.text for h in hits))
    found: dict[str, tuple[int, int, int]] = {}
    for name in set().union(*(_names(text, person) for text in written_in)):
        words = {w.lower() for w in re.findall(r"\w+", name)}
        if words <= asked or words <= outlets:
            continue
        key = re.compile(rf"(?<![\w-]){re.escape(name.split()[-1] if person else name)}(?![\w-])")
        starts = {
            item.start for item, text in zip(supported, texts, strict=True) if key.search(text)
        }
        # A person asked about is the one the evidence sentences name; a company's sentence
        # often names its product instead ("Mac", "Steam"), so for those only passages count.
        quoted = sum(1 for item in supported if person and key.search(item.sentence))
        found[name] = (len(starts), quoted, sum(len(key.findall(text)) for text in set(texts)))
    if not found:
        return ""
    ranked = sorted(found.items(), key=lambda kv: (kv[1], len(kv[0])), reverse=True)
    name, (covered, _, _) = ranked[0]
    if covered < min(2, len({e.start for e in supported})):
        return ""
    rivals = [n for n, score in ranked[1:] if score == ranked[0][1] and n not in name]
    if rivals and person:  # "Sam Altman" and "Jack Altman" share the key: the one written most,
        # in the passages that rank highest
        written = {
            n: sum(text.count(n) / (rank + 1) for rank, text in enumerate(written_in))
            for n in [name, *rivals]
        }
        name = max(written, key=lambda n: (written[n], len(n)))
        rivals = [n for n in rivals if n != name and written[n] == written[name]]
    if rivals:
        return ""
    return name if person else _full_name(name, written_in)


# Words that end an organisation's full name: "Everton Football Club", "Caesars Sportsbook".
_ORG_ENDINGS_TEXT = (
    "Football Club FC AFC Inc Corp Corporation Company Co Group Holdings Sportsbook Reserve Bank "
    "University Commission Party Association Foundation Airlines Motors Labs"
)
_ORG_ENDINGS = frozenset(_ORG_ENDINGS_TEXT.split())


def _full_name(name: str, texts: list[str]) -> str:
    """Return the organisation's full name as the passages write it, else the name found.

    "Caesars" → "Caesars Sportsbook", "Fed" → "Federal Reserve": a longer name that extends it
    with words that end organisations' names, or whose first word it abbreviates — the one
    written most, if one is. (A longer name that merely ends with it is no evidence: headlines
    run names together, "Bloomberg Google", "Leading Everton".)
    """
    written: dict[str, int] = {}
    for text in texts:
        for longer in _names(text, person=False):
            words, short = longer.split(), name.split()
            if longer == name or len(words) > 4:
                continue
            extends = words[: len(short)] == short and set(words[len(short) :]) <= _ORG_ENDINGS
            abbreviates = (
                len(short) == 1
                and 3 <= len(name) <= 4
                and 2 <= len(words) <= 3
                and words[0] != name
                and words[0].startswith(name)
            )
            if extends or abbreviates:
                written[longer] = written.get(longer, 0) + text.count(longer)
    if not written:
        return name
    ranked = sorted(written.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return name
    return ranked[0][0]


def _names(text: str, person: bool) -> set[str]:
    """Return the capitalised names of a text; a lone capitalised word only inside a sentence."""
    names = set()
    for match in _NAME.finditer(text):
        first = re.search(r"(?:^|[.!?:\n“\"]\s*)$", text[: match.start()])
        for at, run in name_runs([w.strip(".") for w in match.group().split()]):
            if not content_words(run[0]):
                continue
            name = _TITLES.sub("", " ".join(run)).removesuffix("’s").removesuffix("'s")
            if len(name) < 3 or (first and at == 0 and " " not in name):
                continue
            if person:
                name = " ".join(name.split()[-2:])  # "Witness Adam Yedidia" → "Adam Yedidia"
                if (
                    " " not in name
                    or _NOT_PERSON.search(name)
                    or not all(_PERSON_WORD.match(w) for w in name.split())
                ):
                    continue
            names.add(name)
    return names
