"""Conversational Q&A over news articles: answers that cite the passages they rest on."""

from assistant.api import ask, ask_stream
from assistant.articles import article
from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    ConfigError,
    EmptyIndexError,
    IndexBusyError,
    IndexNotFoundError,
    InputError,
    ModelUnavailableError,
)
from assistant.index.filters import Filters
from assistant.ingest import IngestReport, build_index
from assistant.schema import (
    Answer,
    Article,
    Citation,
    Difference,
    SentenceSupport,
    Timeline,
    TimelineEvent,
)
from assistant.story import timeline

__all__ = [
    "Answer",
    "Article",
    "AssistantError",
    "Citation",
    "ConfigError",
    "Difference",
    "EmptyIndexError",
    "Filters",
    "IndexBusyError",
    "IndexNotFoundError",
    "IngestReport",
    "InputError",
    "ModelUnavailableError",
    "SentenceSupport",
    "Settings",
    "Timeline",
    "TimelineEvent",
    "article",
    "ask",
    "ask_stream",
    "build_index",
    "timeline",
]
