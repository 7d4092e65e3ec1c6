"""Chroma server mode: the ingest/ask flow against a real `chroma run` on 127.0.0.1.

The vectors live on the server; the catalog and BM25 stay local under index_dir.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import ask
from assistant.cli import main
from assistant.config import Settings, StoreSettings
from assistant.errors import AssistantError
from assistant.index import open_index
from assistant.index.bm25 import BM25_DIR, get_bm25
from assistant.index.catalog import CATALOG_FILE
from assistant.index.store import CHROMA_DIR
from assistant.ingest import build_index, remove_documents
from tests.conftest import DATA, SEED_QUESTION, SEEDS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_cli() -> str | None:
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `chroma run` on a free loopback port and yield its URL."""
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the chroma CLI is not installed")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    with (folder / "server.log").open("w") as log:
        proc = subprocess.Popen([cli, "run", "--path", str(folder / "data"), "--host",
                                 "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, folder / "server.log")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"chroma run exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"chroma run did not answer within 60 s:\n{log.read_text()}")


def _server_settings(tmp_path: Path, url: str, collection: str) -> Settings:
    return Settings(index_dir=tmp_path / "idx", store=StoreSettings(url=url, collection=collection))


def _consistent(settings: Settings) -> tuple[int, int]:
    index = open_index(settings)
    ids = index.catalog.all_chunk_ids()
    assert index.store.ids() == ids, "the server's collection and the catalog disagree"
    assert index.store.count() == len(ids)
    assert set(get_bm25(index.catalog, index.directory).ids) == ids, "BM25 and the catalog disagree"
    return index.catalog.counts()


@pytest.mark.slow
def test_ingest_ask_and_remove_against_a_chroma_server(chroma_server: str,
                                                       tmp_path: Path) -> None:
    settings = _server_settings(tmp_path, chroma_server, "server-flow")
    first = build_index([SEEDS, DATA / "articles.jsonl"], settings)
    assert (first.articles_added, first.skipped) == (9, [])
    again = build_index([SEEDS, DATA / "articles.jsonl"], settings)
    assert (again.articles_added, again.chunks_added, again.articles_unchanged) == (0, 0, 9)
    articles, chunks = _consistent(settings)
    assert (articles, chunks) == (9, first.chunks_added)
    local = settings.index_dir
    assert (local / CATALOG_FILE).exists() and (local / BM25_DIR).exists()
    assert not (local / CHROMA_DIR).exists(), "server mode must not open an embedded store"

    answer = ask(SEED_QUESTION, settings=settings)
    assert answer.answered and "Biden" in answer.text and "[1]" in answer.text
    assert answer.citations[0].source == "The Postmillennial"
    assert "approved the use of long-range US weapons" in answer.citations[0].quote

    removed = remove_documents([str(SEEDS)], settings)
    assert removed.articles_removed == 1 and removed.chunks_removed > 0
    assert _consistent(settings) == (8, chunks - removed.chunks_removed)
    after = ask(SEED_QUESTION, settings=settings)
    assert all(c.source != "The Postmillennial" for c in after.citations)


def test_a_server_that_is_down_says_how_to_start_one(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    url = f"http://127.0.0.1:{port}"
    expected = (f"cannot reach the Chroma server at {url} — start it with: chroma run --path DIR "
                f"--host 127.0.0.1 --port {port}")
    with pytest.raises(AssistantError, match=expected.replace(".", r"\.")):
        build_index([SEEDS], _server_settings(tmp_path, url, "down"))


def test_the_cli_reports_a_down_server_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    code = main(["ingest", str(SEEDS), "--index", str(tmp_path / "idx"),
                 "--store-url", f"http://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"Error: cannot reach the Chroma server at http://127.0.0.1:{port} — ")
    assert "Traceback" not in err
