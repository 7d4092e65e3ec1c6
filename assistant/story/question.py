"""Read a timeline question: "How did the SBF trial unfold?", "What happened with X since October?".

A question of this kind is answered with the story's dated events instead of the best passages;
`read_timeline_question` returns the story it is about and the date window it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from assistant.text import content_words
from assistant.text.dates import find_dates

_ASKS = re.compile(
    r"\b(?:time\s?line|chronolog(?:y|ical)|sequence of events|series of events|"
    r"over the course of|what(?:'s| is) the story (?:with|of|behind)|"
    r"what came out (?:around|about|of)|"
    r"what (?:has|have) (?:\S+ ){0,3}?(?:reported|covered|written) (?:about|on|of)|"
    r"what (?:was|has been|have been|got) reported (?:about|on)|"
    r"how (?:has|have|did) (?:\S+ ){0,3}?covered)\b|"
    r"\bhow (?:did|has|have|is|are) .+? (?:go|gone|going|fared|been going)"
    r"(?=\s*(?:[?,.;]|$|\s(?:so far|since|after|before|until|through|over|during|this|last)\b))|"
    r"\bhow (?:did|has|have|do|does) (?P<how>.+?) (?:unfold|develop|evolve|play out|progress|"
    r"come about|turn out|played out|panned out|pan out|turned out)(?:ed)?\b|"
    r"\bwhat (?:has )?happened (?:with|to|in|on) (?P<what>.+?)(?= since| after| from| between|"
    r" over| during| until| through|\?|$)(?P<window>\s(?:since|after|from|between|over|during)\b)?",
    re.IGNORECASE,
)
_FRAME = re.compile(
    r"^\s*(?:(?:please\s+)?(?:give|show|tell)\s+(?:me\s+)?|what\s+(?:is|was)\s+)?(?:the\s+|a\s+)?"
    r"(?:time\s?line|chronology|sequence of events|series of events)\s+(?:of|for|on|in)\s+"
    r"|\b(?:how (?:did|has|have|do|does|is|are)|what (?:has )?happened (?:with|to|in|on))\s+"
    r"|\b(?:what(?:'s| is) the story (?:with|of|behind)|what came out (?:around|about|of))\s+"
    r"|\bwhat (?:has|have|did|was|were|has been|have been) (?:\S+ ){0,3}?(?:reported|report|"
    r"covered|written)"
    r" (?:about|on|of|over the course of)\s+"
    r"|\s+(?:gone|go|going|fared|been going|covered)\b"
    r"|\s+(?:unfold|develop|evolve|play out|progress|come about|turn out|played out|panned out|"
    r"pan out|turned out)(?:ed)?\b"
    r"|\s+(?:time\s?line|chronology)\b",
    re.IGNORECASE,
)
_WINDOW_WORDS = re.compile(
    r"\s*\b(?:since|after|from|between|before|until|till|through|during|over|in|on|by|and)\s*$",
    re.IGNORECASE,
)
_AFTER = {"since", "after", "from"}
_BEFORE = {"before", "until", "till", "by", "through", "thru"}


@dataclass(frozen=True)
class TimelineQuestion:
    """The story a timeline question is about and the publication window it names."""

    query: str
    since: date | None = None
    until: date | None = None


_YES_NO = re.compile(  # a question (or its main clause, after a comma) opening with a verb
    r"(?:^|[,;]\s*)(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b",
    re.I,
)


def is_timeline_question(question: str) -> bool:
    """Return True when the question asks how a story unfolded rather than for one fact.

    A yes/no question ("Is the sequence of events … consistent?") wants a verdict instead.
    """
    return bool(_ASKS.search(question)) and not _YES_NO.search(question)


def read_timeline_question(
    question: str, today: date | None = None, default_year: int | None = None
) -> TimelineQuestion:
    """Return the story (question words without the framing and dates) and its date window."""
    since: date | None = None
    until: date | None = None
    text = question
    for mention in reversed(find_dates(question, today, default_year)):
        word = _lead_word(question, mention.start, mention.end)
        if word in _AFTER or word == "between":
            since = mention.since
        elif word == "and" and "between" in question[: mention.start].lower():
            until = mention.until
        elif word in _BEFORE:
            until = mention.until if word in ("by", "through", "thru") else mention.since
        else:
            since, until = mention.since, mention.until
        text = _WINDOW_WORDS.sub("", text[: mention.start]) + text[mention.end :]
    query = _FRAME.sub(" ", text)
    query = re.sub(r"[?!.]+", " ", query)
    query = re.sub(r"\s+", " ", query).strip(" ,;:")
    query = re.sub(r"(?:[\s,;:]+(?:on|onwards?|and|or|from))+$", "", query)
    return TimelineQuestion(query or question.strip(), since, until)


def story_query(question: str, titles: Sequence[str]) -> str:
    """Return the story a question is about: its names (and the word each qualifies) that the
    cited articles' titles share.

    "What did the county engineers find at the Riverton dam?" with titles about the Riverton
    dam gives "Riverton dam"; without such names, the question without its framing.
    """
    stems = [content_words(title) for title in titles]
    words = re.findall(r"[\w’'-]+", question)
    shared = [
        bool(stem) and sum(stem <= t for t in stems) * 2 > len(stems)
        for stem in (content_words(word) for word in words)
    ]
    kept: list[str] = []
    for i, word in enumerate(words):
        named = word[:1].isupper() and i > 0
        after_name = bool(kept) and words[i - 1] == kept[-1] and words[i - 1][:1].isupper()
        if shared[i] and (named or after_name):
            kept.append(word)
    return " ".join(kept) or read_timeline_question(question).query


def _lead_word(text: str, start: int, end: int) -> str:
    """Return the preposition a date mention starts with, else the word before it."""
    inside = re.match(r"\s*([a-z]+)", text[start:end].lower())
    if inside and inside.group(1) in _AFTER | _BEFORE | {"between"}:
        return inside.group(1)
    words = re.findall(r"[a-z]+", text[:start].lower())
    return words[-1] if words else ""
