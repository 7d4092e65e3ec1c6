"""The embedded default answerer: picks and orders the retrieved sentences that answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.answer.extractive.asked import answer_type
from assistant.schema import Hit
from assistant.text import METONYMS, Sentence, content_words, is_demonym, split_sentences
from assistant.text.synonyms import synonym_overlap

Encode = Callable[[list[str]], np.ndarray]

_CAUSE = re.compile(
    r"\b(because|in response to|due to|after|amid|citing|since|as a result|"
    r"so that|in order to|comes as|following|fear|concern)",
    re.I,
)
# "Why …?", "What worry kept …?", "For what reason …?": a cause is asked for.
_WHY = re.compile(
    r"\s*(?:why\b|(?:for )?what (?:worry|worries|concern|concerns|fear|fears|reason|reasons|"
    r"motive|motivated|prompted|led to|caused)\b)",
    re.I,
)
_QUESTION_NAME = re.compile(r"(?<=\w[\s,])[A-Z][\w’'-]+")
_NOT_NAMES = {
    "I",
    "US",
    "U.S.",
    "UK",
    "EU",
    "UN",
    "The",
    "A",
    "An",
    "In",
    "On",
    "Of",
    "And",
    "According",
    "What",
    "Who",
    "When",
    "Where",
    "Why",
    "How",
    "Which",
}

HIT_RANK_WEIGHT = 0.03
"""Sentences are ordered by score less this much per place their passage is below the first.

Retrieval ranks the passage that holds the answer first for ~95 % of questions, so of two
sentences that fit the question alike, the one from the better-ranked passage is more likely
the answer. It orders only (what is stated first); whether to answer still reads the score.
One weight, 0.01-0.08 tried on the blind answer set, halves cross-validated: the sentence
holding the gold answer comes first for 141 of 210 questions instead of 133 (+4 on each half);
end to end `lead_match` 0.596 → 0.617 (evals/reports/answers.md, session 8)."""

_TYPE_WORDS = content_words(
    "date day year month time number many much city cities town country countries nation state "
    "place person people individual general official leader"
)


@dataclass(frozen=True)
class Scored:
    """A candidate sentence from one hit, with its relevance to the question."""

    hit: int
    sentence: Sentence
    score: float
    cosine: float


def score_sentences(
    question: str, focus: str, hits: list[Hit], encode: Encode, typed: bool = True
) -> list[Scored]:
    """Return every sentence of the hits scored against the question, best first.

    typed=False ignores the answer type the question names: for questions about the article
    itself ("Who wrote the piece about …?") the sentence only has to find the article.
    """
    candidates: list[tuple[int, Sentence]] = []
    before: list[set[str]] = []  # what a sentence opening with "it"/"he"/"they" refers back to
    follows: list[int] = []  # the candidate just before it in its passage, or -1
    for i, hit in enumerate(hits):
        previous, previous_kept = "", False
        for sentence in split_sentences(hit.chunk.text):
            kept = states_something(sentence.text)
            if kept:
                leans = previous_kept and _LEANS_BACK.search(" ".join(sentence.text.split()[:10]))
                follows.append(len(candidates) - 1 if leans else -1)
                candidates.append((i, sentence))
                before.append(_names(previous) if _REFERS_BACK.match(sentence.text) else set())
            previous, previous_kept = sentence.text, kept
    if not candidates:
        return []
    vectors = encode([question] + [s.text for _, s in candidates])
    cosines = _in_context(vectors[1:], follows, vectors[0])
    words = content_words(focus)
    wanted, tied_to = answer_type(focus) if typed else None, question_words(question)
    why = bool(_WHY.match(focus))
    defines = _definition_pattern(focus)
    asks_time = wanted is not None and wanted.name in ("date", "day", "when", "duration")
    years = set() if asks_time else _years(focus)  # a "when" may be another year
    scored = []
    for (i, sentence), cosine, referred in zip(candidates, cosines, before, strict=True):
        if typed and years and not _in_year(years, sentence.text, hits[i]):
            continue  # "the 1993 second leg", "the November 2023 summit": not another year's
        lexical = synonym_overlap(words, content_words(sentence.text) | referred)
        score = 0.6 * float(cosine) + 0.4 * lexical - 0.01 * i
        if wanted is not None and not wanted.fits(sentence.text, tied_to):
            score -= 0.1
        elif wanted is not None and wanted.fills(sentence.text, tied_to):
            score += 0.1  # it holds what was asked ("cost $48 million", "President Joe Biden")
        if why and _CAUSE.search(sentence.text):
            score += 0.1
        if defines is not None and defines.search(sentence.text):
            score += 0.25  # "Mayor Tomas Berg said …" is how "Who is the mayor of …?" is answered
        scored.append(Scored(i, sentence, score, float(cosine)))
    return sorted(scored, key=lambda s: s.score - HIT_RANK_WEIGHT * s.hit, reverse=True)


def _in_context(vectors: np.ndarray, follows: list[int], question: np.ndarray) -> np.ndarray:
    """Return each sentence's likeness to the question, read alone or with the sentence before it.

    A fact is often split over two sentences ("Apple's event is called Scary Fast. On October
    30, the company is hosting it …"): the pair's vector (the sum of the two, normalised) is
    compared too, where the sentence leans on the one before (`_LEANS_BACK`: "it", "the
    company" in its first words), and the better likeness counts — for both sentences of the
    pair: the one before may hold the asked fact. The stored vectors are
    reused; nothing is embedded again."""
    alone = vectors @ question
    previous = np.array([f if f >= 0 else i for i, f in enumerate(follows)])
    pairs = vectors + vectors[previous]
    pairs /= np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-9)
    paired = pairs @ question
    read: np.ndarray = np.maximum(alone, paired)
    np.maximum.at(read, previous, paired)  # the sentence before shares its pair's likeness
    return read


# What a sentence points back with: a subject pronoun, or "the company" for a name said before.
_PRONOUNS = "it|he|she|they|its|his|her|their"
_BACK_NOUNS = "company|firm|startup|group|club|team|festival|event|app|game|study|report"
# A sentence whose subject points back ("In January, it raised $3.5 million", "He said …"): the
# names of the sentence before it are what it is about.
_REFERS_BACK = re.compile(
    rf"^(?:[^,]{{0,40}},\s+)?(?:{_PRONOUNS}|the (?:{_BACK_NOUNS}))\b", re.I
)
# A sentence that leans on the one before it anywhere in its first words, as a subject or not
# ("him", "this", "the deal"; "On October 30, the company is hosting …").
_LEANS_BACK = re.compile(
    rf"\b(?:{_PRONOUNS}|him|them|this|that|these|those|the (?:{_BACK_NOUNS}|deal|move|plan|"
    r"decision|agency|bank|case|trial|film|show|book|album|product|device|service))\b",
    re.I,
)
_NAME_WORD = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*")


def _names(sentence: str) -> set[str]:
    """Return the stemmed capitalised words of a sentence (function words dropped): its names."""
    return content_words(" ".join(_NAME_WORD.findall(sentence)))


HEADING_WORDS = 6
"""A line of at most this many words with no closing punctuation is a heading or a caption."""
_CLOSED = re.compile(r"[.!…:;\"”’')\]]\s*$")


def states_something(sentence: str) -> bool:
    """Return False for a line that asserts nothing: a question ("Will the Panthers fire Frank
    Reich?") or a heading ("Frank Reich coaching record", "ElectraMeccanica Solo")."""
    text = sentence.strip()
    if text.endswith("?") or text.endswith("?”") or text.endswith('?"'):
        return False
    return len(text.split()) > HEADING_WORDS or bool(_CLOSED.search(text))


_WHO_IS_ROLE = re.compile(
    r"^\s*who\s+(?:is|was|are|were)\s+(?:the\s+)?(?:new\s+)?([a-z][\w-]*)", re.I
)
_WHO_IS_NAME = re.compile(
    r"^\s*(?i:who)\s+(?i:is|was)\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+)\s*\??\s*$"
)
# "Who is Check Point's president?" asks what "Who is the president of Check Point?" asks.
_WHO_IS_OWNED_ROLE = re.compile(
    r"^\s*who\s+(?:is|was)\s+(?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*['’]s\s+(?:new\s+)?"
    r"([a-z][\w-]*)\s*\??\s*$",
    re.I,
)
_PERSON = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+"


def _definition_pattern(focus: str) -> re.Pattern[str] | None:
    """Return what a sentence that defines the asked person looks like, for 'who is …?'.

    "Who is the mayor of X?" is answered by "Mayor Tomas Berg …" or "Tomas Berg, the mayor";
    "Who is Tomas Berg?" by "Tomas Berg, the mayor of …" or "Mayor Tomas Berg".
    """
    named = _WHO_IS_NAME.match(focus)
    if named:
        name = re.escape(named.group(1))
        return re.compile(rf"{name},\s+(?:the\s+|a\s+|an\s+)?[a-z]|\b[A-Z][a-z]+\s+{name}\b")
    role = _WHO_IS_OWNED_ROLE.match(focus) or _WHO_IS_ROLE.match(focus)
    if role is None or role.group(1).lower() in {"the", "a", "an", "he", "she", "it", "they"}:
        return None
    word = re.escape(role.group(1))
    return re.compile(rf"(?i:\b{word})\s+{_PERSON}|{_PERSON},\s+(?:the\s+|a\s+)?(?:\w+\s+)?"
                      rf"(?i:{word})\b")


_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# A fiscal year as companies write it: "FY22", "FY2022", "fiscal 2022" (`_years`).
_FISCAL = re.compile(r"\bFY\s?'?(\d\d(?:\d\d)?)\b")


def _years(text: str) -> set[str]:
    """Return the years a text names, a fiscal year ("FY22") read as its year ("2022")."""
    fiscal = {y if len(y) == 4 else f"20{y}" for y in _FISCAL.findall(text)}
    return set(_YEAR.findall(text)) | fiscal


def _in_year(years: set[str], sentence: str, hit: Hit) -> bool:
    """Return True when a sentence may speak of the year a question names.

    A sentence naming years names one of the question's; one naming none must come from a
    passage that mentions the year or from an article published in it."""
    named = _years(sentence)
    if named:
        return bool(named & years)
    published = hit.chunk.published_at
    return bool(years & _years(hit.chunk.text)) or (
        published is not None and str(published.year) in years
    )


def question_names(question: str) -> list[str]:
    """Return the capitalised words inside the question (not its first word), the names."""
    return [w for w in _QUESTION_NAME.findall(question) if w not in _NOT_NAMES]


# Region words a question uses where the article names the place itself: "on which European
# island" is answered by "the Italian island of Stromboli", which never says "European".
_REGION_WORDS = {
    "European", "African", "Asian", "American", "Latin", "Arab", "Western", "Eastern",
    "Northern", "Southern", "Nordic", "Baltic", "Caribbean", "Pacific", "Atlantic",
    "Scandinavian", "Balkan", "Mediterranean", "Middle",
}


def missing_names(question: str, hits: list[Hit]) -> list[str]:
    """Return names in the question that no retrieved passage or its metadata mentions."""
    names = [n for n in question_names(question) if n not in _REGION_WORDS]
    if not names:
        return []
    haystack = " ".join(f"{h.chunk.header()} {h.chunk.author or ''} {h.chunk.text}" for h in hits)
    known = _known_words(haystack)
    return [name for name in names if not _named(name, known)]


def _known_words(text: str) -> set[str]:
    """Return the lower-cased words of a text ("U.K." read as "UK")."""
    return {w.lower() for w in re.findall(r"\w+", text.replace(".", ""))}


def _named(name: str, known: set[str]) -> bool:
    """Return True when the words hold the name, or what it stands for ("Moscow": Russia)."""
    parts = _name_parts(name)
    if all(part in known for part in parts):  # no parts ("X's" is one letter): nothing to miss
        return True
    aliases = METONYMS.get(parts[0], ()) if len(parts) == 1 else ()
    if len(parts) == 1 and is_demonym(name.strip(" ,.?").capitalize()):
        # "Indians" is found by "India", "India" by "Indian": a country and its people
        stem = parts[0][:4]
        return any(word.startswith(stem) and is_demonym(word.capitalize()) for word in known)
    return any(all(word in known for word in alias.split()) for alias in aliases)


def grounded(
    question: str, hits: list[Hit], scored: list[Scored], context: str = ""
) -> list[Scored]:
    """Return the sentences whose passage names what the question is about, when some does.

    "How many jobs is ASOS cutting?" is not answered from a passage about Dunzo's layoffs:
    a sentence counts only if its passage (text, title) mentions most of the question's names,
    a name being a run of capitalised words ("Scalable Capital" is not found by "Capital").
    A follow-up that names nothing ("Who led it?") is grounded by the names of the question
    it follows (`context`). When no passage does, nothing is dropped (`missing_names` decides
    that case)."""
    names = _name_runs(question) or _name_runs(context)
    if not names:
        return scored
    need = (len(names) + 1) // 2
    ok = {i for i, hit in enumerate(hits) if _mentions(hit, names) >= need}
    kept = [s for s in scored if s.hit in ok]
    return kept if ok else scored


def _name_runs(question: str) -> list[list[str]]:
    """Return the question's names as runs of adjacent capitalised words."""
    runs: list[list[str]] = []
    end = -1
    for match in _QUESTION_NAME.finditer(question):
        word = match.group()
        if word in _NOT_NAMES or word in _REGION_WORDS:
            end = -1
            continue
        if runs and question[end:match.start()] == " ":
            runs[-1].append(word)
        else:
            runs.append([word])
        end = match.end()
    return runs


def _mentions(hit: Hit, names: list[list[str]]) -> int:
    """Return how many of the names (all of a name's words) the hit's passage or title mentions."""
    known = _known_words(f"{hit.chunk.title} {hit.chunk.text}")
    return sum(all(_named(word, known) for word in name) for name in names)


def _name_parts(name: str) -> list[str]:
    parts = re.split(r"[-’']", name.lower().replace(".", ""))
    return [p for p in parts if len(p) > 1 and p not in {"s", "elect"}]


def choose_sentences(
    scored: list[Scored], threshold: float, limit: int, focus: str = "", question: str = ""
) -> list[Scored]:
    """Return the best sentences that clear the threshold, without repeats, at most `limit`.

    A question that names its answer type only takes sentences holding such an entity tied to
    the question's words (`entities.AnswerType.fits`).
    """
    wanted = answer_type(focus)
    if wanted is not None:
        tied_to = question_words(question or focus)
        scored = [s for s in scored if wanted.fits(s.sentence.text, tied_to)]
    if not scored or scored[0].score < threshold:
        return []
    floor = max(threshold, scored[0].score - 0.12)
    chosen: list[Scored] = []
    for candidate in scored:
        if candidate.score < floor or len(chosen) >= limit:
            break
        if not any(_same_text(candidate, other) for other in chosen):
            chosen.append(candidate)
    return _complete(chosen, [s for s in scored if s.score >= threshold], limit, focus)


def _complete(chosen: list[Scored], relevant: list[Scored], limit: int, focus: str) -> list[Scored]:
    """Add relevant sentences that cover question words the chosen ones leave out.

    "Had Biden previously assured Americans …?" is best matched by a sentence about what Biden
    approved; the one that says what he had assured, with fewer shared words overall, is added
    because it holds two or more question words ("assured", "Americans") no chosen sentence has.
    """
    wanted = content_words(focus)
    while len(chosen) < limit:
        covered = set().union(*(content_words(c.sentence.text) for c in chosen))
        best, gain = None, 1
        for candidate in relevant:
            new = len((content_words(candidate.sentence.text) & wanted) - covered)
            if new > gain and not any(_same_text(candidate, other) for other in chosen):
                best, gain = candidate, new
        if best is None:
            break
        chosen.append(best)
    return chosen


def question_words(question: str) -> set[str]:
    """Return the question's content words without the words that name the answer type."""
    return content_words(question) - _TYPE_WORDS


def _same_text(a: Scored, b: Scored) -> bool:
    words_a, words_b = content_words(a.sentence.text), content_words(b.sentence.text)
    if not words_a or not words_b:
        return True
    return len(words_a & words_b) / min(len(words_a), len(words_b)) > 0.8
