"""One index, many processes: a serving process sees another's ingest and removal; one writer.

Real parts throughout: the UI runs as its own process (`ui.py`), ingest and remove run as the
`assistant` command in others, and questions go through the UI's HTTP API.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.index.lock import writing
from assistant.ingest import build_index
from tests.serving import serve_ui

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))
NEW_ARTICLE = {
    "id": "harbour-ferry",
    "title": "Lakeside council buys an electric ferry for the harbour crossing",
    "source": "Lakeside Herald",
    "published_at": "2026-11-20",
    "body": "The Lakeside council voted on Tuesday to buy an electric ferry named Osprey for "
    "the harbour crossing. The Osprey will carry 120 passengers and replace the diesel boat "
    "that has served the route since 1989. Service on the new ferry starts in March 2027.",
}
QUESTION = "What is the name of the electric ferry Lakeside council bought?"


def _assistant(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A UI process over an index of the seed article, and the environment that names it."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    settings = {"ASSISTANT_SEEDS_DIR": str(seeds), "ASSISTANT_INDEX_DIR": str(tmp_path / "ix")}
    with serve_ui(settings, tmp_path, timeout=180) as (url, env):
        yield url, env, tmp_path


def _ask(url: str, question: str) -> dict[str, Any]:
    from gradio_client import Client

    reply: dict[str, Any] = Client(url, verbose=False).predict(
        question, [], [], "", "", api_name="/ask"
    )
    return reply


@pytest.mark.slow
def test_ui_answers_about_articles_another_process_ingests_then_removes(
    served: tuple[str, dict[str, str], Path],
) -> None:
    url, env, base = served
    before = _ask(url, QUESTION)  # the UI process opens the index (and Chroma) now
    assert "Osprey" not in before["text"]

    extra = base / "extra.jsonl"
    extra.write_text(json.dumps(NEW_ARTICLE) + "\n", encoding="utf-8")
    ingested = _assistant("ingest", str(extra), env=env)
    assert ingested.returncode == 0, ingested.stderr

    after = _ask(url, QUESTION)
    assert after["answered"] and "Osprey" in after["text"], after
    assert "Lakeside Herald" in {c["source"] for c in after["citations"]}
    seed = _ask(url, "Who approved Ukraine's use of long-range US missiles inside Russia?")
    assert seed["answered"] and "Biden" in seed["text"], seed

    removed = _assistant("remove", str(extra), env=env)
    assert removed.returncode == 0, removed.stderr
    gone = _ask(url, QUESTION)
    assert "Lakeside Herald" not in {c["source"] for c in gone["citations"]}, gone
    assert "Osprey" not in gone["text"]


@pytest.mark.slow
def test_a_second_writer_is_refused_clearly(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "ix")
    build_index([SEED], settings)
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(settings.index_dir), "PYTHONPATH": str(ROOT)}
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(NEW_ARTICLE) + "\n", encoding="utf-8")
    errors: list[BaseException] = []

    def ingest_in_another_thread() -> None:
        try:
            build_index([extra], settings)
        except IndexBusyError as exc:
            errors.append(exc)

    with writing(Path(settings.index_dir)):
        refused = _assistant("ingest", str(extra), env=env)
        thread = threading.Thread(target=ingest_in_another_thread)
        thread.start()
        thread.join()
    assert len(errors) == 1 and "is writing to the index" in str(errors[0])
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"Error: another ingest (pid {os.getpid()}) is writing")
    assert "wait for it to finish" in refused.stderr and "Traceback" not in refused.stderr
    done = _assistant("ingest", str(extra), env=env)  # the lock died with its holder
    assert done.returncode == 0, done.stderr
