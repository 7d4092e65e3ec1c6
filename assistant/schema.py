"""Plain data passed between the pipeline stages, and the public Answer/Citation models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class Article:
    """One news article as loaded from a file or a JSON record."""

    id: str
    title: str
    text: str
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None
    origin: str = ""  # file path (and record number) the article came from; the manifest key


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: `text` is article.text[start:end]."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    title: str
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None

    def header(self) -> str:
        """Return the metadata line prepended to the text that is embedded and BM25-indexed."""
        date = self.published_at.date().isoformat() if self.published_at else ""
        meta = ", ".join(part for part in (self.source, date) if part)
        return f"{self.title}\n{meta}" if meta else self.title

    def indexed_text(self) -> str:
        """Return the text that is embedded and searched: metadata header plus passage."""
        return f"{self.header()}\n\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score from the stage that produced it."""

    chunk: Chunk
    score: float
    also_in: tuple[str, ...] = field(default=())  # outlets of collapsed duplicates


class SentenceSupport(BaseModel):
    """How well one answer sentence is supported by the passages it cites."""

    text: str
    citations: list[int] = Field(default_factory=list)
    support: float = Field(0.0, description="0..1, the best support score of its cited passages.")
    supported: bool = True


class Citation(BaseModel):
    """A passage an answer rests on; `quote` is article text[start:end]."""

    n: int
    article_id: str
    title: str
    quote: str
    start: int
    end: int
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None
    passage: str = Field("", description="The whole retrieved passage the quote lies in.")
    passage_start: int = Field(0, description="Offset of the passage in the article text.")
    score: float = 0.0
    also_in: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """What `ask` returns: text with [n] markers, the cited passages, and whether it answered."""

    text: str
    citations: list[Citation]
    question: str
    answered: bool
    sentences: list[SentenceSupport] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    verdict: str | None = Field(
        None,
        description="The conclusion the answer states first — Yes/No, a name, an amount, a "
        "date — when it states one; None when it only quotes.",
    )
    verdict_rule: str | None = Field(
        None, description="The rule that decided the verdict (see answer/verdict.py)."
    )
    as_of: date | None = Field(
        None, description="The date the answer is good as of: its newest cited article's."
    )
    differences: list[Difference] = Field(
        default_factory=list,
        description="Claims the cited outlets report differently (see answer/disagree.py).",
    )
    newer: list[Citation] = Field(
        default_factory=list,
        description="Newer articles on the same story than the ones the answer cites.",
    )


class Difference(BaseModel):
    """One claim that two reports state with different values: "$2 billion" against "$8 billion"."""

    kind: str = Field(description="What differs: number, date, name or outcome.")
    values: list[str] = Field(description="The values, oldest report first.")
    citations: list[int] = Field(description="The [n] of each value's report, same order.")
    dates: list[date | None] = Field(default_factory=list, description="Each report's date.")
    updated: bool = Field(
        False, description="True when the later report revises the earlier (latest leads)."
    )


class TimelineEvent(BaseModel):
    """One dated event of a story: the sentence that states it, its outlet and date."""

    day: date | None = Field(description="Publication date of the report (the sort key).")
    stated: date | None = Field(
        None, description="The date the sentence itself names, when it differs from `day`."
    )
    text: str
    citation: Citation
    also_in: list[str] = Field(default_factory=list, description="Outlets reporting it too.")
    article_ids: list[str] = Field(default_factory=list, description="Every merged article.")


class Timeline(BaseModel):
    """What `timeline` returns: a story's dated events, oldest first."""

    query: str
    events: list[TimelineEvent]
    as_of: date | None = Field(None, description="The newest event's date.")
    timings_ms: dict[str, float] = Field(default_factory=dict)


Answer.model_rebuild()  # it names Difference, defined after it

Turn = tuple[str, str]  # (user question, assistant answer) of an earlier exchange
