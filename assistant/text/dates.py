"""Find the publication dates a question names: "on October 6, 2023", "in October", "last week".

Each mention becomes an inclusive window of days with its place in the question, so search can
boost (or filter to) articles published then. Relative phrases need `today`; a day or month named
without a year takes the latest such date not after `today` (or the given default year).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
# The capitalised words of the calendar: never a name of someone or something in a sentence.
CALENDAR_WORDS = frozenset({
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
})
# A month name or its abbreviation, for patterns compiled with re.IGNORECASE (chat, answers).
MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len)[::-1]) + r")"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY_MONTH = re.compile(rf"\b{_MONTH}\.?\s+(?P<day>\d{{1,2}}){_ORD}(?:,?\s+{_YEAR})?\b")
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+{_YEAR})?\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
# A month alone must carry a year or follow a preposition: "May" is usually a verb.
_MONTH_PREP = re.compile(
    rf"\b(?:in|during|since|from|until|till|by|of|early|late|mid|end of|start of)[\s-]+"
    rf"{_MONTH}\.?(?:,?\s+{_YEAR})?\b"
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\.?,?\s+{_YEAR}\b")
_RELATIVE = re.compile(
    r"\b(?P<phrase>today|yesterday|(?:this|last|past|previous) (?:week(?:end)?|month|year)"
    r"|(?:the )?(?:past|last) (?P<n>\d+|two|three|four|five|six|seven|ten) (?P<unit>days|weeks)"
    r"|(?P<ago>\d+|two|three|four|five|six|seven|ten) (?P<ago_unit>days|weeks) ago)\b",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    """A window of publication days (inclusive) a question names, and where it says so."""

    since: date
    until: date
    start: int
    end: int
    exact: bool  # a single named day, not a month or a relative span

    def contains(self, day: date) -> bool:
        """Return True when the day lies in the window."""
        return self.since <= day <= self.until


def find_dates(
    question: str, today: date | None = None, default_year: int | None = None
) -> list[DateMention]:
    """Return the date windows a question names, in the order they occur."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ISO, _DAY_MONTH, _DAY_FIRST):
        for match in pattern.finditer(question):
            day = _day(match, today, default_year)
            if day is not None and _free(match.span(), taken):
                found.append(DateMention(day, day, *match.span(), exact=True))
                taken.append(match.span())
    for pattern in (_MONTH_YEAR, _MONTH_PREP):
        for match in pattern.finditer(question):
            window = _month(match, today, default_year)
            if _free(match.span(), taken):
                found.append(DateMention(*window, *match.span(), exact=False))
                taken.append(match.span())
    if today is not None:
        for match in _RELATIVE.finditer(question):
            span = _relative(match, today)
            if span is not None and _free(match.span(), taken):
                found.append(DateMention(*span, *match.span(), exact=False))
    return sorted(found, key=lambda mention: mention.start)


def _free(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return all(span[1] <= start or span[0] >= end for start, end in taken)


def _month_number(text: str) -> int | None:
    return _MONTHS.get(text.lower().rstrip("."))


def _year_for(month: int, day: int, today: date | None, default_year: int | None) -> int:
    if today is None:
        return default_year or date.today().year
    year = today.year
    return year if (month, day) <= (today.month, today.day) else year - 1


def _day(match: re.Match[str], today: date | None, default_year: int | None) -> date | None:
    groups = match.groupdict()
    month = int(groups["month"]) if groups["month"].isdigit() else _month_number(groups["month"])
    if month is None:
        return None
    day = int(groups["day"])
    year = int(groups["year"]) if groups.get("year") else _year_for(month, day, today, default_year)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(match: re.Match[str], today: date | None, default_year: int | None) -> tuple[date, date]:
    month = _month_number(match.group("month"))
    assert month is not None  # the pattern only matches month names
    year_text = match.group("year")
    year = int(year_text) if year_text else _year_for(month, 1, today, default_year)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def _relative(match: re.Match[str], today: date) -> tuple[date, date] | None:
    phrase = match.group("phrase").lower()
    if phrase == "today":
        return today, today
    if phrase == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    count = match.group("n") or match.group("ago")
    if count:
        number = int(count) if count.isdigit() else _NUMBERS[count.lower()]
        unit = (match.group("unit") or match.group("ago_unit")).lower()
        days = number * (7 if unit == "weeks" else 1)
        if match.group("ago"):  # "three days ago": that day, give or take one
            return today - timedelta(days=days + 1), today - timedelta(days=days - 1)
        return today - timedelta(days=days), today
    which, unit = phrase.split(" ", 1)
    if which == "past":  # "the past week": a rolling window up to today
        days = {"week": 7, "weekend": 3, "month": 31, "year": 365}[unit]
        return today - timedelta(days=days), today
    return _calendar_span(unit, which in ("last", "previous"), today)


def _calendar_span(unit: str, previous: bool, today: date) -> tuple[date, date]:
    """Return this or the previous calendar week, weekend, month or year (not past today)."""
    if unit.startswith("week"):
        monday = today - timedelta(days=today.weekday(), weeks=int(previous))
        if unit == "weekend":
            saturday = monday + timedelta(days=5)
            if not previous and saturday > today:  # "this weekend" early in the week: the last one
                saturday -= timedelta(weeks=1)
            return saturday, saturday + timedelta(days=1)
        return monday, min(monday + timedelta(days=6), today)
    if unit == "month":
        first = today.replace(day=1)
        if previous:
            first = (first - timedelta(days=1)).replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first, min(last, today)
    year = today.year - int(previous)
    return date(year, 1, 1), min(date(year, 12, 31), today)
