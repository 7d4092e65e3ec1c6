"""What fetching and extraction add to ingest: the same articles from files and from a feed.

    python benchmarks/web_ingest.py --limit 100

Writes the first N MultiHop-RAG articles as HTML pages (title, outlet, author and date in
`<meta>` tags, navigation and a footer around the text) and an RSS feed linking them, then:

1. ingests the pages as files (`assistant ingest DIR`): the baseline, with its embedding time;
2. serves the folder with `python -m http.server` on 127.0.0.1 (its own process) and ingests
   the feed as `assistant feeds add` does, with no per-host pause (`fetch.host_interval=0`:
   the politeness pause is waiting, not work; `--host-interval 1` measures it too);
3. polls the feed again: nothing changed, so it should transfer no bodies and index nothing.

Fetch + extraction time is the time the fetching thread spent on the entries (robots.txt,
requests, trafilatura); it runs beside indexing, so the wall-time difference between the two
runs is the other figure to read.
"""

from __future__ import annotations

import argparse
import html
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import MULTIHOP, limited_corpus, load_text, print_table, read_jsonl

from assistant.config import FeedsSettings, FetchSettings, Settings
from assistant.feeds import Poller
from assistant.ingest import build_index


def main() -> None:
    """Run the comparison and print its table."""
    args = _parse()
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    records = read_jsonl(limited_corpus(args.corpus, args.limit, work))
    site = work / "site"
    _write_site(records, site)
    print(f"{len(records)} articles as HTML pages in {site}; {load_text()}\n", flush=True)

    # Warm up first (model load, the int8 export on a fresh machine): neither run pays for it.
    build_index([next((site / "news").iterdir())], Settings(index_dir=work / "warm-up"))
    cpu = _cpu()
    files = build_index([site / "news"], Settings(index_dir=work / "from-files"))
    files_cpu = _cpu() - cpu
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
         str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port)
        settings = Settings(index_dir=work / "from-feed",
                            fetch=FetchSettings(allow_private=True,
                                                host_interval=args.host_interval),
                            feeds=FeedsSettings(batch=args.batch))
        feed = f"http://127.0.0.1:{port}/feed.xml"
        with Poller(settings) as poller:
            started, cpu = time.perf_counter(), _cpu()
            first = poller.poll(feed)
            first_wall, feed_cpu = time.perf_counter() - started, _cpu() - cpu
            started = time.perf_counter()
            second = poller.poll(feed)
            second_wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    _report(len(records), files, first, first_wall, second, second_wall, args.host_interval)
    print(f"CPU seconds of this process (all threads; the HTTP server is another process): "
          f"files {files_cpu:.1f}, feed {feed_cpu:.1f} ({100 * (feed_cpu / files_cpu - 1):+.0f} "
          f"%), with feeds.batch={args.batch}.")


def _report(count: int, files: Any, first: Any, first_wall: float, second: Any,
            second_wall: float, interval: float) -> None:
    web = first.report
    fetch_extract = first.fetch_seconds
    rows = [
        ["files (ingest DIR)", f"{files.seconds:.1f}", f"{files.encode_seconds:.1f}", "–",
         f"{files.articles_added}"],
        ["feed (feeds add)", f"{first_wall:.1f}", f"{web.encode_seconds:.1f}",
         f"{fetch_extract:.1f}", f"{web.articles_added}"],
        ["feed again, unchanged", f"{second_wall:.2f}", "0", f"{second_wall:.2f}",
         f"{second.report.articles_added} ({'304' if second.not_modified else 'fetched'})"],
    ]
    print_table(["run", "wall s", "embedding s", "fetch + extract s", "articles"], rows)
    print(f"\nfetch + extraction: {fetch_extract / count * 1000:.0f} ms per article; "
          f"{100 * fetch_extract / files.encode_seconds:.0f} % of the embedding time of the "
          f"same articles from files ({files.encode_seconds:.1f} s); "
          f"{first.pages} page bodies downloaded.")
    print(f"per-host pause fetch.host_interval={interval:g} s: {count} pages of one host wait "
          f"{count * interval:.0f} s in all, overlapped with indexing (the next batch is fetched "
          f"while one is indexed); wall time of the feed run against the files run: "
          f"{100 * (first_wall / files.seconds - 1):+.0f} %.")


def _write_site(records: list[dict[str, Any]], site: Path) -> None:
    """Write one page per record under site/news/ and an RSS feed at site/feed.xml."""
    (site / "news").mkdir(parents=True)
    items = []
    for n, record in enumerate(records):
        path = f"news/{n:04d}.html"
        (site / path).write_text(_page(record), encoding="utf-8")
        items.append(f"<item><title>{html.escape(record.get('title') or '')}</title>"
                     f"<link>/{path}</link><guid isPermaLink=\"false\">a{n}</guid>"
                     f"<description>{html.escape((record.get('body') or '')[:200])}"
                     "</description></item>")
    (site / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>/</link><description>bench</description>{''.join(items)}</channel></rss>",
        encoding="utf-8")


def _page(record: dict[str, Any]) -> str:
    esc = html.escape
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in (record.get("body") or "").split("\n")
                         if p.strip())
    return (
        f"<!doctype html><html><head><title>{esc(record.get('title') or '')}</title>"
        f'<meta property="og:site_name" content="{esc(record.get("source") or "")}">'
        f'<meta name="author" content="{esc(str(record.get("author") or ""))}">'
        '<meta property="article:published_time" '
        f'content="{esc(record.get("published_at") or "")}">'
        "</head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{esc(record.get('title') or '')}</h1>{paragraphs}</article>"
        "<footer>Copyright. All rights reserved.</footer></body></html>"
    )


def _cpu() -> float:
    """Return the CPU seconds (user + system) this process has used so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int) -> None:
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("http.server did not start")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=MULTIHOP / "corpus.jsonl")
    parser.add_argument("--limit", type=int, default=100, help="articles to use")
    parser.add_argument("--batch", type=int, default=FeedsSettings().batch,
                        help="feeds.batch: entries indexed together (default: the setting's)")
    parser.add_argument("--host-interval", type=float, default=0.0,
                        help="fetch.host_interval for the feed run (default 0: no pause)")
    return parser.parse_args()


if __name__ == "__main__":
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    main()
