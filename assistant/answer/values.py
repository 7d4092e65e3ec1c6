"""The values a sentence states: amounts, percentages, counts, measures, days, scores, outcomes.

Each value has a kind, a comparable amount and a unit ("$", "employe", "magnitud"), and says
whether it is hedged ("more than 5", "about $48 million"). `differs` decides when two values of
one kind and unit cannot both be right; `claims` decides when two sentences state one claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from assistant.text import content_words, find_dates, tokenize

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_SCALES = r"(?:thousand|million|billion|trillion|mn|bn|tn|m|b|k)\b"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?P<cur>[$€£¥]|\b(?:US|A|C|HK)\$|\b(?:USD|EUR|GBP)\s?)\s?(?P<num>{_NUMBER})"
    rf"(?:\s?(?P<scale>{_SCALES}))?",
    re.I,
)
_PERCENT = re.compile(rf"(?P<num>{_NUMBER})\s?(?:%|percent\b|per cent\b)", re.I)
_COUNT = re.compile(
    rf"(?<![\w$€£¥.,–-])(?P<num>{_NUMBER})(?:\s(?P<scale>thousand|million|billion)\b)?"
    r"\s+(?:(?:more|new|other|additional)\s+)?(?P<unit>[a-z]{3,})\b"
)
_HEDGE_LOW = re.compile(
    r"\b(?:more than|over|at least|above|exceed(?:ing|s|ed)?|upwards of|surpass(?:ed|es|ing)?|"
    r"top(?:ped|s)|pass(?:ed|es)|crossed|beyond)\s*$",
    re.I,
)
_HEDGE_HIGH = re.compile(
    r"\b(?:up to|less than|under|below|fewer than|as (?:many|much) as)\s*$", re.I
)
_ROUGH = re.compile(
    r"\b(?:about|around|nearly|almost|roughly|some|approximately|close to|~)\s*$", re.I
)
_NOT_UNITS = content_words(
    "percent per cent years year months month days day weeks week hours minutes seconds times "
    "am pm and or to of in on at a the"
)
SCORE = re.compile(r"(?<![\w.$-])(?P<a>\d{1,3})\s?[-–‑](?P<b>\d{1,3})(?![\w.%-])")
_UNIT_CLASSES = [  # counted nouns that name one thing: "1,200 employees" and "1,800 jobs"
    content_words("jobs employees workers staff staffers positions roles"),
    content_words("people persons residents civilians individuals"),
    content_words("deaths dead fatalities lives victims"),
]
_BARE = re.compile(
    rf"(?<![\w$€£¥.,:/–-])(?P<num>{_NUMBER})(?![\w%:/–-]|[.,]\d|\s?(?:percent|per cent)\b)"
)
_PEOPLE, _DEATHS = min(_UNIT_CLASSES[1]), min(_UNIT_CLASSES[2])
_DIED = re.compile(r"\s+(?:\w+\s+){0,2}?(?:died|dead|killed|perished)\b", re.I)
_TOLL = re.compile(r"\btoll\b", re.I)
HEAD_WINDOW = 8  # words from the measured noun to its number ("magnitude of … to 6.1")
_OUTCOMES = [  # opposite outcomes of one event: (one side, the other)
    (
        r"\b(?:found (?:(?!not\b)[\w’'-]+ ){0,3}guilty|convicted|guilty verdict)\b",
        r"\b(?:acquitted|found (?:[\w’'-]+ ){0,3}?not guilty)\b",
    ),
    (r"\b(?:approved|passed|cleared)\b", r"\b(?:rejected|blocked|vetoed|struck down)\b"),
]
SAME_SCALE = 10.0  # two reports of one amount differ by less than this factor ($2bn vs $8bn)


@dataclass(frozen=True)
class Value:
    """One value a sentence states."""

    kind: str  # money, percent, count, date, outcome
    text: str
    amount: float  # comparable magnitude (days since 0001-01-01 for dates; side for outcomes)
    unit: str  # currency, counted noun (stemmed) or outcome family
    start: int
    end: int
    bound: str = ""  # "low" (more than), "high" (up to), "rough" (about) or ""


def sentence_values(
    sentence: str, published: date | None = None, head: str | None = None
) -> list[Value]:
    """Return the values a sentence states, in order (years alone and day numbers excluded).

    Args:
        head: the stemmed noun a question measures ("magnitud"): bare numbers after it count.
    """
    return list(_values(sentence, published, head))


@lru_cache(maxsize=8192)  # each sentence is compared with many others
def _values(sentence: str, published: date | None, head: str | None) -> tuple[Value, ...]:
    values: list[Value] = []
    taken: list[tuple[int, int]] = []
    for mention in find_dates(sentence, today=published):
        taken.append((mention.start, mention.end))
        if mention.exact:
            text = sentence[mention.start : mention.end]
            values.append(Value("date", text, mention.since.toordinal(), "", *_span(mention)))
    values += _scores(sentence, taken)
    taken += [(v.start, v.end) for v in values if v.kind == "score"]
    if head:  # before counts: "magnitude of 6.4 struck" states a magnitude, not 6.4 "struck"
        values += _measures(sentence, head, taken)
    for kind, pattern in (("money", _MONEY), ("percent", _PERCENT), ("count", _COUNT)):
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = _number_value(kind, match, sentence)
            if value is not None:
                values.append(value)
                taken.append((match.start(), match.end()))
    values += _toll(sentence, taken)
    values += _outcomes(sentence)
    return tuple(sorted(values, key=lambda v: v.start))


def _toll(sentence: str, taken: list[tuple[int, int]]) -> list[Value]:
    """Return the death toll a sentence states: its one bare number after "toll"."""
    toll = _TOLL.search(sentence)
    if toll is None:
        return []
    bare = [
        m
        for m in _BARE.finditer(sentence, toll.end())
        if not any(m.start() < end and start < m.end() for start, end in taken)
        and not _is_year(m.group("num"))
    ]
    if len(bare) != 1:
        return []
    number = float(bare[0].group("num").replace(",", ""))
    bound = _bound(sentence, bare[0])
    return [Value("count", bare[0].group(), number, _DEATHS, *bare[0].span(), bound)]


def _measures(sentence: str, head: str, taken: list[tuple[int, int]]) -> list[Value]:
    """Return the first number after each mention of the measured noun (within HEAD_WINDOW)."""
    found: list[Value] = []
    for word in re.finditer(r"\S+", sentence):
        if head not in tokenize(word.group()):
            continue
        for match in _BARE.finditer(sentence, word.end()):
            if len(sentence[word.end() : match.start()].split()) > HEAD_WINDOW:
                break
            clash = any(match.start() < end and start < match.end() for start, end in taken)
            if clash or _is_year(match.group("num")):
                continue
            number = float(match.group("num").replace(",", ""))
            bound = _bound(sentence, match)
            found.append(Value("measure", match.group(), number, head, *match.span(), bound))
            taken.append(match.span())
            break
    return found


def _scores(sentence: str, taken: list[tuple[int, int]]) -> list[Value]:
    """Return scores and tallies ("2-1", "7-4"): the pair is the value, compared as written."""
    found = []
    for match in SCORE.finditer(sentence):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        a, b = int(match.group("a")), int(match.group("b"))
        found.append(Value("score", match.group(), a * 1000 + b, "", *match.span()))
    return found


def _span(mention: object) -> tuple[int, int]:
    return mention.start, mention.end  # type: ignore[attr-defined]


def _number_value(kind: str, match: re.Match[str], sentence: str) -> Value | None:
    number = float(match.group("num").replace(",", ""))
    groups = match.groupdict()
    scale = _SCALE.get((groups.get("scale") or "").lower(), 1.0)
    unit = ""
    if kind == "money":
        unit = match.group("cur").strip().upper().replace("US$", "$")
    elif kind == "count":
        unit = "".join(tokenize(match.group("unit")))
        if not unit or unit in _NOT_UNITS or _is_year(match.group("num")):
            return None
        unit = unit_of(match.group("unit"), sentence[match.end() :])
    text = match.group().strip()
    end = match.start() + len(text)
    return Value(kind, text, number * scale, unit, match.start(), end, _bound(sentence, match))


def _is_year(number: str) -> bool:
    return len(number) == 4 and number[:2] in ("19", "20") and number.isdigit()


def _bound(sentence: str, match: re.Match[str]) -> str:
    before = sentence[: match.start()]
    if _HEDGE_LOW.search(before):
        return "low"
    if _HEDGE_HIGH.search(before):
        return "high"
    return "rough" if _ROUGH.search(before) else ""


def _outcomes(sentence: str) -> list[Value]:
    found = []
    for family, sides in enumerate(_OUTCOMES):
        for side, pattern in enumerate(sides):
            for match in re.finditer(pattern, sentence, re.I):
                found.append(Value("outcome", match.group(), side, str(family), *match.span()))
    return found


def differs(a: Value, b: Value, revised: bool = False) -> bool:
    """Return True when two values of one kind and unit cannot both be right.

    Args:
        revised: the later report revises the figure ("the toll has risen to 17"): "at least
            12" then is the earlier figure, not a bound the new one satisfies.
    """
    if a.kind != b.kind or a.unit != b.unit:
        return False
    if a.kind in ("date", "outcome", "score"):
        return a.amount != b.amount
    low, high = sorted((a, b), key=lambda v: v.amount)
    if low.amount == high.amount:
        return False
    if not revised and (low.bound == "high" or high.bound == "low"):
        return False  # "up to 10" and "8", "more than 5" and "3" can both hold
    if not revised and (low.bound == "low" or high.bound == "high"):
        return False  # "more than 5" and "8": consistent
    if (
        a.kind in ("money", "count", "measure")
        and low.amount > 0
        and high.amount / low.amount > SAME_SCALE
    ):
        return False  # "$19.89" a ticket and "$92.8 million" a weekend: two quantities, not one
    tolerance = 0.15 if "rough" in (a.bound, b.bound) else 0.02
    if a.kind == "percent":
        return high.amount - low.amount > max(0.1, tolerance * high.amount)
    return (high.amount - low.amount) / high.amount > tolerance


def agree(a: Value, b: Value, revised: bool = False) -> bool:
    """Return True when two values of one kind and unit can both be right."""
    return a.kind == b.kind and a.unit == b.unit and not differs(a, b, revised)


def unit_of(noun: str, after: str = "") -> str:
    """Return the unit a counted noun is compared in: its class ("jobs" is "employees"), and
    deaths for people who died ("12 people died", with `after` the text following the noun)."""
    words = tokenize(noun)
    unit = words[0] if words else ""
    unit = next((min(group) for group in _UNIT_CLASSES if unit in group), unit)
    return _DEATHS if unit == _PEOPLE and _DIED.match(after) else unit


def measurable(stem: str) -> bool:
    """Return True when a stemmed noun can name what a number measures (not "years", "times")."""
    return stem not in _NOT_UNITS
