"""Say when outlets disagree: the answer's claim stated with another value in another article.

Each cited sentence's values (amounts, counts, percentages, days, outcomes) are aligned with the
sentences of the other retrieved articles (`claims.same_claim`: same predicate, same frame).
A different value there becomes a `Difference`: "Reports differ: Fortune (2023-11-02) says $2
billion [1]; TechCrunch (2023-11-03) says $8 billion [2]." When the later report reads as an
update ("rose to", "revised", a verdict), the answer leads with it and says what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.answer.cite import check_support, make_citation
from assistant.answer.claims import Value, differs, same_claim, sentence_values
from assistant.schema import Answer, Citation, Difference, Hit
from assistant.text import Sentence, content_words, split_sentences

MAX_DIFFERENCES = 2
_UPDATE = re.compile(
    r"\b(?:revised|revises|rose|risen|rises|climbed|increased|grew|jumped|surged|now|updated|"
    r"latest|raised (?:to|its)|lowered|cut (?:to|its)|new (?:toll|figure|estimate|total)|"
    r"has since|was later|later)\b",
    re.I,
)


@dataclass(frozen=True)
class Claim:
    """A value stated in one sentence of one retrieved passage."""

    hit: Hit
    sentence: Sentence  # offsets within hit.chunk.text
    value: Value

    @property
    def day(self) -> date | None:
        published = self.hit.chunk.published_at
        return published.date() if published else None

    @property
    def outlet(self) -> str:
        return self.hit.chunk.source or self.hit.chunk.title


def find_differences(answer: Answer, hits: list[Hit], question: str) -> list[tuple[Claim, Claim]]:
    """Return (cited claim, other report's claim) pairs that state different values."""
    asked = content_words(question)
    found: list[tuple[Claim, Claim]] = []
    others = [_claims(hit) for hit in hits]
    for cited in _cited_claims(answer, hits):
        cited_values = sentence_values(cited.sentence.text, cited.day)
        need = max(1, len(asked & content_words(cited.sentence.text)) - 1)
        for claims in others:
            for other in claims:
                if other.hit.chunk.article_id == cited.hit.chunk.article_id:
                    break
                if len(asked & content_words(other.sentence.text)) < need:
                    continue
                if _conflict(cited, cited_values, other) and not _seen(found, cited, other):
                    found.append((cited, other))
                    break
        if len(found) >= MAX_DIFFERENCES:
            break
    return found[:MAX_DIFFERENCES]


def _conflict(cited: Claim, cited_values: list[Value], other: Claim) -> bool:
    if not same_claim(cited.sentence.text, cited.value, other.sentence.text, other.value):
        return False
    if not differs(cited.value, other.value):
        return False
    # a sentence that also states the other's value ("rose from $2bn to $8bn") agrees with it
    other_values = sentence_values(other.sentence.text, other.day)
    return not any(_equal(v, other.value) for v in cited_values) and not any(
        _equal(v, cited.value) for v in other_values
    )


def _equal(a: Value, b: Value) -> bool:
    return a.kind == b.kind and a.unit == b.unit and not differs(a, b)


def _seen(found: list[tuple[Claim, Claim]], cited: Claim, other: Claim) -> bool:
    return any(a.value.text == cited.value.text and b.value.text == other.value.text
               for a, b in found)


def _cited_claims(answer: Answer, hits: list[Hit]) -> list[Claim]:
    claims = []
    for citation in answer.citations:
        hit = next((h for h in hits if _holds(h, citation)), None)
        if hit is None:
            continue
        start = citation.start - hit.chunk.start
        sentence = Sentence(citation.quote, start, start + len(citation.quote))
        day = hit.chunk.published_at.date() if hit.chunk.published_at else None
        claims += [Claim(hit, sentence, v) for v in sentence_values(citation.quote, day)]
    return claims


def _holds(hit: Hit, citation: Citation) -> bool:
    chunk = hit.chunk
    return chunk.article_id == citation.article_id and chunk.start <= citation.start < chunk.end


def _claims(hit: Hit) -> list[Claim]:
    day = hit.chunk.published_at.date() if hit.chunk.published_at else None
    return [
        Claim(hit, sentence, value)
        for sentence in split_sentences(hit.chunk.text, min_words=5)
        for value in sentence_values(sentence.text, day)
    ]


def note_differences(answer: Answer, pairs: list[tuple[Claim, Claim]], lead: bool = True) -> Answer:
    """Return the answer saying how the reports differ (leading with an update when `lead`)."""
    if not pairs:
        return answer
    citations = list(answer.citations)
    differences, notes, leads = [], [], []
    for cited, other in pairs:
        first, second = sorted((cited, other), key=lambda c: (c.day or date.min))
        numbers = [_cite(citations, claim) for claim in (first, second)]
        updated = bool(
            first.day and second.day and second.day > first.day
            and (first.value.kind == "outcome" or _UPDATE.search(second.sentence.text))
        )
        differences.append(Difference(
            kind=first.value.kind if first.value.kind != "count" else "number",
            values=[first.value.text, second.value.text],
            citations=numbers,
            dates=[first.day, second.day],
            updated=updated,
        ))
        if updated and lead:
            leads.append(
                f"Latest: {second.outlet} ({_day(second)}) reports {second.value.text} "
                f"[{numbers[1]}], updating {first.value.text} in {first.outlet} "
                f"({_day(first)}) [{numbers[0]}]."
            )
        else:
            notes.append(
                f"Reports differ: {first.outlet} ({_day(first)}) says {first.value.text} "
                f"[{numbers[0]}]; {second.outlet} ({_day(second)}) says {second.value.text} "
                f"[{numbers[1]}]."
            )
    text = "\n\n".join([*leads, answer.text, *notes])
    return answer.model_copy(update={
        "text": text,
        "citations": citations,
        "sentences": check_support(text, citations),
        "differences": differences,
    })


def _cite(citations: list[Citation], claim: Claim) -> int:
    """Return the [n] of the claim's sentence, adding a citation when it is not cited yet."""
    chunk = claim.hit.chunk
    start = chunk.start + claim.sentence.start
    for citation in citations:
        if citation.article_id == chunk.article_id and citation.start <= start < citation.end:
            return citation.n
    number = max((c.n for c in citations), default=0) + 1
    citation = make_citation(number, claim.hit, claim.sentence, claim.hit.score)
    citations.append(citation)
    return citation.n


def _day(claim: Claim) -> str:
    return claim.day.isoformat() if claim.day else "undated"
