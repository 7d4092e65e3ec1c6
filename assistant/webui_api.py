"""The UI server's HTTP API (one `ask` endpoint beside the chat page), and the checks that
turn values from the page's controls or from HTTP into settings and search filters.

    from gradio_client import Client
    answer = Client("http://127.0.0.1:7860/").predict(
        "Who approved the missiles?", [], [], "", "", api_name="/ask")

or over plain HTTP: `POST /gradio_api/call/ask` with `{"data": [question, history, sources,
since, until]}`, then `GET /gradio_api/call/ask/<event_id>` for the result. The conversation
travels with each request (`history`: earlier [question, answer] pairs, oldest first), so the
server keeps no per-user state and one client's turns can never leak into another's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.api import ask
from assistant.config import Settings
from assistant.errors import ConfigError, InputError
from assistant.retrieve import Filters
from assistant.webui_render import failure_message


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


def ask_endpoint(settings: Settings) -> Any:
    """Return the function Gradio serves as /ask (its signature and docstring are the API doc)."""

    def answer(
        question: str,
        history: list[list[str]] | None = None,
        sources: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the indexed articles, with numbered citations.

        Args:
            question: the question.
            history: earlier [question, answer] pairs of the same conversation, oldest first.
            sources: search only these outlets (empty: all).
            since: earliest publication date, YYYY-MM-DD (empty: none).
            until: latest publication date, YYYY-MM-DD (empty: none).

        Returns:
            The Answer as JSON: text with [n] markers, citations (title, source,
            published_at, url, quote and its offsets), answered, timings_ms.
        """
        import gradio as gr

        try:
            filters = Filters(
                tuple(sources or ()), parse_date(since, "since"), parse_date(until, "until")
            )
            turns = [_turn(pair) for pair in history or []]
            return ask(question, turns, settings, filters=filters).model_dump(mode="json")
        except Exception as exc:  # the client gets a readable message, never a bare "Error"
            raise gr.Error(failure_message(exc, "answering this")) from exc

    return answer


def parse_date(value: str | None, label: str) -> date | None:
    """Return the date in a YYYY-MM-DD string (or a longer timestamp), None when blank."""
    if not value or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{label} date {value!r} is not a date — use YYYY-MM-DD") from None


def _turn(pair: list[str]) -> tuple[str, str]:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise InputError(f"history items are [question, answer] pairs, not {pair!r}")
    return str(pair[0]), str(pair[1] or "")
