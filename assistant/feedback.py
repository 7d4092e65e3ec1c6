"""👍/👎 feedback on answers, kept as JSONL rows that `assistant eval` turns into cases.

The file holds one row per rated answer (its `id`): rating again or adding a reason replaces
that row, and clicking a rating off removes it, so the file always says what users think now.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.config import Settings
from assistant.schema import Answer, Turn

FEEDBACK_FILE = "feedback.jsonl"
REASONS = ("wrong", "not supported by sources", "missing")
Rating = Literal["up", "down"]

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


def save_feedback(path: Path, row: dict[str, Any]) -> None:
    """Store a row, replacing the earlier row of the same id; create the file if needed."""
    _rewrite(path, row["id"], row)


def withdraw_feedback(path: Path, row_id: str) -> None:
    """Remove the row of this id, if any."""
    _rewrite(path, row_id, None)


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Return the stored rows, oldest first."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _rewrite(path: Path, row_id: str, row: dict[str, Any] | None) -> None:
    # Write a temporary file and rename it, so a crash never leaves half a file behind.
    with _LOCK:
        rows = [r for r in read_feedback(path) if r.get("id") != row_id]
        rows += [row] if row is not None else []
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".jsonl.tmp")
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
