"""Twenty conversations at once through ask() and the UI's HTTP API: errors, mix-ups, p95.

    python benchmarks/concurrency.py --articles 30 --users 20

Each conversation asks about its own article, then a follow-up that only makes sense with
its history. The answers given one at a time are the reference: run concurrently (and again
while another thread ingests more articles) every answer must match it, or differ only
because a newly ingested article is now cited. One phase runs the same conversations through
the web UI's `/ask` endpoint (gradio_client on 127.0.0.1), one client each.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import MULTIHOP, load_text, percentile, print_table, read_jsonl

from assistant import Answer, ask
from assistant.config import Settings
from assistant.index import open_index
from assistant.ingest import build_index, remove_documents

FOLLOW_UP = "What else does the article say about that?"
Turn = tuple[Answer, float]  # an answer and the seconds it took


def main() -> None:
    """Build the slice's index, then run the four phases and print one table."""
    args = _parse()
    args.work.mkdir(parents=True, exist_ok=True)
    records = read_jsonl(MULTIHOP / "corpus.jsonl")
    base, extra = args.work / "base.jsonl", args.work / "extra.jsonl"
    _write(base, records[: args.articles])
    _write(extra, records[args.articles : args.articles + 10])
    settings = Settings(index_dir=args.work / "index")
    built = build_index([base], settings)
    print(f"index: {built.summary()}; {load_text()}", flush=True)
    topics = [(str(r["title"]), str(r["id"])) for r in records[: args.users]]
    alone = {title: _converse(title, _with_ask(settings)()) for title, _ in topics}  # one by one
    rows = [_summarise("one at a time", alone, alone, topics, None, settings)]
    started = time.perf_counter()
    together = _concurrently(topics, _with_ask(settings))
    rows.append(_summarise(f"{args.users} at once", together, alone, topics,
                           time.perf_counter() - started, settings))
    started = time.perf_counter()
    over_http = _concurrently_over_http(topics, settings)
    rows.append(_summarise(f"{args.users} at once over HTTP (/ask)", over_http, alone, topics,
                           time.perf_counter() - started, settings))
    started = time.perf_counter()
    during, ingest_seconds = _concurrently_with_ingest(topics, settings, extra)
    rows.append(_summarise(f"{args.users} at once + ingest of 10", during, alone, topics,
                           time.perf_counter() - started, settings))
    added = {str(r["id"]) for r in records[args.articles : args.articles + 10]}
    remove_documents([str(extra)], settings)  # back to the base slice for the next run
    headers = ["run", "errors", "answers ≠ alone", "follow-up cites own article", "turn p50 s",
               "turn p95 s", "turns/s", "load (1 min)", "citations not in catalog"]
    print()
    print_table(headers, rows)
    print(f"\ningest of 10 articles during the run took {ingest_seconds:.1f} s; "
          f"changed answers citing a new article: {_cite_new(during, alone, added)}")
    print(f"finished; {load_text()}")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30, help="articles in the index")
    parser.add_argument("--users", type=int, default=20, help="simultaneous conversations")
    parser.add_argument("--work", type=Path,
                        default=Path.home() / ".cache/news-assistant/bench-concurrency",
                        help="where the index is kept between runs")
    return parser.parse_args()


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def _question(title: str) -> str:
    return f"What happened in {title.rstrip('.?!')}?"


AskFn = Callable[[str, list[tuple[str, str]]], Answer]  # (question, history) -> Answer


def _with_ask(settings: Settings) -> Callable[[], AskFn]:
    """Return a factory of in-process answerers: `ask()` with these settings."""
    return lambda: lambda question, history: ask(question, history, settings)


def _converse(title: str, answer: AskFn) -> list[Turn] | BaseException:
    """Ask about one article, then a follow-up that leans on the first answer."""
    try:
        question = _question(title)
        started = time.perf_counter()
        first = answer(question, [])
        middle = time.perf_counter()
        follow = answer(FOLLOW_UP, [(question, first.text)])
        return [(first, middle - started), (follow, time.perf_counter() - middle)]
    except Exception as exc:  # counted as an error in the table
        return exc


def _concurrently(topics: list[tuple[str, str]], make_answer: Callable[[], AskFn],
                  barrier: threading.Barrier | None = None) -> dict[str, Any]:
    """Hold every conversation at once, each with its own answerer from `make_answer`."""
    barrier = barrier or threading.Barrier(len(topics))

    def run(title: str) -> list[Turn] | BaseException:
        try:
            answer = make_answer()  # e.g. connect an HTTP client before the start line
        except Exception as exc:  # counted as an error in the table; release the others
            barrier.abort()
            return exc
        try:
            barrier.wait()
        except threading.BrokenBarrierError as exc:
            return exc
        return _converse(title, answer)

    with ThreadPoolExecutor(len(topics)) as pool:
        futures = {title: pool.submit(run, title) for title, _ in topics}
        return {title: future.result() for title, future in futures.items()}


def _concurrently_with_ingest(topics: list[tuple[str, str]], settings: Settings,
                              extra: Path) -> tuple[dict[str, Any], float]:
    barrier = threading.Barrier(len(topics) + 1)
    seconds: list[float] = []

    def ingest() -> None:
        barrier.wait()
        started = time.perf_counter()
        build_index([extra], settings)
        seconds.append(time.perf_counter() - started)

    writer = threading.Thread(target=ingest)
    writer.start()
    results = _concurrently(topics, _with_ask(settings), barrier)
    writer.join()
    return results, seconds[0] if seconds else float("nan")


def _concurrently_over_http(topics: list[tuple[str, str]], settings: Settings) -> dict[str, Any]:
    """Serve the UI app on a free loopback port and hold every conversation through /ask."""
    from gradio_client import Client

    from assistant.web import build_app

    app = build_app(settings)
    app.queue(default_concurrency_limit=1)  # as `assistant ui` serves it
    _, url, _ = app.launch(server_name="127.0.0.1", server_port=_free_port(),
                           prevent_thread_lock=True, quiet=True)

    def over_http() -> AskFn:
        client = Client(url, verbose=False)
        return lambda question, history: Answer.model_validate(
            client.predict(question, [list(turn) for turn in history], [], "", "",
                           api_name="/ask"))

    try:
        return _concurrently(topics, over_http)
    finally:
        app.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fingerprint(turns: list[Turn]) -> list[tuple[str, list[tuple[str, int, int]]]]:
    return [(a.text, [(c.article_id, c.start, c.end) for c in a.citations]) for a, _ in turns]


def _summarise(name: str, results: dict[str, Any], alone: dict[str, Any],
               topics: list[tuple[str, str]], time_spent: float | None,
               settings: Settings) -> list[str]:
    errors = [r for r in results.values() if isinstance(r, BaseException)]
    good = {t: r for t, r in results.items() if not isinstance(r, BaseException)}
    differ = sum(_fingerprint(r) != _fingerprint(alone[t]) for t, r in good.items()
                 if not isinstance(alone[t], BaseException))
    own = 0
    for title, article_id in topics:
        if title in good:
            follow = good[title][1][0]
            own += bool(follow.citations) and follow.citations[0].article_id == article_id
    latencies = [seconds for r in good.values() for _, seconds in r]
    turns = 2 * len(good)
    rate = turns / time_spent if time_spent else turns / max(sum(latencies), 1e-9)
    return [name, str(len(errors)), str(differ), f"{own}/{len(topics)}",
            f"{percentile(latencies, 50):.2f}", f"{percentile(latencies, 95):.2f}",
            f"{rate:.2f}", f"{os.getloadavg()[0]:.1f}", str(check_citations(settings, results))]


def _cite_new(during: dict[str, Any], alone: dict[str, Any], added: set[str]) -> str:
    changed = [t for t, r in during.items() if not isinstance(r, BaseException)
               and _fingerprint(r) != _fingerprint(alone[t])]
    citing = [t for t in changed
              if any(c.article_id in added for a, _ in during[t] for c in a.citations)]
    return f"{len(citing)} of {len(changed)}"


def check_citations(settings: Settings, results: dict[str, Any]) -> int:
    """Return how many citations do not match a chunk of the catalog (should be 0)."""
    index = open_index(settings)
    bad = 0
    for turns in results.values():
        if isinstance(turns, BaseException):
            continue
        for answer, _ in turns:
            for c in answer.citations:
                chunks = index.catalog.article_text_span(c.article_id)
                bad += not any(ch.start <= c.start and c.end <= ch.end and
                               ch.text[c.start - ch.start : c.end - ch.start] == c.quote
                               for ch in chunks)
    return bad


if __name__ == "__main__":
    main()
