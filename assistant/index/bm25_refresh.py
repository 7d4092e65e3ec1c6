"""BM25 segments on disk, and bringing them up to the catalog.

`refresh_segments` compares the catalog's articles with the saved segments' by content hash,
tokenises only the new and changed ones into a new segment, marks the rows of changed and
removed ones dead, merges (`compact`), and writes: new segment folders first, then the manifest
by one rename, then the segments it no longer lists are deleted. A refresh killed anywhere
leaves the previous manifest and its segments whole; the next one finds the same difference.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.bm25_segments import (
    FORMAT,
    MANIFEST,
    SEGMENT_PREFIX,
    Segment,
    Segments,
    build_segment,
    compact,
    segment_name,
)
from assistant.index.files import fresh_sibling, swap_in

if TYPE_CHECKING:
    from assistant.index.catalog import Catalog
    from assistant.schema import Chunk


def refresh_segments(catalog: Catalog, folder: Path, save: bool) -> Segments:
    """Return segments matching the catalog, tokenising only what changed since the saved ones.

    With save, new segments are written and the manifest replaced (a whole new folder when
    there was no readable manifest); old segments no longer listed are then deleted.
    """
    generation = catalog.generation()
    documents = {origin: row.content_hash for origin, row in catalog.documents().items()}
    saved = load_segments(folder)
    parts = _incremental(saved, documents, catalog, generation) if saved is not None else None
    whole = parts is None
    if parts is None:
        parts = _fresh(documents, catalog, generation, catalog.iter_origin_chunks())
    segments = Segments(compact(parts, generation), generation)
    if save:
        write_segments(segments, folder, whole=whole)
    return segments


def _incremental(
    saved: Segments, documents: dict[str, str], catalog: Catalog, generation: int
) -> list[tuple[Segment, frozenset[int]]] | None:
    """Return the saved parts with changed articles dead and a new segment of the new ones,
    or None when the result would not match the catalog (then everything is rebuilt)."""
    held: dict[str, tuple[int, int, str]] = {}  # origin -> (part, article row, hash)
    for p, (seg, dead) in enumerate(saved.parts):
        for row, (origin, digest) in enumerate(zip(seg.origins, seg.hashes, strict=True)):
            if row not in dead:
                held[origin] = (p, row, digest)
    newly_dead: dict[int, set[int]] = {}
    for origin, (p, row, digest) in held.items():
        if documents.get(origin) != digest:
            newly_dead.setdefault(p, set()).add(row)
    fresh = {o: h for o, h in documents.items() if o not in held or held[o][2] != h}
    parts = [
        (seg, dead | frozenset(newly_dead.get(p, ()))) for p, (seg, dead) in enumerate(saved.parts)
    ]
    if fresh:
        parts += _fresh(fresh, catalog, generation, catalog.iter_origin_chunks(set(fresh)))
    if Segments(parts, generation).live_chunks() != catalog.counts()[1]:
        return None  # e.g. a chunk id shared by two articles: the catalog holds it once
    return parts


def _fresh(
    documents: dict[str, str],
    catalog: Catalog,
    generation: int,
    chunks: Iterable[tuple[str, Chunk]],
) -> list[tuple[Segment, frozenset[int]]]:
    """Return one new segment of these articles' chunks (catalog order), or none."""
    pairs = [(o, c) for o, c in chunks if o in documents]
    first: dict[str, int] = {}
    for i, (origin, _) in enumerate(pairs):
        first.setdefault(origin, i)
    order = sorted(documents, key=lambda o: (first.get(o, len(pairs)), o))
    if not pairs and not order:
        return []
    articles = [(origin, documents[origin]) for origin in order]
    return [(build_segment(pairs, articles, segment_name(generation)), frozenset())]


def write_segments(segments: Segments, folder: Path, whole: bool = False) -> None:
    """Write the segments not yet on disk, then the manifest; delete segments it dropped."""
    whole = whole or not (folder / MANIFEST).exists()
    into = fresh_sibling(folder) if whole else folder  # old format or none: a new folder
    for seg, _ in segments.parts:
        if not (into / seg.name).is_dir():
            _write_segment(seg, into / seg.name)
    manifest = {
        "format": FORMAT,
        "generation": segments.generation,
        "segments": [{"name": seg.name, "dead": sorted(dead)} for seg, dead in segments.parts],
    }
    _write_manifest(into, manifest)
    listed = {seg.name for seg, _ in segments.parts}
    if whole:
        swap_in(into, folder)
    else:  # what a killed refresh wrote, and segments merged into others
        for path in folder.iterdir():
            if path.name.startswith(SEGMENT_PREFIX) and path.name not in listed:
                shutil.rmtree(path, ignore_errors=True)
    _remember(segments, folder)
    _forget_unlisted(folder, listed)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest at once (a rename): readers see the old segments or the new."""
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest))
    os.replace(tmp, folder / MANIFEST)


def _write_segment(seg: Segment, target: Path) -> None:
    import numpy as np

    tmp = fresh_sibling(target)
    np.savez(
        tmp / "postings.npz",
        indptr=seg.indptr,
        docs=seg.docs,
        tfs=seg.tfs,
        lengths=seg.lengths,
        stamps=seg.stamps,
        chunk_article=seg.chunk_article,
    )
    meta = {
        "terms": seg.terms,
        "ids": seg.ids,
        "sources": seg.sources,
        "origins": seg.origins,
        "hashes": seg.hashes,
    }
    (tmp / "meta.json").write_text(json.dumps(meta))
    swap_in(tmp, target)


def load_segments(folder: Path) -> Segments | None:
    """Return the saved segments, or None when there are none readable (or an older format)."""
    for _ in range(2):  # a writer may delete a merged segment between manifest and read
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
            if manifest.get("format") != FORMAT:
                return None
            parts = [
                (_read_segment(folder / str(item["name"])), frozenset(item["dead"]))
                for item in manifest["segments"]
            ]
            generation = int(manifest["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        _forget_unlisted(folder, {seg.name for seg, _ in parts})
        return Segments(parts, generation)
    return None


# Segment folders are immutable and never renamed, so one read serves every later manifest
# that lists it: a searcher picking up a run's changes reads only that run's new segment.
_READ: dict[str, Segment] = {}
_READ_LOCK = threading.Lock()


def _read_segment(path: Path) -> Segment:
    import numpy as np

    key = str(path.resolve())
    with _READ_LOCK:
        known = _READ.get(key)
    if known is not None:
        return known
    meta = json.loads((path / "meta.json").read_text())
    with np.load(path / "postings.npz") as arrays:
        loaded: dict[str, Any] = {name: arrays[name] for name in arrays.files}
    seg = Segment(
        name=path.name,
        terms=list(meta["terms"]),
        ids=list(meta["ids"]),
        sources=list(meta["sources"]),
        origins=list(meta["origins"]),
        hashes=list(meta["hashes"]),
        **loaded,
    )
    with _READ_LOCK:
        _READ[key] = seg
    return seg


def _remember(segments: Segments, folder: Path) -> None:
    """Note the segments just written, so loading them again reads nothing."""
    with _READ_LOCK:
        for seg, _ in segments.parts:
            _READ[str((folder / seg.name).resolve())] = seg


def _forget_unlisted(folder: Path, listed: set[str]) -> None:
    prefix = str(folder.resolve()) + os.sep
    with _READ_LOCK:
        for key in [k for k in _READ if k.startswith(prefix)]:
            if key[len(prefix) :] not in listed:
                del _READ[key]
