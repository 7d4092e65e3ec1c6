"""Open the on-disk index (catalog + Chroma collection) and check it matches the settings.

What an open index holds stays in one registry (`assistant.index.registry`), per folder.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import ConfigError, EmptyIndexError, IndexNotFoundError
from assistant.index import bm25, registry, sentence_index
from assistant.index.catalog import CATALOG_FILE, Catalog
from assistant.index.store import VectorStore, forget_client, open_store, reset_store

if TYPE_CHECKING:
    from assistant.embed import ArrayEmbedder
    from assistant.index.bm25 import BM25Index
    from assistant.index.sentence_index import SentenceIndex

SCHEMA_VERSION = "1"
# Files derived from the catalog, named by their owners: deleting an index deletes them too.
SIDE_FILES = (*bm25.DERIVED_FILES, *sentence_index.DERIVED_FILES)


@dataclass
class Index:
    """One open index: its catalog (what is in it) and vector store, and on first use its
    BM25 index, sentence vectors and embedder; all kept open in the registry."""

    settings: Settings
    catalog: Catalog
    store: VectorStore

    @property
    def directory(self) -> Path:
        return Path(self.settings.index_dir)

    def bm25(self) -> BM25Index:
        """Return the BM25 index of the catalog's current generation."""
        return bm25.get_bm25(self.catalog, self.directory)

    def sentences(self) -> SentenceIndex:
        """Return the saved sentence vectors of the embedder the index was built with."""
        ingest = self.settings.ingest
        return sentence_index.get_sentence_index(self.directory, sentence_index.embedder_id(ingest))

    def embedder(self) -> ArrayEmbedder:
        """Return the embedder of the settings (after `open_index_for_search`: the index's)."""
        return registry.get_embedder(self.settings.ingest)


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
    with registry.LOCK:
        if not (directory / CATALOG_FILE).exists():
            if not create:
                raise IndexNotFoundError(
                    f"no index at {directory}/ — build it with: assistant ingest seeds/"
                    + (f" --index {directory}" if str(directory) != "index" else "")
                )
            directory.mkdir(parents=True, exist_ok=True)
            held = registry.folder(directory)
            if held.catalog is not None:  # its files were deleted under it: start afresh
                close_index(settings)
        held = registry.folder(directory)
        if held.catalog is None:
            held.catalog = _open_catalog(directory)
            held.generation = held.catalog.generation()
        else:
            _catch_up(held, settings)
        key = (settings.store.url, settings.store.collection)
        store = held.stores.get(key)
        if store is None:
            store = held.stores[key] = open_store(settings)
        return Index(settings, held.catalog, store)


def close_index(settings: Settings) -> None:
    """Drop all this process holds of the index: catalog, stores, client, BM25, sentences."""
    directory = Path(settings.index_dir)
    with registry.LOCK:
        held = registry.pop_folder(directory)
        if held is None:
            return
        if held.catalog is not None:
            held.catalog.close()
        if held.client is not None:
            forget_client(directory)


def _open_catalog(directory: Path) -> Catalog:
    import sqlite3

    try:
        return Catalog(directory / CATALOG_FILE)
    except sqlite3.DatabaseError as exc:
        raise IndexNotFoundError(
            f"{directory / CATALOG_FILE} is not a readable index ({exc}) — rebuild it with: "
            f"assistant ingest --rebuild PATH --index {directory}"
        ) from exc


def _catch_up(held: registry.Folder, settings: Settings) -> None:
    """Reopen the embedded store when another process has changed the index since we looked.

    Chroma's embedded client is thread-safe but not process-safe: it keeps the vector index
    in memory and never sees another process's writes (it fails with "Error finding id").
    The catalog's generation tells: a change this process did not make is another's. BM25 and
    the sentence vectors follow the generation on their own; a Chroma server is shared.
    """
    assert held.catalog is not None
    generation = held.catalog.generation()
    if generation == held.generation:
        return
    if generation != held.catalog.written_generation:
        forget_client(Path(settings.index_dir))  # its embedded stores reopen on next use
    held.generation = generation


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
    """Remove the index folder's catalog, derived side files and collection (for --rebuild)."""
    directory = Path(settings.index_dir)
    close_index(settings)
    reset_store(settings)
    for name in (CATALOG_FILE, f"{CATALOG_FILE}-wal", f"{CATALOG_FILE}-shm"):
        (directory / name).unlink(missing_ok=True)
    for name in SIDE_FILES:
        shutil.rmtree(directory / name, ignore_errors=True)
