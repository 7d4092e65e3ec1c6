"""Loaders that turn external benchmark query files into EvalCases, and RealTime QA's choice rule.

Any file of the documented shape loads, not only the dev splits in `../shared/benchmarks/`.

- MultiHop-RAG (`query`, `answer`, `question_type`, `evidence[{title, source, published_at,
  fact}]`): the question type is the case's `kind`, the evidence titles its `gold_articles`,
  the facts its `gold_facts`, and the gold answer its `reference_answer`. A `null_query` has
  `answers: []` (the assistant must abstain); any other has `answers: [answer]`.
- RealTime QA (`query`, `question_date`, `answer`, `choices`, `answer_index`, `gold_doc_ids`):
  `gold_doc_ids` become `gold_articles` and `question_date` the date passed as "today". The
  quiz's `rationale` is never read, so it cannot reach the system.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator

from evals.dataset import EvalCase, line_error, read_jsonl, validation_problem
from evals.metrics import content_words, normalize_answer

MULTIHOP_NULL = "null_query"


class _Evidence(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: StrictStr
    fact: StrictStr
    source: StrictStr | None = None
    published_at: StrictStr | None = None


class _MultiHopRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: StrictStr | None = None
    query: StrictStr = Field(min_length=1)
    answer: StrictStr
    question_type: StrictStr
    evidence: list[_Evidence] = Field(default_factory=list)


class _RealTimeRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")  # drops `rationale`: the system must never see it

    id: StrictStr | None = None
    question_id: StrictStr | None = None
    query: StrictStr = Field(min_length=1)
    question_date: date
    answer: StrictStr
    choices: list[StrictStr] = Field(min_length=2)
    answer_index: int = Field(ge=0)
    gold_doc_ids: list[StrictStr] = Field(default_factory=list)

    @field_validator("question_date", mode="before")
    @classmethod
    def _accept_slashes(cls, value: object) -> object:
        """Accept the upstream `YYYY/MM/DD` form as well as `YYYY-MM-DD`."""
        return value.replace("/", "-") if isinstance(value, str) else value


def load_multihop_queries(path: Path) -> list[EvalCase]:
    """Return the cases of a MultiHop-RAG query file, in file order.

    Raises:
        InputError: a line is malformed; the message names the line.
    """
    cases: list[EvalCase] = []
    for number, raw in read_jsonl(path):
        try:
            record = _MultiHopRecord.model_validate(raw)
        except ValidationError as error:
            raise line_error(path, number, validation_problem(error)) from error
        is_null = record.question_type == MULTIHOP_NULL
        cases.append(
            EvalCase(
                id=record.id or f"{path.stem}-{number}",
                question=record.query,
                answers=() if is_null else (record.answer,),
                gold_articles=tuple(dict.fromkeys(e.title for e in record.evidence)),
                kind=record.question_type,
                gold_facts=tuple(e.fact for e in record.evidence),
                reference_answer=record.answer,
            )
        )
    return cases


def load_realtimeqa_queries(path: Path) -> list[EvalCase]:
    """Return the cases of a RealTime QA query file, in file order, without any rationale.

    Raises:
        InputError: a line is malformed or its answer_index is out of range.
    """
    cases: list[EvalCase] = []
    for number, raw in read_jsonl(path):
        try:
            record = _RealTimeRecord.model_validate(raw)
        except ValidationError as error:
            raise line_error(path, number, validation_problem(error)) from error
        if record.answer_index >= len(record.choices):
            raise line_error(path, number, f"answer_index {record.answer_index} has no choice")
        cases.append(
            EvalCase(
                id=record.id or record.question_id or f"{path.stem}-{number}",
                question=record.query,
                answers=(record.answer,),
                gold_articles=tuple(record.gold_doc_ids),
                kind="realtimeqa",
                choices=tuple(record.choices),
                answer_index=record.answer_index,
                question_date=record.question_date,
                reference_answer=record.answer,
            )
        )
    return cases


def _overlap(choice: str, text: str) -> float:
    """Return the share of the choice's content words that occur in `text`."""
    words = content_words(choice)
    return len(words & content_words(text)) / len(words) if words else 0.0


def pick_choice(answer_text: str, evidence_texts: Sequence[str], choices: Sequence[str]) -> int:
    """Return the index of the choice the answer and the retrieved evidence best support.

    Without an LLM the choice is judged by text: first a choice whose normalised text is
    contained in the answer, then the share of its content words found in the answer, then
    the share found in the retrieved passages. Ties go to the earlier choice.
    """
    answer = f" {normalize_answer(answer_text)} "
    evidence = "\n".join(evidence_texts)

    def score(index: int) -> tuple[bool, float, float]:
        choice = choices[index]
        normalised = normalize_answer(choice)
        contained = bool(normalised) and f" {normalised} " in answer
        return contained, _overlap(choice, answer_text), _overlap(choice, evidence)

    return max(range(len(choices)), key=lambda i: (score(i), -i))
