"""The question as every answerer reads it: one `Query`, named once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.index.filters import Filters


@dataclass(frozen=True)
class Query:
    """What was asked: the user's words, the question on its own, and as of when.

    `words` is what the user typed (a follow-up may say "he" or "that"); `standalone` is the
    question made whole with the conversation (`chat.condense_question`) — what is searched
    and what answerers answer. `today` and `filters` are what the search was limited by.
    """

    words: str
    standalone: str
    today: date | None = None
    filters: Filters | None = None

    @classmethod
    def alone(cls, question: str) -> Query:
        """Return the query of a question asked with no conversation before it."""
        return cls(question, question)
