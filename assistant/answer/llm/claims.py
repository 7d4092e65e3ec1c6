"""The claim check: does each report say what the question says it does?

A comparison question ("Does the Polygon article suggest that Spider-Man embodies the spirit of
Easter …, while The Independent …?") is "No" when one of its reports does not say what the
question puts in its mouth. MultiHop-RAG's "No" questions are its "Yes" questions with one word
swapped ("Easter" for "Thanksgiving", "supportive" for "anticompetitive", "abandoning" for
"turning to"): every part still finds a sentence about the same thing, so the extractive rules
read "Yes" (`verdict.supported`, `verdict.relation`), and no lexical signal tells the two apart
(evals/reports/multihop-rag-dev/report.md). The local model can, one claim at a time:

- each part of the question (not the clause that only asks how the reports relate) is shown
  with its report's `CLAIM_QUOTES` best sentences (`multihop.rank_evidence`, each a window with
  the sentence before it), and the model is asked whether the quotes say it;
- nothing is generated: the reply's first-token log-odds of "Yes" over "No" is read
  (`backends.yes_odds`), so one check costs one prompt evaluation (~2 s on 2 cores);
- a part whose odds fall below `CLAIM_DOUBT` makes the answer "No", citing that part's quotes
  and the other parts' best sentence: "No — Polygon does not say “…”: …"; when every part
  holds, the rule's verdict stands, and a verdict the rules left open (a part's best sentence
  scored low) becomes "Yes".

Measured on MultiHop-RAG dev with paired runs: evals/reports/llm-vs-extractive.md (session 11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.cite import check_support, make_citation, summary_line
from assistant.answer.extractive.multihop import (
    Evidence,
    attribution,
    is_multi_part,
    part_evidence,
    rank_evidence,
    split_parts,
)
from assistant.answer.extractive.sentences import Encode
from assistant.answer.llm.backends import LLM, yes_odds
from assistant.answer.llm.evidence import window
from assistant.answer.llm.prompts import build_claim_prompt
from assistant.answer.refusal import is_instruction
from assistant.schema import Answer, Citation, Hit

CLAIM_QUOTES = 2
"""Sentences of its report each part is checked against (the best two; one often lacks it)."""

CLAIM_DOUBT = 0.0
"""Log-odds of "Yes" over "No" below which a part reads as not said by its report: the model's
own boundary (it finds "No" likelier), not a fitted threshold (session 11 report)."""

CLAIM_CHECKED = frozenset({"supported", "relation", "missing"})
"""Verdict rules of the extractive answer whose parts the model checks: those that read "every
part found a sentence" as the reports saying what the question says, and the one that leaves
the verdict open because a part's best sentence scored low (`extractive.verdict`)."""

CLAIM_OPEN = "missing"
"""The rule that gives no verdict: when the model reads every part as said, the answer is Yes."""

CLAIM_RULE = "claim"
"""`Answer.verdict_rule` of a "No" the claim check gave."""

_LEAD = re.compile(
    r"^\s*(?:(?:and|while|whereas|but|or|,)\s+)*(?:does|did|do|is|was|are|were|has|have|had)\s+",
    re.I,
)


@dataclass(frozen=True)
class ClaimCheck:
    """One part of the question, the quotes it was checked against (best first), the odds."""

    claim: str
    evidence: list[Evidence]
    odds: float

    @property
    def doubted(self) -> bool:
        """Return True when the model reads the quotes as not saying the claim."""
        return self.odds < CLAIM_DOUBT


def check_claims(focus: str, hits: list[Hit], encode: Encode, llm: LLM) -> list[ClaimCheck]:
    """Return the model's reading of each part of a multi-part question ([] for any other).

    Args:
        focus: the user's own question, which the parts are cut from.
    """
    parts = split_parts(focus, hits)
    if not is_multi_part(parts):
        return []
    checks = []
    for ranked in rank_evidence(parts, hits, encode, CLAIM_QUOTES):
        if part_evidence(ranked[0], hits).asks_relation:
            continue  # "…, indicating a difference": what the verdict decides, not a claim
        quotes = [window(hits[e.hit], e.sentence) for e in ranked
                  if not is_instruction(e.sentence.text)]
        if not quotes:
            continue
        claim = _LEAD.sub("", ranked[0].part.text).strip()
        claim = claim[:1].upper() + claim[1:]
        odds = yes_odds(llm, *build_claim_prompt(claim, quotes))
        checks.append(ClaimCheck(claim, ranked, odds))
    return checks


def claim_answer(
    question: str, checks: list[ClaimCheck], hits: list[Hit], checked: Answer
) -> Answer:
    """Return the answer the claim checks give.

    "No" when the model reads a part as not said by its report (the quotes of that part and the
    best sentence of every other part cited); "Yes" when the extractive answer left the verdict
    open (`CLAIM_OPEN`) and the model reads every part as said; else the extractive answer.
    """
    doubted = [c for c in checks if c.doubted]
    if doubted:
        worst = min(doubted, key=lambda c: c.odds)
        chunk = hits[worst.evidence[0].hit].chunk
        head = f"No — {chunk.source or chunk.title} does not say {_what_is_said(worst.claim)}:"
        return _answer(question, head, "No", checks, hits, worst)
    if checks and checked.verdict_rule == CLAIM_OPEN:
        outlets = ", ".join(dict.fromkeys(_outlet(hits[c.evidence[0].hit]) for c in checks))
        head = f"Yes — each report says what the question states ({outlets}):"
        return _answer(question, head, "Yes", checks, hits, None)
    return checked


def _answer(
    question: str, head: str, word: str, checks: list[ClaimCheck], hits: list[Hit],
    worst: ClaimCheck | None,
) -> Answer:
    """Return the verdict line, then each part's best quote (all of `worst`'s), each cited."""
    citations: list[Citation] = []
    lines: list[str] = []
    seen: dict[str, int] = {}
    quoted = [e for c in checks for e in (c.evidence if c is worst else c.evidence[:1])]
    for item in quoted:
        key = " ".join(item.sentence.text.split())  # overlapping chunks hold a sentence twice
        if key in seen:
            continue
        seen[key] = len(citations) + 1
        citations.append(make_citation(seen[key], hits[item.hit], item.sentence, item.score))
        quote = item.sentence.text.rstrip().rstrip(".")
        lines.append(f"{attribution(hits[item.hit].chunk)} {quote} [{seen[key]}].")
    body = "\n\n".join(lines)
    checked = check_support(body, citations)
    checked.insert(0, summary_line(head, citations, checked))
    return Answer(
        text=f"{head}\n\n{body}", citations=citations, question=question, answered=True,
        sentences=checked, verdict=word, verdict_rule=CLAIM_RULE,
    )


# "The Sydney Morning Herald' suggest that | the US economy …": what the report is said to say.
_SAYS = re.compile(
    r"^.{0,80}?\b(?:suggests?|claims?|reports?|reported|says?|said|indicates?|implies|imply|"
    r"implied|states?|mentions?|discuss(?:es|ed)?|describes?|described|accuses?|highlights?|"
    r"notes?|argues?|shows?|focus(?:es)? on)\b(?:\s+that)?\s+",
    re.I,
)


def _what_is_said(claim: str) -> str:
    """Return the claim as the verdict line quotes it: “X” after "that" when it names its
    report ("Polygon suggests that X"), else the whole part in quotes."""
    said = _SAYS.match(claim)
    if said and len(claim) - said.end() >= 15:
        return f"that “{claim[said.end():].strip(' ,')}”"
    return f"“{claim.strip(chr(39) + ' ')}”"


def _outlet(hit: Hit) -> str:
    return hit.chunk.source or hit.chunk.title
