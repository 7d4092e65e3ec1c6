"""What the values and names a sentence holds look like: the patterns `entities` reads.

Dates (month names, years from 1500, weekdays), amounts of money, shares, counts, spans of
time, ages, person and organisation names, places after a locative preposition or named after
their kind ("the island of Stromboli"), demonyms. Patterns only; which one a question asks for,
and whether a span is tied to the question, is `entities`.
"""

from __future__ import annotations

import re

from assistant.text import MONTH_NAME as MONTH

YEAR = r"(?:1[5-9]|20)\d\d"  # 1816 is a year too: "cultivation began in 1816"
STRICT_DATE = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}|"
    rf"{YEAR}\b(?![,.]\d)|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    rf"(?:january|february|march|april|june|july|august|september|october|november|december)\b)",
    re.I,
)
DAY_DATE = re.compile(  # a day of a month: "November 1st", "3 November", "2023-12-18"
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}|"
    rf"{YEAR}-\d\d-\d\d\b)",
    re.I,
)
LOOSE_DATE = re.compile(
    STRICT_DATE.pattern + r"|\b(?:today|yesterday|tomorrow|(?:last|next|this|past)\s+"
    r"(?:week|month|year|weekend)|(?:days?|weeks?|months?|years?)\s+(?:ago|later|earlier))\b",
    re.I,
)
CAP = r"(?:[A-Z][\w’'-]*\.?|[A-Z]\.)"
FIRST_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "Of",
    "And",
    "But",
    "According",
    "It",
    "This",
    "That",
    "He",
    "She",
    "They",
    "We",
    "I",
    "His",
    "Her",
    "Their",
    "As",
    "At",
    "For",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Previously",
    "However",
}
ORGS = re.compile(
    r"\b(?:Post|Times|News|House|Inc|Corp|Co|Ltd|Journal|Association|"
    r"Department|Ministry|Party|Council|Committee|Agency|Bank|Group|System)\b"
)
NAME = re.compile(rf"\b{CAP}(?:\s+(?:de|van|von|bin|al)?\s*{CAP})+")
TITLED = re.compile(
    r"\b(?:President|Gen\.|General|Minister|Secretary|Senator|Sen\.|Gov\.|"
    r"Governor|Mayor|King|Queen|Prince|Pope|Judge|Chancellor|Commander|CEO|"
    r"Mr\.|Mrs\.|Ms\.|Dr\.)\s+[A-Z][\w’'-]+"
)
PLACE = re.compile(
    r"\b(?:in|at|near|from|to|into|inside|within|outside|across|around|"
    r"throughout|towards?)\s+(?:the\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)"
)
# "the Italian island of Stromboli", "the city of Kherson": a place named after its kind.
PLACE_OF = re.compile(
    r"\b(?:island|city|town|village|province|region|county|district|port|state|kingdom|"
    r"republic)\s+of\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)"
)
DEMONYM = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?:an|ian|ese|ish|i|ch))\b")
ANY_NAME = re.compile(r"(?<!^)(?<![.!?:“\"]\s)(?<![“\"])\b[A-Z][a-z]+")
ORG_NAME = re.compile(r"\b[A-Z][\w&’'.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&’'.-]*)*")
CURRENCY_WORDS = (
    r"dollars?|euros?|pounds?|yen|yuan|renminbi|rupees?|crore|lakh|kronor|krona|kroner|francs?|"
    r"shekels?|pesos?|won|rand|ringgit|baht|lira|reais|dirhams?|riyals?|bitcoins?|ether"
)
MONEY = re.compile(
    r"(?:[$€£¥₹₪](?:US|A|C|HK|NZ|S)?|\b(?:US|A|C|HK|NZ|S)\$|\b(?:USD|EUR|GBP|AUD|CAD|INR|NIS|CHF|Rs\.?)\s?)\s?"
    r"\d[\d,.]*(?:\s?(?:million|billion|trillion|thousand|crore|lakh|m|bn|b|k)\b)?|"
    rf"\b\d[\d,.]*\s?(?:million|billion|trillion|thousand|crore|lakh)?\s?(?:\w+\s)?"
    rf"(?:{CURRENCY_WORDS})\b",
    re.I,
)
PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.I)
COUNT = re.compile(
    r"(?<![^\W\d_]-)\b\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|hundred|m|bn|k)\b)?"
    r"(?![^\W\d_])|"
    r"\b(?:one|two|"
    r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
    r"thousands?|millions?|dozens?|a dozen|a hundred|a thousand)\b(?:[- ](?:hundred|thousand|"
    r"million|billion))?",
    re.I,
)
SPAN_OF_TIME = re.compile(
    "(?:" + COUNT.pattern + r")(?:\s|-)(?:\w+\s)?(?:seconds?|minutes?|hours?|days?|nights?|weeks?|"
    r"months?|years?|decades?|centuries|seasons?)\b|\b(?:a|an|one|half a)\s+(?:day|week|month|"
    r"year|decade|century|season)\b|\b(?:for|over|in|within)\s+(?:(?:several|many|some|a few|"
    r"few)\s+)?(?:hours|days|weeks|months|years|decades)\b",
    re.I,
)
YEAR_ONLY = re.compile(rf"^{YEAR}$")
AGE = re.compile(r"-(?:year|month|week|day)s?-old\b|\s+(?:years?|months?)\s+old\b", re.I)


# "per year", "a month", "annually", "€9.99/month": an amount asked for per unit of time.
RATE = re.compile(
    r"\b(?:per|a|an|each|every)\s+(year|month|week|day)\b|\bper (annum)\b|/\s?(year|month|"
    r"week|day|yr|mo)\b|"
    r"\b(annual|yearly|monthly|weekly|daily)(?:ly)?\b",
    re.I,
)
_UNIT = {"annum": "year", "annual": "year", "yearly": "year", "yr": "year", "monthly": "month",
         "mo": "month", "weekly": "week", "daily": "day"}


def rate_of(text: str) -> str:
    """Return the unit of time the text gives an amount per ("year"), or ''."""
    match = RATE.search(text)
    if match is None:
        return ""
    word = next(group for group in match.groups() if group).lower()
    return _UNIT.get(word, word)
