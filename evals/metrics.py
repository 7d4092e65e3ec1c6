"""Eval metrics: small pure functions, each scoring one case or aggregating a list of cases.

Definitions (the README repeats them):

- **Normalisation** (`normalize_answer`) is SQuAD-style: lower-case, drop punctuation (all
  Unicode punctuation, not only ASCII), drop the articles a/an/the, collapse whitespace. Two
  changes make it fit news text: a possessive 's (straight or curly) is dropped (`Biden's` →
  `biden`), and hyphens, dashes and slashes become spaces (`2024-11-18` → `2024 11 18`), so a
  year or a name stays a word of its own. Other punctuation is deleted: `10,000` → `10000`.
  A figure's scale is written one way: `$69bn`, `$69B` and `$69 billion` are all
  `$69 billion`; `m`/`mn` → `million`; `%` and `per cent` → `percent`.
- **Containment** is on whole words: the normalised accepted answer must appear in the
  normalised text with a word boundary on both sides (`war` is not found in `award`).
- **answer_match**: any accepted answer is contained in the answer text.
- **Cited evidence** of a citation: its quote (its passage when the quote is empty) plus its
  article's metadata line (title, outlet, author, publication date as `2024-11-18` and as
  `November 18, 2024`), since the assistant shows those with every source and metadata
  questions ("who wrote…") are answered from them.
- **cited_answer_match**: an accepted answer is contained in the answer text *and* that same
  accepted answer is contained in the cited evidence or the passage of one of
  `Answer.citations` (every citation the answer lists counts as cited).
- **Markers** are `[n]` or `[n, m, …]` in the answer text. A marker belongs to the sentence
  it ends; a marker that starts a sentence (written after the full stop, `… Russia. [1]`)
  belongs to the sentence before it.
- **citation_validity**: share of markers whose number is the `n` of a citation. None when
  the text has no markers.
- **citation_precision**: share of markers whose citation *supports* the sentence: at least
  half of the sentence's content words (words left after removing markers and `STOP_WORDS`,
  compared as a set) occur among the content words of the citation's cited evidence. A marker
  without a citation counts as unsupported; so does a sentence with no content words. None
  when the text has no markers.
- **Abstention** aggregates take `(expected_unanswerable, abstained)` pairs, one per case.
- **Article-level retrieval** takes one article key per retrieved passage in rank order (the
  same article may occur several times); k counts passages.
- **MultiHop-RAG** retrieval and QA rules copy the authors' `retrieval_evaluate.py` and
  `qa_evaluate.py` (see `mhr_retrieval_scores`, `mhr_lenient_match`).
- **RealTime QA** EM and F1 copy the authors' `utils/tools.py`: their normalisation lower-cases,
  deletes ASCII punctuation and collapses whitespace, without removing articles.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

from assistant.schema import Answer, Citation

SUPPORT_THRESHOLD = 0.5
"""Share of a sentence's content words its cited quote must contain to support it."""

_STOP_WORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own said same says she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself
yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
"""Words ignored when checking that a quote supports a sentence."""

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
_POSSESSIVE = re.compile("['\u2019]s\\b")
_SEPARATORS = re.compile("[-\u2010-\u2015/]")  # hyphen, dashes, slash
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_WORD = re.compile(r"\w+")
_MHR_ANSWER = re.compile(r'The answer to the question is "(.*?)"')
_YES_NO = {"yes": "no", "no": "yes"}


# A figure's scale written three ways: "$69bn", "$69B", "$69 billion"; "40%", "40 per cent".
_SCALES = (
    (re.compile(r"(\d)\s*(?:bn|b|billion)\b"), r"\1 billion"),
    (re.compile(r"(\d)\s*(?:mn|m|million)\b"), r"\1 million"),
    (re.compile(r"(\d)\s*(?:%|per\s*cent|percent)"), r"\1 percent"),
)


def normalize_answer(text: str) -> str:
    """Return `text` normalised SQuAD-style (see the module docstring for the changes)."""
    text = text.lower()
    for pattern, written in _SCALES:
        text = pattern.sub(written, text)
    text = _POSSESSIVE.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _contains(haystack: str, needle: str) -> bool:
    """Whether normalised `needle` occurs in normalised `haystack` as whole words."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def matching_answers(text: str, accepted: Iterable[str]) -> list[str]:
    """Return the accepted answers whose normalised form is contained in `text`."""
    normalised = normalize_answer(text)
    return [a for a in accepted if _contains(normalised, normalize_answer(a))]


def answer_match(answer_text: str, accepted: Iterable[str]) -> bool:
    """Return whether any accepted answer is contained (normalised, whole words) in the text."""
    return bool(matching_answers(answer_text, accepted))


_FIRST_MARKER = re.compile(r"\[\d+\]")


def lead_match(answer_text: str, accepted: Iterable[str]) -> bool:
    """Return whether an accepted answer is in what a reader sees first: the answer's text up to
    its first citation marker (the verdict or slot and the first cited sentence)."""
    marker = _FIRST_MARKER.search(answer_text)
    return answer_match(answer_text[: marker.end()] if marker else answer_text, accepted)


def cited_evidence(citation: Citation) -> str:
    """Return a citation's quote (else its passage) and its article's metadata line."""
    meta = [citation.title, citation.source, citation.author]
    if (published := citation.published_at) is not None:
        meta += [published.date().isoformat(), f"{published:%B} {published.day}, {published.year}"]
    return f"{citation.quote or citation.passage}\n" + " | ".join(m for m in meta if m)


def cited_answer_match(answer: Answer, accepted: Iterable[str]) -> bool:
    """Return whether a matching accepted answer also occurs in a citation's evidence."""
    matched = matching_answers(answer.text, accepted)
    cited = [f"{cited_evidence(c)}\n{c.passage}" for c in answer.citations]
    return any(answer_match(text, matched) for text in cited)


def cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split text into sentences, each with the marker numbers that follow it, markers removed."""
    result: list[tuple[str, list[int]]] = []
    for piece in _SENTENCE_END.split(text.strip()):
        leading = _LEADING_MARKERS.match(piece)
        if leading and result:  # "… Russia. [1] Next sentence": [1] belongs to the sentence before
            result[-1][1].extend(_marker_numbers(leading.group()))
            piece = piece[leading.end() :]
        result.append((_MARKER.sub("", piece).strip(), _marker_numbers(piece)))
    return [(sentence, numbers) for sentence, numbers in result if sentence or numbers]


def _marker_numbers(text: str) -> list[int]:
    """Return every number in the [n] / [n, m] markers of `text`, in order."""
    return [int(n) for group in _MARKER.findall(text) for n in group.split(",")]


def strip_markers(text: str) -> str:
    """Return text without its [n] citation markers."""
    return " ".join(_MARKER.sub(" ", text).split())


def citation_validity(answer: Answer) -> float | None:
    """Return the share of [n] markers that map to a citation, or None without markers."""
    numbers = _marker_numbers(answer.text)
    if not numbers:
        return None
    known = {c.n for c in answer.citations}
    return sum(n in known for n in numbers) / len(numbers)


def content_words(text: str) -> set[str]:
    """Return the lower-cased words of `text` that are not markers or stop words."""
    text = _POSSESSIVE.sub("", _MARKER.sub(" ", text.lower()))
    return {w for w in _WORD.findall(text) if w not in STOP_WORDS}


def supports(quote: str, sentence: str, threshold: float = SUPPORT_THRESHOLD) -> bool:
    """Return whether `quote` holds at least `threshold` of the sentence's content words."""
    words = content_words(sentence)
    if not words:
        return False
    return len(words & content_words(quote)) / len(words) >= threshold


def citation_precision(answer: Answer) -> float | None:
    """Return the share of [n] markers whose citation supports their sentence, or None."""
    by_n = {c.n: cited_evidence(c) for c in answer.citations}
    checks = [
        n in by_n and supports(by_n[n], sentence)
        for sentence, numbers in cited_sentences(answer.text)
        for n in numbers
    ]
    return sum(checks) / len(checks) if checks else None


def _ratio(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator, or None when the denominator is 0."""
    return numerator / denominator if denominator else None


def refusal_recall(outcomes: Sequence[tuple[bool, bool]]) -> float | None:
    """Return the share of unanswerable cases the assistant abstained on, or None."""
    abstained = [a for unanswerable, a in outcomes if unanswerable]
    return _ratio(sum(abstained), len(abstained))


def refusal_precision(outcomes: Sequence[tuple[bool, bool]]) -> float | None:
    """Return the share of abstentions that were on unanswerable cases, or None."""
    expected = [unanswerable for unanswerable, a in outcomes if a]
    return _ratio(sum(expected), len(expected))


def false_refusal_rate(outcomes: Sequence[tuple[bool, bool]]) -> float | None:
    """Return the share of answerable cases the assistant abstained on, or None."""
    abstained = [a for unanswerable, a in outcomes if not unanswerable]
    return _ratio(sum(abstained), len(abstained))


def article_key(article_id: str, title: str, gold: Collection[str]) -> str:
    """Return the gold entry naming this article (by id or title), else its id.

    Gold lists may name articles by id or by title; titles compare case- and space-insensitively.
    """
    if article_id in gold:
        return article_id
    folded = " ".join(title.split()).casefold()
    for entry in gold:
        if " ".join(entry.split()).casefold() == folded:
            return entry
    return article_id


def first_gold_rank(ranked: Sequence[str], gold: Collection[str], k: int) -> int | None:
    """Return the 1-based rank of the first gold article in the top k, or None."""
    return next((rank for rank, key in enumerate(ranked[:k], 1) if key in gold), None)


def hit_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> bool:
    """Return whether a passage of a gold article is among the top k."""
    return first_gold_rank(ranked, gold, k) is not None


def mrr_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Return 1/rank of the first passage of a gold article in the top k, else 0."""
    rank = first_gold_rank(ranked, gold, k)
    return 1 / rank if rank else 0.0


def article_recall_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Return the share of gold articles with a passage in the top k."""
    return len(set(gold) & set(ranked[:k])) / len(set(gold)) if gold else 0.0


def all_evidence_recall_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> bool:
    """Return whether every gold article has a passage in the top k."""
    return bool(gold) and set(gold) <= set(ranked[:k])


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the q-th percentile (0..100, linear interpolation as numpy's default), or None."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(timings: Sequence[Mapping[str, float]]) -> dict[str, float | None]:
    """Return `latency_p50_ms`, `latency_p95_ms` (of `total`) and p50/p95 per other stage."""
    stages = sorted({stage for t in timings for stage in t if stage != "total"})
    totals = [t["total"] for t in timings if "total" in t]
    summary = {"latency_p50_ms": percentile(totals, 50), "latency_p95_ms": percentile(totals, 95)}
    for stage in stages:
        values = [t[stage] for t in timings if stage in t]
        summary[f"latency_{stage}_p50_ms"] = percentile(values, 50)
        summary[f"latency_{stage}_p95_ms"] = percentile(values, 95)
    return summary


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Return the mean of the values that are not None, or None when there are none."""
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def mhr_strip(text: str) -> str:
    """Remove spaces and newlines, as the MultiHop-RAG authors do (tabs and others stay)."""
    return text.replace(" ", "").replace("\n", "")


def mhr_retrieval_scores(
    retrieved_chunk_texts: Sequence[str], gold_facts: Sequence[str]
) -> dict[str, float]:
    """Return one query's MultiHop-RAG retrieval scores, computed as the authors' script does.

    A chunk is relevant when any gold fact, with spaces and newlines removed, is a substring of
    it (also stripped). Only the top 10 chunks count. `map@10` sums, at each relevant rank, the
    number of facts matched there for the first time divided by the rank, and divides the sum by
    min(len(gold_facts), 10). Averaging these dicts over queries gives the authors' numbers.
    Besides their four keys: `fact_recall@10` (share of gold facts matched in the top 10) and
    `all_evidence@10` (1.0 when every gold fact is matched), for issue 5.

    Raises:
        ValueError: for an empty `gold_facts` (null queries are not scored for retrieval).
    """
    if not gold_facts:
        raise ValueError("no gold facts: MultiHop-RAG null queries are not scored for retrieval")
    gold = [mhr_strip(fact) for fact in gold_facts]
    found: list[str] = []
    first_rank: int | None = None
    precision_sum = 0.0
    for rank, chunk in enumerate((mhr_strip(c) for c in retrieved_chunk_texts[:10]), 1):
        if not any(fact in chunk for fact in gold):
            continue
        first_rank = first_rank or rank
        new = 0
        for fact in gold:  # a repeated gold fact is found once but still counts in min(len, 10)
            if fact in chunk and fact not in found:
                found.append(fact)
                new += 1
        precision_sum += new / rank
    return {
        "mrr@10": 1 / first_rank if first_rank else 0.0,
        "map@10": precision_sum / min(len(gold), 10),
        "hits@10": float(first_rank is not None),
        "hits@4": float(first_rank is not None and first_rank <= 4),
        "fact_recall@10": sum(fact in found for fact in gold) / len(gold),
        "all_evidence@10": float(all(fact in found for fact in gold)),
    }


def mhr_extract_answer(output: str) -> str:
    """Return the quoted part of `The answer to the question is "…"`, else the whole output."""
    match = _MHR_ANSWER.search(output)
    return match.group(1) if match else output


def mhr_lenient_match(output: str, gold: str) -> bool:
    """Return the MultiHop-RAG authors' verdict: the lower-cased whitespace words overlap.

    Quirks kept on purpose: any shared word counts ("the", "a"), punctuation stays attached
    ("information." ≠ "information"), and an output holding both "yes" and "no" passes any
    yes/no question.
    """
    prediction = mhr_extract_answer(output).lower().split()
    return bool(set(prediction) & set(gold.lower().split()))


def mhr_strict_match(output: str, gold: str) -> bool:
    """Return our strict verdict: the normalised gold equals or is contained in the answer.

    The answer is first extracted as the authors do. For a yes/no gold answer the output must
    also not contain the opposite word, so "yes and no" fails.
    """
    prediction = normalize_answer(mhr_extract_answer(output))
    expected = normalize_answer(gold)
    if expected in _YES_NO and _contains(prediction, _YES_NO[expected]):
        return False
    return prediction == expected or _contains(prediction, expected)


def rtqa_normalize(text: str) -> str:
    """Return text as the RealTime QA authors normalise it: lower, no ASCII punctuation."""
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    for counter in "年歳人년":  # the authors drop these CJK counter characters too
        text = text.replace(counter, "")
    return " ".join(text.split())


def rtqa_exact_match(prediction: str, gold: str) -> bool:
    """Return whether the normalised prediction equals the normalised gold answer."""
    return rtqa_normalize(prediction) == rtqa_normalize(gold)


def rtqa_f1(prediction: str, gold: str) -> float:
    """Return the token-level F1 of prediction against gold, as the RealTime QA authors do."""
    predicted, expected = rtqa_normalize(prediction).split(), rtqa_normalize(gold).split()
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)
