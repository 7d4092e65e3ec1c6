"""A real HTTP server on 127.0.0.1 for the fetch and feed tests: routes set by the test,
ETag / Last-Modified answered with 304, every request recorded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LAST_MODIFIED = formatdate(1_780_000_000, usegmt=True)


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answers 304 to If-None-Match with this value
    delay: float = 0.0  # seconds before answering
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # full control


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float
    status: int = 0
    sent: int = 0  # body bytes sent


class WebServer:
    """Routes by path; `requests` lists every request in arrival order."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *_: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, *_: Any) -> None:
                pass  # a client that hangs up early (size cap, timeout) is what tests want

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def requested(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(handler.path, {k.lower(): v for k, v in handler.headers.items()},
                          time.monotonic())
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(handler.path.split("?")[0])
        if route is None:
            route = Route(b"not found", 404, "text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.handler is not None:
            route.handler(handler)
            return
        match = handler.headers.get("If-None-Match")  # takes precedence, as RFC 9110 says
        conditional = route.etag is not None and (
            match == route.etag if match is not None
            else handler.headers.get("If-Modified-Since") == LAST_MODIFIED
        )
        status = 304 if conditional else route.status
        body = b"" if status == 304 else route.body
        request.status, request.sent = status, len(body)
        handler.send_response(status)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(body)))
        if route.etag is not None:
            handler.send_header("ETag", route.etag)
            handler.send_header("Last-Modified", LAST_MODIFIED)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def serving() -> Iterator[WebServer]:
    """Run a WebServer on a free 127.0.0.1 port for the block."""
    server = WebServer()
    server._thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def article_page(n: int, *, title: str | None = None, body: str | None = None,
                 canonical: str | None = None, outlet: str = "Harbor Times") -> bytes:
    """Return an article page with metadata, navigation and a footer around its text."""
    title = title or f"Harbor story number {n}"
    body = body or (
        f"The harbor council met on day {n} to discuss project {n}, the councillors said. "
        f"Project {n} will cost {n + 10} million pounds and will be finished within {n % 7 + 1} "
        "years, according to the harbor master. Residents asked for more ferries at night."
    )
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html><head><title>{title} | {outlet}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2026-03-{n % 28 + 1:02d}T10:00:00Z">
{link}</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>{title}</h1><p>{body}</p>
<p>The meeting ended late in the evening after a long debate about the budget for
item {n}, and a vote is planned for the next session of the harbor council.</p></article>
<footer>Copyright Harbor Times. All rights reserved.</footer></body></html>""".encode()


def rss(items: list[dict[str, str]], title: str = "Harbor Times") -> bytes:
    """Return an RSS 2.0 feed of items (title, link, guid, pubDate, description, content)."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{k}>{v}</{k}>" if k != "content" else
            f"<content:encoded><![CDATA[{v}]]></content:encoded>"
            for k, v in item.items()
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link><description>news</description>"
        + "".join(parts) + "</channel></rss>"
    ).encode()
