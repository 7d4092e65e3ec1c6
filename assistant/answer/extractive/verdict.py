"""The verdict step: from each part's cited evidence to the conclusion stated first.

A multi-part question ("Did TechCrunch report X before The Verge covered Y?", "Does Fortune
say X, while TechCrunch reports Y?", "Who is the person … reported by both A and B?") is
answered by first finding, for each part, the sentence that best supports it
(`multihop.gather_evidence`). This module reads that evidence and decides the answer's first
word. Every rule is here, in the order it is tried, with its reason; the first that applies
decides (`RULES`). The answer then cites the evidence of every part the verdict rests on.

- **missing** — a yes/no question with a part no passage supports (best sentence below
  `VERDICT_SUPPORT`) gets no verdict: the answer says which part the articles don't cover.
  A verdict on half the evidence would be a guess. The clause that asks how the reports relate
  and names none of them ("…, was there a change in X?") is not a part to support: it is what
  the verdict decides (`PartEvidence.asks_relation`); the answer still says it found no passage
  for it, and cites only the parts that are supported.
- **order** — the question asks whether one report came before or after another ("Did A
  report X before B reported Y?"): the cited articles' publication dates decide, and the answer
  states both. The catalog's dates, not dates in the text. Questions that merely set the scene
  in time ("After A reported X, was B consistent…?") are not order questions.
- **contradiction** — only with the optional NLI model (`answer.nli`), and not for questions
  about how reports relate: a part whose evidence sentence contradicts the part's claim
  (logit difference below `NLI_CONTRADICTION`, the reading found when the model was probed,
  not fitted here) gives "No": the article says otherwise. Measured on dev it helps claim
  questions and hurts "consistent / changed" ones, where two reports differ in what they
  cover without contradicting each other.
- **relation** — the question asks how the reports relate and every part is supported. What the
  default can read of two supported reports is fixed: with no contradiction found they are
  *consistent* with each other, and two reports on different days report *a development*, not
  the same thing again. So: asked for consistency, agreement or alignment → "Yes"; for
  inconsistency, disagreement, contradiction, or whether one "failed to" keep consistent →
  "No"; for a change, shift or difference → "Yes"; for "no change", "unchanged", "the same" →
  "No"; an either-or question ("consistent or inconsistent", "agreement or disagreement")
  gets the consistent option as its word. "Did A fail to report X before B …" is read with
  the order rule and turned: the rule's Yes is the question's No.
- **supported** — every part is supported, each from the outlet it names: "Yes". The question's
  claims are what the cited sentences say. Questions about how reports relate ("consistent",
  "a change", "similar") get the same rule: without a contradiction found, the reports are
  read as consistent with what the question states.
- **entity** — "which company / who …" questions: the name the parts' passages share, full
  name as written (`entity.shared_name`).

Measured on the MultiHop-RAG dev split (evals/reports/multihop-rag-dev/): per rule how often
it fired and was right, and for yes/no questions the confusion matrix and balanced accuracy.
A negation-mismatch rule ("not" in the claim but not in the evidence → "No") was measured and
left out: it fired on 32 % of gold-Yes and 39 % of gold-No comparison questions, so it lowered
accuracy (0.63 → 0.58) for a balanced-accuracy gain of 0.035.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from assistant.answer.extractive.yesno import FOUND_AGAINST, YES_NO
from assistant.schema import Chunk

VERDICT_SUPPORT = 0.35
"""Part score (0.6 cosine + 0.4 word share, as `multihop.PART_SUPPORT`) a verdict needs per part.

Lower than the 0.45 a quoted part needs: a part of a long comparison question is a paraphrase
of its sentence, and the verdict also needs the sentence to come from the named outlet."""
NLI_CONTRADICTION = -3.0
"""logit0 − logit1 of the optional NLI model below which a pair reads as a contradiction."""

_ENTITY = re.compile(r"^\s*(?:which|what|who|whose|whom)\b", re.I)
# The main question asks about order: its verb clause holds "before/after" between two reports.
_ORDER_ASKED = re.compile(
    r"(?:^|,)\s*(?:did|was|were|is|does|has|had)\b[^?,]*?\b(before|after|prior to|earlier than|"
    r"later than|preceding|following)\b",
    re.I,
)
_RELATION = re.compile(r"\b(?:chang\w*|consisten\w*|differ\w*|same|similar\w*|shift\w*)\b", re.I)
# A clause asking how the reports relate ("was there a change in …", "do they differ"): what the
# verdict decides, not a claim any one report states.
_RELATION_PART = re.compile(
    r"\b(?:chang\w*|consisten\w*|inconsisten\w*|differ\w*|same|similar\w*|shift\w*|compar\w*|"
    r"contrast\w*|align\w*|agree\w*|conflict\w*|remain\w*|unchanged)\b",
    re.I,
)
# How reports relate, as a question asks it (see `_relation`).
_RELATION_ASKED = re.compile(
    r"\b(?:chang\w*|consisten\w*|inconsisten\w*|differ\w*|same|similar\w*|shift\w*|"
    r"align\w*|agree\w*|disagree\w*|contradict\w*|unchanged|evolv\w*)\b",
    re.I,
)
_SAME_SOURCE = re.compile(
    r"\b(?:the )?same (?:news )?(?:source|outlet|publication|site|day|date|article|report|"
    r"newspaper|author|time)\b",
    re.I,
)
_EITHER_OR = re.compile(
    r"\b(consistent|agreement|aligned|similar)\s+or\s+(?:inconsistent|disagreement|misaligned|"
    r"different|dissimilar)\b",
    re.I,
)
_CONSISTENCY = re.compile(r"\b(?:consisten\w*|inconsisten\w*|agree\w*|disagree\w*|align\w*|"
                          r"contradict\w*)\b", re.I)
_INCONSISTENCY = re.compile(r"\b(?:inconsisten\w*|disagree\w*|contradict\w*|misalign\w*|"
                            r"not (?:consistent|in agreement|aligned))\b", re.I)
_SAMENESS = re.compile(r"\bno (?:change|shift|difference)\b|\bunchanged\b|\b(?:remain\w*|stay\w*|"
                       r"the)\s+(?:the\s+)?same\b", re.I)
_FAILED = re.compile(r"\bfail(?:ed|s)? to\b", re.I)
_EARLIER = ("before", "prior to", "earlier than", "preceding")


@dataclass(frozen=True)
class PartEvidence:
    """What the verdict reads of one part: its words, its claim, its best sentence and article."""

    text: str  # the part as the question words it
    claim: str  # without the words about the reporting ("the article suggests")
    sentence: str
    score: float
    chunk: Chunk
    hit: int
    lent: bool = False  # the part names no outlet of its own

    @property
    def supported(self) -> bool:
        """Return True when the sentence supports the part well enough for a verdict."""
        return self.score >= VERDICT_SUPPORT

    @property
    def asks_relation(self) -> bool:
        """Return True for the clause that asks how the reports relate, naming none of them."""
        return self.lent and bool(_RELATION_PART.search(self.text))


Contradicts = Callable[[list[tuple[str, str]]], list[bool]]
"""(premise, hypothesis) pairs -> whether each premise contradicts its hypothesis."""


@dataclass(frozen=True)
class Verdict:
    """The conclusion: its first word, the rule that decided it, and the sentence saying why."""

    word: str  # "Yes", "No", a name; "" when the evidence does not decide
    rule: str
    reason: str
    parts: tuple[int, ...] = ()  # indexes of the evidence the verdict rests on


@dataclass(frozen=True)
class Question:
    """What a rule reads: the user's question and each part's evidence."""

    text: str
    evidence: Sequence[PartEvidence]
    contradicts: Contradicts | None = None


Rule = Callable[[Question], Verdict | None]


def decide(question: Question, entity: Callable[[], str] | None = None) -> Verdict | None:
    """Return the verdict of the first rule that applies, or None for a question with none."""
    if not question.evidence:
        return None
    if _ENTITY.match(question.text):
        name = entity() if entity is not None else ""
        every = tuple(range(len(question.evidence)))
        if name:
            return Verdict(name, "entity", "named in the passages of the question's parts", every)
        return None
    if not YES_NO.search(question.text):
        return None
    for rule in RULES:
        verdict = rule(question)
        if verdict is not None:
            return verdict
    return None  # pragma: no cover - `supported` always decides


def _missing(question: Question) -> Verdict | None:
    gaps = [i for i, e in enumerate(question.evidence) if not e.supported and not e.asks_relation]
    if not gaps and any(e.supported for e in question.evidence):
        return None
    gaps = gaps or list(range(len(question.evidence)))
    named = "; ".join(f"“{question.evidence[i].text}”" for i in gaps)
    # Worded without "yes" or "no", so that an abstention never reads as a verdict.
    return Verdict("", "missing", f"none of the retrieved passages supports {named}")


def _order(question: Question) -> Verdict | None:
    asked = _ORDER_ASKED.search(question.text)
    if asked is None or _RELATION.search(question.text) or len(question.evidence) < 2:
        return None
    first, second = question.evidence[0], question.evidence[1]
    a, b = first.chunk.published_at, second.chunk.published_at
    if first.chunk.article_id == second.chunk.article_id or a is None or b is None or a == b:
        return None
    earlier = a < b
    wanted_earlier = asked.group(1).lower() in _EARLIER
    word = "Yes" if (earlier == wanted_earlier) != bool(_FAILED.search(question.text)) else "No"
    relation = "before" if earlier else "after"
    reason = (f"{_outlet(first.chunk)} published on {_day(a)}, {relation} "
              f"{_outlet(second.chunk)} on {_day(b)}")
    return Verdict(word, "order", reason, (0, 1))


def _contradiction(question: Question) -> Verdict | None:
    if question.contradicts is None or _RELATION.search(question.text):
        return None  # how two reports relate is not a claim a sentence can contradict
    pairs = [(e.sentence, e.claim) for e in question.evidence]
    flags = question.contradicts(pairs)
    against = [i for i, flag in enumerate(flags) if flag]
    if not against:
        return None
    part = question.evidence[against[0]]
    reason = f"{_outlet(part.chunk)} says otherwise than “{part.text}”"
    return Verdict("No", "contradiction", reason, tuple(range(len(question.evidence))))


def _supported(question: Question) -> Verdict:
    outlets = ", ".join(dict.fromkeys(_outlet(e.chunk) for e in question.evidence if e.supported))
    reason = f"each part is supported by the report it names ({outlets})"
    rests_on = tuple(i for i, e in enumerate(question.evidence) if e.supported)
    return Verdict("Yes", "supported", reason, rests_on)


def _relation(question: Question) -> Verdict | None:
    text = _SAME_SOURCE.sub(" ", question.text)
    if not _RELATION_ASKED.search(text):
        return None
    supported = tuple(i for i, e in enumerate(question.evidence) if e.supported)
    outlets = ", ".join(dict.fromkeys(_outlet(question.evidence[i].chunk) for i in supported))
    either = _EITHER_OR.search(text)
    if either:
        word = either.group(1)[:1].upper() + either.group(1)[1:].lower()
        return Verdict(word, "relation", f"no report contradicts another ({outlets})", supported)
    if _CONSISTENCY.search(text):
        negated = bool(_INCONSISTENCY.search(text) or _FAILED.search(text))
        reason = f"no report contradicts another ({outlets})"
        return Verdict("No" if negated else "Yes", "relation", reason, supported)
    reason = f"the reports ({outlets}) tell of different events, not the same one again"
    if _SAMENESS.search(text):
        return Verdict("No", "relation", reason, supported)
    return Verdict("No" if _FAILED.search(text) else "Yes", "relation", reason, supported)


RULES: tuple[Rule, ...] = (_missing, _order, _contradiction, _relation, _supported)
"""The yes/no rules in the order they are tried; see the module docstring for each reason."""

CATALOG_RULE = "catalog"
"""`Answer.verdict_rule` of an answer read from the catalog (who wrote it, where, when)."""

SLOT_RULE = "slot"
"""`Answer.verdict_rule` of a single-question answer led by the typed span it asked for."""

SETTLED: frozenset[str] = frozenset(
    {"order", "relation", "entity", CATALOG_RULE, SLOT_RULE, *FOUND_AGAINST}
)
"""Rules whose verdict an LLM is not asked to second-guess (`answer.llm_asks = "unsettled"`).

A question about the article itself is answered from the catalog (`catalog`): its byline, outlet
and date are facts the model can only get wrong (it said "The articles don't say." to one).
An answer led by a span of the asked type (`slot`: "$4.85 million — …") is kept too: on the
first 118 questions of the blind answer set the model changed 6 of them, 1 for the better
(evals/reports/llm-vs-extractive.md, session 9).

A single yes/no question's "No" that a rule found written in the sentence — another value, the
opposite word, a negation, another place (`yesno.FOUND_AGAINST`) — is kept: on the blind yes/no
set the model turned 3 of those 10 into a wrong "Yes" and none into a right one, while of the
10 "Yes" verdicts read from shared words (`stated`, not settled) it corrected all 3 wrong ones
and kept the 7 right (evals/reports/llm-vs-extractive.md, session 10).

The catalog's dates (order), how reports relate (relation) and the name every part's passages
share (entity) are read more reliably by the rules than by the local 1.5B model; where the
rules have no settled reading — a claim each part's sentence only appears to support
(`supported`), a part no passage supports (`missing`), no rule at all — the model decides.
Measured with paired runs on MultiHop-RAG dev: evals/reports/llm-vs-extractive.md."""


def _outlet(chunk: Chunk) -> str:
    return chunk.source or chunk.title


def _day(moment: datetime) -> str:
    return moment.date().isoformat()
