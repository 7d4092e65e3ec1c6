"""Abstaining, in one place: the words every "the articles don't say" starts with, the refusing
Answer, and the requests that are not questions about the articles."""

from __future__ import annotations

import re

from assistant.schema import Answer

NO_ANSWER = "The articles don't say."

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(articles?|instructions?|sources?|context|"
    r"passages?|rules?|above|previous|prompt)\b|"
    r"\b(system prompt|you are now|pretend (to be|you))\b",
    re.I | re.S,
)
_TASK = re.compile(
    r"^\s*(please\s+)?(write|compose|generate|draft|translate|tell me a joke|"
    r"give me a recipe|sing|code)\b",
    re.I,
)


def refuse(question: str, reason: str = "") -> Answer:
    """Return the abstaining Answer."""
    text = NO_ANSWER + (f" {reason}" if reason else "")
    return Answer(text=text, citations=[], question=question, answered=False)


def is_instruction(question: str) -> bool:
    """Return True for requests to drop the articles or do an unrelated task."""
    return bool(_INSTRUCTION.search(question) or _TASK.search(question))
