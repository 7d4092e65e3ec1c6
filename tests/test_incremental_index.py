"""Incremental refresh of the derived files: BM25 segments and sentence vectors.

An index built in several runs (articles added, changed, removed) must score and rank exactly
like one built in one go — and like bm25s rebuilt over the same chunks — while each run reads
only what changed. Real catalog, real bm25s, real encoder (the slow test).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.index import bm25_refresh, bm25_segments, open_index
from assistant.index.bm25 import BM25_DIR, BM25Index, _load, build_bm25
from assistant.index.catalog import Catalog
from assistant.ingest.changes import content_hash
from assistant.ingest.chunk import chunk_article
from assistant.schema import Article
from assistant.text.sentences import sentence_texts
from assistant.text.words import tokenize
from tests.conftest import ROOT

MULTIHOP = ROOT / "evals/data/multihop-rag/corpus.jsonl"


def _records(count: int) -> list[dict[str, Any]]:
    with MULTIHOP.open() as lines:
        return [json.loads(line) for _, line in zip(range(count), lines, strict=False)]


def _articles(count: int) -> list[Article]:
    return [Article(id=r["id"], title=r["title"], text=r["body"], source=r["source"],
                    origin=f"corpus#{i}") for i, r in enumerate(_records(count))]


def _bm25s_scores(catalog: Catalog, queries: list[str]) -> tuple[list[str], list[np.ndarray]]:
    """Return the catalog's chunk ids and bm25s's scores for each query, rebuilt from scratch."""
    import bm25s

    ids, corpus = [], []
    for chunk in catalog.iter_chunks():
        ids.append(chunk.id)
        corpus.append(tokenize(chunk.indexed_text()) or ["_empty_"])
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    out = []
    for query in queries:
        tokens = [t for t in tokenize(query) if t in model.vocab_dict]
        out.append(model.get_scores(tokens) if tokens else np.zeros(len(ids), "float32"))
    return ids, out


def _assert_scores_like_bm25s(index: BM25Index, catalog: Catalog, queries: list[str]) -> None:
    """Same chunks in the catalog's order, and bit-identical scores: so the same top k."""
    ids, expected = _bm25s_scores(catalog, queries)
    assert index.ids == ids
    for query, reference in zip(queries, expected, strict=True):
        assert np.array_equal(index.scores(query), reference), f"scores differ for {query!r}"


def test_segments_score_exactly_like_bm25s_through_adds_changes_and_removals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(40)
    queries = [a.title for a in articles[::3]] + ["the company said on Tuesday", "Changed title"]
    catalog = Catalog(tmp_path / "catalog.sqlite")
    tokenised: list[str] = []

    def counting_tokenize(text: str) -> list[str]:
        tokenised.append(text)
        return tokenize(text)

    monkeypatch.setattr(bm25_segments, "tokenize", counting_tokenize)
    rng = random.Random(7)
    held: dict[str, Article] = {}
    for round_ in range(6):
        batch = articles[round_ * 6 : round_ * 6 + 6]  # new articles
        if held:  # and change one (its title only: same chunk ids, other indexed text)
            origin = rng.choice(sorted(held))
            batch.append(replace(held[origin], title=f"Changed title {round_}"))
        items = [(a, content_hash(a), chunk_article(a, 256, 32)) for a in batch]
        catalog.replace_documents(items)
        held.update((a.origin, a) for a in batch)
        if round_ in (2, 4):
            gone = rng.choice(sorted(held))
            catalog.remove_documents([gone])
            del held[gone]
        tokenised.clear()
        index = build_bm25(catalog, tmp_path)
        assert len(tokenised) == sum(len(cs) for _, _, cs in items if cs[0].article_id in
                                     {a.id for a in held.values()}), "tokenised unchanged chunks"
        assert index.generation == catalog.generation()
        _assert_scores_like_bm25s(index, catalog, queries)
        loaded = _load(tmp_path / BM25_DIR)
        assert loaded is not None and loaded.ids == index.ids
        assert np.array_equal(loaded.scores(queries[0]), index.scores(queries[0]))
    folders = [p.name for p in (tmp_path / BM25_DIR).iterdir()]
    listed = {seg.name for seg, _ in index.postings.segments.parts}
    assert sorted(folders) == sorted([*listed, "manifest.json"]), "unlisted segments were kept"
    texts = [set(tokenize(c.indexed_text())) for c in catalog.iter_chunks()]
    for term in ("appl", "said", "zzz-not-a-term"):
        df = sum(term in words for words in texts)
        expected = float(np.log(1 + (len(texts) - df + 0.5) / (df + 0.5))) if df else 0.0
        assert index.idf(term) == pytest.approx(expected, rel=1e-12)


def test_a_refresh_killed_before_its_manifest_is_healed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(12)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.replace_documents([(a, content_hash(a), chunk_article(a, 256, 32))
                               for a in articles[:8]])
    before = build_bm25(catalog, tmp_path)
    before_segments = list((tmp_path / BM25_DIR).glob("seg-*"))
    catalog.replace_documents([(a, content_hash(a), chunk_article(a, 256, 32))
                               for a in articles[8:]])

    def killed(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies after writing a segment, before the manifest

    with monkeypatch.context() as patch:
        patch.setattr(bm25_refresh, "_write_manifest", killed)
        with pytest.raises(KeyboardInterrupt):
            build_bm25(catalog, tmp_path)
    assert len(list((tmp_path / BM25_DIR).glob("seg-*"))) > len(before_segments)
    saved = _load(tmp_path / BM25_DIR)
    assert saved is not None and saved.ids == before.ids, "a half-written refresh was visible"
    healed = build_bm25(catalog, tmp_path)
    _assert_scores_like_bm25s(healed, catalog, [a.title for a in articles])
    listed = {seg.name for seg, _ in healed.postings.segments.parts}
    assert {p.name for p in (tmp_path / BM25_DIR).glob("seg-*")} == listed, "orphans kept"
    (tmp_path / BM25_DIR / "manifest.json").write_text("{not json")  # unreadable: rebuilt
    rebuilt = build_bm25(catalog, tmp_path)
    assert rebuilt.ids == healed.ids
    assert sorted(os.listdir(tmp_path / BM25_DIR)) == sorted(
        [seg.name for seg, _ in rebuilt.postings.segments.parts] + ["manifest.json"])


@pytest.mark.slow
def test_an_index_built_in_runs_ranks_like_one_built_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.index import sentence_index
    from assistant.index.bm25 import get_bm25
    from assistant.index.sentence_index import load_sentence_index
    from assistant.ingest import build_index

    records = _records(16)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:8]))
    second.write_text("".join(json.dumps(r) + "\n" for r in records[8:]))
    runs = Settings(index_dir=tmp_path / "runs")
    build_index([first], runs)
    assert open_index(runs).catalog.generation() == 1, "one encode batch, one catalog commit"
    split: list[str] = []

    def counting_split(text: str) -> list[str]:
        split.append(text)
        return sentence_texts(text)

    monkeypatch.setattr(sentence_index, "sentence_texts", counting_split)
    build_index([first, second], runs)
    new = [c.text for c in open_index(runs).catalog.iter_chunks()
           if c.article_id in {r["id"] for r in records[8:]}]
    assert sorted(split) == sorted(new), "only the new chunks are split into sentences"
    records[3]["title"] = "A changed headline"  # same chunk ids, other indexed text
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:8]))
    second.write_text("".join(json.dumps(r) + "\n" for r in records[8:15]))  # one gone
    build_index([first, second], runs, prune=True)
    once = Settings(index_dir=tmp_path / "once")
    build_index([first, second], once)

    a, b = open_index(runs), open_index(once)
    assert a.catalog.all_chunk_ids() == b.catalog.all_chunk_ids()
    bm_a, bm_b = get_bm25(a.catalog, a.directory), get_bm25(b.catalog, b.directory)
    queries = [r["title"] for r in records] + ["Who reported on the company's earnings?"]
    at = [bm_b.positions[i] for i in bm_a.ids]
    for query in queries:
        assert np.array_equal(bm_a.scores(query), bm_b.scores(query)[at]), query
        assert bm_a.search(query, 10) == bm_b.search(query, 10), query
    _assert_scores_like_bm25s(bm_a, a.catalog, queries)
    sa, sb = load_sentence_index(a.directory), load_sentence_index(b.directory)
    assert sa is not None and sb is not None
    assert {c: [sa.keys[r] for r in rows] for c, rows in sa.chunks.items()} == {
        c: [sb.keys[r] for r in rows] for c, rows in sb.chunks.items()}
    assert sorted(sa.keys) == sorted(sb.keys), "rows no chunk uses are dropped"
