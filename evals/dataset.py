"""Eval cases: the JSONL case format, its loader, and cases made from exported UI feedback.

A case file holds one JSON object a line (blank lines are skipped):

    {"id": "s01", "question": "…", "answers": ["10,000", "ten thousand"],
     "history": [["earlier question", "earlier answer or empty"]],
     "gold_articles": ["article id or title"], "kind": "number"}

`answers: []` means the articles do not answer the question and the assistant must abstain.
Unknown keys are ignored. A malformed line raises `InputError` naming the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from assistant.errors import InputError

Turn = tuple[str, str]


@dataclass(frozen=True)
class EvalCase:
    """One question to ask, what a good answer contains, and what retrieval should find."""

    id: str
    question: str
    answers: tuple[str, ...]  # accepted answers; empty: the assistant must abstain
    history: tuple[Turn, ...] = ()  # earlier (user, assistant) turns of the conversation
    gold_articles: tuple[str, ...] = ()  # article ids or titles
    kind: str | None = None
    category: str | None = None  # single, unanswerable, followup, paraphrase, …
    gold_facts: tuple[str, ...] = ()  # MultiHop-RAG evidence sentences
    choices: tuple[str, ...] = ()  # RealTime QA options
    answer_index: int | None = None  # RealTime QA: index of the correct choice
    question_date: date | None = None  # passed to ask() as "today"
    reference_answer: str | None = None  # a benchmark's gold answer as written, for its own rule

    @property
    def answerable(self) -> bool:
        """Return whether the articles answer the case (it has accepted answers)."""
        return bool(self.answers)


class _CaseRecord(BaseModel):
    """One line of a case file, validated; unknown keys are dropped."""

    model_config = ConfigDict(extra="ignore")

    id: StrictStr = Field(min_length=1)
    question: StrictStr = Field(min_length=1)
    answers: list[StrictStr]
    history: list[tuple[StrictStr, StrictStr | None]] = Field(default_factory=list)
    gold_articles: list[StrictStr] = Field(default_factory=list)
    kind: StrictStr | None = None
    category: StrictStr | None = None


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line of a JSONL file.

    Raises:
        InputError: the file cannot be read, or a line is not a JSON object.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise line_error(path, number, f"not valid JSON ({error.msg})") from error
        if not isinstance(record, dict):
            raise line_error(path, number, "expected a JSON object")
        yield number, record


def line_error(path: Path, number: int, problem: str) -> InputError:
    """Return an InputError that names the file, the line and what to fix."""
    return InputError(f"{path}, line {number}: {problem} — fix or remove that line")


def validation_problem(error: ValidationError) -> str:
    """Return a one-line description of what a pydantic ValidationError found."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def load_cases(path: Path) -> list[EvalCase]:
    """Return the cases of a JSONL case file, in file order.

    Raises:
        InputError: a line is malformed, or an id repeats; the message names the line.
    """
    cases: list[EvalCase] = []
    seen: dict[str, int] = {}
    for number, raw in read_jsonl(path):
        try:
            record = _CaseRecord.model_validate(raw)
        except ValidationError as error:
            raise line_error(path, number, validation_problem(error)) from error
        if record.id in seen:
            raise line_error(
                path, number, f"id {record.id!r} already used on line {seen[record.id]}"
            )
        seen[record.id] = number
        cases.append(_to_case(record))
    return cases


def _to_case(record: _CaseRecord) -> EvalCase:
    """Return the EvalCase of a validated record."""
    return EvalCase(
        id=record.id,
        question=record.question,
        answers=tuple(record.answers),
        history=tuple((user, assistant or "") for user, assistant in record.history),
        gold_articles=tuple(record.gold_articles),
        kind=record.kind,
        category=record.category,
    )


class _FeedbackCitation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: StrictStr = ""
    article_id: StrictStr | None = None
    title: StrictStr | None = None


class _FeedbackRecord(BaseModel):
    """One exported UI rating: the exchange the user rated and how."""

    model_config = ConfigDict(extra="ignore")

    question: StrictStr = Field(min_length=1)
    answer: StrictStr | dict[str, Any]
    citations: list[_FeedbackCitation] = Field(default_factory=list)
    rating: str = Field(pattern="^(up|down)$")
    reason: StrictStr | None = None
    history: list[tuple[StrictStr, StrictStr | None]] = Field(default_factory=list)


def load_feedback(path: Path) -> list[EvalCase]:
    """Return regression cases made from the 👍 rows of an exported UI feedback file.

    A 👍 row with a cited quote becomes a case whose one accepted answer is its first non-empty
    quote and whose gold articles are the cited articles (kind `feedback`): the assistant should
    keep finding and quoting that passage. A 👍 row without quotes approved an abstention (the
    assistant cites whenever it answers), so it becomes a case that must abstain (`answers: []`,
    kind `feedback_abstain`). 👎 rows are skipped: they say what was wrong, not what is right.
    `answer` may be the text or the `Answer` JSON (its `citations` are used when the row has none).

    Raises:
        InputError: a line is malformed; the message names the line.
    """
    cases: list[EvalCase] = []
    for number, raw in read_jsonl(path):
        try:
            record = _FeedbackRecord.model_validate(raw)
            if isinstance(record.answer, dict) and not record.citations:
                record.citations = [
                    _FeedbackCitation.model_validate(c) for c in record.answer.get("citations", [])
                ]
        except ValidationError as error:
            raise line_error(path, number, validation_problem(error)) from error
        if record.rating == "up":
            cases.append(_feedback_case(record, f"{path.stem}-{number}"))
    return cases


def _feedback_case(record: _FeedbackRecord, case_id: str) -> EvalCase:
    """Return the regression case of a 👍 feedback row."""
    quotes = [c.quote.strip() for c in record.citations if c.quote.strip()]
    gold = [c.article_id or c.title or "" for c in record.citations]
    return EvalCase(
        id=case_id,
        question=record.question,
        answers=tuple(quotes[:1]),
        history=tuple((user, assistant or "") for user, assistant in record.history),
        gold_articles=tuple(dict.fromkeys(g for g in gold if g)) if quotes else (),
        kind="feedback" if quotes else "feedback_abstain",
    )
