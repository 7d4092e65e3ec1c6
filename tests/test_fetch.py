"""Fetching against a real HTTP server on 127.0.0.1: safety, politeness and every failure
saying what to do. No index and no model: these are quick."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from assistant.config import FetchSettings, Settings
from assistant.feeds.extract import canonical_url, extract_article
from assistant.feeds.fetch import Fetcher, FetchError
from assistant.feeds.parse import NotAFeedError, looks_like_feed, parse_feed
from tests.web_server import Route, WebServer, article_page, rss, serving

LOCAL = FetchSettings(allow_private=True, host_interval=0, timeout=2)


@pytest.fixture
def server() -> Iterator[WebServer]:
    with serving() as web:
        yield web


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL) as f:
        yield f


def test_loopback_is_refused_unless_allowed(server: WebServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    server.routes["/a"] = Route(article_page(1))
    with Fetcher(FetchSettings()) as strict, pytest.raises(FetchError) as caught:
        strict.get(server.url("/a"))
    assert str(caught.value) == (
        f"{server.url('/a')}: 127.0.0.1 is a private address (127.0.0.1) — fetching loopback "
        "and private addresses is off; allow it with ASSISTANT_FETCH__ALLOW_PRIVATE=true")
    assert server.requests == []  # refused before any byte left
    monkeypatch.setenv("ASSISTANT_FETCH__ALLOW_PRIVATE", "true")
    with Fetcher(Settings().fetch) as allowed:
        assert allowed.get(server.url("/a")).status == 200


def test_a_reply_from_a_private_peer_is_refused_even_if_the_name_looked_public(
    server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.feeds.fetch as fetch

    server.routes["/a"] = Route(article_page(1))
    # As if DNS had answered a public address to the check and 127.0.0.1 to the connection.
    monkeypatch.setattr(fetch, "_check_public", lambda *_: None)
    with Fetcher(FetchSettings()) as strict, pytest.raises(FetchError) as caught:
        strict.get(server.url("/a"), robots=False)
    assert str(caught.value) == (
        f"{server.url('/a')}: the connection went to a private address (127.0.0.1) — fetching "
        "loopback and private addresses is off; allow it with ASSISTANT_FETCH__ALLOW_PRIVATE=true")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://h/"])
def test_only_http_and_https_are_fetched(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError, match=r"scheme is not fetched — give an http:// or https://"):
        fetcher.get(url)


def test_user_agent_and_conditional_requests(server: WebServer, fetcher: Fetcher) -> None:
    server.routes["/a"] = Route(article_page(1), etag='"v1"')
    first = fetcher.get(server.url("/a"))
    assert (first.status, first.content_type, first.etag) == (200, "text/html", '"v1"')
    again = fetcher.get(server.url("/a"), etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.body) == (304, b"")
    sent = server.requested("/a")
    assert sent[0].headers["user-agent"] == LOCAL.user_agent
    assert sent[1].headers["if-none-match"] == '"v1"' and sent[1].sent == 0


@pytest.mark.parametrize(
    ("status", "expected", "transient"),
    [
        (404, "HTTP 404 Not Found — the page is gone; check the URL", False),
        (410, "HTTP 410 Gone — the page is gone; check the URL", False),
        (403, "HTTP 403 Forbidden — the site refuses access; it may need a login", False),
        (500, "HTTP 500 Internal Server Error — the site is failing or busy; it is tried again "
              "later", True),
        (429, "HTTP 429 Too Many Requests — the site is failing or busy; it is tried again "
              "later", True),
    ],
)
def test_http_errors_say_what_to_do(server: WebServer, fetcher: Fetcher, status: int,
                                    expected: str, transient: bool) -> None:
    server.routes["/x"] = Route(b"oops", status, "text/plain")
    with pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/x"))
    assert str(caught.value) == f"{server.url('/x')}: {expected}"
    assert caught.value.transient is transient


def test_a_slow_server_times_out(server: WebServer) -> None:
    server.routes["/slow"] = Route(article_page(1), delay=1.5)
    with Fetcher(LOCAL.model_copy(update={"timeout": 0.3})) as quick, \
            pytest.raises(FetchError, match=r"timed out after 0.3 s — the site is slow or down"):
        quick.get(server.url("/slow"))


def test_pages_over_the_size_cap_are_refused_declared_or_not(server: WebServer) -> None:
    big = b"<html><body><p>" + b"word " * 30_000 + b"</p></body></html>"

    def chunked(handler: BaseHTTPRequestHandler) -> None:  # no Content-Length: counted as read
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for start in range(0, len(big), 8192):
            handler.wfile.write(big[start:start + 8192])

    server.routes["/big"] = Route(big)
    server.routes["/stream"] = Route(handler=chunked)
    with Fetcher(LOCAL.model_copy(update={"max_mb": 0.05})) as capped:
        for path in ("/big", "/stream"):
            with pytest.raises(FetchError) as caught:
                capped.get(server.url(path))
            assert str(caught.value).endswith(
                "larger than 0.05 MB — raise fetch.max_mb (ASSISTANT_FETCH__MAX_MB) to fetch it")


def test_redirects_are_followed_checked_and_limited(server: WebServer, fetcher: Fetcher) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(article_page(2))
    assert fetcher.get(server.url("/old")).url == server.url("/new")
    server.routes["/loop1"] = Route(status=302, headers={"Location": "/loop2"})
    server.routes["/loop2"] = Route(status=302, headers={"Location": "/loop1"})
    with pytest.raises(FetchError, match=r"/loop1: redirect loop — the site redirects in a"):
        fetcher.get(server.url("/loop1"))
    for n in range(8):
        server.routes[f"/hop{n}"] = Route(status=307, headers={"Location": f"/hop{n + 1}"})
    with pytest.raises(FetchError, match=r"/hop0: more than 5 redirects — give the final"):
        fetcher.get(server.url("/hop0"))
    server.routes["/escape"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match=r"the file scheme is not fetched"):
        fetcher.get(server.url("/escape"))


def test_robots_txt_is_read_once_and_obeyed(server: WebServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n",
                                         content_type="text/plain")
    server.routes["/private/a"] = Route(article_page(1))
    server.routes["/public/a"] = Route(article_page(2))
    with pytest.raises(FetchError, match=r"robots.txt disallows it — the site asks bots not"):
        fetcher.get(server.url("/private/a"))
    assert fetcher.get(server.url("/public/a")).status == 200
    assert len(server.requested("/robots.txt")) == 1
    assert server.requested("/private/a") == []


def test_requests_to_one_host_are_spaced(server: WebServer) -> None:
    server.routes["/robots.txt"] = Route(b"", content_type="text/plain")
    server.routes["/a"] = Route(article_page(1))
    with Fetcher(LOCAL.model_copy(update={"host_interval": 0.5})) as polite:
        for _ in range(3):
            polite.get(server.url("/a"))
    times = [r.at for r in server.requests]
    assert len(times) == 4  # robots.txt and three pages, 0.5 s apart when sent
    # As the server saw them (a busy machine delays single arrivals, not the whole run):
    assert times[-1] - times[0] >= 1.2 and all(b > a for a, b in itertools.pairwise(times))


def test_tls_errors_are_one_clear_line(server: WebServer, fetcher: Fetcher) -> None:
    https = server.base.replace("http://", "https://") + "/a"  # the server speaks plain HTTP
    with pytest.raises(FetchError) as caught:
        fetcher.get(https)
    assert "TLS error" in str(caught.value)
    assert str(caught.value).endswith("the site's HTTPS certificate or setup is broken; nothing "
                                      "was fetched")
    assert "\n" not in str(caught.value)


def test_connection_refused_is_transient(fetcher: Fetcher) -> None:
    from tests.serving import free_port

    with pytest.raises(FetchError, match=r"cannot connect .* it is tried again later") as caught:
        fetcher.get(f"http://127.0.0.1:{free_port()}/a")
    assert caught.value.transient


def test_extraction_gives_text_and_metadata_without_navigation() -> None:
    page = article_page(3, canonical="/news/harbor-3?utm_source=rss#top")
    article = extract_article(page, "http://127.0.0.1:9/news/harbor-3?ref=x")
    assert article is not None
    assert article.id == article.origin == article.url == "http://127.0.0.1:9/news/harbor-3"
    assert (article.title, article.source, article.author) == (
        "Harbor story number 3", "Harbor Times", "Ana Ruiz")
    assert article.published_at is not None and article.published_at.isoformat() == \
        "2026-03-04T10:00:00+00:00"
    assert article.text.startswith("The harbor council met on day 3")
    assert "Home" not in article.text and "Copyright" not in article.text
    assert "\n\nThe meeting ended late" in article.text  # paragraphs kept apart


def test_canonical_urls_drop_fragments_and_tracking() -> None:
    assert canonical_url("https://Example.org/a?utm_medium=x&id=4#c", "http://h/b") == \
        "https://example.org/a?id=4"
    assert canonical_url("javascript:alert(1)", "http://h/b?fbclid=1") == "http://h/b"
    assert canonical_url(None, "http://h") == "http://h/"


def test_feeds_and_pages_are_told_apart() -> None:
    feed = rss([{"title": "A", "link": "http://h/a"}])
    assert looks_like_feed("application/rss+xml", feed)
    assert looks_like_feed("text/plain", feed)  # a feed served with a careless type
    assert not looks_like_feed("application/xml", article_page(1))
    assert not looks_like_feed("text/html", article_page(1))
    styled = b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="/s.xsl"?>' + \
        feed.split(b"?>", 1)[1]
    assert looks_like_feed("text/xml", styled)  # a feed styled for browsers is still a feed
    xhtml = b'<?xml version="1.0" encoding="utf-8"?>\n' + article_page(1)
    assert not looks_like_feed("application/xhtml+xml", xhtml)
    assert not looks_like_feed("application/xhtml+xml", b"<body><p>x</p></body>")


def test_an_html_page_given_as_a_feed_names_the_feed_it_links() -> None:
    page = (b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/feed.xml"></head><body>hi</body></html>')
    with pytest.raises(NotAFeedError) as caught:
        parse_feed(page, "http://h/news", "text/html")
    assert str(caught.value) == ("http://h/news is an HTML page, not a feed — it links to the "
                                 "feed http://h/feed.xml — follow that")


def test_invalid_xml_is_not_a_feed_but_a_truncated_one_is_read() -> None:
    with pytest.raises(NotAFeedError, match=r"is not a readable feed \(invalid XML"):
        parse_feed(b"<?xml version='1.0'?><rss><channel><<<", "http://h/f", "application/xml")
    truncated = rss([{"title": "A", "link": "http://h/a", "guid": "a"},
                     {"title": "B", "link": "http://h/b", "guid": "b"}])[:-40]
    feed = parse_feed(truncated, "http://h/f", "application/rss+xml")
    assert [e.link for e in feed.entries][:1] == ["http://h/a"] and feed.warning is not None


def test_repeated_items_count_once_and_entries_come_newest_first() -> None:
    items = [
        {"title": "Old", "link": "http://h/old", "guid": "o",
         "pubDate": "Mon, 02 Mar 2026 10:00:00 GMT"},
        {"title": "New", "link": "http://h/new", "guid": "n",
         "pubDate": "Tue, 03 Mar 2026 10:00:00 GMT"},
        {"title": "Old again", "link": "http://h/old", "guid": "o"},
        {"title": "Undated", "link": "http://h/u"},
    ]
    feed = parse_feed(rss(items), "http://h/f", "application/rss+xml")
    assert [(e.key, e.title) for e in feed.entries] == [  # feedparser resolves relative guids
        ("http://h/n", "New"), ("http://h/o", "Old"), ("http://h/u", "Undated")]
    assert feed.entries[2].published_at is None


def test_atom_and_rdf_feeds_parse() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><id>urn:1</id><title>One</title><link href="http://h/1"/><updated>2026-03-02T10:00:00Z</updated>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"""
    rdf = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://h/"><title>R</title></channel>
<item rdf:about="http://h/2"><title>Two</title><link>http://h/2</link></item></rdf:RDF>"""
    one = parse_feed(atom, "http://h/atom", "application/atom+xml")
    two = parse_feed(rdf, "http://h/rdf", "application/rdf+xml")
    assert (one.title, one.entries[0].key, one.entries[0].link) == ("T", "urn:1", "http://h/1")
    assert "Body" in (one.entries[0].content_html or "")
    assert (two.title, two.entries[0].link) == ("R", "http://h/2")


def test_fetcher_waits_no_longer_than_the_interval(server: WebServer) -> None:
    server.routes["/robots.txt"] = Route(b"", content_type="text/plain")
    server.routes["/a"] = Route(article_page(1))
    started = time.monotonic()
    with Fetcher(LOCAL) as quick:
        for _ in range(5):
            quick.get(server.url("/a"))
    assert time.monotonic() - started < 5  # no pause at host_interval=0 (5 × 1 s otherwise)


def test_a_body_naming_a_local_file_is_never_read_as_the_feed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"  # feedparser opens a path given as a bytes string
    secret.write_bytes(rss([{"title": "Secret", "link": "http://h/s", "guid": "s"}]))
    with pytest.raises(NotAFeedError, match="is not a readable feed"):
        parse_feed(str(secret).encode(), "http://h/f", "application/rss+xml")
