"""Conversational Q&A over news articles: answers that cite the passages they rest on."""

from assistant.api import ask, ask_stream
from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    ConfigError,
    EmptyIndexError,
    IndexNotFoundError,
    ModelUnavailableError,
)
from assistant.ingest import IngestReport, build_index
from assistant.retrieve.filters import Filters
from assistant.schema import Answer, Citation, SentenceSupport

__all__ = [
    "Answer",
    "AssistantError",
    "Citation",
    "ConfigError",
    "EmptyIndexError",
    "Filters",
    "IndexNotFoundError",
    "IngestReport",
    "ModelUnavailableError",
    "SentenceSupport",
    "Settings",
    "ask",
    "ask_stream",
    "build_index",
]
