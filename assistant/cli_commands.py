"""What each `assistant` command does once its arguments are parsed: call assistant, print."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import IndexNotFoundError, InputError

DEMO_INDEX = Path("demo-index")
DEMO_CORPUS = Path(__file__).resolve().parent.parent / "evals/data/multihop-rag/corpus.jsonl"
SHOWN_PRUNED = 10  # origins listed after "pruned N articles"; the rest are counted


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest the named paths (default: the seeds); finding no articles at all is an error."""
    from assistant.feeds.fetch import is_web_url

    urls = [p for p in args.paths if is_web_url(str(p))]
    paths = [Path(p) for p in args.paths if not is_web_url(str(p))]
    if urls:
        return _ingest_urls(urls, paths, args, settings)
    paths = paths or [settings.seeds_dir]
    _check_supported_files(paths)
    report = ingest(paths, settings, rebuild=args.rebuild, prune=args.prune)
    if report.articles_added + report.articles_replaced + report.articles_unchanged == 0:
        why = (
            "every file was skipped (see the warnings above)"
            if report.skipped
            else "the files hold no articles"
        )
        raise InputError(
            f"no articles found in {_names(paths)}: {why} — ingest {_kinds()} "
            "files (JSON records need a body, text or content field)"
        )
    return 0


def _ingest_urls(urls: list[str], paths: list[Path], args: argparse.Namespace,
                 settings: Settings) -> int:
    """Ingest files first (if any), then each URL; every URL failing is an error."""
    from assistant.feeds.commands import ingest_urls

    if paths:
        _check_supported_files(paths)
        ingest(paths, settings, rebuild=args.rebuild, prune=args.prune)
    elif args.rebuild:
        from assistant.index import delete_index
        from assistant.index.lock import writing

        with writing(Path(settings.index_dir)):
            delete_index(settings)
    results = ingest_urls(urls, settings)
    if all(r.error for r in results):
        raise InputError(f"nothing ingested from {', '.join(urls)} (see the lines above) — "
                         "fix the URL or try again later")
    return 0


def ingest(
    paths: Sequence[Path], settings: Settings, *, rebuild: bool = False, prune: bool = False
) -> Any:
    """Build the index with a progress bar, print its summary and return the IngestReport."""
    from assistant.ingest import build_index

    build: Any = build_index
    if settings.ray.enabled:  # the same index, with chunking and encoding on Ray
        from assistant.ingest.distributed import build_index_ray as build

    report = build(paths, settings, rebuild=rebuild, prune=prune, progress=True)
    print(report.summary())
    removed = getattr(report, "removed_origins", [])  # the pipeline names them, if it can
    if prune and removed:
        print(f"pruned {len(removed)} articles whose files are gone:")
        print("\n".join(f"  {origin}" for origin in removed[:SHOWN_PRUNED]))
        if len(removed) > SHOWN_PRUNED:
            print(f"  … and {len(removed) - SHOWN_PRUNED} more")
    return report


def _check_supported_files(paths: Sequence[Path]) -> None:
    """Refuse before opening the index when every path is a folder with no readable file."""
    if all(Path(path).is_dir() and not _has_supported_file(Path(path)) for path in paths):
        raise InputError(
            f"no {_kinds()} files in {_names(paths)} — give files or folders that hold articles"
        )


def _has_supported_file(root: Path) -> bool:
    from assistant.ingest.load import SUPPORTED

    for _folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not name.startswith(".")]  # as load.py walks
        if any(
            Path(name).suffix.lower() in SUPPORTED for name in files if not name.startswith(".")
        ):
            return True
    return False


def _kinds() -> str:
    from assistant.ingest.load import SUPPORTED

    return " ".join(sorted(SUPPORTED))


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(f"{path}/" if Path(path).is_dir() else str(path) for path in paths)


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove articles by origin or folder and print the counts; matching none is an error."""
    from assistant.ingest import remove_documents

    report = remove_documents(args.paths, settings, progress=True)
    if not report.articles_removed:
        raise InputError(
            f"no indexed article matches {' '.join(args.paths)} — list their origins with: "
            f"assistant info --documents{_index_flag(args)}"
        )
    print(f"removed {report.articles_removed} articles, {report.chunks_removed} chunks")
    return 0


def _index_flag(args: argparse.Namespace) -> str:
    return f" --index {args.index_dir}" if args.index_dir else ""


def run_info(args: argparse.Namespace, settings: Settings) -> int:
    """Print what the index holds, or with --documents one line per article."""
    from assistant.info import describe_index, format_info

    if args.documents:
        documents = list_documents(settings)
        if args.json:
            print(json.dumps(documents, indent=2))
        for doc in [] if args.json else documents:
            print(
                "\t".join(
                    [
                        doc["origin"],
                        (doc["published_at"] or "?")[:10],
                        doc["source"] or "unknown outlet",
                        doc["title"],
                    ]
                )
            )
        return 0
    info = describe_index(settings)
    print(json.dumps(info, indent=2) if args.json else format_info(info))
    return 0


def list_documents(settings: Settings) -> list[dict[str, Any]]:
    """Return each indexed article's origin, title, outlet, date and chunk count, by origin."""
    from assistant.index import open_index

    rows = open_index(settings).catalog.documents()
    return [
        {
            "origin": row.origin,
            "title": row.title,
            "source": row.source,
            "published_at": row.published_at,
            "chunks": row.n_chunks,
        }
        for row in sorted(rows.values(), key=lambda row: _origin_key(row.origin))
    ]


def _origin_key(origin: str) -> tuple[str, int]:
    """Sort `file.jsonl#2` before `file.jsonl#10`."""
    path, sep, record = origin.rpartition("#")
    return (path, int(record)) if sep and record.isdigit() else (origin, -1)


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question and print it with its sources (or as JSON)."""
    from assistant.api import ask
    from assistant.format import format_answer

    answer = ask(args.question, settings=settings, filters=_filters(args), today=args.today)
    print(answer.model_dump_json(indent=2) if args.json else format_answer(answer))
    return 0


def run_timeline(args: argparse.Namespace, settings: Settings) -> int:
    """Print a story's timeline (or the Timeline as JSON)."""
    from assistant.story import format_timeline, timeline

    story = timeline(args.query, settings, filters=_filters(args), today=args.today)
    print(story.model_dump_json(indent=2) if args.json else format_timeline(story))
    return 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Hold a conversation on stdin/stdout until an empty line or end of input."""
    from assistant.api import ask_stream
    from assistant.format import format_answer
    from assistant.schema import Answer

    history: list[tuple[str, str]] = []
    print("Ask about the articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        answer: Answer | None = None
        for piece in ask_stream(
            question, history, settings, filters=_filters(args), today=args.today
        ):
            if isinstance(piece, Answer):
                answer = piece
            else:
                print(piece, end="", flush=True)
        assert answer is not None
        # the streamed pieces join to answer.text: print only the sources that follow it
        print(format_answer(answer)[len(answer.text) :] + "\n")
        if answer.question != question:
            print(f"(searched: {answer.question})\n")
        history.append((question, answer.text))


def _filters(args: argparse.Namespace) -> Any:
    from assistant.index.filters import Filters

    return Filters(sources=tuple(args.source), since=args.since, until=args.until)


def run_ui(args: argparse.Namespace, settings: Settings) -> int:
    """Start the web UI; with --demo build the demo index first when it is missing or partial."""
    if args.demo:
        ensure_demo_index(settings)
    launch_ui(settings, host=args.host, port=args.port)
    return 0


def launch_ui(settings: Settings, host: str, port: int) -> None:
    """Serve the web UI (a seam, so tests need not start Gradio)."""
    from assistant.web import launch

    launch(settings, host=host, port=port)


def ensure_demo_index(settings: Settings) -> None:
    """Ingest the MultiHop-RAG corpus into the demo index unless all of it is there already."""
    from assistant.index import open_index

    if not DEMO_CORPUS.is_file():
        raise InputError(
            f"no demo corpus at {DEMO_CORPUS} — --demo needs a clone of the "
            "project (the file is in git); or start without --demo"
        )
    with DEMO_CORPUS.open(encoding="utf-8") as lines:
        total = sum(1 for line in lines if line.strip())
    try:
        have = open_index(settings).catalog.counts()[0]
    except IndexNotFoundError:
        have = 0
    if have >= total:
        return
    if have == 0:
        print(
            f"building a demo index from {total} MultiHop-RAG articles "
            "(about 6 minutes on 2 cores; once)",
            flush=True,
        )
    else:
        print(f"finishing the demo index: {have} of {total} articles are in", flush=True)
    ingest([DEMO_CORPUS], settings)
