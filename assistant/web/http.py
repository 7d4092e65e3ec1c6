"""The UI server's HTTP API: one `ask` endpoint beside the chat page.

    from gradio_client import Client
    answer = Client("http://127.0.0.1:7860/").predict(
        "Who approved the missiles?", [], [], "", "", api_name="/ask")

or over plain HTTP: `POST /gradio_api/call/ask` with `{"data": [question, history, sources,
since, until]}`, then `GET /gradio_api/call/ask/<event_id>` for the result. The conversation
travels with each request (`history`: earlier [question, answer] pairs, oldest first), so the
server keeps no per-user state and one client's turns can never leak into another's.
"""

from __future__ import annotations

from typing import Any

from assistant.api import ask
from assistant.config import Settings
from assistant.errors import InputError
from assistant.retrieve import Filters
from assistant.web.render import failure_message
from assistant.web.turns import parse_date


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


def _turn(pair: list[str]) -> tuple[str, str]:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise InputError(f"history items are [question, answer] pairs, not {pair!r}")
    return str(pair[0]), str(pair[1] or "")
