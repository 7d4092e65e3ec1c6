"""👍/👎 feedback on answers, appended as JSONL rows that can become eval cases.

One row per rating event: a later row with the same `id` (a reason added, a rating changed or
withdrawn) supersedes the earlier one, so the file is only ever appended to.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.config import Settings
from assistant.schema import Answer, Turn
from assistant.webui_render import ChatTurn, history_of

FEEDBACK_FILE = "feedback.jsonl"
REASONS = ("wrong", "not supported by sources", "missing")
Rating = Literal["up", "down", "withdrawn"]

_LOCK = threading.Lock()


def feedback_path(settings: Settings) -> Path:
    """Return the default feedback file: <index_dir>/feedback.jsonl."""
    return Path(settings.index_dir) / FEEDBACK_FILE


def feedback_row(
    row_id: str,
    question: str,
    answer: Answer,
    rating: Rating,
    *,
    reason: str = "",
    history: Sequence[Turn] = (),
) -> dict[str, Any]:
    """Return the JSON-ready row recorded for one rating of one answer."""
    return {
        "id": row_id,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "reason": reason.strip(),
        "question": question,
        "standalone_question": answer.question,
        "answer": answer.text,
        "answered": answer.answered,
        "citations": [c.model_dump(mode="json", exclude={"passage"}) for c in answer.citations],
        "history": [list(turn) for turn in history],
    }


def append_feedback(path: Path, row: dict[str, Any]) -> None:
    """Append one row to the JSONL file, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(row, ensure_ascii=False) + "\n"
    with _LOCK, path.open("a", encoding="utf-8") as out:
        out.write(line)


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Return the current rows, the last one per id, without withdrawn ratings."""
    if not path.exists():
        return []
    latest: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            latest[str(row.get("id"))] = row
    return [row for row in latest.values() if row.get("rating") != "withdrawn"]


# ---- the UI's handlers -----------------------------------------------------------------------


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
    rating = ratings.get(liked, "withdrawn")
    _record(settings, turns, position, rating, "")
    if rating == "down":
        return "Recorded: not helpful.", {"turn": position, "rating": rating}
    return ("Thanks — recorded: helpful." if rating == "up" else "Rating withdrawn."), None


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
    append_feedback(feedback_path(settings), row)
