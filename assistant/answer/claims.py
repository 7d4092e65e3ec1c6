"""When two sentences state one claim with different values ("raised $2 billion" / "$8 billion").

Two sentences make the same claim about different values when the values (`values.py`) are of
one kind (and one unit), the words around them agree, and the values differ beyond rounding.
What the question asks names the claim: the kind of value, the unit it counts, the noun it
measures, the sides of a match, the year, a product variant. Alignment is strict on purpose: a
false "reports differ" costs more trust than a missed one.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.answer.values import (
    Value,
    agree,
    differs,
    measurable,
    sentence_values,
    unit_of,
)
from assistant.text import CALENDAR_WORDS, content_words, tokenize

__all__ = [
    "Value",
    "agree",
    "asked_kinds",
    "conflicts",
    "counted_unit",
    "differs",
    "measured_noun",
    "names_sides",
    "on_variant",
    "question_words",
    "same_claim",
    "same_period",
    "same_subject",
    "sentence_values",
    "sides_of",
    "speculative",
    "states",
]

_ASKED = [  # what a question asks for, by kind of value
    (
        "money",
        re.compile(
            r"\bhow much\b(?!.*\b(?:percent|%))|\b(?:price|cost|fee|fine|salary|"
            r"worth|valuation)\b",
            re.I,
        ),
    ),
    ("count", re.compile(r"\bhow (?:many|big|large)\b|\bnumber of\b|\btoll\b", re.I)),
    ("percent", re.compile(r"\b(?:percent(?:age)?|share|rate)\b|%", re.I)),
    ("date", re.compile(r"\bwhen\b|\bwhat (?:date|day)\b|\bwhich (?:date|day)\b", re.I)),
    ("score", re.compile(r"\b(?:score|vote|tally|record|result)\b", re.I)),
    (
        "outcome",
        re.compile(
            r"\b(?:guilty|convicted|acquitted|verdict|approved|rejected|"
            r"blocked|passed)\b",
            re.I,
        ),
    ),
]
# What a "What magnitude was …?" question measures: a bare number near that noun is its value.
_HEADS = [
    re.compile(
        r"^\s*(?:what|which)\s+(?P<head>[a-z]+)\s+(?:was|is|were|are|did|does|do|has|had|have)\b",
        re.I,
    ),
    re.compile(
        r"^\s*what\s+(?:was|is|were|are)\s+the\s+(?:[a-z]+\s+)?(?P<head>[a-z]+)\s+(?:of|for)\b",
        re.I,
    ),
]
_HOW_MANY = re.compile(
    r"\bhow many (?:(?:new|more|other|additional|total)\s+)?(?P<unit>[a-z][\w-]*)", re.I
)
_DEATH_WORDS = content_words("died dead death deaths killed kill toll fatalities perished")
_REVISED = re.compile(
    r"\b(?:risen|rose|rises|climbed|revised|increased|jumped|grew|updated|raised|lowered)\b",
    re.I,
)
_OF_TOTAL = re.compile(r"\b(?:out )?of (?:its|their|his|her|the|our|all) (?:[a-z]+ )?$", re.I)
_PERIOD = re.compile(
    r"\W*(?:[\w’'-]+\s+){0,2}?(?P<period>(?:last|previous|prior) (?:year|month|week|quarter|"
    r"season|spring|summer|autumn|fall|winter)|(?:a|one) (?:year|month|week) (?:earlier|ago|before)"
    r"|the (?:year|month|week) before|in (?:19|20)\d\d)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_INTERIM = re.compile(r"\b(?:half-?time|at the break|led|leads|leading|trailed|trailing)\b", re.I)
# A product variant a question names ("the 1TB model"): both claims must be about it.
_VARIANT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:tb|gb|mb|mm|cm|inch|in\.|hz|mah|mp)\b", re.I)
ASKED_FRAME_SHARE = 0.2  # frame share that suffices when both values are what was asked
ASKED_FRAME_MIN = 3  # and this many shared words
QUESTION_SHARE = 2 / 3  # of the question's words a loosely aligned sentence must state
_QUESTION_WORDS = content_words(
    "how much many big large what when which who did does is was the a an of for new vs versus"
)
LIST_SIZE = 3  # a sentence with this many values of one kind is a list, not one claim
_SPECULATIVE = re.compile(
    r"\b(?:predict(?:ed|s|ion)?|project(?:ed|ion)s?|expected to|forecast|estimates? (?:of|that)|"
    r"could|might|(?-i:may)|would be|rumou?r(?:ed|s)?|reportedly seeking|proposed|plans? to)\b",
    re.I,
)
FRAME_SHARE = 0.5  # share of the smaller sentence's other words the two must share
FRAME_MIN = 3  # and at least this many words
NEAR = 3  # words before a value that name what it measures (the predicate: "will cost")


def measured_noun(question: str) -> str | None:
    """Return the stemmed noun a question measures when it asks no other kind of value."""
    if any(pattern.search(question) for _, pattern in _ASKED):
        return None
    match = next((m for m in (h.search(question) for h in _HEADS) if m), None)
    words = tokenize(match.group("head")) if match else []
    return words[0] if words and measurable(words[0]) else None


def counted_unit(question: str) -> str | None:
    """Return the unit a "How many homes …?" question counts, as counts name it ("home")."""
    match = _HOW_MANY.search(question)
    if match is None:
        return None
    return unit_of(match.group("unit"), question[match.end() :]) or None


def asked_kinds(question: str) -> set[str]:
    """Return the kinds of value a question asks for ("How much …?" → money)."""
    kinds = {kind for kind, pattern in _ASKED if pattern.search(question)}
    return kinds or ({"measure"} if measured_noun(question) else set())


def same_claim(first: str, a: Value, second: str, b: Value, asked: bool = False) -> bool:
    """Return True when the two sentences say the same thing about their values.

    Args:
        asked: both values are the kind the question asks for, and each is the only one of its
            kind in its sentence: the question names the claim, so a looser frame suffices and
            the predicate may be worded differently ("came in at" / "ultimately cost").
    """
    if a.kind != b.kind or a.unit != b.unit:
        return False
    frame_a, frame_b = _frame(first, a), _frame(second, b)
    shared = frame_a & frame_b
    smaller = min(len(frame_a), len(frame_b))
    share, least = (ASKED_FRAME_SHARE, ASKED_FRAME_MIN) if asked else (FRAME_SHARE, FRAME_MIN)
    if len(shared) < least or len(shared) < share * smaller:
        return False
    if asked:
        return True
    if a.kind == "outcome":  # the outcome is the predicate itself
        return True
    return bool(_near(first, a) & _near(second, b))  # the same predicate right before it


def _frame(sentence: str, value: Value) -> set[str]:
    """Return the sentence's content words other than the value and other numbers."""
    rest = sentence[: value.start] + " " + sentence[value.end :]
    return {w for w in content_words(rest) if not any(ch.isdigit() for ch in w)}


def _near(sentence: str, value: Value) -> set[str]:
    """Return the content words just before the value (after it when it opens the sentence)."""
    words = content_words(" ".join(sentence[: value.start].split()[-NEAR:]))
    if not words:
        words = content_words(" ".join(sentence[value.end :].split()[:NEAR]))
    return {w for w in words if not any(ch.isdigit() for ch in w)}


def conflicts(
    first: str,
    second: str,
    days: tuple[date | None, date | None] = (None, None),
    question: str = "",
) -> list[tuple[Value, Value]]:
    """Return the value pairs on which two sentences state one claim differently.

    A sentence that states both values ("rose from $2bn to $8bn") agrees with each of them.
    """
    if _SPECULATIVE.search(first) or _SPECULATIVE.search(second):
        return []  # a prediction does not contradict a report
    kinds = asked_kinds(question)
    variants = _variants(question)
    if not kinds or not (variants <= _variants(first) and variants <= _variants(second)):
        return []  # only a question asking for a value names the claim; a variant must match
    if not same_subject(first, second):
        return []  # "the Cyberbeast's $99,990 price tag" and "ElectraMeccanica's $18,500 one"
    if not same_period(question, first, second):
        return []  # "revenue of $2.8 billion in 2022" and "$3.2 billion in 2023"
    head = measured_noun(question)
    ours, theirs = sentence_values(first, days[0], head), sentence_values(second, days[1], head)
    sides = _sides(question)
    unit = counted_unit(question)
    revised = _revised(first, second, days)
    # the question names the claim only for sentences that state most of what it asks about
    stated = states(question, first) and states(question, second)
    return [
        (a, b)
        for a in ours
        for b in theirs
        if a.kind in kinds  # a question asking an amount: only amounts differ
        and (a.kind != "count" or unit in (None, a.unit))  # "how many homes": only homes
        and not _listed(a, ours)
        and not _listed(b, theirs)
        and (
            same_claim(
                first, a, second, b, stated and _asked(a, ours, kinds) and _asked(b, theirs, kinds)
            )
            or _same_match(first, a, ours, second, b, theirs, sides)
        )
        and not _total(first, a)
        and not _total(second, b)
        and _period(first, a) == _period(second, b)
        and differs(a, b, revised)
        and not any(agree(v, b, revised) for v in ours)
        and not any(agree(v, a, revised) for v in theirs)
    ]


def _total(sentence: str, value: Value) -> bool:
    """Return True for a whole a part is taken of: "10% of its 4,500 jobs"."""
    return bool(_OF_TOTAL.search(sentence[: value.start]))


def _period(sentence: str, value: Value) -> str:
    """Return the earlier period a value is dated to right after it ("300 jobs last year")."""
    match = _PERIOD.match(sentence[value.end :])
    return " ".join(match.group("period").lower().split()) if match else ""


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'&-]*[a-z][\w’'&-]*|\b[A-Z]{2,}\b")
_NOT_SUBJECT = CALENDAR_WORDS | {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "It",
    "He",
    "She",
    "They",
    "We",
    "This",
    "That",
}


def same_subject(first: str, second: str) -> bool:
    """Return True when the sentences name something in common, or neither names anything.

    Two values of one claim are about one subject: a price stated for another product, a
    figure for another company, is a different claim however alike the words around it.
    """
    ours, theirs = _names(first), _names(second)
    if not ours and not theirs:
        return True
    # a sentence's first word counts when the other names it inside a sentence: "Brackley beat
    # Tamsin" / "Tamsin and Brackley drew", but not "Officials said …" twice
    return bool(ours & (theirs | _opening_name(second)) or theirs & _opening_name(first))


def _opening_name(sentence: str) -> set[str]:
    """Return the sentence's first word when it is capitalised and not a common word."""
    match = re.match(r"\s*([A-Z][\w’'&-]*[a-z][\w’'&-]*)", sentence)
    word = match.group(1) if match else ""
    if not word or word in _NOT_SUBJECT or not content_words(word):
        return set()
    return {_plain(word)}


def _names(sentence: str) -> set[str]:
    return {_plain(m.group()) for m in _NAME.finditer(sentence)} - {w.lower() for w in _NOT_SUBJECT}


def _plain(name: str) -> str:
    """Return a name lower-cased without its possessive ("Norland's" → "norland")."""
    return name.lower().replace("’", "'").removesuffix("'s").rstrip("'")


def question_words(question: str) -> set[str]:
    """Return the question's content words other than its question words ("how", "what")."""
    return content_words(question) - _QUESTION_WORDS


def states(question: str, sentence: str) -> bool:
    """Return True when the sentence holds at least QUESTION_SHARE of the question's words.

    Words of dying are one word here: "the death toll" states "how many died".
    """
    asked = _deaths_as_one(question_words(question))
    said = _deaths_as_one(content_words(sentence))
    return bool(asked) and len(asked & said) >= QUESTION_SHARE * len(asked)


def _deaths_as_one(words: set[str]) -> set[str]:
    return {"die" if word in _DEATH_WORDS else word for word in words}


def _sides(question: str) -> set[str]:
    """Return the names a question asks about ("Ashby vs Northfield" → ashby, northfield)."""
    return {name for name in _names(question) if not any(ch.isdigit() for ch in name)}


def _same_match(
    first: str,
    a: Value,
    ours: list[Value],
    second: str,
    b: Value,
    theirs: list[Value],
    sides: set[str],
) -> bool:
    """Return True for two results of one match: each sentence's only score, both sides named.

    A score in play ("led 1-0 at half-time") is not the result.
    """
    if a.kind != "score" or b.kind != "score" or len(sides) < 2:
        return False
    for sentence, values in ((first, ours), (second, theirs)):
        if not names_sides(sides, sentence) or _INTERIM.search(sentence):
            return False
        if sum(v.kind == "score" for v in values) != 1:
            return False
    return True


def same_period(question: str, first: str, second: str) -> bool:
    """Return False when the sentences state figures for different years.

    Each sentence must name the year the question names (or none), and two sentences naming
    years must share one.
    """
    asked, ours, theirs = _years(question), _years(first), _years(second)
    if asked and any(years and not years & asked for years in (ours, theirs)):
        return False
    return not (ours and theirs and not ours & theirs)


def _years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def names_sides(sides: set[str], sentence: str) -> bool:
    """Return True when the sentence names each of two or more sides ("Ashby", "Northfield")."""
    words = {w.lower() for w in re.findall(r"[\w’'-]+", sentence)}
    return len(sides) >= 2 and sides <= words


def sides_of(question: str) -> set[str]:
    """Return the names a question asks about ("Ashby vs Northfield" → ashby, northfield)."""
    return _sides(question)


def _variants(text: str) -> set[str]:
    return {re.sub(r"\s", "", m.group().lower()) for m in _VARIANT.finditer(text)}


def _listed(value: Value, values: list[Value]) -> bool:
    return sum(v.kind == value.kind for v in values) >= LIST_SIZE


def _asked(value: Value, values: list[Value], kinds: set[str]) -> bool:
    """Return True when the value is of an asked kind and alone of its kind in its sentence.

    Scores are never loosely aligned: a game's score and a season's record look alike.
    """
    if value.kind not in kinds or value.kind == "score":
        return False
    return sum(v.kind == value.kind and v.unit == value.unit for v in values) == 1


def _revised(first: str, second: str, days: tuple[date | None, date | None]) -> bool:
    """Return True when the later of two dated sentences revises a figure ("has risen to")."""
    if days[0] is None or days[1] is None or days[0] == days[1]:
        return False
    return bool(_REVISED.search(second if days[1] > days[0] else first))


def speculative(sentence: str) -> bool:
    """Return True when the sentence predicts or rumours rather than reports."""
    return bool(_SPECULATIVE.search(sentence))


def on_variant(question: str, sentence: str) -> bool:
    """Return True when the sentence names every product variant the question names ("1TB")."""
    return _variants(question) <= _variants(sentence)
