"""Answer a multi-part question extractively: one supporting sentence per part, and who says it.

"Does TechCrunch suggest X, while The Verge reports Y?", "Which company, reported by both
TechCrunch and The Verge, did X and is accused of Y?", "Did Sporting News report X before The
Roar covered Y?" join several claims, often each tied to an outlet. The answer quotes, for each
part, the retrieved sentence that best supports it and says which article it comes from:
"TechCrunch (2023-10-02): … [1]. The Verge (2023-10-05): … [2]."

**Parts.** The question is cut into clauses (at commas, semicolons, "while", "whereas",
"in contrast to", "and is/was/has …"); a clause keeps the outlets it names, and a clause that
names a second outlet followed by words of its own ("… before The Roar covered X") is cut
there. Clauses with fewer than `_PART_WORDS` content words (outlet names and words about the
reporting — "article", "suggests", "reported" — not counted) and commentary clauses
("indicating …", "without …") only lend their outlets to the parts that name none; a clause
that only attributes and dates ("After TechCrunch reported on October 2, 2023, | that …")
lends its outlet and day to the "that …" clause after it (dates are not claim words).
Outlet names are left out of a part's words and vector: sentences rarely name their outlet.
A question is answered this way only when it names an outlet and has two parts or two outlets.

**Evidence.** A part's sentences are scored like the single-question answer (0.6 cosine +
0.4 share of the part's content words, reporting words removed) among the passages of the
part's outlets (and of its date, if it names one); "Did A and B both report X?" looks for X in
each outlet, "X, as reported by A and B" in either. A part is *supported* when its best
sentence scores at least `PART_SUPPORT` (0.45, the single-answer `min_relevance`). Nothing is
quoted for an unsupported part, and the answer names it ("Not found in the retrieved
passages: …").

**Leads** — the only conclusions stated beyond the quotes, each by a rule on the evidence:

- *Entity* ("Which company …", "Who is the individual …"): the name the parts' passages
  share (`naming.shared_name`).
- *Before / after* ("Did A report X before B reported Y?"): both parts supported by dated,
  different articles: "Yes"/"No" by comparing their publication times.
- *Yes* (any other yes/no question): every part is supported, from the outlet it names, and
  no supporting sentence differs from its part in negation ("not", "no", "never", "n't",
  "without", …). *No*: every part is supported but one differs in negation — the article
  says the opposite of what the question states.
- Questions about how reports relate ("was there a change / consistency", "a different
  approach", "similar") get no yes/no lead: finding each report's sentence does not show
  whether they agree. Neither does a question with an unsupported part.

The whole answer abstains when no part is supported.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import date

from assistant.answer.cite import check_support, make_citation, summary_line
from assistant.answer.extractive.naming import PartPassage, shared_name
from assistant.answer.extractive.sentences import Encode
from assistant.answer.extractive.verdict import (
    VERDICT_SUPPORT,
    Contradicts,
    PartEvidence,
    Verdict,
    decide,
)
from assistant.answer.extractive.verdict import Question as VerdictQuestion
from assistant.answer.refusal import NO_ANSWER
from assistant.schema import Answer, Chunk, Citation, Hit
from assistant.text import (
    FUNCTION_WORDS,
    DateMention,
    OutletMention,
    Sentence,
    content_words,
    find_dates,
    find_outlets,
    overlap,
    split_sentences,
)

PART_SUPPORT = 0.45
_PART_WORDS = 3
_CLAUSE_BREAK = re.compile(
    r",\s+(?!\d{4})(?:and\s+|while\s+|but\s+|whereas\s+)?|;\s+|\s+(?:while|whereas)\s+|"
    r"\s+in contrast to\s+|\s+and\s+(?=(?:is|was|has|had|also|are|were)\b)"
)
# Words about the reporting, not the reported claim.
_META_WORDS = content_words(
    "article articles report reports reported reporting according suggest suggests suggesting "
    "indicate indicates indicating imply implies discuss discusses discussed mention mentioned "
    "describe described portray portrayal claim claims piece coverage covered state states "
    "published publish publication source outlet one later earlier previous subsequent"
)
# Words that claim nothing ("Do both articles from …"): the stop list of search is short.
_FUNCTION_STEMS = content_words(" ".join(FUNCTION_WORDS))
# Clauses that comment on the other parts rather than state a claim of their own.
_COMMENT = re.compile(
    r"\s*(?:indicating|suggesting|implying|highlighting|showing|signalling|signaling|"
    r"reflecting|demonstrating|without)\b",
    re.I,
)


@dataclass(frozen=True)
class Part:
    """One claim of a multi-part question, with the outlets and date window it names."""

    text: str
    start: int
    sources: tuple[str, ...] = ()
    window: DateMention | None = None
    lent: bool = False  # sources named elsewhere in the question ("as reported by A and B")


@dataclass(frozen=True)
class Evidence:
    """The best sentence found for one part (hit index into the hits), and its score."""

    part: Part
    hit: int
    sentence: Sentence
    score: float

    @property
    def supported(self) -> bool:
        """Return True when the sentence supports the part well enough to quote it."""
        return self.score >= PART_SUPPORT


def split_parts(question: str, hits: list[Hit]) -> list[Part]:
    """Return the parts of a question (one when it is not multi-part)."""
    sources = tuple(sorted({h.chunk.source for h in hits if h.chunk.source}))
    outlets = find_outlets(question, sources)
    dates = find_dates(question)
    parts: list[Part] = []
    spare: list[str] = []
    ahead: tuple[tuple[str, ...], DateMention | None] | None = None
    for start, end in _spans(question, outlets):
        text = question[start:end].strip(" ,;'\"?.")
        own = tuple(dict.fromkeys(s for o in outlets if start <= o.start < end for s in o.sources))
        window = next((d for d in dates if start <= d.start < end), None)
        if len(_claim_words(text, outlets, start)) < _PART_WORDS:
            if own and not _COMMENT.match(text):  # "After A reported on May 2, | that X …"
                ahead = (own, window)
            spare.extend(own)
            continue
        if ahead is not None and not own and re.match(r"(?:that|how|whether)\b", text, re.I):
            own, window = ahead[0], window or ahead[1]
        ahead = None
        parts.append(Part(text, start, own, window))
    spare = list(dict.fromkeys(spare))
    return [p if p.sources else Part(p.text, p.start, tuple(spare), p.window, True) for p in parts]


def answer_parts(
    question: str,
    focus: str,
    parts: list[Part],
    hits: list[Hit],
    encode: Encode,
    contradicts: Contradicts | None = None,
) -> Answer | None:
    """Return the verdict first, then each part's cited sentence; None when no part is supported.

    Args:
        question: the standalone question (recorded in the Answer).
        focus: the user's own question, which the parts were cut from.
        contradicts: the optional NLI check the verdict step may use.
    """
    evidence = gather_evidence(parts, hits, encode)
    verdict = decide(
        VerdictQuestion(focus, [part_evidence(e, hits) for e in evidence], contradicts),
        entity=lambda: shared_name(
            focus,
            [PartPassage(e.part.start, e.hit, e.sentence.text) for e in evidence
             if e.score >= VERDICT_SUPPORT],
            hits,
        ),
    )
    rests_on = set(verdict.parts) if verdict is not None else set()
    quoted = [e for i, e in enumerate(evidence) if e.supported or i in rests_on]
    if not quoted or (verdict is None and 2 * len(quoted) < len(evidence)):
        return None  # most of what was asked is not in the passages: not an answer
    citations: list[Citation] = []
    lines: list[str] = []
    numbers: dict[tuple[int, int], int] = {}
    for item in quoted:
        key = (item.hit, item.sentence.start)
        if key in numbers:
            continue
        numbers[key] = len(citations) + 1
        citations.append(make_citation(numbers[key], hits[item.hit], item.sentence, item.score))
        chunk = hits[item.hit].chunk
        quote = item.sentence.text.rstrip().rstrip(".")
        lines.append(f"{attribution(chunk)} {quote} [{numbers[key]}].")
    head = _head(focus, verdict)
    missed = [e.part for e in evidence if e not in quoted]
    note = ""
    if missed and not (verdict is not None and verdict.rule == "missing"):
        # Worded without "yes"/"no" so that it never reads as a verdict.
        note = "Not found in the retrieved passages: " + "; ".join(f"“{p.text}”" for p in missed)
        note += "."
    text = "\n\n".join(x for x in (head, "\n\n".join(lines), note) if x)
    checked = check_support("\n\n".join(lines), citations)
    if head:
        checked.insert(0, summary_line(head, citations, checked))
    word = verdict.word if verdict is not None and verdict.word else None
    return Answer(
        text=text, citations=citations, question=question, answered=True, sentences=checked,
        verdict=word, verdict_rule=verdict.rule if verdict is not None else None,
    )


def _head(question: str, verdict: Verdict | None) -> str:
    """Return the line that states the verdict (or that the articles don't decide it)."""
    if verdict is None:
        return ""
    if not verdict.word:
        return f"{NO_ANSWER.rstrip('.')} — {verdict.reason}."
    return f"{verdict.word} — {verdict.reason}:"


def part_evidence(item: Evidence, hits: list[Hit]) -> PartEvidence:
    return PartEvidence(item.part.text, claim_text(item.part.text), item.sentence.text, item.score,
                        hits[item.hit].chunk, item.hit, item.part.lent or not item.part.sources)


def is_multi_part(parts: list[Part]) -> bool:
    """Return True when the question asks what several parts or named outlets say."""
    named = any(p.sources for p in parts)
    return named and (len(parts) > 1 or any(len(p.sources) > 1 for p in parts))


def gather_evidence(parts: list[Part], hits: list[Hit], encode: Encode) -> list[Evidence]:
    """Return the best sentence for each part (parts naming two outlets get one per outlet)."""
    return [ranked[0] for ranked in rank_evidence(parts, hits, encode, 1) if ranked]


def rank_evidence(
    parts: list[Part], hits: list[Hit], encode: Encode, keep: int
) -> list[list[Evidence]]:
    """Return, for each part (and each outlet a part names two of), its `keep` best sentences."""
    candidates = [(i, s) for i, hit in enumerate(hits) for s in split_sentences(hit.chunk.text)
                  if not s.text.rstrip().endswith("?")]  # a question in the article says nothing
    if not candidates:
        return []
    jobs: list[tuple[Part, tuple[str, ...]]]
    # "Did A and B both report X?" needs X from each; "X, as reported by A and B" from either.
    jobs = [(p, (s,)) for p in parts if len(p.sources) > 1 and not p.lent for s in p.sources]
    jobs += [(p, p.sources) for p in parts if len(p.sources) <= 1 or p.lent]
    jobs.sort(key=lambda job: job[0].start)
    known = tuple(sorted({h.chunk.source for h in hits if h.chunk.source}))
    claims = [claim_text(_without_outlets(p.text, known)) for p, _ in jobs]
    vectors = encode(claims + [s.text for _, s in candidates])
    sentence_vectors = vectors[len(jobs) :]
    found: list[list[Evidence]] = []
    for j, (part, sources) in enumerate(jobs):
        cosines = sentence_vectors @ vectors[j]
        words = content_words(claims[j]) - _META_WORDS
        ranked = [
            Evidence(replace(part, sources=sources), i, sentence,
                     0.6 * float(cosine) + 0.4 * overlap(words, sentence.text))
            for (i, sentence), cosine in zip(candidates, cosines, strict=True)
            if _from(hits[i], sources, part.window, hits)
        ]
        ranked.sort(key=lambda e: -e.score)  # stable: the first of equals, as before
        if ranked:
            found.append(ranked[:keep])
    return found


def _spans(question: str, outlets: list[OutletMention]) -> list[tuple[int, int]]:
    """Return clause spans, each cut again before its second and later outlet mentions."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(question):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(question)))
    cut: list[tuple[int, int]] = []
    for begin, end in spans:
        inside = [o for o in outlets if begin < o.start < end]
        edges = [begin] + [o.start for o in inside if _own_claim(question, o, end)] + [end]
        cut.extend((a, b) for a, b in itertools.pairwise(edges) if b > a)
    return cut


def _own_claim(question: str, outlet: OutletMention, end: int) -> bool:
    """Return True when words of its own follow the outlet ('… before The Roar covered X')."""
    after = question[outlet.end : end]
    return not re.match(r"\W*(?:and|or|,)\b", after) and len(content_words(after)) >= _PART_WORDS


def _claim_words(text: str, outlets: list[OutletMention], offset: int) -> set[str]:
    if _COMMENT.match(text):
        return set()
    for mention in reversed(find_dates(text)):  # "reported on October 22, 2023" claims nothing
        text = text[: mention.start] + " " + text[mention.end :]
    names = {w for o in outlets for s in o.sources for w in content_words(s)}
    return content_words(text) - names - _META_WORDS - _FUNCTION_STEMS


def _without_outlets(text: str, sources: tuple[str, ...]) -> str:
    """Return a part without the outlet names it mentions: a sentence rarely names its outlet."""
    for mention in reversed(find_outlets(text, sources)):
        text = text[: mention.start] + text[mention.end :]
    return text


def claim_text(text: str) -> str:
    """Return a part without the words that talk about the reporting ("the article suggests")."""
    kept = [w for w in text.split() if not (content_words(w) and content_words(w) <= _META_WORDS)]
    return " ".join(kept)


def _from(hit: Hit, sources: tuple[str, ...], window: DateMention | None, hits: list[Hit]) -> bool:
    """Return True when the hit may support a part: its outlet and date, when those are known."""
    present = {h.chunk.source for h in hits}
    if sources and any(s in present for s in sources) and hit.chunk.source not in sources:
        return False
    if window is not None and hit.chunk.published_at is not None:
        dated = [h for h in hits if h.chunk.published_at and window.contains(_date(h))]
        return not dated or window.contains(_date(hit))
    return True


def _date(hit: Hit) -> date:
    assert hit.chunk.published_at is not None
    return hit.chunk.published_at.date()


def attribution(chunk: Chunk) -> str:
    date = f" ({chunk.published_at:%Y-%m-%d})" if chunk.published_at else ""
    return f"{_outlet(chunk)}{date}:"


def _outlet(chunk: Chunk) -> str:
    return chunk.source or chunk.title

