"""Read what a txt/md article says about itself at its top: YAML front matter, a title, bylines."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day)?|Wednesday|Saturday)\.?,?\s+"
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = rf"(?:{_WEEKDAY})?(?:{_ISO}|{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}})"
_DATE_IN_LINE = re.compile(rf"(?<![\w-]){_DATE}(?![\w-])", re.IGNORECASE)
_NAMED_DATE = re.compile(
    rf"(?:{_WEEKDAY})?(?:(?P<m1>{_MONTH})\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}}))",
    re.IGNORECASE,
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_CALENDAR_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_CALENDAR_WORDS |= {"january", "february", "march", "april", "may", "june", "july", "august"}
_CALENDAR_WORDS |= {"september", "october", "november", "december", "today", "yesterday"}

_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)[\s#]*$")
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")
_FENCE, _FENCE_END = re.compile(r"---[ \t]*"), re.compile(r"(?:---|\.\.\.)[ \t]*")
_KEY_VALUE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")
_LIST_ITEM = re.compile(r"[ \t]*-[ \t]+(.+?)[ \t]*")
_FRONT_KEYS = {  # field: the keys that may give it, most specific first
    "title": ("title",),
    "published_at": ("published_at", "published", "date"),
    "source": ("source", "outlet", "publisher"),
    "author": ("author", "authors", "by"),
    "url": ("url", "link"),
}

_TOP_LINES = 6  # the title line and the five after it
_MAX_BYLINE = 120  # a longer line is a paragraph, even when it starts with "By"
# A field separator: a comma (only on dated lines), a spaced hyphen, an en/em dash, a pipe or a dot.
_DASHES = r"\s+-\s+|\s*[\u2013\u2014|\u00b7\u2022]\s*"
_BY = re.compile(r"by\s+(.+)", re.IGNORECASE)
_PUBLISHED = re.compile(rf"(?:published|posted)(?:\s+on)?:?\s+({_DATE})", re.IGNORECASE)
_NAME_LINKS = {"and", "&", "de", "del", "della", "der", "den", "van", "von", "da", "di", "du"}
_NAME_LINKS |= {"la", "le", "al", "el", "bin", "ibn", "y", "dos", "das", "do", "ter", "zu"}
_OUTLET_LINKS = {"of", "the", "and", "&", "de", "la", "le", "du", "des", "del", "el", "for", "on"}
_OUTLET_LINKS |= {"in", "at", "am", "an", "a", "y"}
_LABELS = {"analysis", "opinion", "editorial", "comment", "review", "news", "live", "exclusive"}
_LABELS |= {"breaking", "updated", "feature", "interview", "explainer", "obituary", "letters"}
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Jr|Sr|Inc|Co|Ltd|Corp|Bros))\.$")


@dataclass(frozen=True)
class Header:
    """Metadata stated at the top of a txt/md article; None where the article does not say."""

    title: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None


def read_header(text: str) -> tuple[Header, str]:
    """Return the front matter, title and byline facts atop `text`, and the text without them.

    The title line stays in the text; the front matter and byline lines are removed.
    """
    front, body = _split_front_matter(text)
    lines = body.split("\n")
    found, dropped = _scan_bylines(lines, title_known=front.title is not None)
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if front.title is None and first not in dropped:  # a line just above a byline is a heading
        front = replace(front, title=heading(_without(lines, dropped, blank=True)))
    if dropped:
        body = _LEADING_BLANK_LINES.sub("", _without(lines, dropped))
    return _fill(front, found), body


def heading(text: str) -> str | None:
    """Return the first line when it reads as a heading (markdown `#` or a short bare line)."""
    lines = text.lstrip().split("\n", 2)
    first = lines[0].strip()
    match = _MD_HEADING.match(first)
    if match is not None:
        return match.group(1)
    if len(lines) > 1 and re.fullmatch(r"\s*(=+|-+)\s*", lines[1]):  # setext heading
        return first
    followed_by_break = len(lines) == 1 or not lines[1].strip()
    if followed_by_break and len(first) <= 150 and not first.endswith((".", ",", ";", ":")):
        return first
    return None


def parse_date(value: object) -> datetime | None:
    """Return an ISO 8601, RFC 2822 or `November 20, 2026`-style date as aware UTC, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            named = _named_date(text)
            if named is None:
                return None
            parsed = named
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _named_date(text: str) -> datetime | None:
    """Return `Nov. 20, 2026`, `November 20th, 2026` or `20 November 2026` as a date, or None."""
    match = _NAMED_DATE.fullmatch(text)
    if match is None:
        return None
    month, day, year = (
        match.group("m1", "d1", "y1") if match["m1"] else match.group("m2", "d2", "y2")
    )
    try:
        return datetime(int(year), _MONTHS.index(month[:3].lower()) + 1, int(day))
    except ValueError:  # 31 November and the like
        return None


def _split_front_matter(text: str) -> tuple[Header, str]:
    """Return the known keys of a leading `---` block and the text after it (unchanged if none)."""
    lines = text.split("\n")
    if not _FENCE.fullmatch(lines[0]):
        return Header(), text
    values: dict[str, str] = {}
    key: str | None = None
    for number, line in enumerate(lines[1:], start=1):
        if _FENCE_END.fullmatch(line):
            rest = _LEADING_BLANK_LINES.sub("", "\n".join(lines[number + 1 :]))
            return (_front_header(values), rest) if values else (Header(), text)
        if not line.strip() or line.startswith("#"):
            continue
        pair, item = _KEY_VALUE.fullmatch(line), _LIST_ITEM.fullmatch(line)
        if pair is not None:
            key = pair.group(1).lower()
            values[key] = "" if pair.group(2) in {"|", ">", "|-", ">-"} else _unquote(pair[2])
        elif key is not None and item is not None:  # a YAML list: join the names
            values[key] = ", ".join(filter(None, [values[key], _unquote(item.group(1))]))
        elif key is not None and line[0] in " \t":
            if not _KEY_VALUE.fullmatch(line.strip()):  # folded text; a nested map is ignored
                values[key] = " ".join(filter(None, [values[key], line.strip()]))
        else:
            return Header(), text  # prose between rules, not front matter
    return Header(), text


def _front_header(values: dict[str, str]) -> Header:
    """Return the Header named by front-matter `values`; unknown keys are ignored."""
    found = {
        field: next((values[key] for key in keys if values.get(key)), None)
        for field, keys in _FRONT_KEYS.items()
    }
    return Header(
        title=found["title"],
        source=found["source"],
        author=found["author"],
        published_at=parse_date(found["published_at"]),
        url=found["url"],
    )


def _unquote(value: str | None) -> str:
    """Return a YAML scalar without its quotes, or a `[a, b]` flow list as `a, b`."""
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value.startswith("[") and value.endswith("]"):
        return ", ".join(filter(None, (_unquote(item) for item in value[1:-1].split(","))))
    return value


def _scan_bylines(lines: list[str], title_known: bool) -> tuple[Header, list[int]]:
    """Return the facts in byline lines near the top and those lines' indexes."""
    found, seen = Header(), 0
    dropped: list[int] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _TOP_LINES or len(line.strip()) >= _MAX_BYLINE:
            break  # the body has begun
        byline = _byline(line)
        # A first line is the title unless it is clearly a byline: "Storm Hits Coast — May 3, 2026".
        if byline is None or (seen == 1 and not title_known and not _clear(byline)):
            continue
        found, dropped = _fill(found, byline), [*dropped, number]
    return found, dropped


def _clear(byline: Header) -> bool:
    """Return True when a byline cannot be a headline: an author and more, or a bare date."""
    if byline.author is not None:
        return byline.source is not None or byline.published_at is not None
    return byline.source is None


def _byline(line: str) -> Header | None:
    """Return the author, outlet and date a whole line states, or None if it is no byline."""
    line = line.strip().strip("*_").strip()
    if not line or len(line) >= _MAX_BYLINE:
        return None
    author = source = date = None
    for part in _parts(line):
        by, when = _BY.fullmatch(part), _date_part(part)
        if by is not None and author is None and _is_name(by.group(1)):
            author = by.group(1).strip()
        elif by is None and when is not None and date is None:
            date = when
        elif by is None and source is None and _is_outlet(part):
            source = part
        else:
            return None
    if author is None and date is None:
        return None
    return Header(source=_trim(source), author=_trim(author), published_at=date)


def _parts(line: str) -> list[str]:
    """Split a byline at its separators; commas separate only on a line that holds a date."""
    dates: list[str] = []

    def hold(match: re.Match[str]) -> str:
        dates.append(match.group(0))
        return f"\x00{len(dates) - 1}\x00"

    masked = _DATE_IN_LINE.sub(hold, line)
    separators = rf"\s*,\s*|{_DASHES}" if dates else _DASHES
    parts = re.split(separators, masked)
    return [re.sub(r"\x00(\d+)\x00", lambda m: dates[int(m.group(1))], p).strip() for p in parts]


def _date_part(part: str) -> datetime | None:
    """Return the date a byline part states (`2026-11-20`, `Published Nov. 20, 2026`), or None."""
    published = _PUBLISHED.fullmatch(part)
    if published is not None:
        part = published.group(1)
    return parse_date(part) if _DATE_IN_LINE.fullmatch(part) else None


def _is_name(names: str) -> bool:
    """Return True for `Priya Natarajan` or `Ana de la Cruz, Tom Lee`, not `the time it took`."""
    for name in names.split(","):
        words = name.split()
        if not words or len(words) > 8 or name.strip().lower().rstrip(".") in _CALENDAR_WORDS:
            return False
        if not all(_is_name_word(word) for word in words) or words[0].lower() in _NAME_LINKS:
            return False
    return len(names) <= 80


def _is_name_word(word: str) -> bool:
    """Return True for a capitalised name word (`O'Neil`, `J.`) or a link like `de` or `and`."""
    if word.lower() in _NAME_LINKS:
        return True
    return word[0].isupper() and re.fullmatch(r"[^\W\d_][\w.'’-]*", word) is not None


def _is_outlet(part: str) -> bool:
    """Return True for an outlet in title case (`The Times of India`) or a domain."""
    words = part.split()
    if not words or len(words) > 8 or len(part) > 60 or re.search(r"[!?;:\"“”()\[\]]", part):
        return False
    if part.lower() in _LABELS or part.lower().rstrip(".") in _CALENDAR_WORDS:
        return False  # "Analysis — May 3, 2026" is a section label, not an outlet
    if not (words[0][0].isupper() or words[0][0].isdigit() or _DOMAIN.fullmatch(words[0])):
        return False
    return all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _OUTLET_LINKS or _DOMAIN.fullmatch(w)
        for w in words
    )


def _trim(value: str | None) -> str | None:
    """Return a name without a sentence's final full stop (initials like `Jr.` keep theirs)."""
    if value is None or not value.endswith(".") or _ABBREVIATION.search(value):
        return value
    return value[:-1]


def _fill(first: Header, second: Header) -> Header:
    """Return `first` with its missing fields taken from `second`."""
    missing = {
        f.name: getattr(second, f.name) for f in fields(Header) if getattr(first, f.name) is None
    }
    return replace(first, **missing)


def _without(lines: list[str], dropped: list[int], blank: bool = False) -> str:
    """Return `lines` joined without the dropped ones, keeping one paragraph break where they were.

    With `blank`, each dropped line becomes an empty line instead.
    """
    if blank:
        return "\n".join("" if number in dropped else line for number, line in enumerate(lines))
    kept: list[str] = []
    after_byline = False
    for number, line in enumerate(lines):
        if number in dropped:
            after_byline = True
            continue
        empty = not line.strip()
        if after_byline and empty and (not kept or not kept[-1].strip()):
            continue  # the byline's paragraph break, already present before it
        after_byline = after_byline and empty
        kept.append(line)
    return "\n".join(kept).rstrip()
