"""Building the index from article files: load, chunk, embed, store."""

from assistant.ingest.pipeline import IngestReport, build_index, index_articles, remove_documents

__all__ = ["IngestReport", "build_index", "index_articles", "remove_documents"]
