"""Ingest on a Ray cluster: chunking as Ray tasks, encoding in a Ray Data actor pool.

This process (the driver) keeps what makes a local ingest crash-safe: it takes the write lock,
upserts each batch's vectors into the configured store (embedded or a Chroma server), commits
the catalog, then refreshes BM25 and the sentence vectors — it is `pipeline.build_index` with
Ray's encoder injected. The encode batches, and the texts each one hands the model, are the
local ones (the driver groups the chunks and drops repeated texts as `embed_unique` does), so
the vectors equal a local ingest's. A killed actor is restarted and its batch retried by Ray
Data; a killed driver leaves the index as a killed local ingest does, and a rerun resumes.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import IngestSettings, RaySettings, Settings
from assistant.errors import AssistantError, ConfigError
from assistant.ingest.chunk import chunk_article
from assistant.ingest.pipeline import (
    Chunked,
    EmbedBatches,
    IngestReport,
    ProgressCallback,
    build_index,
    embed_unique,
    group_chunked,
)
from assistant.schema import Article, Chunk

if TYPE_CHECKING:
    import numpy as np

INSTALL_HINT = "pip install 'news-assistant[ray]' (in a checkout: pip install -e '.[ray]')"


def require_ray() -> Any:
    """Return the ray module with Ray Data, or raise ConfigError naming the extra to install."""
    try:
        import ray
        import ray.data  # Ray Data needs pandas and pyarrow, from ray[data]
    except ImportError as exc:
        raise ConfigError(
            f"Ray is not installed ({exc.name or exc}) — install the extra: {INSTALL_HINT},"
            " or ingest without --ray"
        ) from exc
    return ray


def build_index_ray(
    paths: Iterable[Path],
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: bool | ProgressCallback = False,
) -> IngestReport:
    """Ingest like `build_index`, with chunking and encoding spread over a Ray cluster.

    Ray starts (or joins settings.ray.address) only when there is something to encode; a Ray
    already initialised in this process is used as it is and left running.
    """
    settings = settings or Settings()
    session = RaySession(settings.ray, require_ray())
    try:
        return build_index(paths, settings, rebuild=rebuild, prune=prune, progress=progress,
                           encode=session.encode_chunks, embed_batches=session.embed_batches)
    finally:
        session.close()


class RaySession:
    """Ray, started on first use, and the two Ray Data passes an ingest runs on it."""

    def __init__(self, settings: RaySettings, ray: Any) -> None:
        self.settings = settings
        self.ray = ray
        self._started = False

    def encode_chunks(self, todo: list[Article], ingest: IngestSettings,
                      report: IngestReport) -> Iterator[tuple[Chunked, np.ndarray]]:
        """Yield the local encode batches with their vectors, encoded by the actor pool."""
        self._start()
        batches = list(group_chunked(zip(todo, self._chunk(todo, ingest), strict=True)))
        replay = _Replay(self._encode(_fresh_texts(batches), ingest))
        memo: dict[bytes, Any] = {}
        for batch in batches:
            started = time.perf_counter()  # here: waiting for the pool
            vectors = embed_unique(replay, [c for _, cs in batch for c in cs], memo, report)
            report.encode_seconds += time.perf_counter() - started
            yield batch, vectors

    def embed_batches(self, ingest: IngestSettings) -> EmbedBatches:
        """Return the sentence vectors' batch encoder: each list in order, by the pool."""

        def encode(lists: list[list[str]]) -> Iterator[np.ndarray]:
            if lists:
                self._start()
            return self._encode(lists, ingest)

        return encode

    def close(self) -> None:
        """Stop the Ray this session started (one it joined or found is left running)."""
        if self._started:
            self.ray.shutdown()
            self._started = False

    def _start(self) -> None:
        if not self.ray.is_initialized():
            self._init()
        context = self.ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # results come back as they went in
        context.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "bars off"

    def _init(self) -> None:
        address = self.settings.address or "local"  # "local": never join a stray cluster
        cpus = None if address != "local" else self.settings.num_cpus or os.cpu_count()
        try:
            self.ray.init(address=address, num_cpus=cpus, include_dashboard=False,
                          log_to_driver=False, logging_level=logging.ERROR)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise AssistantError(
                f"cannot start or join Ray at {address!r} ({exc}) — check ray.address "
                "(`ray start --head` prints it), or leave it unset to run Ray on this machine"
            ) from exc
        self._started = True

    def _chunk(self, todo: list[Article], ingest: IngestSettings) -> list[list[Chunk]]:
        """Return each article's chunks, in order, chunked by Ray tasks."""
        per_task = self.settings.chunk_articles
        items = [{"seq": seq, "article": pickle.dumps(a)} for seq, a in enumerate(todo)]
        dataset = self.ray.data.from_items(items, override_num_blocks=math.ceil(
            len(items) / per_task)).map_batches(
            _chunk_rows, batch_size=per_task, batch_format="numpy", num_cpus=1,
            fn_kwargs={"size": ingest.chunk_size, "overlap": ingest.chunk_overlap})
        with _failing_clearly(self.ray):
            rows = _in_order(dataset.iter_rows())
            return [pickle.loads(row["chunks"]) for row in rows]

    def _encode(self, lists: list[list[str]], ingest: IngestSettings) -> Iterator[np.ndarray]:
        """Yield one float32 array per list of texts, in order, from the actor pool."""
        import numpy as np

        if not lists:
            return
        dataset = self.ray.data.from_items(
            [{"seq": seq, "texts": texts} for seq, texts in enumerate(lists)],
            override_num_blocks=len(lists),
        ).map_batches(
            _Encoder, batch_size=self.settings.batch_size, batch_format="numpy",
            compute=self.ray.data.ActorPoolStrategy(size=min(self._actors(), len(lists))),
            num_cpus=self.settings.cpus_per_actor,
            fn_constructor_kwargs={"model": ingest.embed_model, "backend": ingest.embed_backend,
                                   "batch_size": ingest.embed_batch_size,
                                   "threads": self.settings.cpus_per_actor},
        )
        with _failing_clearly(self.ray):
            for row in _in_order(dataset.iter_rows()):
                yield np.frombuffer(row["vectors"], dtype="float32").reshape(int(row["n"]), -1)

    def _actors(self) -> int:
        if self.settings.concurrency:
            return self.settings.concurrency
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        return max(1, cpus // self.settings.cpus_per_actor)


class _Encoder:
    """A Ray Data actor: loads the embedder once, then encodes each row's list of texts."""

    def __init__(self, model: str, backend: str, batch_size: int, threads: int) -> None:
        from assistant.embed import make_embedder

        self.embedder = make_embedder(model, backend, batch_size, threads)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        out = [self.embedder.embed_array([str(t) for t in texts]) for texts in batch["texts"]]
        return {"seq": batch["seq"], "n": np.array([len(v) for v in out], dtype="int64"),
                "vectors": np.array([v.astype("float32").tobytes() for v in out], dtype=object)}


def _chunk_rows(batch: dict[str, Any], size: int, overlap: int) -> dict[str, Any]:
    """A Ray task: chunk a batch of pickled articles, one pickled chunk list per article."""
    import numpy as np

    articles = [pickle.loads(blob) for blob in batch["article"]]
    chunks = [pickle.dumps(chunk_article(article, size, overlap)) for article in articles]
    return {"seq": batch["seq"], "chunks": np.array(chunks, dtype=object)}


def _in_order(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield rows by their "seq" 0, 1, 2, …, holding back any that arrive early."""
    waiting: dict[int, dict[str, Any]] = {}
    wanted = 0
    for row in rows:
        waiting[int(row["seq"])] = row
        while wanted in waiting:
            yield waiting.pop(wanted)
            wanted += 1
    if waiting:
        raise AssistantError(f"Ray lost rows {wanted}…: the pass ended early — run it again")


def _fresh_texts(batches: list[Chunked]) -> list[list[str]]:
    """Return the texts `embed_unique` encodes per batch (a dry run), skipping empty ones."""
    recorder = _Recorder()
    memo: dict[bytes, Any] = {}
    for batch in batches:
        embed_unique(recorder, [c for _, cs in batch for c in cs], memo)
    return recorder.lists


class _Recorder:
    """An embedder that records the lists it is asked for and returns zero rows (no memory)."""

    name = backend = "recorder"

    def __init__(self) -> None:
        self.lists: list[list[str]] = []

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        self.lists.append(texts)
        return np.broadcast_to(np.zeros(1, dtype="float32"), (len(texts), 1))

    def dimension(self) -> int:
        return 1


class _Replay:
    """An embedder handing back, in order, the arrays the pool made for the recorded lists."""

    name = backend = "ray"

    def __init__(self, arrays: Iterator[np.ndarray]) -> None:
        self._arrays = arrays
        self._dim = 384

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        vectors = next(self._arrays)
        if len(vectors) != len(texts):  # the dry run and this pass disagree: a bug, never data
            raise AssistantError(f"Ray returned {len(vectors)} vectors for {len(texts)} texts")
        self._dim = vectors.shape[1]
        return vectors

    def dimension(self) -> int:
        return self._dim


@contextmanager
def _failing_clearly(ray: Any) -> Iterator[None]:
    """Turn a Ray failure that its retries did not fix into one line saying what to do."""
    try:
        yield
    except AssistantError:
        raise
    except Exception as exc:
        if not isinstance(exc, ray.exceptions.RayError) and "ray" not in type(exc).__module__:
            raise
        text = str(exc).strip()
        first = text.splitlines()[0][:300] if text else type(exc).__name__
        raise AssistantError(
            f"the Ray ingest failed: {first} — every article committed so far is kept;"
            " run the same command again to finish"
        ) from exc
