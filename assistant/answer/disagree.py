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
from assistant.answer.claims import (
    asked_kinds,
    conflicts,
    measured_noun,
    names_sides,
    on_variant,
    sides_of,
    speculative,
    states,
)
from assistant.answer.roles import Filler, asked_role, role_filler, same_person
from assistant.answer.values import Value, agree, sentence_values
from assistant.schema import Answer, Citation, Difference, Hit
from assistant.text import Sentence, content_words, split_sentences

MAX_DIFFERENCES = 2
STORY_DAYS = 45  # reports further apart are about different moments, not one claim
_UPDATE = re.compile(
    r"\b(?:revised|revises|rose|risen|rises|climbed|increased|grew|jumped|surged|now|updated|"
    r"latest|raised (?:to|its)|lowered|cut (?:to|its)|new (?:toll|figure|estimate|total)|"
    r"has since|was later|later|overturned|certified|final (?:tally|count|result))\b",
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
    """Return (claim, other report's claim) pairs that state different values, cited ones first.

    The claims compared are the cited sentences and every retrieved sentence that states the
    question (`claims.states`) or names all the sides it asks about; a pair is dropped when
    either report also states the other's value on the question (`_stated_by`).
    """
    if not asked_kinds(question) and asked_role(question) is None:
        return []  # only a question that asks for a value or a name names a claim
    asked = content_words(question)
    found: list[tuple[Claim, Claim]] = []
    claims = _unique([*_cited_sentences(answer, hits), *_claim_sentences(hits, question)])
    head = measured_noun(question)
    said = [  # each passage's sentences that state a value, with how many asked words they hold
        [
            (s, len(asked & content_words(s.text)))
            for s in split_sentences(hit.chunk.text, min_words=5)
            if sentence_values(s.text, _published(hit), head)
        ]
        for hit in hits
    ]
    for claim in claims:
        need = max(1, len(asked & content_words(claim.sentence.text)) - 1)
        for hit, sentences in zip(hits, said, strict=True):
            if hit.chunk.article_id == claim.hit.chunk.article_id or not _near_in_time(claim, hit):
                continue
            for sentence, shared in sentences:
                if shared < need:
                    continue
                other = Claim(hit, sentence, claim.value)
                for a, b in conflicts(
                    claim.sentence.text, sentence.text, (claim.day, other.day), question
                ):
                    pair = (Claim(claim.hit, claim.sentence, a), Claim(hit, sentence, b))
                    if not _seen(found, *pair):
                        found.append(pair)
    found += _name_differences(hits, question)
    return [pair for pair in found if not _stated_by(pair, hits, question)][:MAX_DIFFERENCES]


def _claim_sentences(hits: list[Hit], question: str) -> list[Claim]:
    """Return the retrieved sentences that state the question (or name all its sides)."""
    sides, head = sides_of(question), measured_noun(question)
    claims = []
    for hit in hits:
        for sentence in split_sentences(hit.chunk.text, min_words=5):
            if states(question, sentence.text) or names_sides(sides, sentence.text):
                values = sentence_values(sentence.text, _published(hit), head)
                if values:
                    claims.append(Claim(hit, sentence, values[0]))
    return claims


def _unique(claims: list[Claim]) -> list[Claim]:
    seen: set[tuple[str, int]] = set()
    kept = []
    for claim in claims:
        key = (claim.hit.chunk.article_id, claim.hit.chunk.start + claim.sentence.start)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept


def _name_differences(hits: list[Hit], question: str) -> list[tuple[Claim, Claim]]:
    """Return pairs of reports that each name one person for the asked role, and not the same.

    A report naming two people in role sentences ("Marsh won … Hale was declared the winner")
    is ambiguous about the role and compared with none.
    """
    role = asked_role(question)
    if role is None:
        return []
    named: dict[str, list[tuple[Claim, Filler]]] = {}
    for hit in hits:
        for sentence in split_sentences(hit.chunk.text, min_words=5):
            filler = None if speculative(sentence.text) else role_filler(sentence.text, role)
            if filler is not None:
                value = Value("name", filler.name, 0.0, "", filler.start, filler.end)
                named.setdefault(hit.chunk.article_id, []).append(
                    (Claim(hit, sentence, value), filler)
                )
    single = [found[0] for found in named.values() if _one_person([f for _, f in found])]
    return [
        (a, b)
        for i, (a, first) in enumerate(single)
        for b, second in single[i + 1 :]
        if not same_person(first, second) and _near_in_time(a, b.hit)
    ]


def _one_person(fillers: list[Filler]) -> bool:
    return all(same_person(fillers[0], other) for other in fillers[1:])


def _stated_by(pair: tuple[Claim, Claim], hits: list[Hit], question: str) -> bool:
    """Return True when one report also states the other's value in a sentence on the question.

    "$649 - 1 TB OLED" in a list agrees with another outlet's "$649" for the 1TB model, whatever
    other price the first report gives a limited edition; two reports that each state both
    values do not disagree.
    """
    asked = content_words(question)
    head = measured_noun(question)
    for claim, other in (pair, pair[::-1]):
        for hit in hits:
            if hit.chunk.article_id != other.hit.chunk.article_id:
                continue
            for sentence in split_sentences(hit.chunk.text):
                if not (asked & content_words(sentence.text)) or not on_variant(
                    question, sentence.text
                ):
                    continue
                values = sentence_values(sentence.text, other.day, head)
                if any(agree(v, claim.value, revised=True) for v in values):
                    return True
    return False


def _published(hit: Hit) -> date | None:
    return hit.chunk.published_at.date() if hit.chunk.published_at else None


def _near_in_time(cited: Claim, hit: Hit) -> bool:
    """Return True when the hit was published within STORY_DAYS of the cited report."""
    day = hit.chunk.published_at.date() if hit.chunk.published_at else None
    return cited.day is None or day is None or abs((day - cited.day).days) <= STORY_DAYS


def _seen(found: list[tuple[Claim, Claim]], cited: Claim, other: Claim) -> bool:
    """Return True when this pair of values (in either order) is already reported."""
    pair = {_key(cited), _key(other)}
    return any({_key(a), _key(b)} == pair for a, b in found)


def _key(claim: Claim) -> tuple[str, str]:
    return (claim.hit.chunk.article_id, claim.value.text)


def _cited_sentences(answer: Answer, hits: list[Hit]) -> list[Claim]:
    """Return each cited sentence (as a Claim of its first value) found in the hits."""
    claims = []
    for citation in answer.citations:
        hit = next((h for h in hits if _holds(h, citation)), None)
        if hit is None:
            continue
        start = citation.start - hit.chunk.start
        sentence = Sentence(citation.quote, start, start + len(citation.quote))
        day = hit.chunk.published_at.date() if hit.chunk.published_at else None
        values = sentence_values(citation.quote, day)
        if values:
            claims.append(Claim(hit, sentence, values[0]))
    return claims


def _holds(hit: Hit, citation: Citation) -> bool:
    chunk = hit.chunk
    return chunk.article_id == citation.article_id and chunk.start <= citation.start < chunk.end


def note_differences(answer: Answer, pairs: list[tuple[Claim, Claim]], lead: bool = True) -> Answer:
    """Return the answer saying how the reports differ (leading with an update when `lead`)."""
    if not pairs:
        return answer
    citations = list(answer.citations)
    differences, notes, leads = [], [], []
    for cited, other in pairs:
        first, second = sorted((cited, other), key=lambda c: c.day or date.min)
        numbers = [_cite(citations, claim) for claim in (first, second)]
        updated = bool(
            first.day
            and second.day
            and second.day > first.day
            and (first.value.kind == "outcome" or _UPDATE.search(second.sentence.text))
        )
        differences.append(
            Difference(
                kind="number" if first.value.kind in ("count", "measure") else first.value.kind,
                values=[first.value.text, second.value.text],
                citations=numbers,
                dates=[first.day, second.day],
                updated=updated,
            )
        )
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
    body, verdict, rule = answer.text, answer.verdict, answer.verdict_rule
    if leads and verdict:  # the latest value is the conclusion now; the earlier one follows
        body = body.removeprefix(f"{verdict} — ")
        verdict, rule = differences[-1].values[1], "update"
        leads[0] = f"{verdict} — {leads[0]}"
    text = "\n\n".join([*leads, body, *notes])
    notes_of = (*(n.split(":", 1)[0] for n in [*leads, *notes]), f"{verdict} — Latest")
    sentences = [  # a note restates its reports' values verbatim: supported by construction
        s.model_copy(update={"supported": True, "support": 1.0})
        if s.text.startswith(notes_of)
        else s
        for s in check_support(text, citations)
    ]
    return answer.model_copy(
        update={
            "text": text,
            "citations": citations,
            "sentences": sentences,
            "differences": differences,
            "verdict": verdict,
            "verdict_rule": rule,
        }
    )


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
