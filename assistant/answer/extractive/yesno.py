"""The verdict of a single yes/no question: does the best sentence state the claim asked about?

"Is the Biden administration trying to slow down the remaining aid?" is answered by "The Biden
administration has also been working to expedite the remaining approved US aid" — the sentence
is found, but a user asked for a Yes or a No. Each rule below reads the question's claim against
the chosen sentence; the first that applies decides (`RULES`), and its reason is stated after
the word. A question the rules cannot decide is answered "The articles don't settle it in those
words; these are the closest sentences." and its quotes (`extractive.UNSETTLED`).

- **other value** — the question states an amount, share, count or date and the sentence states
  another of the same kind and unit for it, and none that agrees ("$50 million" against "$30
  million"): *No*. `values.differs` decides, as it does for reports that differ.
- **opposite** — the question's verb or adjective is absent from the sentence and the sentence
  holds its opposite (`OPPOSITES`: "slow down" / "expedite", "deepen" / "scale back", "won" /
  "lost"): *No*.
- **denied** — in the sentence a word of the claim follows "not", "never" or "nor" within
  `NEGATION_REACH` words ("never signed a prenuptial agreement", "not SoftBank Group"), or a
  clause holding two of the claim's words is turned down ("declined to do so", "rejected"),
  where the question is not negated: *No*. "Not only" negates nothing.
- **other place** — the question puts the claim in a place or at a name after "in/at" that the
  sentence does not mention, and the sentence names another one there ("in Brussels" for "in
  Washington"): *No*.
- **stated** — none of the above, and the sentence holds at least `STATED_SHARE` of the
  question's content words (`claim_words`; a word of the same `text.synonyms` group counts:
  "dismissed" is stated by "relieved"), every number of the claim (a year aside), and all
  but `MISSING_WORDS` of its other words that are not names, and does not only allow it
  (`HEDGE`: "may", "could", "suggests", unless the question hedges too): *Yes*. Otherwise the
  sentence is related but may not state the claim ("Amazon raised its offer" is not stated by
  a sentence about Amazon's offer), and no verdict is given.

A "stated" Yes also needs every name of the question in the sentence's passage: "Was the post
written by Instagram head Adam Mosseri?" is not stated by a sentence about the post from a
passage that never names Mosseri.

No verdict either when the sentence leaves the claim open ("it isn't clear whether …", "aren't
guaranteed to fire him") or is
itself a question, or when the question is negated ("Has Meta not complied …?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.extractive.sentences import question_names
from assistant.answer.values import differs, sentence_values
from assistant.text import CALENDAR_WORDS, content_words
from assistant.text.synonyms import held

STATED_SHARE = 0.6
"""Share of the question's claim words (`claim_words`) a sentence must hold to state the claim."""

YES_NO = re.compile(
    r"^\s*(?i:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b|"
    r",\s*(?i:did|does|do|is|was|were|are|has|have|had)\s+"
    r"(?:(?i:there|the|it|they|both|this|that)\b|['‘\"]?[A-Z])"
)
"""A question of yes/no form: it opens with an auxiliary, or a clause after a comma does."""
_OR = re.compile(r"\bor\b", re.I)  # "Was it X or Y?" asks which, not whether
# "Can you tell me who …?", "Do you know when …?": a request for a fact, not a yes/no claim.
_REQUEST = re.compile(r"\s*(?:can|could|would|will|do|did)\s+(?:you|i|we)\b", re.I)
# A word that negates what follows it ("never signed", "not SoftBank Group"), not "not only".
_NOT = re.compile(r"\b(?:not|never|no longer|nor)\b(?!\s+(?:only|just|least|yet)\b)|n[’']t\b", re.I)
# A verb that turns down the clause it is in ("declined to do so", "rejected the offer").
_REFUSED = re.compile(
    r"\b(?:refus\w*|declin\w* to|den(?:y|ies|ied)|reject\w*|ruled out|failed to)\b", re.I
)
_UNSURE = re.compile(
    r"\b(?:(?:is|was|are|were|it['’]s)(?:n['’]t| not) (?:yet )?(?:clear|known)|unclear|unknown|"
    r"remains? to be seen|(?:did|does|do)(?:n['’]t| not) (?:say|disclose|specify|confirm)|"
    r"declined to (?:comment|say|disclose)|"
    r"(?:is|are|was|were)(?:n['’]t| not) (?:yet )?(?:guaranteed|certain|sure|expected|likely))\b",
    re.I,
)
NEGATION_REACH = 4
"""Words after "not"/"never" in which a word of the claim must be for the claim to be denied."""
MISSING_WORDS = 2
"""Claim words besides names and years a sentence may lack and still state the claim."""
# Words that only frame the question, never part of the claim asked about.
_FRAME = content_words(
    "did does do is was were are has have had can could will would should be been being "
    "according report reports reported article story say says said the a an any"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# A change stated by its direction alone: "up from $1.2 million", "down 5%".
_DIRECTION = [
    (re.compile(r"\bup (?:from|by|about|nearly|almost|\d|[$€£])", re.I), "increased"),
    (re.compile(r"\bdown (?:from|by|about|nearly|almost|\d|[$€£])", re.I), "decreased"),
]
_PARTICLES = (["back"], ["down"], ["up"], ["off"], ["out"])  # "scale back", "slow down"
_PLACE_AFTER = re.compile(r"\b(?:in|at)\s+((?:[A-Z][\w’'-]+\s?){1,3})")

# Opposite meanings, each a pair of word groups; a word of one side and one of the other.
OPPOSITES: list[tuple[frozenset[str], frozenset[str]]] = [
    (frozenset(content_words(a)), frozenset(content_words(b)))
    for a, b in (
        ("increase increased rise rose risen raise raised grow grew grown gain gained boost "
         "boosted expand expanded deepen deepened escalate escalated hike hiked climb climbed "
         "jump jumped surge surged higher more widen widened balloon ballooned soar soared",
         "decrease decreased fall fell fallen drop dropped cut cuts reduce reduced shrink shrank "
         "decline declined scale lower lowered slash slashed ease eased plunge plunged less "
         "fewer narrow narrowed"),
        ("speed expedite expedited accelerate accelerated hasten rush rushed faster",
         "slow slowed delay delayed postpone postponed stall stalled"),
        ("approve approved allow allowed permit permitted authorize authorized authorise "
         "authorised grant granted accept accepted",
         "reject rejected ban banned block blocked deny denied forbid forbade prohibit "
         "prohibited veto vetoed refuse refused"),
        ("win won wins victory beat beaten", "lose lost loses defeat defeated"),
        ("support supported endorse endorsed favor favour", "oppose opposed against condemn "
         "condemned"),
        ("hire hired hiring", "fire fired layoffs laid"),
        ("buy bought acquire acquired purchase purchased", "sell sold divest divested"),
        ("join joined", "leave left quit exit exited resign resigned"),
        ("profit profitable", "loss losses"),
        ("include included including", "exclude excluded excluding"),
        ("confirm confirmed", "deny denied"),
        ("succeed succeeded success successful", "fail failed failure"),
        ("open opened reopen reopened", "close closed shut"),
        ("convicted guilty", "acquitted innocent"),
        ("legal lawful", "illegal unlawful"),
    )
]


@dataclass(frozen=True)
class YesNo:
    """A single question's verdict: its word, the rule that decided it and why."""

    word: str  # "Yes" or "No"
    rule: str
    reason: str


def is_yes_no(question: str) -> bool:
    """Return True for a question answered by Yes or No ("Did …?", not "Did A or B …?" nor
    "Can you tell me who …?")."""
    asks = bool(YES_NO.search(question)) and not _OR.search(question)
    return asks and not _REQUEST.match(question)


def best_sentence(question: str, sentences: list[str]) -> int:
    """Return the index of the sentence that states most of the claim, its plain words first
    (of two sentences naming Northside Bakery, the one that says "hire … bakers")."""
    words = claim_words(question)
    plain = words - _names(question)
    return max(range(len(sentences)), key=lambda i: (
        len(plain & content_words(sentences[i])), len(words & content_words(sentences[i]))
    ))


def claim_words(question: str) -> set[str]:
    """Return the stemmed words of the claim a yes/no question asks about."""
    return content_words(question) - _FRAME


def decide(question: str, sentence: str, unmentioned: Sequence[str] = ()) -> YesNo | None:
    """Return the verdict on a yes/no question's claim from the sentence that best states it.

    Args:
        unmentioned: names of the question the sentence's passage does not mention ("Adam
            Mosseri"): the claim is then about someone else, and no "stated" Yes is given.
    """
    if _NOT.search(question) or sentence.rstrip().endswith("?"):
        return None  # "Has Meta not complied …?" or a sentence that asks: no positive claim
    if _UNSURE.search(sentence):
        return None  # "It isn't clear whether …": the article leaves it open
    for rule in RULES:
        verdict = rule(question, sentence)
        if verdict is not None:
            return None if verdict.rule == STATED and unmentioned else verdict
    return None


def _other_value(question: str, sentence: str) -> YesNo | None:
    asked, stated = sentence_values(question), sentence_values(sentence)
    for value in asked:
        same = [v for v in stated if v.kind == value.kind and v.unit == value.unit
                and v.text not in value.text and value.text not in v.text]  # "3 September"
        if same and len(same) == len([v for v in stated if v.kind == value.kind]) and all(
            differs(value, v) for v in same
        ):
            return YesNo("No", "other value", f"it gives {same[0].text}, not {value.text}")
    return None


def _opposite(question: str, sentence: str) -> YesNo | None:
    asked, held = content_words(question), content_words(sentence)
    for pattern, word in _DIRECTION:  # "up from $1.2 million": it rose
        if pattern.search(sentence):
            held |= content_words(word)
    for one, other in OPPOSITES:
        for side, against in ((one, other), (other, one)):
            said = asked & side
            if said and not said & held and held & against:
                return YesNo("No", "opposite", f"it says “{_phrase(sentence, against)}”")
    return None


def _phrase(sentence: str, words: frozenset[str]) -> str:
    """Return the sentence's first word in `words`, with its particle ("scale back")."""
    split = sentence.split()
    at = next((i for i, w in enumerate(split) if content_words(w) & words), None)
    if at is None:  # said by direction: "up from $1.2 million"
        found = next(m for p, _ in _DIRECTION if (m := p.search(sentence)))
        return " ".join(sentence[found.start() :].split()[:3]).strip(",.;:")
    end = at + 2 if split[at + 1 : at + 2] in _PARTICLES else at + 1
    return " ".join(split[at:end]).strip(",.;:")


def _denied(question: str, sentence: str) -> YesNo | None:
    words = claim_words(question)
    for clause in re.split(r"[,;:]\s|\s[—–-]\s", sentence):
        near = [" ".join(clause[m.end() :].split()[:NEGATION_REACH]) for m in _NOT.finditer(clause)]
        refused = _REFUSED.search(clause) and len(words & content_words(clause)) >= 2
        if refused or any(words & content_words(after) for after in near):
            return YesNo("No", "denied", f"it says “{clause.strip(' ,.;:')}”")
    return None


def _other_place(question: str, sentence: str) -> YesNo | None:
    for match in _PLACE_AFTER.finditer(question):
        place = match.group(1).strip()
        if place.lower() in sentence.lower() or place.split()[0] in CALENDAR_WORDS:
            continue
        there = [m.group(1).strip() for m in _PLACE_AFTER.finditer(sentence)
                 if m.group(1).split()[0] not in CALENDAR_WORDS]
        if there:
            return YesNo("No", "other place", f"it says {there[0]}, not {place}")
    return None


# A sentence that only allows the claim ("may come with a higher risk", "the study suggests"):
# it does not state what a question without such a word asks as fact.
# A modal of a relative clause qualifies that clause only ("a humanoid that could handle boxes").
HEDGE = re.compile(
    r"(?<!\bthat )(?<!\bwhich )(?<!\bwho )\b(?:may|might|could|possibly|perhaps|suggests?|"
    r"suggested)\b",
    re.I,
)


def _stated(question: str, sentence: str) -> YesNo | None:
    if HEDGE.search(sentence) and not HEDGE.search(question):
        return None  # "Did the study show cannabis causes …?" is not stated by "may come with"
    words, stated = claim_words(question), content_words(sentence)
    there = {w for w in words if held(w, stated)}  # "dismissed" is there as "relieved"
    if not words or len(there) / len(words) < STATED_SHARE:
        return None
    numbers = {w for w in words if any(c.isdigit() for c in w) and not _YEAR.fullmatch(w)}
    plain = words - _names(question) - {w for w in words if _YEAR.fullmatch(w)}
    if numbers - stated or len(plain - there) > MISSING_WORDS:
        return None  # "a 12-year deal" is not stated by "a 10-year deal", nor "raised" by "sent"
    return YesNo("Yes", STATED, "the article states it")


def _names(question: str) -> set[str]:
    """Return the stemmed names of the question (`sentences.question_names`)."""
    return content_words(" ".join(question_names(question)))


STATED = "stated"
"""The rule of a "Yes" read from the claim's words in the sentence (not found against it)."""

FOUND_AGAINST = frozenset({"other value", "opposite", "denied", "other place"})
"""The rules whose "No" rests on words found in the sentence, not on words missing from it."""

RULES: tuple[Callable[[str, str], YesNo | None], ...] = (
    _other_value, _opposite, _denied, _other_place, _stated,
)
"""The rules in the order they are tried; see the module docstring for each reason."""
