"""The extractive answerer (the default): the retrieved sentences that answer, each cited.

A question about the article itself is answered from the catalog; a multi-part question by the
evidence of each part and a verdict (`multihop`, `verdict`); any other by the sentences that hold
the asked-for slot (`sentences`, `entities`, `titles`), a single yes/no question led by the
verdict its best sentence gives (`yesno`). Without them it abstains."""

from __future__ import annotations

import re

from assistant.answer.cite import check_support, make_citation, summary_line
from assistant.answer.extractive.asked import answer_type
from assistant.answer.extractive.multihop import answer_parts, is_multi_part, split_parts
from assistant.answer.extractive.nli import get_contradicts
from assistant.answer.extractive.places import other_country
from assistant.answer.extractive.sentences import Encode as Encode
from assistant.answer.extractive.sentences import (
    Scored,
    choose_sentences,
    grounded,
    missing_names,
    question_names,
    question_words,
    score_sentences,
)
from assistant.answer.extractive.verdict import CATALOG_RULE, SLOT_RULE
from assistant.answer.extractive.yesno import best_sentence, is_yes_no
from assistant.answer.extractive.yesno import decide as decide_yes_no
from assistant.answer.refusal import is_instruction, refuse
from assistant.config import Settings
from assistant.schema import Answer, Citation, Hit, SentenceSupport
from assistant.text import CALENDAR_WORDS, Sentence

_THE_ARTICLE = (
    r"(?:it|that|this|the (?:article|piece|story|report|news)|that (?:article|piece|story|report)|"
    r"the (?:[\w.]+\s){1,2}(?:one|article|piece|story|report))"  # "the Verge one"
)
_OUTLET_NOUN = (
    r"(?:outlet|publication|site|newspaper|paper|source|news (?:site|outlet|organi[sz]ation))"
)
_PIECE = (
    r"(?:article|piece|story|report|explainer|column|op-ed|review|essay|feature|analysis|"
    r"interview|newsletter|post|blog)"
)
# Questions about the article itself, answered from the catalog: who wrote it, where and when.
_METADATA = re.compile(
    rf"\b(?:who (?:wrote|authored|reported) {_THE_ARTICLE}|who (?:is|was) the (?:author|writer) of "
    rf"{_THE_ARTICLE}|who (?:wrote|authored|penned) (?:the |a |an )?(?:\S+\s){{0,4}}?{_PIECE}\b|"
    rf"byline|(?:which|what) {_OUTLET_NOUN}\b(?!['’]s|\s+(?:of|for)\b)|"
    rf"(?:when|what date|what day|what year) (?:was|were) {_THE_ARTICLE}\b.{{0,120}}?\b"
    r"(?:published|written|posted|reported|released|run)|when did (?:(?-i:[A-Z])[\w.&’'-]*\s){1,6}"
    rf"(?:report|publish|run|cover|write about) {_THE_ARTICLE}|publication date|"
    r"(?:date|year) of publication)",
    re.I | re.S,
)


def _quoted_hit(question: str, hits: list[Hit]) -> int | None:
    """Return the hit that holds, word for word, a quote the standalone question carries.

    A follow-up about the article itself ("When was it published?") carries the quote of the
    answer it follows (`chat.cited_quote`); the passage holding that quote is the article.
    """
    pieces = [p.strip(" ()?") for p in re.split(r";\s", question) if len(p.strip(" ()?")) >= 40]
    for i, hit in enumerate(hits):
        if any(piece in hit.chunk.text for piece in pieces):
            return i
    return None


def answer_extractively(
    question: str, focus: str, hits: list[Hit], encode: Encode, settings: Settings
) -> Answer:
    """Answer with the retrieved sentences that best answer the question, each cited."""
    if is_instruction(question):
        return refuse(question, "I answer questions from the indexed news articles only.")
    if not hits:
        return refuse(question, "Nothing in the indexed articles matches the question.")
    parts = split_parts(focus, hits)
    about_the_article = bool(_METADATA.search(focus))  # the user's words, not carried context
    if is_multi_part(parts) and not about_the_article:
        contradicts = get_contradicts(settings)
        return answer_parts(question, focus, parts, hits, encode, contradicts) or refuse(
            question, "No passage in the indexed articles supports any part of that question."
        )
    if about_the_article and (quoted := _quoted_hit(question, hits)) is not None:
        return _metadata_answer(question, hits[quoted])  # the article the last answer quoted
    scored = score_sentences(question, focus, hits, encode, typed=not about_the_article)
    if about_the_article and scored and scored[0].score >= 0.1:
        return _metadata_answer(question, hits[scored[0].hit])
    absent, named = missing_names(focus, hits), question_names(focus)
    if absent and 2 * len(absent) >= len(named):  # most of who/what it is about is not there
        return refuse(question, f"They don't mention {', '.join(absent)}.")
    kept = grounded(focus, hits, scored, question)
    if not is_yes_no(focus):  # a yes/no question's "other place" is its No (`yesno`)
        kept = [k for k in kept if not other_country(focus, k.sentence.text)]
    threshold = settings.answer.min_relevance
    chosen = choose_sentences(kept, threshold, settings.answer.max_sentences, focus, question)
    if not chosen:
        return refuse(question, _what_is_missing(focus, hits, kept, threshold))
    if is_yes_no(focus):
        return _with_verdict(_compose(question, hits, chosen), focus, hits, chosen)
    return _compose(question, hits, chosen, _lead_span(focus, question, chosen))


def _with_verdict(answer: Answer, focus: str, hits: list[Hit], chosen: list[Scored]) -> Answer:
    """Lead a yes/no question's answer with its verdict (`yesno.decide`), when a rule gives one."""
    texts = [c.sentence.text for c in chosen]
    best = best_sentence(focus, texts)
    unmentioned = [  # names not in the sentence's article ("November" names no one)
        n for n in missing_names(focus, [hits[chosen[best].hit]]) if n not in CALENDAR_WORDS
    ]
    verdict = decide_yes_no(focus, texts[best], unmentioned)
    if verdict is None:  # say so rather than leave a quote to read as the answer
        head = summary_line(UNSETTLED, answer.citations, answer.sentences)
        return answer.model_copy(update={
            "text": f"{UNSETTLED} {answer.text}", "sentences": [head, *answer.sentences],
        })
    text = f"{verdict.word} — {verdict.reason}: {answer.text}"
    return answer.model_copy(update={
        "text": text, "sentences": check_support(text, answer.citations),
        "verdict": verdict.word, "verdict_rule": verdict.rule,
    })


UNSETTLED = "The articles don't settle it in those words; these are the closest sentences."
"""How a yes/no answer opens when no rule reads a verdict from its sentences (worded without a
"yes" or "no", so that it never reads as one)."""


def _what_is_missing(focus: str, hits: list[Hit], kept: list[Scored], threshold: float) -> str:
    """Return why nothing answers: the article that covers the story but lacks the asked detail
    ("They cover “…” but don't give the amount per year."), or that no passage answers."""
    wanted = answer_type(focus)
    if wanted is not None and kept and kept[0].score >= threshold:
        title = " ".join(hits[kept[0].hit].chunk.title.split())
        return f"They cover “{title}” but don't give {wanted.described()}."
    return "No passage in the indexed articles answers that question."


def _lead_span(focus: str, question: str, chosen: list[Scored]) -> str:
    """Return the asked-for span of the best sentence ("$75 million"), or '' when none is."""
    wanted = answer_type(focus)
    if wanted is None or not wanted.leads or not chosen:
        return ""
    sentence = chosen[0].sentence.text
    spans = wanted.spans(sentence, question_words(question or focus))
    return sentence[spans[0][0] : spans[0][1]].strip(" ,.;:") if spans else ""


def _compose(question: str, hits: list[Hit], chosen: list[Scored], span: str = "") -> Answer:
    """Group chosen sentences by article (best article first), in reading order within each."""
    articles: list[str] = []
    for item in chosen:
        if hits[item.hit].chunk.article_id not in articles:
            articles.append(hits[item.hit].chunk.article_id)
    citations: list[Citation] = []
    parts: list[str] = []
    for article_id in articles:
        group = sorted(
            (c for c in chosen if hits[c.hit].chunk.article_id == article_id),
            key=lambda c: hits[c.hit].chunk.start + c.sentence.start,
        )
        texts = []
        for item in group:
            citation = _citation(len(citations) + 1, hits[item.hit], item)
            citations.append(citation)
            texts.append(f"{_strip_end(item.sentence.text)} [{citation.n}].")
        lead = _attribution(hits[group[0].hit]) if len(articles) > 1 else ""
        parts.append(lead + " ".join(texts))
    text = "\n\n".join(parts) if len(articles) > 1 else parts[0]
    if span:
        text = f"{span} — {text}"
    return Answer(
        text=text,
        citations=citations,
        question=question,
        answered=True,
        sentences=check_support(text, citations),
        verdict=span or None,
        verdict_rule=SLOT_RULE if span else None,
    )


def _citation(n: int, hit: Hit, item: Scored) -> Citation:
    return make_citation(n, hit, item.sentence, item.score)


def _metadata_answer(question: str, hit: Hit) -> Answer:
    chunk = hit.chunk
    date = chunk.published_at.date().isoformat() if chunk.published_at else "an unknown date"
    byline = f"by {chunk.author}" if chunk.author else "with no byline"
    text = (
        f"“{chunk.title}” was published {byline} in {chunk.source or 'an unnamed outlet'} "
        f"on {date} [1]."
    )
    first = chunk.text.split("\n", 1)[0]
    citation = make_citation(1, hit, Sentence(first, 0, len(first)), hit.score)
    return Answer(
        text=text,
        citations=[citation],
        question=question,
        answered=True,
        # Its facts are the cited article's own title, byline, outlet and date, as the sources
        # panel shows them: supported by the citation itself, not by a sentence of its text.
        sentences=[SentenceSupport(text=text.removesuffix(" [1]."), citations=[1], support=1.0)],
        verdict_rule=CATALOG_RULE,
    )


def _attribution(hit: Hit) -> str:
    chunk = hit.chunk
    date = f", {chunk.published_at:%Y-%m-%d}" if chunk.published_at else ""
    return f"According to {chunk.source or chunk.title}{date}: "


def _strip_end(sentence: str) -> str:
    return sentence.rstrip().rstrip(".")
