"""Turn a follow-up into a standalone question using the conversation so far."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.answer.refusal import NO_ANSWER
from assistant.schema import Turn
from assistant.text import MONTH_NAME as _MONTH

if TYPE_CHECKING:
    from assistant.answer.llm.backends import LLM

_REFERS_BACK = re.compile(
    r"\b(he|she|it|they|them|him|her|his|hers|its|their|theirs|this|that|these|those|there|"
    r"the (decision|move|report|article|plan|deal|same)|the [\w.]+(?: [\w.]+)? (?:one|article|"
    r"piece|story|report))\b|^\s*(and|but|also|so|what about|"
    r"how about)\b",
    re.I,
)
_YEAR = r"(?:19|20)\d\d"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_PERIOD = (
    rf"(?:(?:early|mid|late)[-\s]+)?(?:{_MONTH}(?:\s+{_DAY})?(?:,?\s+{_YEAR})?|{_DAY}\s+{_MONTH}"
    rf"(?:,?\s+{_YEAR})?|{_YEAR}(?:-\d\d(?:-\d\d)?)?|(?:spring|summer|autumn|fall|winter)"
    rf"(?:\s+of)?\s+{_YEAR}|q[1-4]\s+{_YEAR})"
)
# A time window the user set: "in October 2023", "since 5 May", "between 2022 and 2023",
# "last week".
_WINDOW = re.compile(
    rf"\b(?:between\s+{_PERIOD}\s+and\s+{_PERIOD}|(?:in|during|since|before|after|until|by|from|"
    rf"on|throughout|as of)\s+(?:the\s+)?{_PERIOD}|(?:last|this|past|previous)\s+(?:week|month|"
    rf"year|weekend|(?:few|\d+)\s+(?:days|weeks|months))|yesterday|today)\b(?![\d-])",
    re.I,
)
# Windows relative to an earlier one ("the week after"): the earlier window must come along.
_RELATIVE = re.compile(
    r"\b(?:the\s+(?:day|week|month|year|weekend)\s+(?:after|before)|(?:a|one|two|three|\d+)\s+"
    r"(?:days?|weeks?|months?|years?)\s+(?:later|earlier|after|before)|the\s+(?:following|"
    r"previous|next)\s+(?:day|week|month|year))\b",
    re.I,
)
_REFUSAL = NO_ANSWER.rstrip(".")
_STOP = {"What", "Who", "When", "Where", "Why", "How", "Which", "The", "A", "An", "And", "Did",
         "Does", "Do", "Is", "Are", "Was", "Were", "Can", "Could", "Would", "Should", "According",
         "In", "On", "Of", "To", "For", "I", "It", "This", "That"}


def needs_context(question: str) -> bool:
    """Return True when the question leans on earlier turns.

    Pronouns, a leading 'and …', very short questions, and questions that name no one and
    nothing (no capitalised word after the first) all depend on what was said before.
    """
    if len(question.split()) <= 4:
        return True
    named = re.search(rf"(?<=\w[\s,])(?!{_TITLES}\b)[A-Z][\w’'-]+", question)
    refers = [m for m in _REFERS_BACK.finditer(question)
              if not (named and m.start() > named.start() and m.group(1) in _POSSESSIVES)]
    return bool(refers) or not named


# Capitalised words that name a role, not someone: "Who is taking over as CEO?" names no one.
_TITLES = r"(?:CEO|CFO|CTO|COO|CMO|CIO|CPO|GM|MVP|Chairman|Chairwoman|Chair|President)"

# "How many jobs is ASOS cutting as its losses balloon?": a possessive after a name the question
# gives is that name's, not an earlier turn's.
_POSSESSIVES = {"his", "her", "its", "their", "His", "Her", "Its", "Their"}


def subject_of(text: str) -> str:
    """Return the capitalised names and key phrases of a question, the carried-over subject."""
    names = re.findall(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", text)
    kept = [n for n in names if n.split()[0] not in _STOP or len(n.split()) > 1]
    return ", ".join(dict.fromkeys(kept))


def condense_question(question: str, history: list[Turn] | None, carry_turns: int = 2) -> str:
    """Return a standalone question: the follow-up plus the subject of the previous question."""
    if not history or not needs_context(question):
        return question.strip()
    # A refused turn set no subject worth carrying ("capital of Peru?" then "Who approved it?").
    answered = [(user, reply) for user, reply in history if not reply.startswith(_REFUSAL)]
    earlier = [user for user, _ in answered[-carry_turns:] if user.strip()]
    if not earlier:
        return question.strip()
    # Walk back to the question that started the thread: follow-ups of follow-ups need it too.
    thread = [earlier[-1]]
    for user in reversed(earlier[:-1]):
        if not needs_context(thread[0]):
            break
        thread.insert(0, user)
    context = "; ".join(q.strip().rstrip("?") for q in thread)
    named = answer_names(answered[-1][1]) if answered else ""
    if named:  # "How old is he?" after "… hired Jonathan Smith [1]." is about Jonathan Smith
        context += f"; {named}"
    if _ABOUT_THE_PIECE.search(question) and (quote := cited_quote(answered[-1][1], question)):
        context += f"; {quote}"  # "When was it published?": the article the answer quoted
    standalone = f"{question.strip()} (context: {context})"
    return with_window(standalone, carried_window(question, history))


# A follow-up about the article itself: when it came out, who wrote it, where it ran.
_ABOUT_THE_PIECE = re.compile(
    r"\b(?:published|publish|wrote|written|author|byline|outlet|publication|posted|ran)\b", re.I
)
# An answer's quoted evidence: "The Verge (2023-10-26): And it was all … [2]."
_QUOTED = re.compile(
    r"^(?P<outlet>[^\n:]{2,80}?) \(\d{4}-\d\d-\d\d\): (?P<quote>.+?) \[\d+\]", re.M
)


def cited_quote(reply: str, question: str) -> str:
    """Return the quote an earlier answer gave from the outlet the follow-up names, else its first.

    Carried into the follow-up's search, the verbatim quote finds the article it came from.
    """
    quotes = [(m.group("outlet"), m.group("quote")) for m in _QUOTED.finditer(reply)]
    named = [quote for outlet, quote in quotes if outlet.casefold() in question.casefold()]
    return (named or [quote for _, quote in quotes] or [""])[0]


def answer_names(reply: str, limit: int = 2) -> str:
    """Return the names an earlier answer's first sentence gives (its lead), for a follow-up.

    The reply's attribution ("According to TechCrunch, 2023-10-02:") and markers are skipped.
    """
    text = re.sub(r"\[\d+(?:,\s*\d+)*\]", "", reply)
    text = re.sub(r"^According to [^:]{1,80}:\s*", "", text.strip())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    names = re.findall(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+", first)
    kept = [n for n in names if n.split()[0] not in _STOP]
    return ", ".join(list(dict.fromkeys(kept))[:limit])


def time_window(text: str) -> str | None:
    """Return the first time window a question sets ("in October 2023"), or None."""
    match = _WINDOW.search(text)
    return " ".join(match.group().split()) if match else None


def carried_window(question: str, history: list[Turn] | None) -> str | None:
    """Return the window an earlier turn of this thread set, if the follow-up sets none itself.

    The search walks back from the newest turn and stops at the turn that started the thread
    (the newest one that did not lean on earlier turns).
    """
    relative = bool(_RELATIVE.search(question))
    if not history or (time_window(question) and not relative):
        return None
    if not relative and not needs_context(question):
        return None
    for user, _ in reversed(history):
        window = time_window(user)
        if window:
            return window
        if not needs_context(user):
            return None
    return None


def with_window(question: str, window: str | None) -> str:
    """Return the question with the time window appended, unless it already says it."""
    if not window or window.casefold() in question.casefold():
        return question
    return f"{question} ({window})"


def condense_with_llm(
    question: str, history: list[Turn] | None, llm: LLM, carry_turns: int = 2
) -> str:
    """Return a standalone question rewritten by the LLM, or the rule-based one if it fails.

    The rewrite is used only when it keeps the follow-up's own words and brings in a word of the
    conversation; tiny local models often answer or echo instead of rewriting.
    """
    from assistant.answer.llm.prompts import build_condense_prompt

    turns = (history or [])[-carry_turns:] if carry_turns else []
    if not turns or not needs_context(question):
        return condense_question(question, history, carry_turns)
    rewritten = _first_line(_until_first_line(llm.stream(*build_condense_prompt(question, turns))))
    if not _is_rewrite(rewritten, question, turns):
        return condense_question(question, history, carry_turns)
    return with_window(rewritten, carried_window(question, history))


def _until_first_line(tokens: Iterator[str], limit: int = 400) -> str:
    """Return the reply up to its first non-empty line, without generating the rest."""
    text = ""
    for token in tokens:
        text += token
        if ("\n" in text.strip() and text.strip()) or len(text) > limit:
            break
    return text


def _first_line(reply: str) -> str:
    for line in reply.splitlines():
        line = re.sub(r"^\W*(standalone question|question|rewritten question)\s*:\s*", "",
                      line.strip(), flags=re.I)
        line = line.strip(" *\"'“”`")
        if line:
            return line
    return ""


def _is_rewrite(rewritten: str, question: str, turns: list[Turn]) -> bool:
    from assistant.text import content_words

    if not 3 <= len(rewritten.split()) <= 60 or "[" in rewritten:
        return False
    words, own = content_words(rewritten), content_words(question)
    earlier = set().union(*(content_words(user) for user, _ in turns)) - own
    keeps_own = not own or len(words & own) / len(own) >= 0.5
    return keeps_own and bool(words & earlier)
