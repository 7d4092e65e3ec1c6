"""Open the on-disk index (catalog + Chroma collection) and check it matches the settings."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError, EmptyIndexError, IndexNotFoundError
from assistant.index.catalog import CATALOG_FILE, Catalog
from assistant.index.store import VectorStore, forget_client, open_store, reset_store

SCHEMA_VERSION = "1"


@dataclass
class Index:
    """The parts of one index: the catalog (what is in it) and the vector store."""

    settings: Settings
    catalog: Catalog
    store: VectorStore

    @property
    def directory(self) -> Path:
        return Path(self.settings.index_dir)


@dataclass
class _Opened:
    """A catalog and store this process opened, and the catalog generation the store has seen."""

    catalog: Catalog
    store: VectorStore
    generation: int


# Catalog connections and Chroma collections are opened once per process and shared.
_OPEN: dict[tuple[str, str | None, str], _Opened] = {}
_OPEN_LOCK = threading.Lock()


def manifest_for(settings: Settings) -> dict[str, str]:
    """Return the settings an index records: mixing vectors across them would be wrong."""
    return {
        "schema": SCHEMA_VERSION,
        "embed_model": settings.ingest.embed_model,
        "chunk_size": str(settings.ingest.chunk_size),
        "chunk_overlap": str(settings.ingest.chunk_overlap),
    }


def open_index(settings: Settings, create: bool = False) -> Index:
    """Return the index at settings.index_dir; with create=False a missing one is an error."""
    directory = Path(settings.index_dir)
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is a file, not a folder — give a folder for the index")
    key = (str(directory.resolve()), settings.store.url, settings.store.collection)
    with _OPEN_LOCK:
        opened = _OPEN.get(key)
        if opened is not None and (directory / CATALOG_FILE).exists():
            _catch_up(opened, settings)
            return Index(settings, opened.catalog, opened.store)
        if not (directory / CATALOG_FILE).exists():
            if not create:
                raise IndexNotFoundError(
                    f"no index at {directory}/ — build it with: assistant ingest seeds/"
                    + (f" --index {directory}" if str(directory) != "index" else "")
                )
            directory.mkdir(parents=True, exist_ok=True)
        catalog = _open_catalog(directory)
        opened = _OPEN[key] = _Opened(catalog, open_store(settings), catalog.generation())
        return Index(settings, opened.catalog, opened.store)


def _open_catalog(directory: Path) -> Catalog:
    import sqlite3

    try:
        return Catalog(directory / CATALOG_FILE)
    except sqlite3.DatabaseError as exc:
        raise IndexNotFoundError(
            f"{directory / CATALOG_FILE} is not a readable index ({exc}) — rebuild it with: "
            f"assistant ingest --rebuild PATH --index {directory}"
        ) from exc


def _catch_up(opened: _Opened, settings: Settings) -> None:
    """Reopen the embedded store when another process has changed the index since we looked.

    Chroma's embedded client is thread-safe but not process-safe: it keeps the vector index
    in memory and never sees another process's writes (it fails with "Error finding id").
    The catalog's generation tells: a change this process did not make is another's. BM25 and
    the sentence vectors follow the generation on their own; a Chroma server is shared.
    """
    generation = opened.catalog.generation()
    if generation == opened.generation:
        return
    if generation != opened.catalog.written_generation and settings.store.url is None:
        forget_client(settings)
        opened.store = open_store(settings)
    opened.generation = generation


def open_index_for_search(settings: Settings) -> Index:
    """Return a non-empty index built with the configured embedding model."""
    index = open_index(settings)
    if index.catalog.counts()[0] == 0:
        raise EmptyIndexError(
            f"the index at {index.directory}/ holds no articles — "
            "add some with: assistant ingest PATH"
        )
    index = Index(adopt_index_settings(index), index.catalog, index.store)
    built_with = index.catalog.get_meta("embed_model")
    if built_with and built_with != settings.ingest.embed_model:
        raise ConfigError(
            f"the index at {index.directory}/ was built with embedding model {built_with!r} but "
            f"the settings name {settings.ingest.embed_model!r} — set ASSISTANT_INGEST__EMBED_MODEL"
            f"={built_with} or rebuild with: assistant ingest --rebuild"
        )
    return index


def adopt_index_settings(index: Index) -> Settings:
    """Return the settings with what the index was built with: embedding backend and chunking.

    An index remembers its backend and chunk size/overlap; unless the user set one explicitly
    (environment, CLI, code), the index's own is used, so a changed default never mixes
    vectors or chunkings. An explicit backend that conflicts is an error here; explicit chunk
    settings that conflict are refused by `check_manifest` when ingesting.
    """
    from assistant.embed import vectors_kind

    settings = index.settings
    if index.catalog.counts()[0] == 0:
        return settings  # a new (or emptied) index takes the settings as they are
    adopted: dict[str, object] = {}
    for key in _CHUNKING:
        recorded = index.catalog.get_meta(key)
        if recorded and key not in settings.ingest.model_fields_set:
            adopted[key] = int(recorded)
    recorded = index.catalog.get_meta("embed_vectors") or "exact"  # older indexes: PyTorch
    wanted = settings.ingest.embed_backend
    if vectors_kind(wanted) != recorded:
        if "embed_backend" in settings.ingest.model_fields_set:
            raise ConfigError(
                f"the index at {index.directory}/ holds {recorded} vectors but "
                f"ingest.embed_backend={wanted} makes {vectors_kind(wanted)} ones — mixing them "
                "would skew similarities; unset it, or rebuild with: "
                "assistant ingest --rebuild PATH"
            )
        backend = index.catalog.get_meta("embed_backend")
        if backend is None or vectors_kind(backend) != recorded:
            backend = "onnx" if recorded == "exact" else recorded
        adopted["embed_backend"] = backend
    changed = {k: v for k, v in adopted.items() if getattr(settings.ingest, k) != v}
    if not changed:
        return settings
    ingest = settings.ingest.model_copy(update=changed)
    ingest.__pydantic_fields_set__.difference_update(changed)  # still the index's, not the user's
    return settings.model_copy(update={"ingest": ingest})


_CHUNKING = ("chunk_size", "chunk_overlap")


def check_manifest(index: Index) -> None:
    """Record the manifest on a new index, or explain how a different one conflicts."""
    wanted = manifest_for(index.settings)
    recorded = {key: index.catalog.get_meta(key) for key in wanted}
    if all(value is None for value in recorded.values()) or index.catalog.counts()[0] == 0:
        index.catalog.set_meta(wanted)
        return
    diffs = [
        f"{k}: index has {recorded[k]}, settings say {wanted[k]}"
        for k in wanted
        if recorded[k] != wanted[k]
    ]
    if diffs:
        raise ConfigError(
            f"the index at {index.directory}/ was built with other settings ({'; '.join(diffs)}) "
            "— mixing them would give inconsistent results; rebuild with: assistant ingest "
            "--rebuild PATH, or use --index with another folder"
        )


def delete_index(settings: Settings) -> None:
    """Remove the index folder's catalog, BM25 files and collection (for --rebuild)."""
    directory = Path(settings.index_dir)
    with _OPEN_LOCK:
        for key in [k for k in _OPEN if k[0] == str(directory.resolve())]:
            _OPEN.pop(key).catalog.close()
    reset_store(settings)
    for name in (CATALOG_FILE, f"{CATALOG_FILE}-wal", f"{CATALOG_FILE}-shm"):
        (directory / name).unlink(missing_ok=True)
    for name in ("bm25", "bm25.tmp", "bm25.old"):
        shutil.rmtree(directory / name, ignore_errors=True)
