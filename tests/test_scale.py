"""Scale: SIGKILLed ingests resume exactly, and 20 conversations at once stay apart.

The crash tests register a hashing embedder (our Embedder seam) instead of the real model:
what they check is bookkeeping across catalog, Chroma and BM25, and the fake makes a
609-article ingest take seconds instead of an hour on two cores.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import Answer, ask
from assistant.config import IngestSettings, Settings
from assistant.embed import vectors_kind
from assistant.index import manifest_for, open_index
from assistant.index.bm25 import get_bm25
from assistant.index.catalog import CATALOG_FILE
from assistant.index.registry import register_embedder
from assistant.ingest import build_index
from assistant.ingest.load import load_articles
from tests.conftest import DATA, ROOT, SEED_QUESTION, SEEDS

MULTIHOP = ROOT / "evals/data/multihop-rag/corpus.jsonl"  # ODC-BY copy in the repo
FAKE = IngestSettings(embed_model="test-hash-embedder")


class HashEmbedder:
    """Hashed words → 64-d unit vectors: deterministic, and fast enough for big corpora."""

    name = "test-hash-embedder"
    backend = "torch"

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> Any:
        out = np.zeros((len(texts), 64), dtype="float32")
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def dimension(self) -> int:
        return 64


_KILLABLE = """
import sys
from pathlib import Path
from assistant.config import Settings
from assistant.embed import vectors_kind
from assistant.index.registry import register_embedder
from assistant.ingest import build_index
from tests.test_scale import FAKE, HashEmbedder
register_embedder(FAKE, HashEmbedder())
build_index([Path(sys.argv[1])], Settings(index_dir=Path(sys.argv[2]), ingest=FAKE),
            progress=lambda done, total: print(done, total, flush=True))
"""


def _kill_midway(corpus: Path, index_dir: Path, fraction: float) -> None:
    """Run an ingest in a subprocess and SIGKILL it once `fraction` of its work is committed."""
    proc = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(corpus), str(index_dir)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    for line in proc.stdout:
        done, total = map(int, line.split())
        if done >= total * fraction:
            break
    else:
        proc.wait()
        pytest.fail(f"the ingest ended (exit {proc.returncode}) before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


def _committed_articles(index_dir: Path) -> int:
    # Plain sqlite: opening Chroma here would hold it while the next subprocess writes.
    with sqlite3.connect(index_dir / CATALOG_FILE) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def _check_consistent(settings: Settings, articles: int) -> None:
    """One row per article, unique chunk ids, and Chroma, BM25 and manifest all agreeing."""
    index = open_index(settings)
    docs = index.catalog.documents()
    assert len(docs) == articles
    article_ids = [doc.article_id for doc in docs.values()]
    assert len(set(article_ids)) == len(article_ids), "an article is present twice"
    ids = [chunk.id for chunk in index.catalog.iter_chunks()]
    assert len(ids) == len(set(ids)) == sum(doc.n_chunks for doc in docs.values())
    assert index.store.count() == len(ids), "Chroma holds vectors the catalog does not"
    assert index.store.ids() == set(ids)
    bm25 = get_bm25(index.catalog, index.directory)
    assert sorted(bm25.ids) == sorted(ids)
    assert bm25.generation == index.catalog.generation()
    wanted = manifest_for(settings)
    assert {key: index.catalog.get_meta(key) for key in wanted} == wanted
    assert index.catalog.get_meta("dirty") == "0"
    assert index.catalog.get_meta("embed_vectors") == vectors_kind(settings.ingest.embed_backend)


def _synthetic_corpus(path: Path, count: int) -> None:
    rng = random.Random(8)
    words = ["harbour", "council", "budget", "river", "storm", "election", "striker", "museum",
             "drought", "rail", "vaccine", "market", "tariff", "bridge", "festival", "court"]
    lines = []
    for i in range(count):
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize()
                     + f" (report {i}.{j})." for j in range(rng.randint(10, 50))]
        record = {"id": f"syn-{i:04d}", "title": f"Synthetic report {i}",
                  "source": f"Outlet {i % 7}", "published_at": f"2024-0{1 + i % 9}-1{i % 10}",
                  "body": " ".join(sentences)}
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def _kill_twice_and_finish(corpus: Path, index_dir: Path) -> None:
    expected = len(load_articles([corpus])[0])
    _kill_midway(corpus, index_dir, 1 / 3)
    first = _committed_articles(index_dir)
    assert 0 < first < expected
    _kill_midway(corpus, index_dir, 1 / 2)  # the rerun is killed too, further on
    second = _committed_articles(index_dir)
    assert first < second < expected
    register_embedder(FAKE, HashEmbedder())
    settings = Settings(index_dir=index_dir, ingest=FAKE)
    report = build_index([corpus], settings)
    assert report.articles_unchanged == second
    assert report.articles_added == expected - second
    _check_consistent(settings, expected)
    again = build_index([corpus], settings)
    assert (again.articles_added, again.chunks_added, again.chunks_removed) == (0, 0, 0)


def test_killed_synthetic_ingest_resumes_exactly(tmp_path: Path) -> None:
    corpus = tmp_path / "synthetic.jsonl"
    _synthetic_corpus(corpus, 400)
    _kill_twice_and_finish(corpus, tmp_path / "idx")


@pytest.mark.slow
def test_killed_multihop_ingest_resumes_exactly(tmp_path: Path) -> None:
    _kill_twice_and_finish(MULTIHOP, tmp_path / "idx")


# Concurrency: the real model, 20 conversations at once over the tiny corpus and the seed.
# Each follow-up only names its subject through the history ("it", "he", "there").
FOLLOW_UPS = {"t1": "When will construction of it start?",
              "t2": "Which spa was evacuated because of it?",
              "t3": "How much did its shares rise?",
              "t4": "How many goals did he score last season?",
              "t5": "What were its side effects?",
              "t6": "When are the talks due to resume?",
              "t7": "How much did the renovation cost?",
              "t8": "By how much must farmers cut irrigation there?",
              "seed": "What missile system does that cover?"}


def _conversations() -> list[tuple[str, str]]:
    cases = [json.loads(line) for line in (DATA / "questions.jsonl").read_text().splitlines()]
    distinct = [(c["question"], c["article_id"]) for c in cases] + [(SEED_QUESTION, "seed")]
    return [distinct[i % len(distinct)] for i in range(20)]


def _converse(question: str, article_id: str, settings: Settings) -> tuple[Answer, Answer]:
    first = ask(question, settings=settings)
    return first, ask(FOLLOW_UPS[article_id], [(question, first.text)], settings)


def _fingerprint(answer: Answer) -> tuple[str, list[tuple[str, int, int]]]:
    return answer.text, [(c.article_id, c.start, c.end) for c in answer.citations]


@pytest.fixture(scope="module")
def busy_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("busy-index"))
    build_index([SEEDS, DATA / "articles.jsonl"], settings)
    return settings


@pytest.mark.slow
def test_twenty_conversations_at_once_match_one_at_a_time(busy_index: Settings,
                                                          tmp_path: Path) -> None:
    conversations = _conversations()
    alone = {q: _converse(q, a, busy_index) for q, a in dict.fromkeys(conversations)}
    seed_id = next(doc.article_id for origin, doc in open_index(busy_index).catalog.documents()
                   .items() if origin.startswith(str(SEEDS.resolve())))
    for question, article_id in dict.fromkeys(conversations):  # the reference itself is right
        follow = alone[question][1]
        assert follow.citations, (question, follow.text)
        assert follow.citations[0].article_id == (seed_id if article_id == "seed" else article_id)
    extra = tmp_path / "extra"
    extra.mkdir()
    for i in range(3):  # unrelated articles ingested while the conversations run
        text = f"Glacier survey {i}\n\nThe survey mapped ice shelf {i}.\n"
        (extra / f"x{i}.txt").write_text(text)
    start = threading.Barrier(len(conversations) + 1)

    def run(question: str, article_id: str) -> tuple[Answer, Answer]:
        start.wait()
        return _converse(question, article_id, busy_index)

    def ingest() -> None:
        start.wait()
        build_index([extra], busy_index)

    with ThreadPoolExecutor(len(conversations) + 1) as pool:
        futures = [pool.submit(run, q, a) for q, a in conversations]
        writer = pool.submit(ingest)
        results = [f.result() for f in futures]
        writer.result()
    for (question, _), (first, follow) in zip(conversations, results, strict=True):
        assert _fingerprint(first) == _fingerprint(alone[question][0])
        assert _fingerprint(follow) == _fingerprint(alone[question][1])
    assert open_index(busy_index).catalog.counts()[0] == 9 + 3
