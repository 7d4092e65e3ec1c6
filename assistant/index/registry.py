"""The one registry of what this process holds open: each thing opened once, dropped together.

Per index folder (`Folder`): its catalog, the catalog generation its vector stores have seen,
its embedded Chroma client and stores, and the side files loaded from it (BM25, sentence
vectors), each under its owner's file name. Across folders: Chroma server clients by URL and
embedders by model setting (indexes built with one model share it). `open_index` fills a
folder, `close_index` and `delete_index` drop all of it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.config import IngestSettings, Settings
    from assistant.embed import ArrayEmbedder
    from assistant.index.catalog import Catalog
    from assistant.index.store import VectorStore

StoreKey = tuple[str | None, str]  # (store.url, store.collection)


@dataclass
class Part:
    """One thing loaded from an index folder (BM25, sentence vectors) and its loader's lock."""

    value: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Folder:
    """What this process holds open for one index folder."""

    catalog: Catalog | None = None
    generation: int = -1  # the catalog generation the stores have seen
    client: Any = None  # the embedded Chroma client
    stores: dict[StoreKey, VectorStore] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)  # by the owner's file name


# Opening is rare and quick next to using: one re-entrant lock guards the folders and server
# clients; a part's own lock is held while it loads (a BM25 rebuild does not stop an open).
LOCK = threading.RLock()
_FOLDERS: dict[str, Folder] = {}
_SERVERS: dict[str, Any] = {}  # Chroma server clients by URL, shared by every folder
_EMBEDDERS: dict[tuple[str, str, int], ArrayEmbedder] = {}
_EMBEDDERS_LOCK = threading.Lock()  # loading a model takes seconds: opening does not wait for it


def folder(directory: Path) -> Folder:
    """Return this process's entry for an index folder, making an empty one on first use."""
    key = _key(directory)
    with LOCK:
        held = _FOLDERS.get(key)
        if held is None:
            held = _FOLDERS[key] = Folder()
        return held


def pop_folder(directory: Path) -> Folder | None:
    """Remove and return the folder's entry (the caller closes what it holds)."""
    with LOCK:
        return _FOLDERS.pop(_key(directory), None)


@contextmanager
def held_part(directory: Path, name: str) -> Iterator[Part]:
    """Hold the lock of the folder's part `name` and yield it, to read or (re)load its value."""
    with LOCK:
        part = folder(directory).parts.setdefault(name, Part())
    with part.lock:
        yield part


def drop_part(directory: Path, name: str) -> None:
    """Forget the folder's part `name`, so its next use loads it from disk."""
    with LOCK:
        held = _FOLDERS.get(_key(directory))
        part = held.parts.pop(name, None) if held is not None else None
    if part is not None:
        with part.lock:  # a load in progress finishes into the dropped part
            part.value = None


def chroma_client(settings: Settings, make: Callable[[], Any]) -> Any:
    """Return the Chroma client for these settings: the folder's embedded one, or the server's."""
    url = settings.store.url
    with LOCK:
        if url:
            if url not in _SERVERS:
                _SERVERS[url] = make()
            return _SERVERS[url]
        held = folder(Path(settings.index_dir))
        if held.client is None:
            held.client = make()
        return held.client


def forget_embedded_client(directory: Path) -> None:
    """Drop the folder's embedded client and the stores opened through it."""
    with LOCK:
        held = _FOLDERS.get(_key(directory))
        if held is not None:
            held.client = None
            for key in [k for k in held.stores if k[0] is None]:
                del held.stores[key]


def get_embedder(ingest: IngestSettings) -> ArrayEmbedder:
    """Return the process-wide embedder for these settings, loading it once."""
    from assistant.embed import make_embedder

    key = _embedder_key(ingest)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = make_embedder(*key)
        return _EMBEDDERS[key]


def register_embedder(ingest: IngestSettings, embedder: ArrayEmbedder) -> None:
    """Use this embedder wherever these settings ask for one (fakes in tests and benchmarks)."""
    with _EMBEDDERS_LOCK:
        _EMBEDDERS[_embedder_key(ingest)] = embedder


def _embedder_key(ingest: IngestSettings) -> tuple[str, str, int]:
    return (ingest.embed_model, ingest.embed_backend, ingest.embed_batch_size)


def _key(directory: Path) -> str:
    return str(Path(directory).resolve())
