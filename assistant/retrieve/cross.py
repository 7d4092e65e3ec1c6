"""An optional cross-encoder the user names by local path (none ships on PyPI: see MODELS.md)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelUnavailableError

if TYPE_CHECKING:
    import numpy as np

    from assistant.schema import Chunk


def check_cross_encoder(path: Path) -> Path:
    """Return the folder, or explain what to set when it is missing."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ModelUnavailableError(
            f"no cross-encoder at {folder} — set retrieve.cross_encoder "
            "(ASSISTANT_RETRIEVE__CROSS_ENCODER) to a local sentence-transformers cross-encoder "
            "folder, or leave it unset to rerank without one"
        )
    return folder.resolve()


@lru_cache(maxsize=2)
def _load(folder: str) -> Any:
    from sentence_transformers import CrossEncoder

    import assistant.embed  # noqa: F401  (sets the offline switches before transformers loads)

    try:
        return CrossEncoder(folder, device="cpu", local_files_only=True)
    except Exception as exc:  # a folder that is not a cross-encoder fails in many ways
        raise ModelUnavailableError(
            f"cannot load a cross-encoder from {folder}: {exc} — point "
            "retrieve.cross_encoder at a sentence-transformers cross-encoder folder"
        ) from exc


def cross_encoder_scores(path: Path, question: str, chunks: Sequence[Chunk]) -> np.ndarray:
    """Return the cross-encoder's relevance score of each chunk (header included)."""
    import numpy as np

    model = _load(str(check_cross_encoder(path)))
    if not chunks:
        return np.zeros(0, dtype="float32")
    pairs = [(question, chunk.indexed_text()) for chunk in chunks]
    scores = model.predict(pairs, show_progress_bar=False, convert_to_numpy=True)
    return np.asarray(scores, dtype="float32").reshape(len(chunks), -1)[:, -1]
