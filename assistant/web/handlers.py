"""The web UI's handlers: asking (streamed), rating answers, adding uploaded files.

They are plain functions (settings first, then the UI values), so tests call them directly;
`app.py` wires them to components. None imports Gradio.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.feedback import Rating, feedback_path, feedback_row, save_feedback, withdraw_feedback
from assistant.index.filters import Filters
from assistant.ingest.load import SUPPORTED
from assistant.schema import Answer, Turn
from assistant.web.render import (
    Message,
    escape_markdown,
    failure_message,
    failure_status,
    render_messages,
    render_sources,
)
from assistant.web.turns import (
    ChatTurn,
    Options,
    conversation_filters,
    conversation_settings,
    history_of,
)

WORD_DELAY = 0.015  # seconds between words as a reply is typed out
_WORD = re.compile(r"(?<=\s)(?=\S)")  # split before each word, keeping all whitespace
UPLOAD_TYPES = tuple(sorted(SUPPORTED))  # what ingest reads, nothing else


# ---- asking ----------------------------------------------------------------------------------


def stream_answer(
    question: str, history: Sequence[Turn], settings: Settings, filters: Filters
) -> Iterator[str | Answer]:
    """Yield the answer text word by word, then the final Answer.

    Uses `assistant.ask_stream` when the package provides it (its pieces may be whole
    sentences); otherwise asks once and streams the finished text.
    """
    import assistant

    ask_stream = getattr(assistant, "ask_stream", None)
    if ask_stream is not None:
        pieces: Iterable[str | Answer] = ask_stream(
            question, list(history), settings, filters=filters
        )
    else:
        answer = assistant.ask(question, list(history), settings, filters=filters)
        pieces = [answer.text, answer]
    for piece in pieces:
        if isinstance(piece, Answer):
            yield piece
            continue
        # Type long pieces out a word at a time: text appearing is the cue that it is working.
        for word in _WORD.split(piece):
            yield word
            time.sleep(WORD_DELAY)


Shown = tuple[list[Message], list[ChatTurn], str]  # chat messages, turns, sources panel HTML


def respond(
    settings: Settings,
    question: str,
    turns: list[ChatTurn],
    options: Options,
) -> Iterator[Shown]:
    """Yield (chat messages, turns, sources panel HTML) as the answer streams in.

    The last yield always replaces the pending reply, with the answer or with a message saying
    what failed and what to do; an unexpected failure's traceback goes to stderr.
    """
    question = (question or "").strip()
    if not question:
        yield render_messages(turns), turns, render_sources(turns)
        return
    turn = ChatTurn(id=uuid.uuid4().hex, question=question)
    turns = [*turns, turn]
    yield render_messages(turns), turns, render_sources(turns[:-1])
    try:
        turn = yield from _stream_turn(settings, turns, options)
    except Exception as exc:
        turn = replace(turn, error=failure_message(exc, "answering this"))
    if turn.answer is None and turn.error is None:
        turn = replace(turn, error="the answer stream ended without an answer — ask again")
    turns = [*turns[:-1], turn]
    try:
        yield render_messages(turns), turns, render_sources(turns)
    except Exception as exc:  # an answer that cannot be shown still must not stay pending
        turn = replace(turn, answer=None, error=failure_message(exc, "showing this"))
        turns = [*turns[:-1], turn]
        yield render_messages(turns), turns, render_sources(turns)


def _stream_turn(
    settings: Settings, turns: list[ChatTurn], options: Options
) -> Generator[Shown, None, ChatTurn]:
    """Yield the last turn's reply as it grows; return the turn with its answer."""
    *earlier, turn = turns
    filters = conversation_filters(options)
    chosen = conversation_settings(settings, options)
    text = ""
    for piece in stream_answer(turn.question, history_of(earlier), chosen, filters):
        if isinstance(piece, Answer):
            turn = replace(turn, answer=piece)
        else:
            text += piece
            yield render_messages(turns, partial=text), turns, render_sources(turns)
    return turn


# ---- rating ----------------------------------------------------------------------------------


def rate(
    settings: Settings, turns: Sequence[ChatTurn], index: int | Sequence[int], liked: bool | str
) -> tuple[str, dict[str, Any] | None]:
    """Record a 👍/👎 on the reply at chat message `index`; return (status, pending reason).

    Args:
        liked: Gradio's LikeData.liked: True/False, or "" when a rating is clicked off again.
    """
    position = (index if isinstance(index, int) else index[0]) // 2  # user, reply, user, …
    if not 0 <= position < len(turns) or turns[position].answer is None:
        return "Only answers can be rated.", None
    ratings: dict[bool | str, Rating] = {True: "up", "Like": "up", False: "down", "Dislike": "down"}
    rating = ratings.get(liked)
    if rating is None:  # the rating was clicked off
        withdraw_feedback(feedback_path(settings), turns[position].id)
        return "Rating withdrawn.", None
    _record(settings, turns, position, rating, "")
    if rating == "down":
        return "Recorded: not helpful.", {"turn": position, "rating": rating}
    return "Thanks — recorded: helpful.", None


def add_reason(
    settings: Settings,
    turns: Sequence[ChatTurn],
    pending: dict[str, Any] | None,
    reason: str | None,
    note: str | None,
) -> str:
    """Record the optional reason for the last 👎; return the status line."""
    if not pending or not (reason or (note or "").strip()):
        return "Choose a reason or write a note first."
    text = "; ".join(part for part in (reason or "", (note or "").strip()) if part)
    _record(settings, turns, int(pending["turn"]), pending["rating"], text)
    return "Thanks — reason recorded."


def _record(
    settings: Settings, turns: Sequence[ChatTurn], position: int, rating: Rating, reason: str
) -> None:
    turn = turns[position]
    assert turn.answer is not None
    history = history_of(turns[:position])
    row = feedback_row(turn.id, turn.question, turn.answer, rating, reason=reason, history=history)
    save_feedback(feedback_path(settings), row)


# ---- uploads ---------------------------------------------------------------------------------


def add_uploads(
    settings: Settings,
    files: Sequence[str] | None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Index uploaded article files; return a Markdown status. Bad files change nothing."""
    try:
        return _add_uploads(settings, files, progress)
    except Exception as exc:
        return failure_status(exc, "adding these files")


def _add_uploads(
    settings: Settings,
    files: Sequence[str] | None,
    progress: Callable[[int, int], None] | None,
) -> str:
    from assistant.ingest import build_index

    if not files:
        return "Choose one or more files first."
    limit = settings.ingest.max_file_mb
    accepted, problems = [], []
    for name in map(Path, files):
        if name.suffix.lower() not in UPLOAD_TYPES:
            problems.append(f"{name.name}: unsupported type (use {', '.join(UPLOAD_TYPES)})")
        elif name.stat().st_size > limit * 1024 * 1024:
            problems.append(f"{name.name}: larger than the {limit:g} MB limit")
        else:
            accepted.append(_keep_upload(settings, name))
    lines: list[str] = []
    if accepted:
        try:
            report = build_index(accepted, settings, progress=progress or False)
        except AssistantError as exc:
            return f"⚠ Upload failed: {escape_markdown(str(exc))}. The index is unchanged."
        for skipped in report.skipped:
            problems.append(f"{Path(skipped.path).name}: {skipped.reason}")
            shutil.rmtree(Path(skipped.path).parent, ignore_errors=True)
        added = report.articles_added + report.articles_replaced
        lines.append(
            f"✓ Indexed {_plural(added, 'article')} "
            f"({_plural(report.chunks_added, 'passage')}; {report.articles_unchanged} already "
            "indexed). They are searchable now."
        )
    lines += [f"⚠ Skipped {escape_markdown(problem)}" for problem in problems]
    return "\n\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _keep_upload(settings: Settings, path: Path) -> Path:
    """Copy an upload under <index_dir>/uploads/<content hash>/ so its origin stays stable."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    target = Path(settings.index_dir) / "uploads" / digest / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return target
