"""Turn a follow-up into a standalone question using the conversation so far."""

from __future__ import annotations

import re

from assistant.schema import Turn

_REFERS_BACK = re.compile(
    r"\b(he|she|it|they|them|him|her|his|hers|its|their|theirs|this|that|these|those|there|"
    r"the (decision|move|report|article|plan|deal|same))\b|^\s*(and|but|also|so|what about|"
    r"how about|why|when|where)\b",
    re.I,
)
_STOP = {"What", "Who", "When", "Where", "Why", "How", "Which", "The", "A", "An", "And", "Did",
         "Does", "Do", "Is", "Are", "Was", "Were", "Can", "Could", "Would", "Should", "According",
         "In", "On", "Of", "To", "For", "I", "It", "This", "That"}


def needs_context(question: str) -> bool:
    """Return True when the question leans on earlier turns (pronouns, 'and …', very short)."""
    return bool(_REFERS_BACK.search(question)) or len(question.split()) <= 4


def subject_of(text: str) -> str:
    """Return the capitalised names and key phrases of a question, the carried-over subject."""
    names = re.findall(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", text)
    kept = [n for n in names if n.split()[0] not in _STOP or len(n.split()) > 1]
    return ", ".join(dict.fromkeys(kept))


def condense_question(question: str, history: list[Turn] | None, carry_turns: int = 2) -> str:
    """Return a standalone question: the follow-up plus the subject of the previous question."""
    if not history or not needs_context(question):
        return question.strip()
    earlier = [user for user, _ in history[-carry_turns:] if user.strip()]
    if not earlier:
        return question.strip()
    context = earlier[-1].strip().rstrip("?")
    return f"{question.strip()} (context: {context})"
