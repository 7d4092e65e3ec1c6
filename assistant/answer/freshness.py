"""As-of dates and freshness: what date an answer is good as of, and newer reports it must name.

Every answer is good as of its newest cited article (`Answer.as_of`). A question about the
present ("current", "latest", "now", "still") or how a story ended ("end up", "eventually") leads
with the newest report on the story, says how
old it is relative to `today`, and names newer articles instead of hiding them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from assistant.answer.cite import check_support, make_citation
from assistant.schema import Answer, Citation, Hit
from assistant.text import Sentence, content_words, split_sentences

_PRESENT = re.compile(
    r"\b(?:current(?:ly)?|latest|now|still|today|at present|presently|most recent(?:ly)?|"
    r"newest|as of now|these days|so far|to date|up to date|"
    # how a story ended is also its latest state: "Where did Ohtani end up signing?"
    r"end(?:ed|s)? up|eventually|ultimately|in the end|final (?:outcome|result|decision))\b",
    re.I,
)
SAME_STORY = 0.6  # share of the question's words a newer report's sentence must state
MIN_WORDS = 3  # a short sentence may be the news: "Harbaugh was suspended."
FAMILY = 6  # letters of a stem that name its word family ("suspended"/"suspension": "suspen")
_GENERIC = content_words(
    "what who which when where how is are was were the current currently latest now still "
    "today recent newest most yet anymore again news update updates has have been did does do "
    "end ended ends up eventually ultimately finally final outcome result decision"
)


def asks_about_present(question: str) -> bool:
    """Return True when the question asks how things stand now."""
    return bool(_PRESENT.search(question))


def answer_as_of(answer: Answer) -> date | None:
    """Return the publication day of the newest cited article (None without dated citations)."""
    days = [c.published_at.date() for c in answer.citations if c.published_at]
    return max(days) if days else None


def stamp_as_of(answer: Answer) -> Answer:
    """Return the answer with `as_of` set from its citations."""
    return answer.model_copy(update={"as_of": answer_as_of(answer)})


def newer_report(question: str, answer: Answer, hits: list[Hit]) -> tuple[Hit, Sentence] | None:
    """Return the newest hit newer than the answer's evidence on the story, and its sentence."""
    as_of = answer_as_of(answer)
    if as_of is None:
        return None
    cited = {c.article_id for c in answer.citations}
    asked = _families(content_words(question) - _GENERIC)
    best: tuple[date, float, Hit, Sentence] | None = None
    for hit in hits:
        day = hit.chunk.published_at.date() if hit.chunk.published_at else None
        if day is None or day <= as_of or hit.chunk.article_id in cited or not asked:
            continue
        for sentence in split_sentences(hit.chunk.text, min_words=MIN_WORDS):
            share = len(asked & _families(content_words(sentence.text))) / len(asked)
            if share >= SAME_STORY and (best is None or (day, share) > best[:2]):
                best = (day, share, hit, sentence)
    return None if best is None else (best[2], best[3])


def _families(words: set[str]) -> set[str]:
    """Return the words cut to their family: a newer report words the story its own way."""
    return {word[:FAMILY] for word in words}


def newest_cited(answer: Answer) -> Citation | None:
    """Return the citation of the newest cited article when the answer does not lead with it."""
    dated = [c for c in answer.citations if c.published_at]
    if len({c.article_id for c in dated}) < 2 or not answer.citations:
        return None
    newest = max(dated, key=lambda c: c.published_at or datetime.min)
    first = answer.citations[0]
    if first.published_at and newest.published_at.date() <= first.published_at.date():  # type: ignore[union-attr]
        return None
    return newest


def lead_with_newest_cited(answer: Answer, newest: Citation, today: date) -> Answer:
    """Return the answer led by its newest cited report, with that report's age."""
    assert newest.published_at is not None
    day = newest.published_at.date()
    line = (
        f"Newest report — {newest.source or newest.title}, {day.isoformat()} "
        f"({_age(day, today)}): {newest.quote.rstrip().rstrip('.')} [{newest.n}]."
    )
    text = f"{line}\n\n{answer.text}"
    return answer.model_copy(
        update={"text": text, "sentences": check_support(text, answer.citations)}
    )


def lead_with_newer(
    answer: Answer, newer: tuple[Hit, Sentence], today: date, lead: bool = True
) -> Answer:
    """Return the answer led by the newer report (or noting it after, when `lead` is False)."""
    hit, sentence = newer
    number = max((c.n for c in answer.citations), default=0) + 1
    citation = make_citation(number, hit, sentence, hit.score)
    citations = [*answer.citations, citation]
    day = hit.chunk.published_at.date() if hit.chunk.published_at else today
    outlet = hit.chunk.source or hit.chunk.title
    line = (
        f"Newest report — {outlet}, {day.isoformat()} ({_age(day, today)}): "
        f"{sentence.text.rstrip().rstrip('.')} [{number}]."
    )
    older = answer_as_of(answer)
    earlier = f"Earlier ({older.isoformat()}): " if older else "Earlier: "
    text = f"{line}\n\n{earlier}{answer.text}" if lead else f"{answer.text}\n\n{line}"
    return answer.model_copy(
        update={
            "text": text,
            "citations": citations,
            "sentences": check_support(text, citations),
            "newer": [*answer.newer, citation],
        }
    )


def note_age(answer: Answer, today: date) -> Answer:
    """Return the answer ending with how old its newest evidence is, for a present question."""
    as_of = answer_as_of(answer)
    if as_of is None or not answer.answered:
        return answer
    note = f"(The newest report cited is from {as_of.isoformat()}, {_age(as_of, today)}.)"
    return answer.model_copy(update={"text": f"{answer.text}\n\n{note}"})


def _age(day: date, today: date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today" if days == 0 else f"{-days} days after {today.isoformat()}"
    return f"{days} day{'s' if days != 1 else ''} before {today.isoformat()}"
