"""Names that fill one role: "Tom Becker would serve as interim CEO" against "Sandra Ruiz taking
over as interim CEO".

A "Who …?" question names a subject ("Halvorsen Foods") and a role ("interim CEO", "won the
mayor's race"). A sentence states the role when it holds most of the role's words and names the
subject; the person filling it is the name nearest before the role's first word ("Elena Marsh
narrowly won"), or right after it ("named Laura Chen"); "Becker" and "Tom Becker" are one
person. Two reports differ on a name only when each names exactly one person for the role and
the two share no name (see `disagree`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import CALENDAR_WORDS, content_words

MIN_ROLE_WORDS = 2  # "won" alone is no role: the final's winner and third place both "won"
ROLE_SHARE = 2 / 3  # of the role's words a sentence must state
BEFORE = 12  # words before the role's first word in which its filler is looked for
AFTER = 4  # or words right after it ("named Laura Chen as …")
_WHO = re.compile(r"^\s*who\b", re.I)
_QUESTION_WORDS = content_words(
    "who whom whose is was are were will be has have had did does do the a an of for"
)
# forms of one predicate that the stemmer leaves apart ("won" / "winner" / "wins")
_FAMILIES = {"won": "win", "winner": "win", "victori": "win", "chose": "choos"}
_CAPITAL = r"[A-Z][\w’'-]*"
_NAME = re.compile(rf"\b{_CAPITAL}(?:\s+(?:de |van |von |al-)?{_CAPITAL})*")
_COMPOUND = re.compile(r"-[a-z]")
_NOT_NAME = CALENDAR_WORDS | {"The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "No"}


@dataclass(frozen=True)
class Role:
    """What a "Who …?" question asks: its subject's names and the role's words."""

    subject: frozenset[str]  # lower-cased capitalised words of the question ("halvorsen")
    words: frozenset[str]  # the role's stemmed words ("interim", "ceo")


@dataclass(frozen=True)
class Filler:
    """The person a sentence names for the role."""

    name: str  # as written ("Tom Becker")
    start: int
    end: int

    @property
    def tokens(self) -> set[str]:
        return {_plain(w) for w in self.name.split()}


def asked_role(question: str) -> Role | None:
    """Return the role a "Who …?" question asks about, or None for other questions."""
    if not _WHO.search(question):
        return None
    subject = {_plain(w) for w in _capitals(question)}
    words = {_family(w) for w in content_words(question) - _QUESTION_WORDS}
    words -= {_family(w) for w in content_words(" ".join(subject))}
    words = {w for w in words if not any(ch.isdigit() for ch in w)}
    return Role(frozenset(subject), frozenset(words)) if len(words) >= MIN_ROLE_WORDS else None


def role_filler(sentence: str, role: Role) -> Filler | None:
    """Return the person the sentence names for the role (None when it does not state it).

    The role is where its words stand closest together ("chief executive", not the "chief" of
    "chief financial officer"); a name right after it is its holder ("chief executive Omar
    Reyes"), else the nearest name before it, else one just after.
    """
    stems = [
        (m.span(), _family(w)) for m in re.finditer(r"\S+", sentence) for w in content_words(m[0])
    ]
    spans = [span for span, stem in stems if stem in role.words]
    present = {stem for _, stem in stems} & role.words
    if len(present) < ROLE_SHARE * len(role.words) or not _names_subject(sentence, role):
        return None
    start, end = _tightest(spans, [stem for _, stem in stems if stem in role.words], present)
    names = [f for f in _names(sentence) if not f.tokens & role.subject]
    after = [f for f in names if f.start >= end]
    if after and _words(sentence, end, after[0].start) == 0:
        return after[0]
    before = [f for f in names if f.end <= start]
    if before and _words(sentence, before[-1].end, start) <= BEFORE:
        return before[-1]
    if after and _words(sentence, end, after[0].start) <= AFTER:
        return after[0]
    return None


def _tightest(spans: list[tuple[int, int]], stems: list[str], present: set[str]) -> tuple[int, int]:
    """Return the shortest stretch of the sentence holding every role word it states."""
    best = (spans[0][0], spans[-1][1])
    for i, (start, _) in enumerate(spans):
        for j in range(i, len(spans)):
            if set(stems[i : j + 1]) == present:
                if spans[j][1] - start < best[1] - best[0]:
                    best = (start, spans[j][1])
                break
    return best


def same_person(a: Filler, b: Filler) -> bool:
    """Return True when two fillers share a name ("Kenya's Joyce Kiprop" / "Joyce Kiprop")."""
    return bool(a.tokens & b.tokens)


def _names_subject(sentence: str, role: Role) -> bool:
    """Return True when the sentence names all of the question's subject ("Scalable Capital")."""
    return role.subject <= {_plain(w) for w in re.findall(r"[\w’'-]+", sentence)}


def _names(sentence: str) -> list[Filler]:
    """Return the sentence's names: runs of capitalised words (one word not at its start)."""
    found = []
    for match in _NAME.finditer(sentence):
        words = [w for w in match[0].split() if w not in _NOT_NAME and _has_lower(w)]
        if not words or any(_COMPOUND.search(w) for w in words):  # "Africa-focused"
            continue
        if len(words) >= 2 or (words and match.start() + match[0].index(words[0]) > 0):
            start = match.start() + match[0].index(words[0])
            found.append(Filler(" ".join(words), start, match.end()))
    return found


def _has_lower(word: str) -> bool:
    return any(ch.islower() for ch in word)


def _capitals(text: str) -> list[str]:
    words = re.findall(rf"(?<![.!?]\s)(?<!^){_CAPITAL}", text.strip())
    return [w for w in words if w not in _NOT_NAME and _has_lower(w)]


def _plain(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s").rstrip("'")


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _family(stem: str) -> str:
    return _FAMILIES.get(stem, stem)
