"""A person's job or title, as a sentence gives it beside the name.

"What is Antony Blinken's job?" is answered by "Secretary of State Antony Blinken said …";
"What is Carolyn O'Hara's job at Mozilla?" by "Carolyn O'Hara, senior director of content at
Mozilla, …" or "Mozilla's senior director of content, Carolyn O'Hara"; "What position did Can
Sun hold?" by "Can Sun, who served as general counsel". A title is found in three places around
a name the question uses — the capitalised words right before it, an apposition right after
it, or "as / was / named …" after it — and only if it holds a word that names a job
(`ROLE_HEADS`), so "Russian President" is a title and "Ukrainian forces" is not.
"""

from __future__ import annotations

import re

from assistant.answer.extractive.patterns import NAME
from assistant.text import content_words

ROLE_HEADS = content_words(
    "officer counsel director head chief manager president secretary minister designer "
    "engineer editor founder cofounder co-founder ceo cto cfo coo chair chairman chairwoman "
    "chairperson executive partner analyst coach captain spokesperson spokesman spokeswoman "
    "adviser advisor ambassador governor mayor senator representative judge professor "
    "researcher scientist reporter correspondent producer attorney lawyer commissioner "
    "deputy principal treasurer strategist economist president-elect leader lead general "
    "vice-president owner investor architect developer writer columnist host "
    "anchor commander admiral chancellor speaker justice prosecutor"
)
_WORD = r"[\w&’'.-]+"
# Capitalised words (and "of", "for", "&") ending right before the name: "Secretary of State".
_BEFORE = re.compile(rf"((?:(?:[A-Z]{_WORD}|of|for|and|&)\s+){{1,7}})$")
# ", senior director of content at Mozilla," — up to the next comma, "said", "who" or the end.
_AFTER = re.compile(
    rf"^,\s+(?!who\b|which\b|whose\b|and\b)(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
    rf"(?:(?:[A-Z]{_WORD}\s+){{0,2}}[A-Z][\w&.-]*['’‘]s\s+)?"
    rf"((?:{_WORD}\s+){{0,7}}?{_WORD})(?=\s*(?:,|\.|;|\(|$)|\s+(?:said|says|told|who|and)\b)"
)
# " served as general counsel", " was named chief AI officer"
_AS = re.compile(
    r"^,?\s+(?:who\s+)?(?:(?:has|had|have)\s+)?"
    r"(?:served as|serves as|is|was|became|named|appointed|as)"
    rf"\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?((?:{_WORD}\s+){{0,5}}?{_WORD})"
    rf"(?=\s*(?:,|\.|;|$)|\s+(?:at|of|for|in|since|until|before|and|who)\b)"
)
# Lower-case words ending in a job right before the name: "product designer", "chief executive".
_LOWER_BEFORE = re.compile(
    r"(?:^|[\s’'])(?!(?:the|a|an|its|their|his|her|and|by|of|to|for|said|says)\s)"
    r"((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s+$"
)
# "Mozilla's senior director of content, Carolyn O'Hara", "Its founder, Ana Ruiz": the
# apposition before the name.
_LEADING = re.compile(
    rf"(?:['’‘]s|\b(?i:the|its|their|his|her))\s+((?:{_WORD}\s+){{0,6}}?{_WORD}),\s+$"
)
_NOT_TITLE = {"The", "A", "An", "In", "On", "At", "And", "But", "Former", "Then"}


def title_spans(sentence: str, question_words: set[str]) -> list[tuple[int, int]]:
    """Return the spans of titles the sentence gives a person the question names."""
    spans = []
    for match in NAME.finditer(sentence):
        start = _named_from(match, question_words)
        if start is not None:
            spans += _title_before(sentence, start)
            spans += _title_after(sentence, match.end())
    return spans


def _named_from(match: re.Match[str], question_words: set[str]) -> int | None:
    """Return where the question's person starts in a run of capitalised words, or None.

    "State Antony Blinken" holds Antony Blinken from its second word: "State" ends the title.
    """
    words = match.group().split()
    if not content_words(words[-1]) or not content_words(words[-1]) <= question_words:
        return None
    first = len(words) - 1
    while first > 0 and content_words(words[first - 1]) <= question_words:
        first -= 1
    return match.start() + match.group().index(" ".join(words[first:]))


def _title_before(sentence: str, start: int) -> list[tuple[int, int]]:
    before = sentence[:start]
    spans = []
    found = _BEFORE.search(before)
    if found:
        words = found.group(1).split()
        while words and (words[0] in _NOT_TITLE or words[0] in ("of", "for", "and", "&")):
            words = words[1:]
        if words and words[-1] in ("of", "for", "at"):  # "CEO of Mayo Clinic": not a person
            words = []
        if words and _is_title(" ".join(words)):
            begin = before.rindex(" ".join(words))
            spans.append((begin, begin + len(" ".join(words))))
    lower = _LOWER_BEFORE.search(before)  # "Valve product designer Greg Coomer"
    if lower and content_words(lower.group(1).split()[-1]) & ROLE_HEADS:
        spans.append(lower.span(1))
    leading = _LEADING.search(before)
    if leading and _is_title(leading.group(1)):
        spans.append(leading.span(1))
    return spans


def _title_after(sentence: str, end: int) -> list[tuple[int, int]]:
    spans = []
    for pattern in (_AFTER, _AS):
        found = pattern.match(sentence[end:])
        if found and _is_title(found.group(1)):
            spans.append((end + found.start(1), end + found.end(1)))
    return spans


def _is_title(phrase: str) -> bool:
    return bool(content_words(phrase) & ROLE_HEADS)
