"""Feeds end to end: a real HTTP server on 127.0.0.1 serves feeds and pages, the real pipeline
(ONNX embedder, Chroma, catalog) indexes them, and the CLI runs as a user runs it."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import ask
from assistant.cli import main
from assistant.config import FeedsSettings, FetchSettings, Settings
from assistant.feeds.state import FeedState
from assistant.index import open_index
from assistant.ingest import build_index
from tests.web_server import Route, WebServer, article_page, rss, serving

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server() -> Iterator[WebServer]:
    with serving() as web:
        web.routes["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        yield web


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the CLI at a fresh index and let it fetch from the local server at full speed."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "ix"))
    monkeypatch.setenv("ASSISTANT_FETCH__ALLOW_PRIVATE", "true")
    monkeypatch.setenv("ASSISTANT_FETCH__HOST_INTERVAL", "0")
    monkeypatch.setenv("ASSISTANT_FETCH__TIMEOUT", "1")
    return Settings()


def _item(web: WebServer, n: int, **extra: str) -> dict[str, str]:
    return {"title": f"Harbor story number {n}", "link": web.url(f"/news/{n}"),
            "guid": f"story-{n}", "pubDate": f"Mon, {n % 28 + 1:02d} Mar 2026 10:00:00 GMT",
            "description": f"Summary of story {n}.", **extra}


def _publish(web: WebServer, count: int, path: str = "/feed.xml", version: str = "1") -> None:
    for n in range(count):
        web.routes.setdefault(f"/news/{n}", Route(article_page(n), etag=f'"page-{n}"'))
    web.routes[path] = Route(rss([_item(web, n) for n in range(count)]),
                             content_type="application/rss+xml", etag=f'"feed-{version}"')


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _origins(settings: Settings) -> set[str]:
    return set(open_index(settings).catalog.documents())


def test_a_feed_of_50_entries_answers_then_polls_with_304s_and_replaces_a_changed_entry(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _publish(server, 50)
    feed = server.url("/feed.xml")
    code, out, _ = _run(capsys, "feeds", "add", feed)
    assert code == 0
    assert out == (f"following {feed}\n{feed}: 50 new, 0 changed entries; 50 articles added, "
                   "0 replaced, 0 unchanged; 0 skipped\n")
    assert _origins(env) == {server.url(f"/news/{n}") for n in range(50)}
    answer = ask("How much will project 37 cost?", settings=env)
    assert answer.answered and "47 million pounds" in answer.text
    assert answer.citations[0].url == server.url("/news/37")
    assert answer.citations[0].source == "Harbor Times"

    generation = open_index(env).catalog.generation()
    server.requests.clear()
    code, out, _ = _run(capsys, "feeds", "refresh")
    assert (code, out) == (0, f"{feed}: not modified (nothing fetched)\n")
    sent = [(r.path, r.status, r.sent) for r in server.requests if r.path != "/robots.txt"]
    assert sent == [("/feed.xml", 304, 0)]
    assert open_index(env).catalog.generation() == generation  # nothing ingested

    server.routes["/news/5"] = Route(article_page(5, body=(
        "The harbor council cancelled project 5 on Friday after the ferry operator withdrew, "
        "the harbor master said. The money goes to repairing the old pier instead.")),
        etag='"page-5-v2"')
    items = [_item(server, n) for n in range(50)]
    items[5]["description"] = "Project 5 cancelled."
    server.routes["/feed.xml"] = Route(rss(items), content_type="application/rss+xml",
                                       etag='"feed-2"')
    server.requests.clear()
    code, out, _ = _run(capsys, "feeds", "refresh")
    assert (code, out) == (0, f"{feed}: 0 new, 1 changed entries; 0 articles added, 1 replaced,"
                              " 0 unchanged; 0 skipped\n")
    assert [r.path for r in server.requests if r.path != "/robots.txt"] == [
        "/feed.xml", "/news/5"]
    chunks = open_index(env).catalog.article_text_span(server.url("/news/5"))
    assert "cancelled project 5" in chunks[0].text and "15 million" not in chunks[0].text
    answer = ask("Why did the harbor council cancel project 5?", settings=env)
    assert answer.citations[0].url == server.url("/news/5")

    code, out, _ = _run(capsys, "feeds", "list")
    assert out.startswith(f"{feed}\tHarbor Times\tlast fetched 20")
    assert out.rstrip().endswith("\t50 articles, 50 entries\tok")


def test_bad_entries_each_get_one_line_and_lose_nothing(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _publish(server, 2, path="/first.xml")
    assert _run(capsys, "ingest", server.url("/first.xml"))[0] == 0
    before = _origins(env)
    server.routes["/news/30"] = Route(article_page(30))
    server.routes["/pdf"] = Route(b"%PDF-1.4 ...", content_type="application/pdf")
    server.routes["/huge"] = Route(b"<html><body><p>" + b"big " * 3_000_000 + b"</p></body></html>")
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    server.routes["/broken"] = Route(b"down", 500, "text/plain")
    server.routes["/slow"] = Route(article_page(40), delay=2.5)
    server.routes["/undated"] = Route(article_page(41).replace(b"article:published_time", b"x"))
    items = [
        _item(server, 30),
        {"title": "Gone", "link": server.url("/gone"), "guid": "gone"},
        {"title": "A PDF", "link": server.url("/pdf"), "guid": "pdf"},
        {"title": "Huge", "link": server.url("/huge"), "guid": "huge"},
        {"title": "Loop", "link": server.url("/loop"), "guid": "loop"},
        {"title": "Broken", "link": server.url("/broken"), "guid": "broken"},
        {"title": "Slow", "link": server.url("/slow"), "guid": "slow"},
        {"title": "Nothing"},  # a guid would count as its permalink in RSS 2.0
        {"title": "Undated", "link": server.url("/undated"), "guid": "undated"},
    ]
    server.routes["/mixed.xml"] = Route(rss(items), content_type="application/rss+xml",
                                        etag='"m1"')
    mixed = server.url("/mixed.xml")
    code, out, err = _run(capsys, "feeds", "add", mixed)
    assert code == 0
    assert out.endswith(f"{mixed}: 9 new, 0 changed entries; 2 articles added, 0 replaced, "
                        "0 unchanged; 7 skipped\n")
    lines = err.strip().split("\n")
    assert len(lines) == 7
    expected = {
        "Gone": "HTTP 404 Not Found — the page is gone; check the URL",
        "A PDF": "not an HTML page (application/pdf) — only article pages are ingested",
        "Huge": "larger than 10 MB — raise fetch.max_mb",
        "Loop": "redirect loop — the site redirects in a circle",
        "Broken": "HTTP 500 Internal Server Error — the site is failing or busy; it is tried "
                  "again later",
        "Slow": "timed out after 1 s — the site is slow or down; it is tried again later",
        "Nothing": "no link and no text — nothing to ingest; the feed should link its items",
    }
    for line in lines:
        title = re.search(r"entry \u201c(.+?)\u201d", line)
        assert line.startswith(f"warning: {mixed}: entry") and title is not None
        assert expected.pop(title.group(1)) in line
    assert expected == {}
    assert before < _origins(env)  # the earlier articles are all still there
    undated = open_index(env).catalog.documents()[server.url("/undated")]
    assert undated.published_at is None or undated.published_at.startswith("20")

    # The transient failures (500, timeout) kept the feed's ETag unstored: they are retried.
    server.routes["/broken"] = Route(article_page(42))
    server.routes["/slow"] = Route(article_page(40))
    server.requests.clear()
    code, out, err = _run(capsys, "feeds", "refresh")
    assert (code, out, err) == (0, f"{mixed}: 2 new, 0 changed entries; 2 articles added, "
                                   "0 replaced, 0 unchanged; 0 skipped\n", "")
    assert {server.url("/broken"), server.url("/slow")} <= _origins(env)
    assert not {"/gone", "/pdf", "/huge"} & {r.path for r in server.requests}  # not retried


def test_one_failing_feed_stops_no_other_and_backs_off(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    server.routes["/down.xml"] = Route(b"down", 503, "text/plain")
    server.routes["/page.html"] = Route(
        b'<!doctype html><html><head><link rel="alternate" type="application/atom+xml" '
        b'href="/atom.xml"></head><body><p>A page.</p></body></html>')
    server.routes["/bad.xml"] = Route(b"<?xml version='1.0'?><rss><channel><<<",
                                      content_type="application/rss+xml")
    _publish(server, 1, path="/ok.xml")
    urls = [server.url(p) for p in ("/bad.xml", "/down.xml", "/ok.xml", "/page.html")]
    for url in urls:
        assert _run(capsys, "feeds", "add", "--no-poll", url)[0] == 0
    started = time.time()
    code, out, _ = _run(capsys, "watch", "--once", "--every", "10m")
    assert code == 0
    lines = {line.split(" ", 1)[1] for line in out.strip().split("\n")[1:]}  # after the stamp
    bad, down, ok, page = urls
    assert f"{down}: failed — HTTP 503 Service Unavailable — the site is failing or busy; it " \
           "is tried again later" in lines
    assert f"{page}: failed — {page} is an HTML page, not a feed — it links to the feed " \
           f"{server.url('/atom.xml')} — follow that" in lines
    assert any(line.startswith(f"{bad}: failed — {bad} is not a readable feed (invalid XML")
               for line in lines)
    assert f"{ok}: 1 new, 0 changed entries; 1 articles added, 0 replaced, 0 unchanged; " \
           "0 skipped" in lines
    state = FeedState(env.index_dir)
    rows = {row.url: row for row in state.feeds()}
    state.close()
    assert rows[ok].errors == 0 and rows[ok].last_error is None
    assert rows[down].errors == 1 and "HTTP 503" in (rows[down].last_error or "")
    assert 1190 <= rows[down].next_due - started <= 1300  # 10 min × 2 after one failure
    requests = len(server.requests)
    assert _run(capsys, "watch", "--once")[0] == 0  # nothing is due: nothing is fetched
    assert len(server.requests) == requests
    code, out, _ = _run(capsys, "feeds", "list")
    assert "error ×1: HTTP 503 Service Unavailable" in out


def test_ingest_url_keys_articles_by_canonical_url(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    wire = server.url("/wire/ferry")
    server.routes["/wire/ferry"] = Route(article_page(7, canonical=wire))
    server.routes["/copy/ferry"] = Route(article_page(7, canonical=wire, outlet="Harbor Times"))
    server.routes["/doc.pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    code, out, _ = _run(capsys, "ingest", wire, server.url("/copy/ferry"), server.url("/doc.pdf"))
    assert code == 0
    assert out.split("\n")[:3] == [
        f"{wire}: 1 articles added, 0 replaced, 0 unchanged; 0 skipped",
        f"{server.url('/copy/ferry')}: 0 articles added, 0 replaced, 1 unchanged; 0 skipped",
        f"{server.url('/doc.pdf')}: failed — not an HTML page or a feed (content type "
        "application/pdf) — give the URL of an article page or an RSS/Atom feed",
    ]
    assert _origins(env) == {wire}
    code, _, err = _run(capsys, "feeds", "add", wire)  # a page is not followed as a feed
    assert (code, err) == (1, f"Error: not following it: {wire} is an HTML page, not a feed — "
                              "give the feed's own URL, or ingest the page with: assistant "
                              "ingest URL\n")
    assert _run(capsys, "feeds", "list")[1] == ("no feeds — follow one with: assistant feeds "
                                                "add URL\n")
    code, _, err = _run(capsys, "ingest", server.url("/missing"))
    assert code == 1
    assert err == (f"Error: nothing ingested from {server.url('/missing')} (see the lines above)"
                   " — fix the URL or try again later\n")
    assert _origins(env) == {wire}
    assert _run(capsys, "remove", wire)[:2] == (0, "removed 1 articles, 1 chunks\n")
    assert _origins(env) == set()


def test_a_huge_feed_is_taken_a_slice_per_poll(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_FEEDS__MAX_ENTRIES", "5")
    monkeypatch.setenv("ASSISTANT_FEEDS__ENTRY_CONTENT_CHARS", "40")  # short items: a small body
    items = [{"title": f"Entry {n}", "link": server.url(f"/e/{n}"), "guid": f"e{n}",
              "description": f"Entry {n}: the harbor council debated the budget."}
             for n in range(10_000)]
    server.routes["/big.xml"] = Route(rss(items), content_type="application/rss+xml",
                                      etag='"big"')
    big = server.url("/big.xml")
    code, out, err = _run(capsys, "feeds", "add", big)
    assert code == 0
    assert err == (f"warning: {big}: 10,000 new or changed entries; taking the newest 5 now, "
                   "the rest on the next polls\n")
    assert out.endswith("10000 new, 0 changed entries; 5 articles added, 0 replaced, "
                        "0 unchanged; 0 skipped\n")
    assert not any(r.path.startswith("/e/") for r in server.requests)  # content used, no pages
    code, out, _ = _run(capsys, "feeds", "refresh")  # no 304: the backlog is not hidden
    assert "9995 new, 0 changed entries; 5 articles added" in out
    assert len(_origins(env)) == 10


def test_an_index_built_before_feeds_opens_and_gains_them(
    server: WebServer, env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    build_index([ROOT / "tests" / "data" / "articles.jsonl"], env)
    with sqlite3.connect(env.index_dir / "catalog.sqlite") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "feeds" not in tables and "documents" in tables
    old = _origins(env)
    _publish(server, 3)
    assert _run(capsys, "feeds", "add", server.url("/feed.xml"))[0] == 0
    assert old < _origins(env) and len(_origins(env)) == len(old) + 3
    code, out, _ = _run(capsys, "feeds", "remove", "--purge", server.url("/feed.xml"))
    assert (code, out) == (0, f"stopped following {server.url('/feed.xml')}\n"
                              "removed 3 articles, 3 chunks\n")
    assert _origins(env) == old


def test_a_killed_watch_resumes_and_ask_keeps_answering_meanwhile(
    server: WebServer, env: Settings, tmp_path: Path
) -> None:
    build_index([ROOT / "seeds"], env)
    release = threading.Event()

    def held(n: int) -> Route:  # the oldest six pages wait until the watch has been killed
        def answer(handler: Any) -> None:
            release.wait(60)
            body = article_page(n)
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return Route(handler=answer)

    for n in range(12):  # fetched newest first: 11 … 6 come at once, 5 … 0 are held
        server.routes[f"/news/{n}"] = Route(article_page(n), etag=f'"p{n}"') if n >= 6 \
            else held(n)
    _publish(server, 12)
    feed = server.url("/feed.xml")
    state = FeedState(env.index_dir)
    state.add(feed)
    state.close()
    environ = {**os.environ, "ASSISTANT_FEEDS__BATCH": "3", "ASSISTANT_FETCH__TIMEOUT": "60",
               "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "watch.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "watch"], cwd=ROOT,
                               env=environ, stdout=log, stderr=log)
    answers: list[str] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                found = ask("Who approved Ukraine's use of long-range US missiles?", settings=env)
                answers.append(found.citations[0].title)
            except BaseException as exc:  # any lock or store error fails the test
                failures.append(exc)
                return

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        deadline = time.monotonic() + 120
        while (len(_origins(env)) < 1 + 6 or not answers) and time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "watch.log").read_text()
            time.sleep(0.1)  # two batches in, and questions answered meanwhile
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    finally:
        release.set()
        stop.set()
        asker.join(timeout=60)
        log.close()
    assert failures == [] and answers and len(set(answers)) == 1
    assert len(_origins(env)) == 7

    code = main(["watch", "--once"])  # the feed is still due: its poll never completed
    assert code == 0
    index = open_index(env)
    assert _origins(env) == {server.url(f"/news/{n}") for n in range(12)} | {
        o for o in _origins(env) if not o.startswith("http")}
    assert len(_origins(env)) == 13
    assert index.store.ids() == index.catalog.all_chunk_ids()  # no orphan or missing vector
    state = FeedState(env.index_dir)
    row = state.feed(feed)
    assert row is not None and row.entries == 12 and row.etag == '"feed-1"'
    state.close()


def test_feed_settings_and_watch_interval_are_read() -> None:
    from assistant.errors import InputError
    from assistant.feeds import parse_every

    assert [parse_every(t) for t in ("30m", "2h", "90s", "45", "1d")] == [30, 120, 1.5, 45, 1440]
    with pytest.raises(InputError, match="write it like 30m, 2h or 90s"):
        parse_every("soon")
    settings = Settings(fetch=FetchSettings(), feeds=FeedsSettings())
    assert settings.fetch.allow_private is False and settings.feeds.every_minutes == 30


def test_a_poll_waits_for_another_writer_instead_of_failing(
    server: WebServer, env: Settings
) -> None:
    from assistant.feeds import Poller
    from assistant.index.lock import writing

    _publish(server, 2)
    said: list[str] = []
    waiting = threading.Event()

    def echo(line: str) -> None:
        said.append(line)
        waiting.set()

    results = []
    poller = Poller(env, echo=echo)
    with writing(env.index_dir):  # another writer holds the index (here: this thread)
        worker = threading.Thread(
            target=lambda: results.append(poller.poll(server.url("/feed.xml"))))
        worker.start()
        assert waiting.wait(60)
        assert worker.is_alive()
    worker.join(60)  # the lock is released: the poll goes on and indexes
    poller.close()
    assert said == [f"another ingest (pid {os.getpid()}) is writing to the index at "
                    f"{env.index_dir}/ — waiting for it to finish"]
    assert results[0].report.articles_added == 2 and results[0].error is None


def test_a_stopped_watch_returns_and_leaves_its_feed_due(server: WebServer, env: Settings) -> None:
    from assistant.feeds import watch

    release = threading.Event()

    def held(handler: Any) -> None:
        release.wait(30)
        handler.send_response(503)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    _publish(server, 3)
    server.routes["/news/0"] = Route(handler=held)  # the oldest entry, fetched last
    state = FeedState(env.index_dir)
    state.add(server.url("/feed.xml"))
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(env,), kwargs={"stop": stop,
                                                                  "echo": lambda _: None})
    watcher.start()
    deadline = time.monotonic() + 60
    while not server.requested("/news/0") and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()  # what SIGTERM does to `assistant watch`
    release.set()
    watcher.join(60)
    assert not watcher.is_alive()
    row = state.feed(server.url("/feed.xml"))
    assert row is not None and row.next_due == 0 and row.etag is None  # still due, in full
    seen = set(state.seen(server.url("/feed.xml")))  # keys: guids, resolved like links
    assert seen == {server.url("/story-1"), server.url("/story-2")}
    state.close()
