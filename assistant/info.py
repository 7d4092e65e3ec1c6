"""Describe an index: articles, chunks, outlets, dates and the settings it was built with."""

from __future__ import annotations

from typing import Any

from assistant.config import Settings
from assistant.index import manifest_for, open_index
from assistant.models import describe as describe_local_model


def describe_index(settings: Settings) -> dict[str, Any]:
    """Return counts, outlets, date range, manifest and example titles of the index."""
    index = open_index(settings)
    articles, chunks = index.catalog.counts()
    first, last = index.catalog.date_range()
    manifest = {key: index.catalog.get_meta(key) for key in manifest_for(settings)}
    return {
        "index": str(index.directory),
        "store": settings.store.url or "embedded",
        "articles": articles,
        "chunks": chunks,
        "vectors": index.store.count(),
        "outlets": index.catalog.sources(),
        "first_date": first[:10] if first else None,
        "last_date": last[:10] if last else None,
        "manifest": manifest,
        "recent_titles": index.catalog.titles(5),
        "answerer": settings.answer.llm,
        "local_llm": describe_local_model(settings.answer.local_model, settings.answer.model_path),
    }


def format_info(info: dict[str, Any]) -> str:
    """Return the info as a few aligned lines."""
    outlets = info["outlets"]
    top = ", ".join(f"{name} ({count})" for name, count in list(outlets.items())[:8])
    more = f", … {len(outlets) - 8} more" if len(outlets) > 8 else ""
    manifest = info["manifest"]
    lines = [
        f"index:     {info['index']} ({info['store']})",
        f"articles:  {info['articles']}",
        f"chunks:    {info['chunks']} ({info['vectors']} vectors)",
        f"outlets:   {len(outlets)}: {top}{more}",
        f"dates:     {info['first_date'] or '?'} to {info['last_date'] or '?'}",
        f"model:     {manifest['embed_model']}, chunks of {manifest['chunk_size']} tokens "
        f"(overlap {manifest['chunk_overlap']})",
        f"answerer:  {info['answerer']}",
        f"local LLM: {info['local_llm']} (used by --llm llamacpp)",
    ]
    return "\n".join(lines)
