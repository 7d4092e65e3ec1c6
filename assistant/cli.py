"""The `assistant` command: ingest | remove | info | ask | chat | ui | eval."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; expected failures print `Error: …` and return 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["eval"]:
        return _eval(args[1:])
    parser = _parser()
    parsed = parser.parse_args(args)
    if not getattr(parsed, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(parsed.handler(parsed, _settings(parsed)))
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted — every article completed so far is kept; run the same command "
              "again to finish", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add articles (files or folders) to the index")
    ingest.add_argument("paths", nargs="*", type=Path,
                        help=f"files or folders to ingest (default: {defaults.seeds_dir}/)")
    ingest.add_argument("--rebuild", action="store_true", help="delete the index and start fresh")
    ingest.add_argument("--prune", action="store_true",
                        help="remove indexed articles whose files are no longer among PATHS")
    _common(ingest, defaults)
    ingest.set_defaults(handler=_ingest)

    remove = commands.add_parser("remove", help="remove articles by file path or folder")
    remove.add_argument("paths", nargs="+", help="origins as `assistant info --documents` lists")
    _common(remove, defaults)
    remove.set_defaults(handler=_remove)

    info = commands.add_parser("info", help="what the index holds: articles, outlets, dates")
    info.add_argument("--json", action="store_true", help="print the info as JSON")
    _common(info, defaults)
    info.set_defaults(handler=_info)

    ask = commands.add_parser("ask", help="answer one question with cited passages")
    ask.add_argument("question", help="the question")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    _common(ask, defaults)
    _search_options(ask, defaults)
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal (follow-ups work)")
    _common(chat, defaults)
    _search_options(chat, defaults)
    chat.set_defaults(handler=_chat)

    ui = commands.add_parser("ui", help="start the web UI (builds the index from seeds if missing)")
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    _common(ui, defaults)
    ui.set_defaults(handler=_ui)

    commands.add_parser("eval", help="run an eval set or benchmark (see: assistant eval -h)",
                        add_help=False)
    return parser


def _common(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    parser.add_argument("--index", type=Path, dest="index_dir",
                        help=f"index folder (default: {defaults.index_dir})")
    parser.add_argument("--store-url", help="Chroma server URL instead of the embedded store")


def _search_options(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    r = defaults.retrieve
    parser.add_argument("--k", type=int, help=f"passages to consider (default: {r.k})")
    parser.add_argument("--mode", choices=["dense", "bm25", "hybrid"],
                        help=f"retrieval mode (default: {r.mode})")
    parser.add_argument("--no-rerank", dest="rerank", action="store_false", default=None,
                        help="skip the second stage (sentence-level rerank)")
    parser.add_argument("--source", action="append", default=[],
                        help="only this outlet (repeatable)")
    parser.add_argument("--since", type=date.fromisoformat, help="published on or after YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat,
                        help="published on or before YYYY-MM-DD")
    parser.add_argument("--today", type=date.fromisoformat,
                        help="the date 'last week' and 'this week' refer to (default: today)")
    a = defaults.answer
    parser.add_argument("--llm", choices=["extractive", "llamacpp", "openai", "ollama"],
                        help=f"answer backend (default: {a.llm})")
    parser.add_argument("--base-url",
                        help="server URL for --llm openai (…/v1) or ollama")
    parser.add_argument("--model-path", type=Path,
                        help="GGUF file for --llm llamacpp (default: the packaged Gemma 3 270M)")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    update: dict[str, Any] = {}
    if getattr(args, "index_dir", None):
        update["index_dir"] = args.index_dir
    if getattr(args, "store_url", None):
        update["store"] = settings.store.model_copy(update={"url": args.store_url})
    retrieve = {key: getattr(args, key) for key in ("k", "mode") if getattr(args, key, None)}
    if getattr(args, "rerank", None) is False:
        retrieve["rerank"] = False
    if retrieve:
        update["retrieve"] = settings.retrieve.model_copy(update=retrieve)
    answer = {key: getattr(args, key) for key in ("llm", "base_url", "model_path")
              if getattr(args, key, None)}
    if answer:
        update["answer"] = settings.answer.model_copy(update=answer)
    return settings.model_copy(update=update)


def _filters(args: argparse.Namespace) -> Any:
    from assistant.retrieve.filters import Filters

    return Filters(sources=tuple(args.source), since=args.since, until=args.until)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest import build_index

    paths = args.paths or [settings.seeds_dir]
    report = build_index(paths, settings, rebuild=args.rebuild, prune=args.prune, progress=True)
    print(report.summary())
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest import remove_documents

    report = remove_documents(args.paths, settings)
    print(f"removed {report.articles_removed} articles, {report.chunks_removed} chunks")
    return 0


def _info(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.info import describe_index, format_info

    info = describe_index(settings)
    print(json.dumps(info, indent=2) if args.json else format_info(info))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.api import ask
    from assistant.format import format_answer

    answer = ask(args.question, settings=settings, filters=_filters(args), today=args.today)
    print(answer.model_dump_json(indent=2) if args.json else format_answer(answer))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
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
        for piece in ask_stream(question, history, settings, filters=_filters(args),
                                today=args.today):
            if isinstance(piece, Answer):
                answer = piece
            else:
                print(piece, end="", flush=True)
        assert answer is not None
        # the streamed pieces join to answer.text: print only the sources that follow it
        print(format_answer(answer)[len(answer.text):] + "\n")
        if answer.question != question:
            print(f"(searched: {answer.question})\n")
        history.append((question, answer.text))


def _ui(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.webui import launch

    launch(settings, host=args.host, port=args.port)
    return 0


def _eval(argv: list[str]) -> int:
    try:
        from evals.__main__ import main as eval_main
    except ImportError:
        print("Error: the evals package is missing — run from the project folder "
              "(pip install -e .)", file=sys.stderr)
        return 1
    try:
        return int(eval_main(argv))
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
