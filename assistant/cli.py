"""The `assistant` command: ingest | remove | info | ask | timeline | chat | ui | eval.

Exit codes: 0 done, 1 an expected failure (one `Error: …` line on stderr saying what to do
next), 2 a bad command line (the same one line), 130 Ctrl-C, and 141 when stdout is closed
early (`assistant ask … | head -1`): output stops quietly, as for a program killed by SIGPIPE.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from assistant.cli_commands import (
    DEMO_INDEX,
    run_ask,
    run_chat,
    run_info,
    run_ingest,
    run_remove,
    run_timeline,
    run_ui,
)
from assistant.config import ANSWER_BACKENDS, Settings
from assistant.errors import AssistantError, ConfigError
from assistant.models import LOCAL_MODELS

_KEEPS = ("ingest", "ui", "watch", "feeds")  # commands whose completed articles stay on Ctrl-C
BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `yes | head -1`'s `yes`


class UsageError(Exception):
    """A bad command line; main prints it as one `Error: …` line and returns 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one `Error: …` line naming the help to read."""

    def error(self, message: str) -> NoReturn:
        hint = "" if " — " in message else f" — see: {self.prog} -h"
        raise UsageError(message + hint)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (see the module docstring)."""
    try:
        try:
            return _run(list(sys.argv[1:] if argv is None else argv))
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not at exit as an ignored exception
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE


def _run(args: list[str]) -> int:
    if args[:1] == ["eval"]:
        return _eval(args[1:])
    try:
        parser = _parser()
        parsed = _parse(parser, args)
        if not getattr(parsed, "handler", None):
            parser.print_help()
            return 0
        settings = _settings(parsed)
        check_index_dir(settings, given=bool(parsed.index_dir))
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except (AssistantError, ValidationError) as exc:
        print(f"Error: {_message(exc)}", file=sys.stderr)
        return 1
    try:
        return int(parsed.handler(parsed, settings))
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        kept = " — every article completed so far is kept; run the same command again to finish"
        print(
            "\ninterrupted" + (kept if parsed.command in _KEEPS else ""), file=sys.stderr
        )
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):  # in-process callers may have no real fd
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _message(exc: Exception) -> str:
    """Return one line for an AssistantError or a pydantic error in the ASSISTANT_* settings."""
    if isinstance(exc, AssistantError):
        return str(exc)
    assert isinstance(exc, ValidationError)
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return f"invalid settings ({problems}) — fix the ASSISTANT_* environment variables"


def _parse(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    parsed, extra = parser.parse_known_args(args)
    command = getattr(parsed, "command", None)
    if extra:
        where = f"assistant {command}" if command else "assistant"
        raise UsageError(f"unrecognized arguments: {' '.join(extra)} — see: {where} -h")
    _ray_path_back(parsed)
    since, until = getattr(parsed, "since", None), getattr(parsed, "until", None)
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until} — swap them")
    return parsed


def _ray_path_back(parsed: argparse.Namespace) -> None:
    """`--ray seeds/` takes seeds/ as the address: an existing path or a web URL is to ingest."""
    ray: str | None = getattr(parsed, "ray", None)
    web = ray is not None and ray.startswith(("http://", "https://"))
    if web or (ray and ":" not in ray and ray not in ("auto", "local") and Path(ray).exists()):
        parsed.paths.insert(0, ray)
        parsed.ray = ""


def check_index_dir(settings: Settings, given: bool) -> None:
    """Refuse an index folder that is a file (or lies inside one) before anything opens it."""
    directory = Path(settings.index_dir)
    name = f"--index {directory}" if given else f"the index folder {directory}"
    for path in (directory, *directory.parents):
        if path.is_dir():
            return
        if path.exists():
            where = "is a file" if path == directory else f"is inside the file {path}"
            raise ConfigError(f"{name} {where}, not a folder — give a folder for the index")


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = _Parser(
        prog="assistant", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = _command(
        commands, "ingest", run_ingest, "add articles (files or folders) to the index"
    )
    ingest.add_argument(
        "paths",
        nargs="*",
        help="files or folders to index: .txt/.md (YAML front matter or a 'By NAME – OUTLET,"
        " DATE' byline give outlet, author and date), .html, .json, .jsonl; or http(s) URLs"
        f" of article pages or RSS/Atom feeds (default: {defaults.seeds_dir}/)",
    )
    ingest.add_argument("--rebuild", action="store_true", help="delete the index and start fresh")
    ingest.add_argument(
        "--prune",
        action="store_true",
        help="also remove indexed articles whose source files no longer exist",
    )
    ingest.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="chunk and encode on Ray: join the cluster at ADDRESS (auto, HOST:6379,"
        " ray://HOST:10001) or, without one, start Ray here on every core"
        " (needs: pip install '.[ray]')",
    )
    _common(ingest, defaults)

    remove = _command(commands, "remove", run_remove, "remove articles by file path or folder")
    remove.add_argument(
        "paths", nargs="+", help="origins as `assistant info --documents` lists them, or a folder"
    )
    _common(remove, defaults)

    _feed_commands(commands, defaults)

    info = _command(commands, "info", run_info, "what the index holds: articles, outlets, dates")
    info.add_argument(
        "--documents",
        action="store_true",
        help="list each article: origin, date, outlet and title (tab-separated)",
    )
    info.add_argument("--json", action="store_true", help="print the info as JSON")
    _common(info, defaults)

    ask = _command(commands, "ask", run_ask, "answer one question with cited passages")
    ask.add_argument("question", type=_question, help="the question (in quotes)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    _common(ask, defaults)
    _search_options(ask, defaults)

    story = _command(
        commands, "timeline", run_timeline, "a story's dated events, oldest first, each cited"
    )
    story.add_argument("query", type=_question, help='the story, e.g. "SBF trial" (in quotes)')
    story.add_argument("--json", action="store_true", help="print the Timeline as JSON")
    story.add_argument(
        "--source", action="append", default=[], help="only this outlet (repeatable)"
    )
    story.add_argument("--since", type=_day, help="published on or after YYYY-MM-DD")
    story.add_argument("--until", type=_day, help="published on or before YYYY-MM-DD")
    story.add_argument(
        "--today", type=_day, help="the date 'last week' refers to, YYYY-MM-DD (default: today)"
    )
    _common(story, defaults)

    chat = _command(commands, "chat", run_chat, "a conversation in the terminal (follow-ups work)")
    _common(chat, defaults)
    _search_options(chat, defaults)

    ui = _command(
        commands, "ui", run_ui, "start the web UI (builds the index from seeds if missing)"
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    ui.add_argument("--port", type=_port, default=7860, help="port (default: 7860)")
    ui.add_argument(
        "--demo",
        action="store_true",
        help=f"use {DEMO_INDEX}/ (unless --index names another folder), built once "
        "from the 609 MultiHop-RAG articles in evals/ (about 6 minutes on 2 cores)",
    )
    _common(ui, defaults)

    commands.add_parser(
        "eval", help="run an eval set or benchmark (see: assistant eval -h)", add_help=False
    )
    return parser


def _feed_commands(commands: Any, defaults: Settings) -> None:
    """Add `feeds add|list|remove|refresh` and `watch`."""
    from assistant.feeds.commands import run_feeds, run_watch

    feeds = _command(commands, "feeds", run_feeds, "follow RSS/Atom feeds: add, list, remove")
    actions = feeds.add_subparsers(title="actions", dest="feeds_action", required=True)
    add = actions.add_parser("add", help="follow a feed and ingest its entries now")
    add.add_argument("url", help="the feed's http(s) URL")
    add.add_argument("--no-poll", action="store_true", help="only follow; ingest on `watch`")
    remove = actions.add_parser("remove", help="stop following a feed")
    remove.add_argument("url", help="the feed's URL as `assistant feeds list` shows it")
    remove.add_argument("--purge", action="store_true", help="also remove its articles")
    actions.add_parser("list", help="the feeds: last fetched, next poll, counts, last error")
    actions.add_parser("refresh", help="poll every followed feed now")
    for action in actions.choices.values():
        _common(action, defaults)
    watch = _command(commands, "watch", run_watch, "poll followed feeds until stopped")
    watch.add_argument(
        "--every",
        help=f"time between polls of a feed: 30m, 2h, 90s "
        f"(default: {defaults.feeds.every_minutes:g}m)",
    )
    watch.add_argument("--once", action="store_true", help="poll the due feeds once and exit")
    _common(watch, defaults)


def _command(commands: Any, name: str, handler: Any, help: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=handler, command=name)
    return parser


def _common(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    parser.add_argument(
        "--index", type=Path, dest="index_dir", help=f"index folder (default: {defaults.index_dir})"
    )
    parser.add_argument("--store-url", help="Chroma server URL instead of the embedded store")


def _search_options(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    r = defaults.retrieve
    parser.add_argument(
        "--k", type=_positive_int, help=f"passages to consider, 1 or more (default: {r.k})"
    )
    parser.add_argument(
        "--mode", choices=["dense", "bm25", "hybrid"], help=f"retrieval mode (default: {r.mode})"
    )
    parser.add_argument(
        "--no-rerank",
        dest="rerank",
        action="store_false",
        default=None,
        help="skip the second stage (sentence-level rerank)",
    )
    parser.add_argument(
        "--source", action="append", default=[], help="only this outlet (repeatable)"
    )
    parser.add_argument("--since", type=_day, help="published on or after YYYY-MM-DD")
    parser.add_argument("--until", type=_day, help="published on or before YYYY-MM-DD")
    parser.add_argument(
        "--today",
        type=_day,
        help="the date 'last week' and 'this week' refer to, YYYY-MM-DD (default: today)",
    )
    a = defaults.answer
    parser.add_argument(
        "--llm",
        choices=ANSWER_BACKENDS,
        help=f"answer backend (default: {a.llm})",
    )
    parser.add_argument("--base-url", help="server URL for --llm openai (…/v1) or ollama")
    parser.add_argument(
        "--model-path",
        type=Path,
        help=f"GGUF file for --llm llamacpp (default: the packaged --local-model, {a.local_model})",
    )
    parser.add_argument(
        "--local-model",
        choices=list(LOCAL_MODELS),
        help="packaged GGUF --llm llamacpp runs without --model-path "
        "(gemma-3-270m: small and fast, for tests)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _question(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(
            'the question is empty — ask one in quotes: assistant ask "Who won the election?"'
        )
    return text


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    update: dict[str, Any] = {}
    if getattr(args, "index_dir", None):
        update["index_dir"] = args.index_dir
    elif getattr(args, "demo", False):
        update["index_dir"] = DEMO_INDEX
    if getattr(args, "store_url", None):
        update["store"] = settings.store.model_copy(update={"url": args.store_url})
    if getattr(args, "ray", None) is not None:
        ray = {"enabled": True, **({"address": args.ray} if args.ray else {})}
        update["ray"] = settings.ray.model_copy(update=ray)
    retrieve = {key: getattr(args, key) for key in ("k", "mode") if getattr(args, key, None)}
    if getattr(args, "rerank", None) is False:
        retrieve["rerank"] = False
    if retrieve:
        update["retrieve"] = settings.retrieve.model_copy(update=retrieve)
    answer = {
        key: getattr(args, key)
        for key in ("llm", "base_url", "model_path", "local_model")
        if getattr(args, key, None)
    }
    if answer:
        update["answer"] = settings.answer.model_copy(update=answer)
    return settings.model_copy(update=update)


def _eval(argv: list[str]) -> int:
    try:
        from evals.__main__ import main as eval_main
    except ImportError:
        print(
            "Error: the evals package is missing — run from the project folder (pip install -e .)",
            file=sys.stderr,
        )
        return 1
    try:
        return int(eval_main(argv))
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
