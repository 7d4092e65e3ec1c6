"""Metadata filters (outlets, date window) applied the same way to Chroma and to BM25."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_index.core.vector_stores.types import MetadataFilters

    from assistant.schema import Chunk


@dataclass(frozen=True)
class Filters:
    """Restrict search to some outlets and/or a publication date window (inclusive)."""

    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    def is_empty(self) -> bool:
        """Return True when nothing is filtered."""
        return not self.sources and self.since is None and self.until is None

    def since_ts(self) -> int | None:
        """Return the window's first second as a Unix timestamp."""
        return None if self.since is None else int(_utc(self.since, time.min).timestamp())

    def until_ts(self) -> int | None:
        """Return the window's last second as a Unix timestamp."""
        return None if self.until is None else int(_utc(self.until, time.max).timestamp())

    def accepts(self, chunk: Chunk) -> bool:
        """Return True when the chunk passes every filter."""
        if self.sources and (chunk.source or "").casefold() not in _folded(self.sources):
            return False
        if self.since is None and self.until is None:
            return True
        if chunk.published_at is None:
            return False
        stamp = int(chunk.published_at.timestamp())
        low, high = self.since_ts(), self.until_ts()
        return (low is None or stamp >= low) and (high is None or stamp <= high)

    def to_metadata_filters(self, known_sources: list[str]) -> MetadataFilters | None:
        """Return the llama-index filters for Chroma (sources matched case-insensitively)."""
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
        )

        parts: list[MetadataFilter] = []
        if self.sources:
            wanted = _folded(self.sources)
            names = [s for s in known_sources if s.casefold() in wanted] or list(self.sources)
            parts.append(MetadataFilter(key="source", value=names, operator=FilterOperator.IN))
        if self.since is not None:
            parts.append(
                MetadataFilter(
                    key="published_ts", value=self.since_ts(), operator=FilterOperator.GTE
                )
            )
        if self.until is not None:
            parts.append(
                MetadataFilter(
                    key="published_ts", value=self.until_ts(), operator=FilterOperator.LTE
                )
            )
        return MetadataFilters(filters=parts) if parts else None


def _utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


def _folded(sources: tuple[str, ...]) -> set[str]:
    return {s.casefold() for s in sources}
