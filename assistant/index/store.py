"""The Chroma collection holding chunk vectors: embedded under index_dir, or a Chroma server."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from assistant.errors import AssistantError, ConfigError
from assistant.schema import Chunk

if TYPE_CHECKING:
    from llama_index.core.vector_stores.types import MetadataFilters

    from assistant.config import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

CHROMA_DIR = "chroma"


class VectorStore:
    """Chunk vectors in a Chroma collection, queried through llama-index's ChromaVectorStore."""

    def __init__(self, collection: Any, url: str | None = None) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.collection = collection
        self.url = url
        self._llama = ChromaVectorStore(chroma_collection=collection)
        self._lock = threading.Lock()
        self._batch: int | None = None
        self._holds_vectors = False  # once seen non-empty, count() (slow on big ones) is skipped

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]] | Any) -> None:
        """Store chunk vectors with the metadata filters need; same id → replaced, not doubled."""
        # ChromaVectorStore.add uses add(), which is not idempotent after a crash: upsert here.
        batch = self.max_batch()
        for offset in range(0, len(chunks), batch):
            part = chunks[offset : offset + batch]
            with self._lock, _reaching(self.url):
                self.collection.upsert(
                    ids=[chunk.id for chunk in part],
                    embeddings=_as_array(vectors[offset : offset + batch]),
                    metadatas=[_metadata(chunk) for chunk in part],
                )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these chunk ids (unknown ids are ignored)."""
        if not ids:
            return
        batch = self.max_batch()
        for offset in range(0, len(ids), batch):
            with self._lock, _reaching(self.url):
                self._llama.delete_nodes(node_ids=list(ids[offset : offset + batch]))
        self._holds_vectors = False  # it may be empty now

    def query(
        self, vector: Sequence[float], top_k: int, filters: MetadataFilters | None = None
    ) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) pairs, best first."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if not self._holds_vectors:
            self._holds_vectors = self.count() > 0
            if not self._holds_vectors:
                return []
        query = VectorStoreQuery(
            query_embedding=[float(x) for x in vector], similarity_top_k=top_k, filters=filters
        )
        with _reaching(self.url):
            result = self._llama.query(query)
        # ChromaVectorStore reports exp(-distance); the collection uses cosine distance.
        sims = [1.0 + math.log(max(s, 1e-12)) for s in result.similarities or []]
        return list(zip(result.ids or [], sims, strict=False))

    def vectors(self, ids: Sequence[str]) -> tuple[list[str], Any]:
        """Return the stored ids among these and their vectors (float32, one row each)."""
        import numpy as np

        with _reaching(self.url):
            got = self.collection.get(ids=list(ids), include=["embeddings"])
        stored = np.asarray(got["embeddings"], dtype="float32").reshape(len(got["ids"]), -1)
        return list(got["ids"]), stored

    def ids(self) -> set[str]:
        """Return every stored id, read in pages (one big get() hits SQLite's variable limit)."""
        found: set[str] = set()
        offset, page = 0, 5000
        while True:
            with _reaching(self.url):
                got = self.collection.get(include=[], limit=page, offset=offset)
            found.update(got["ids"])
            if len(got["ids"]) < page:
                return found
            offset += page

    def count(self) -> int:
        """Return the number of stored vectors."""
        with _reaching(self.url):
            return int(self.collection.count())

    def max_batch(self) -> int:
        """Return the rows one write may carry: the client's limit, at most 1,000."""
        if self._batch is None:
            try:
                with _reaching(self.url):
                    limit = int(self.collection._client.get_max_batch_size())
            except AssistantError:
                raise
            except Exception:  # older clients have no max batch size; 1,000 is always accepted
                limit = 1000
            self._batch = max(1, min(1000, limit))
        return self._batch


def open_store(settings: Settings, create: bool = True) -> VectorStore:
    """Return the collection for these settings, embedded under index_dir or on a server."""
    client = _client(settings, create)
    name = settings.store.collection
    with _reaching(settings.store.url):
        collection = client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
    return VectorStore(collection, settings.store.url)


def reset_store(settings: Settings) -> None:
    """Delete the collection (used by --rebuild)."""
    client = _client(settings, create=True)
    try:
        with _reaching(settings.store.url):
            client.delete_collection(settings.store.collection)
    except AssistantError:
        raise
    except Exception:  # the collection did not exist yet
        pass


def _client(settings: Settings, create: bool) -> Any:
    """Return the process's Chroma client for these settings (kept in the registry)."""
    from assistant.index.registry import chroma_client

    return chroma_client(settings, lambda: _make_client(settings))


def _make_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    url = settings.store.url
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise ConfigError(f"store.url {url!r} is not a URL — use http://host:port")
        with _reaching(url):
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
    path = Path(settings.index_dir).resolve() / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def forget_client(directory: Path) -> None:
    """Drop this process's embedded client of the index folder, so the next open reads the disk.

    Chroma shares one system per path within a process; it is dropped from that cache too,
    not stopped, so a query already running on it in another thread finishes.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    from assistant.index.registry import LOCK, forget_embedded_client

    with LOCK:
        forget_embedded_client(directory)
        SharedSystemClient._identifier_to_system.pop(
            str(Path(directory).resolve() / CHROMA_DIR), None
        )


@contextmanager
def _reaching(url: str | None) -> Iterator[None]:
    """Turn a Chroma server that does not answer into an error saying how to start one."""
    if url is None:
        yield
        return
    import httpx

    try:
        yield
    except (httpx.TransportError, ValueError) as exc:
        # HttpClient reports a refused connection as ValueError("Could not connect ...").
        if isinstance(exc, ValueError) and "connect" not in str(exc).lower():
            raise
        raise AssistantError(unreachable_message(url)) from exc


def unreachable_message(url: str) -> str:
    """Return the error shown when the Chroma server at url does not answer."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 8000
    return (
        f"cannot reach the Chroma server at {url} — start it with: "
        f"chroma run --path DIR --host {host} --port {port} (DIR: where it keeps the vectors),"
        " or unset store.url to use the embedded store"
    )


def _as_array(vectors: Sequence[Sequence[float]]) -> Any:
    import numpy as np

    return np.asarray(vectors, dtype="float32")


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int] = {"article_id": chunk.article_id, "start": chunk.start}
    if chunk.source:
        meta["source"] = chunk.source
    if chunk.published_at:
        meta["published_ts"] = int(chunk.published_at.timestamp())
    return meta
