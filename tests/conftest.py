"""Shared fixtures: no test touches the real index/, and built indexes are shared per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
SEED_QUESTION = "Who approved Ukraine's use of long-range US missiles inside Russia?"


@pytest.fixture(autouse=True)
def _isolated_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default index at a temporary folder so nothing writes to index/."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "default-index"))


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for an index of the seed article and the tiny test corpus (real model)."""
    from assistant.ingest import build_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("seed-index"))
    build_index([SEEDS, DATA / "articles.jsonl"], settings)
    yield settings
    shutil.rmtree(settings.index_dir, ignore_errors=True)
