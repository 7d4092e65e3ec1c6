"""Whether a sentence holds the kind of answer a question asks for, tied to the question.

A question that names its answer type ("which cities", "what date", "which general", "how
many") is only answered by a sentence that holds an entity of that type *and* shares a clause
with one of the question's own content words: "the talks ended on 5 May" answers "when did the
talks end?", but a sentence that mentions the talks and, in another clause, some other date
does not. Without such a sentence the extractive answerer abstains instead of quoting a related
sentence that does not say the asked detail.

What kind a question asks for is read by `asked.answer_type`. Entities are found by pattern
(`patterns.py`), not by a model: dates, numbers,
person names (two or more capitalised words, or a title and a name), places (a capitalised
name after a locative preposition, or for countries also a demonym such as "North Korean").
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.answer.extractive.patterns import (
    AGE,
    ANY_NAME,
    CAP,
    COUNT,
    DAY_DATE,
    DEMONYM,
    FIRST_WORDS,
    LOOSE_DATE,
    MONEY,
    NAME,
    ORG_NAME,
    ORGS,
    PERCENT,
    PLACE,
    PLACE_OF,
    SPAN_OF_TIME,
    STRICT_DATE,
    TITLED,
    YEAR_ONLY,
    rate_of,
)
from assistant.answer.extractive.titles import title_spans
from assistant.answer.values import SCORE
from assistant.text import CALENDAR_WORDS, COUNTRY, content_words, is_demonym
from assistant.text.synonyms import held

# Clause cuts; the comma of "1,500" is no cut.
_CLAUSE = re.compile(r"(?<!\d),|,(?!\d)|[;:()\[\]“”\"—–]|\s-\s|\b(?:said|says|told|according to)\b")

# What each answer type is called when the articles lack it ("… but don't give the date").
_DESCRIBED = {
    "duration": "how long", "percent": "the share", "money": "the amount", "amount": "the amount",
    "count": "the number", "number": "the number", "day": "the date", "date": "the date",
    "when": "the date", "place": "the place", "country": "the country", "where": "the place",
    "organization": "the organisation", "person": "the name", "who": "the name",
    "score": "the score", "role": "the title",
}


@dataclass(frozen=True)
class AnswerType:
    """The kind of entity a question asks for, and how strictly it must be tied to it."""

    name: str
    tied: bool  # the entity must share a clause with a question word
    head: frozenset[str] = frozenset()  # what is counted or priced ("how many jobs"): stems
    owned: str = ""  # "which country's presidential race": what the asked-for name owns
    rate: str = ""  # "how much … per year": the unit of time the amount must be given per
    counted: str = ""  # "how many paying subscribers": what is counted, as the question says it
    unit: frozenset[str] = frozenset()  # "… in miles per hour": the unit the number is given in

    def fits(self, sentence: str, question_words: set[str]) -> bool:
        """Return True when the sentence holds an entity of this type (tied, if required)."""
        return bool(self.spans(sentence, question_words))

    def spans(self, sentence: str, question_words: set[str]) -> list[tuple[int, int]]:
        """Return the spans of this type in the sentence (tied to the question, if required).

        A count must also be a count of the thing asked about: "how many jobs" is answered by
        "cut 800 jobs", not by "65 stores" in the same clause.
        """
        spans = _entity_spans(self.name, sentence, question_words)
        if self.owned:
            spans += _owner_spans(sentence, self.owned, question_words)
        spans = list(dict.fromkeys(spans))  # a country found as a name and after "in" is one
        if self.tied:  # "Mayor Tomas Berg" is tied to "who is the mayor" by its own title
            spans = [span for span in spans if _shares_clause(sentence, span, question_words)
                     or (self.name == "person" and _titled(sentence[span[0] : span[1]],
                                                           question_words))]
        if self.head:
            spans = [span for span in spans if _ties(_clause_words(sentence, span), self.head)]
        if self.unit:  # "how fast … in miles per hour" is not answered by "four shot attempts"
            spans = [span for span in spans if self.unit & _words_after(sentence, span)]
        if self.rate:  # "$1.1 billion a year" answers "per year"; the deal's $7.7 billion doesn't
            spans = [span for span in spans if _per(self.rate, sentence, span)]
        if self.head and self.name == "count":  # "cut 800 jobs" over "65 stores" in a clause
            counted = [span for span in spans if _ties(_words_after(sentence, span), self.head)]
            spans = counted or [  # a bare "one" is a pronoun ("one of them") unless it counts
                span for span in spans if sentence[span[0] : span[1]].lower() != "one"
            ]
        return spans

    def fills(self, sentence: str, question_words: set[str]) -> bool:
        """Return True when the sentence holds the asked thing itself: a value of a value type,
        or for "who" a person's full name in a clause with a question word."""
        if self.name == "who":
            return any(_shares_clause(sentence, span, question_words)
                       for span in _person_spans(sentence)
                       if _new_name(sentence[span[0] : span[1]], question_words))
        return self.leads and bool(self.spans(sentence, question_words))

    def described(self) -> str:
        """Return what is asked for in words: "the number of jobs", "the amount per year"."""
        what = _DESCRIBED.get(self.name, "that detail")
        if self.name == "count" and self.counted:
            what = f"the number of {self.counted}"
        return f"{what} per {self.rate}" if self.rate else what

    @property
    def leads(self) -> bool:
        """Return True when a found span is specific enough to state first as the answer."""
        return self.name not in ("who", "when", "where", "organization")




# "Brazil's polarizing presidential race": a name, its possessive, up to two words, the owned.
_OWNER = re.compile(
    rf"({CAP}(?:\s+(?:of\s+|&\s+)?{CAP}){{0,3}})['’]s\s+((?:[\w-]+\s+){{0,2}}[\w-]+)"
)


def _owner_spans(sentence: str, owned: str, question_words: set[str]) -> list[tuple[int, int]]:
    """Return the names owning the asked-for thing: "Brazil's … race" for "which country's race"."""
    spans = []
    for match in (*_OWNER.finditer(sentence), *_attributive(owned).finditer(sentence)):
        words = [w.lower() for w in match.group(2).split()]
        if any(w == owned or (min(len(w), len(owned)) >= 5 and w[:5] == owned[:5]) for w in words):
            name = match.group(1)
            if name.split()[0] not in FIRST_WORDS and _new_name(name, question_words):
                spans.append(match.span(1))
    return spans


def _attributive(owned: str) -> re.Pattern[str]:
    """Return the pattern of a name used before the owned noun: "an Oslo court", "Sderot police"."""
    return re.compile(rf"({CAP}(?:\s+{CAP}){{0,2}})\s+((?i:{re.escape(owned[:5])})[\w-]*)")


RATE_WORDS = 7
"""Words after an amount in which its rate may be given: "$73.5 million (C$100 million) every
year"."""


def _per(unit: str, sentence: str, span: tuple[int, int]) -> bool:
    """Return True when the sentence gives the amount at the span per this unit of time."""
    after = " ".join(sentence[span[1] :].split()[:RATE_WORDS])
    return unit in (rate_of(_clause(sentence, span)), rate_of(after))


def _entity_spans(kind: str, sentence: str, question_words: set[str]) -> list[tuple[int, int]]:
    """Return the spans of entities of a kind in the sentence (names the question uses excluded)."""
    if kind == "duration":
        return [m.span() for m in SPAN_OF_TIME.finditer(sentence)]
    if kind == "number":  # "how old/far/fast", "how much floor space": not a year
        return [m.span() for m in COUNT.finditer(sentence)
                if not YEAR_ONLY.match(m.group().rstrip(".,"))]
    if kind == "money":
        return [m.span() for m in MONEY.finditer(sentence)]
    if kind == "percent":
        return [m.span() for m in PERCENT.finditer(sentence)]
    if kind == "amount":  # "how much": money or a share ("how much later": `duration`)
        return [m.span() for m in (*MONEY.finditer(sentence), *PERCENT.finditer(sentence))]
    if kind == "count":
        return _count_spans(sentence)
    if kind == "role":  # "Secretary of State Antony Blinken": the title beside the named person
        return title_spans(sentence, question_words)
    if kind == "score":  # "42-18", "3‑3": the result of one game
        return [m.span() for m in SCORE.finditer(sentence)]

    if kind == "date":
        return [m.span() for m in STRICT_DATE.finditer(sentence)]
    if kind == "day":
        return [m.span() for m in DAY_DATE.finditer(sentence)]
    if kind == "when":
        return [m.span() for m in LOOSE_DATE.finditer(sentence)]
    if kind == "who":  # someone the question does not already name
        return [m.span() for m in ANY_NAME.finditer(sentence)
                if _new_name(m.group(), question_words) and not _calendar(m.group())]
    if kind == "organization":
        return [m.span() for m in ORG_NAME.finditer(sentence)
                if m.group() not in FIRST_WORDS and not _calendar(m.group())
                and _new_name(m.group(), question_words)]
    if kind in ("place", "country", "where"):
        spans = [m.span(1) for m in (*PLACE.finditer(sentence), *PLACE_OF.finditer(sentence))]
        if kind == "country":  # "Colombia elected …": a country needs no preposition
            spans += [m.span(1) for m in COUNTRY.finditer(sentence)
                      if not _after_a_name(sentence, m.start())]  # not Jim Jordan
        if kind != "place":
            spans += [m.span(1) for m in DEMONYM.finditer(sentence)  # not "Latin American"
                      if is_demonym(m.group(1)) and not _after_a_name(sentence, m.start(1))]
        return [s for s in spans if _new_name(sentence[s[0] : s[1]], question_words)
                and not _calendar(sentence[s[0] : s[1]])]  # "back in July" is no place
    return [s for s in _person_spans(sentence) if _new_name(sentence[s[0] : s[1]], question_words)]


def _titled(name: str, question_words: set[str]) -> bool:
    """Return True when a person's span opens with a title the question asks about ("Mayor")."""
    return bool(TITLED.match(name)) and content_words(name.split()[0]) <= question_words


def _after_a_name(sentence: str, start: int) -> bool:
    """Return True when a capitalised word (not the sentence's first) ends just before start."""
    before = sentence[:start].rstrip().split()
    return len(before) > 1 and before[-1][:1].isupper() and before[-1].isalpha()


def _calendar(name: str) -> bool:
    """Return True for "Friday" or "March Madness": a weekday or month is nobody's name."""
    return name.split()[0] in CALENDAR_WORDS


_RANK = re.compile(r"(?:\bNo\.|#|\bnumber)\s*$", re.I)


def _count_spans(sentence: str) -> list[tuple[int, int]]:
    """Return numbers that count something: not years, dates, amounts of money or shares."""
    taken = [m.span() for m in (*MONEY.finditer(sentence), *PERCENT.finditer(sentence),
                                *STRICT_DATE.finditer(sentence), *SCORE.finditer(sentence))]
    spans = []
    for match in COUNT.finditer(sentence):
        inside = any(a <= match.start() < b for a, b in taken)
        age = AGE.match(sentence, match.end())  # "the 55-year-old actor" counts nobody
        ranked = _RANK.search(sentence[: match.start()])  # "No. 22 Utah" is a ranking
        year = YEAR_ONLY.match(match.group().rstrip(".,"))
        if not inside and not age and not ranked and not year:
            spans.append(match.span())
    return spans


def _person_spans(sentence: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in TITLED.finditer(sentence)]
    for match in NAME.finditer(sentence):
        words = match.group().split()
        if words[0] in FIRST_WORDS:
            words = words[1:]
        if len(words) >= 2 and not ORGS.search(" ".join(words)):
            spans.append(match.span())
    return spans


_TITLE_WORDS = content_words(
    "rep sen gov gen lt col sgt dr mr mrs ms prof president minister secretary senator governor "
    "mayor king queen prince pope judge chancellor commander ceo representative speaker leader"
)


# Words a company's name adds to what the question calls it: "Check Point Software" is the
# Check Point the question names, not someone new.
_COMPANY_WORDS = content_words(
    "software inc corp co ltd llc plc group holdings technologies technology labs systems "
    "nasdaq nyse"
)


def _new_name(name: str, question_words: set[str]) -> bool:
    """Return True when the name says something the question does not already say.

    A title is not news: "Rep. Jim Jordan" is the Jim Jordan the question names; nor is a
    company suffix ("Check Point Software")."""
    words = content_words(name) - _TITLE_WORDS - _COMPANY_WORDS
    return bool(words) and not all(_known(word, question_words) for word in words)


def _known(word: str, question_words: AbstractSet[str]) -> bool:
    """Return True when the question uses the word or a form of it ("Russia", "Russian")."""
    return any(
        word == q or (min(len(word), len(q)) >= 5 and word[:5] == q[:5]) for q in question_words
    )


def _clause(sentence: str, span: tuple[int, int]) -> str:
    """Return the clause of the sentence around the span.

    A span alone in its clause is a label or the head of an apposition ("1994: Will and Jada
    meet …", "Meagan Bellshaw, a Justice Department lawyer, asked …"): the next clause is what
    it is said of, so it counts as the span's clause too.
    """
    cuts = [0, *(m.start() for m in _CLAUSE.finditer(sentence)), len(sentence)]
    left = max(c for c in cuts if c <= span[0])
    right = min((c for c in cuts if c >= span[1]), default=len(sentence))
    own = content_words(sentence[span[0] : span[1]])
    if not content_words(sentence[left:right]) - own:  # alone: "blowing out Utah, 42-18, …"
        right = min((c for c in cuts if c > right), default=len(sentence))
        left = max((c for c in cuts if c < left), default=0)
    return sentence[left:right]


def _words_after(sentence: str, span: tuple[int, int], n: int = 3) -> set[str]:
    """Return the content words of the n words after the span: what a number counts."""
    return content_words(" ".join(sentence[span[1] :].split()[:n]))


def _clause_words(sentence: str, span: tuple[int, int]) -> set[str]:
    """Return the content words of the clause around the span."""
    return content_words(_clause(sentence, span))


def _shares_clause(sentence: str, span: tuple[int, int], question_words: set[str]) -> bool:
    """Return True when a question word occurs in the clause around the span, in another form
    ("India" for "Indians") or as a word news writes for it ("price tag" for "cost")."""
    own = content_words(sentence[span[0] : span[1]])
    return _ties(_clause_words(sentence, span) - own, question_words)


def _ties(words: AbstractSet[str], question_words: AbstractSet[str]) -> bool:
    """Return True when a word is a question word, another form of one ("India", "Indians";
    `_known`) or a word news writes for one ("price tag", "cost"; `synonyms.held`)."""
    return any(_known(word, question_words) or held(word, question_words) for word in words)
