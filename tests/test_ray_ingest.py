"""Ingest on Ray: a real local Ray runtime (2 CPUs) and a real `chroma run` server.

A Ray ingest must give the index a local ingest gives: the same articles, chunk ids and
catalog rows in the same order, the same vectors, BM25 and sentence vectors. Killing an
encoder actor mid-ingest costs a retry, not the run; without Ray the error names the extra.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.cli import main
from assistant.config import IngestSettings, Settings, StoreSettings
from assistant.errors import AssistantError, ConfigError
from assistant.index import open_index
from assistant.index.bm25 import get_bm25
from assistant.index.catalog import CATALOG_FILE
from assistant.index.sentence_index import load_sentence_index
from assistant.ingest import IngestReport, build_index
from tests.conftest import ROOT
from tests.test_server_mode import chroma_server  # noqa: F401  # the real `chroma run` fixture

# Eight MultiHop-RAG articles in 64-token chunks: 307 chunks, two encode batches, 664 sentences.
ARTICLES = 8
INGEST = IngestSettings(chunk_size=64, chunk_overlap=8)
# onnx-int8 quantises activations per batch, so only identical batches give identical vectors;
# the Ray path hands the model the local batches, so anything above float noise is a bug.
TOLERANCE = 1e-6

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = (ROOT / "evals/data/multihop-rag/corpus.jsonl").read_text().splitlines()[:ARTICLES]
    path = tmp_path_factory.mktemp("ray-corpus") / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    """Start a real local Ray with 2 CPUs for this module, and stop it afterwards."""
    ray = pytest.importorskip("ray", reason="Ray is not installed — pip install -e '.[ray]'")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def local_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings,
                                                                              IngestReport]:
    settings = Settings(index_dir=tmp_path_factory.mktemp("local-index"), ingest=INGEST)
    return settings, build_index([corpus], settings)


def _snapshot(settings: Settings) -> dict[str, Any]:
    """Return everything an index holds, vectors keyed by chunk id."""
    index = open_index(settings)
    chunks = list(index.catalog.iter_chunks())
    ids = [c.id for c in chunks]
    got = index.store.collection.get(ids=ids, include=["embeddings"])
    vectors = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype="float32"), strict=True))
    sentences = load_sentence_index(index.directory)
    assert sentences is not None
    return {
        "documents": {o: row.content_hash for o, row in index.catalog.documents().items()},
        "chunks": chunks,
        "vectors": np.stack([vectors[i] for i in ids]),
        "bm25": get_bm25(index.catalog, index.directory).ids,
        "sentence_keys": sentences.keys,
        "sentence_chunks": sentences.chunks,
        "sentence_vectors": sentences.vectors.astype("float32"),
    }


def _assert_same_index(ray_settings: Settings, local_settings: Settings) -> None:
    ours, theirs = _snapshot(ray_settings), _snapshot(local_settings)
    assert len(ours["chunks"]) == 307
    for key in ("documents", "chunks", "bm25", "sentence_keys", "sentence_chunks"):
        assert ours[key] == theirs[key], f"{key} differ between the Ray and the local ingest"
    assert ours["vectors"].shape == theirs["vectors"].shape
    assert float(np.abs(ours["vectors"] - theirs["vectors"]).max()) <= TOLERANCE
    assert float(np.abs(ours["sentence_vectors"] - theirs["sentence_vectors"]).max()) <= TOLERANCE


def _counts(report: IngestReport) -> tuple[int, int, int]:
    return report.articles_added, report.chunks_added, len(report.skipped)


def test_a_ray_ingest_into_a_chroma_server_equals_a_local_ingest(
    ray_runtime: Any, chroma_server: str,  # noqa: F811  # the fixture imported above
    corpus: Path, local_index: tuple[Settings, IngestReport],
    tmp_path: Path,
) -> None:
    from assistant.ingest.distributed import build_index_ray

    local_settings, local_report = local_index
    settings = Settings(index_dir=tmp_path / "idx", ingest=INGEST,
                        store=StoreSettings(url=chroma_server, collection="ray-equal"))
    report = build_index_ray([corpus], settings)
    assert _counts(report) == _counts(local_report) == (ARTICLES, 307, 0)
    _assert_same_index(settings, local_settings)
    again = build_index_ray([corpus], settings)  # nothing to do: Ray is not even asked
    assert (again.articles_unchanged, again.chunks_added, again.encode_seconds) == (ARTICLES, 0, 0)


def _descendants() -> list[int]:
    """Return the ids of every process below this one (Ray's raylet and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _encoder_actor() -> int | None:
    """Return the pid of a live encoder actor started by this test's Ray, if there is one."""
    for pid in _descendants():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"_Encoder" in command:
            return pid
    return None


def test_an_encoder_actor_killed_mid_ingest_is_retried(
    ray_runtime: Any, corpus: Path, local_index: tuple[Settings, IngestReport], tmp_path: Path,
) -> None:
    from assistant.ingest.distributed import build_index_ray

    settings = Settings(index_dir=tmp_path / "idx", ingest=INGEST)
    outcome: dict[str, Any] = {}

    def ingest() -> None:
        try:
            outcome["report"] = build_index_ray([corpus], settings)
        except BaseException as exc:
            outcome["error"] = exc

    runner = threading.Thread(target=ingest)
    runner.start()
    deadline, victim = time.monotonic() + 120, None
    while victim is None and runner.is_alive() and time.monotonic() < deadline:
        victim = _encoder_actor()
        time.sleep(0.05)
    assert victim is not None, "no encoder actor showed up while the ingest ran"
    os.kill(victim, signal.SIGKILL)
    runner.join(timeout=300)
    assert not runner.is_alive()
    if "error" in outcome:  # allowed: a clear message, and the same command then finishes
        assert isinstance(outcome["error"], AssistantError), outcome["error"]
        assert "run the same command again" in str(outcome["error"])
        outcome["report"] = build_index_ray([corpus], settings)
    assert open_index(settings).catalog.counts()[0] == ARTICLES
    _assert_same_index(settings, local_index[0])


# A driver that joins the test's Ray cluster and prints "done total" after each commit.
_DRIVER = """
import sys
from pathlib import Path
from assistant.config import IngestSettings, RaySettings, Settings
from assistant.ingest.distributed import build_index_ray
corpus, index_dir, address = sys.argv[1:]
settings = Settings(index_dir=Path(index_dir), ray=RaySettings(address=address),
                    ingest=IngestSettings(chunk_size=64, chunk_overlap=8))
build_index_ray([Path(corpus)], settings, progress=lambda done, total: print(done, total,
                                                                             flush=True))
"""


def test_a_killed_ray_driver_resumes_like_a_local_ingest(
    ray_runtime: Any, corpus: Path, local_index: tuple[Settings, IngestReport], tmp_path: Path,
) -> None:
    from assistant.ingest.distributed import build_index_ray

    address = ray_runtime.get_runtime_context().gcs_address
    index_dir = tmp_path / "idx"
    driver = subprocess.Popen([sys.executable, "-c", _DRIVER, str(corpus), str(index_dir),
                               address], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert driver.stdout is not None
    first = driver.stdout.readline()  # the first batch is committed: kill the driver now
    assert first.split() and int(first.split()[0]) < ARTICLES, f"driver said {first!r}"
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    driver.stdout.close()
    with sqlite3.connect(index_dir / CATALOG_FILE) as conn:
        committed = int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        dirty = conn.execute("SELECT value FROM meta WHERE key = 'dirty'").fetchone()[0]
    assert 0 < committed < ARTICLES and dirty == "1"
    settings = Settings(index_dir=index_dir, ingest=INGEST)
    report = build_index_ray([corpus], settings)
    assert (report.articles_unchanged, report.articles_added) == (committed, ARTICLES - committed)
    _assert_same_index(settings, local_index[0])


def test_without_ray_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assistant.ingest.distributed import build_index_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if not installed
    with pytest.raises(ConfigError, match=r"Ray is not installed .* pip install 'news-assistant"
                                          r"\[ray\]'"):
        build_index_ray([corpus], Settings(index_dir=tmp_path / "idx"))
    assert not (tmp_path / "idx").exists(), "nothing is opened before Ray is found"
    code = main(["ingest", "--ray", str(corpus), "--index", str(tmp_path / "cli")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Error: Ray is not installed (ray) — install the extra:")
    assert "Traceback" not in err


def test_ray_takes_an_address_or_leaves_a_path_to_ingest(corpus: Path) -> None:
    from assistant.cli import _parse, _parser, _settings

    parsed = _parse(_parser(), ["ingest", "--ray", str(corpus)])  # a path, not an address
    assert (parsed.paths, _settings(parsed).ray.enabled, _settings(parsed).ray.address) == (
        [str(corpus)], True, None)
    parsed = _parse(_parser(), ["ingest", "--ray", "https://example.org/feed.xml"])
    assert (parsed.paths, _settings(parsed).ray.address) == (["https://example.org/feed.xml"],
                                                             None)
    parsed = _parse(_parser(), ["ingest", str(corpus), "--ray", "127.0.0.1:6379"])
    assert (parsed.paths, _settings(parsed).ray.address) == ([str(corpus)], "127.0.0.1:6379")
    assert not _settings(_parse(_parser(), ["ingest", str(corpus)])).ray.enabled
