"""The answer check: does the extractive answer's quote answer the question at all?

The default answerer picks the sentence that best fits the question's words and asked-for type,
so it can quote a sentence about the right story that does not hold the asked fact: "He faces up
to 50 years in prison" for how long Caroline Ellison faces, last year's revenue for this year's.
The local model reads that mismatch better than word overlap does. Before its second opinion,
the model is shown the answer's first two quotes and the question, "Do the quotes answer the
question? Yes or No.", and its first-token log-odds are read (`backends.yes_odds`, one prompt
evaluation, nothing generated). Below `ANSWER_DOUBT` the answer becomes an abstention that names
the article the quotes came from; otherwise the answer goes on as before.

Not checked: answers read from the catalog (byline, outlet, date), multi-part questions (the
claim check reads those, `llm.claims`), and abstentions. Measured on both blind answer sets with
paired runs: evals/reports/llm-vs-extractive.md (session 11).
"""

from __future__ import annotations

from assistant.answer.extractive.verdict import SLOT_RULE
from assistant.answer.extractive.yesno import STATED
from assistant.answer.llm.backends import LLM, yes_odds
from assistant.answer.llm.prompts import build_answer_check_prompt
from assistant.answer.refusal import refuse
from assistant.schema import Answer

ANSWER_DOUBT = 0.0
"""Log-odds of "Yes" below which the quotes read as not answering: the model's own boundary."""


CHECKED_RULES = frozenset({None, SLOT_RULE, STATED})
"""Answers the check reads: quotes chosen for the question's words (no rule), a span of the asked
type (`slot`), a yes/no "Yes" read from shared words (`stated`). Not a "No" found written in the
sentence, a verdict of a multi-part question (`llm.claims` reads those) or the catalog's facts."""


def needs_check(answer: Answer) -> bool:
    """Return True for an answer the check reads (`CHECKED_RULES`, with quotes)."""
    return answer.answered and bool(answer.citations) and answer.verdict_rule in CHECKED_RULES


def check_answer(question: str, answer: Answer, llm: LLM) -> tuple[Answer, float]:
    """Return the answer (or the abstention that replaces it) and the model's log-odds."""
    odds = yes_odds(llm, *build_answer_check_prompt(question, answer.citations))
    if odds >= ANSWER_DOUBT:
        return answer, odds
    title = " ".join(answer.citations[0].title.split())
    reason = f"They cover “{title}”, but its closest sentences don't answer that."
    return refuse(question, reason), odds
