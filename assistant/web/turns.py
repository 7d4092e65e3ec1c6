"""A conversation in the web UI: its turns, the history they give, and the options chosen for it.

The options come from the page's controls or from the HTTP API, so they are checked here and
turned into settings and search filters with a message saying what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError, InputError
from assistant.retrieve import Filters
from assistant.schema import Answer, Turn


@dataclass(frozen=True)
class ChatTurn:
    """One exchange of a conversation: the question and its answer or error."""

    id: str
    question: str
    answer: Answer | None = None
    error: str | None = None


def history_of(turns: Sequence[ChatTurn]) -> list[Turn]:
    """Return the (question, answer text) pairs of the answered turns, oldest first."""
    return [(t.question, t.answer.text) for t in turns if t.answer is not None]


@dataclass(frozen=True)
class Options:
    """The per-conversation filters and settings chosen in the UI."""

    since: str | None = None
    until: str | None = None
    outlets: Sequence[str] = ()
    k: int | None = None
    mode: str | None = None
    backend: str | None = None


def conversation_settings(settings: Settings, options: Options) -> Settings:
    """Return the settings with the conversation's k, retrieval mode and answer backend."""
    retrieve = {key: value for key, value in (("k", options.k), ("mode", options.mode)) if value}
    update: dict[str, Any] = {"retrieve": settings.retrieve.model_copy(update=retrieve)}
    if options.backend:
        update["answer"] = settings.answer.model_copy(update={"llm": options.backend})
    from pydantic import ValidationError

    try:  # values can come from the HTTP API too, not only from the controls
        return Settings.model_validate(settings.model_copy(update=update).model_dump())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid setting ({problems}) — pick one the UI offers") from None


def conversation_filters(options: Options) -> Filters:
    """Return the search filters for the conversation's outlets and date window."""
    since, until = parse_date(options.since, "From"), parse_date(options.until, "To")
    if since and until and since > until:
        raise InputError(f"the date window is empty: {since} is after {until} — swap the dates")
    return Filters(sources=tuple(options.outlets or ()), since=since, until=until)


def parse_date(value: str | None, label: str) -> date | None:
    """Return the date in a YYYY-MM-DD string (or a longer timestamp), None when blank."""
    if not value or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{label} date {value!r} is not a date — use YYYY-MM-DD") from None
