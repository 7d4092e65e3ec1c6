"""The UI's Feeds tab: its handlers on a real index, and the tab in a real headless Chromium
against the UI process and a feed served on 127.0.0.1 (Debian's chromium, as test_browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import FetchSettings, Settings
from assistant.feeds import FeedState
from assistant.web.feeds_panel import add_feed, refresh_feeds, remove_feed, render_feeds
from tests.serving import serve_ui
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SEED, SHOTS
from tests.web_server import Route, WebServer, article_page, rss, serving

ROOT = Path(__file__).resolve().parent.parent


def _feed(web: WebServer, count: int) -> str:
    items = []
    web.routes["/news/7"] = Route(article_page(7))  # linked by no feed
    for n in range(count):
        web.routes[f"/news/{n}"] = Route(article_page(n), etag=f'"p{n}"')
        items.append({"title": f"Harbor story number {n}", "link": web.url(f"/news/{n}"),
                      "guid": f"s{n}", "pubDate": f"Mon, 0{n + 1} Mar 2026 10:00:00 GMT"})
    web.routes["/feed.xml"] = Route(rss(items), content_type="application/rss+xml", etag='"f"')
    return web.url("/feed.xml")


def test_the_feeds_table_escapes_what_a_feed_says(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "ix")
    assert "No feeds yet" in render_feeds(settings)
    state = FeedState(settings.index_dir)
    state.add("http://h/feed?a=1&b=<2>")
    state.record_failure("http://h/feed?a=1&b=<2>", "HTTP 500 <script>alert(1)</script>", 60, 600)
    state.close()
    table = render_feeds(settings)
    assert "<script>alert" not in table and "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    assert "http://h/feed?a=1&amp;b=&lt;2&gt;" in table and "error ×1" in table
    assert add_feed(settings, "feed.xml") == ("Give the feed's address, starting with http:// "
                                              "or https://.")
    assert remove_feed(settings, None) == "Choose a feed to remove."


@pytest.mark.slow
def test_add_refresh_and_remove_from_the_handlers(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "ix",
                        fetch=FetchSettings(allow_private=True, host_interval=0))
    with serving() as web:
        feed = _feed(web, 3)
        assert add_feed(settings, feed) == (f"Following {feed}: 3 new and 0 changed entries, "
                                            "3 articles added, 0 replaced.")
        assert refresh_feeds(settings) == f"{feed}: not modified since the last fetch."
        story = web.url("/news/7")
        assert add_feed(settings, story) == (f"{story} is an article page, not a feed: its "
                                             "article is added.")
        assert add_feed(settings, web.url("/gone")) == (
            f"Following {web.url('/gone')}, but its first fetch failed: HTTP 404 Not Found — "
            "the page is gone; check the URL")
        remove_feed(settings, web.url("/gone"))
        missing = web.url("/missing.xml")
        assert add_feed(settings, missing) == (
            f"Following {missing}, but its first fetch failed: HTTP 404 Not Found — the page is "
            "gone; check the URL")
        table = render_feeds(settings)
        assert table.count("<tr data-url=") == 2 and "error ×1: HTTP 404" in table
        assert remove_feed(settings, missing) == (f"Stopped following {missing}; its 0 articles "
                                                  "stay in the index.")
        assert render_feeds(settings).count("<tr data-url=") == 1


@pytest.fixture(scope="module")
def ui_with_feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The UI process over the seed article, and a 3-entry feed on a local server."""
    base = tmp_path_factory.mktemp("feeds-ui")
    seeds = base / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    with serving() as web:
        feed = _feed(web, 3)
        settings = {"ASSISTANT_SEEDS_DIR": str(seeds), "ASSISTANT_INDEX_DIR": str(base / "ix"),
                    "ASSISTANT_FETCH__ALLOW_PRIVATE": "true", "ASSISTANT_FETCH__HOST_INTERVAL": "0"}
        with serve_ui(settings, base) as (url, _):
            yield url, feed


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin")
def test_the_feeds_tab_follows_a_feed_whose_articles_are_then_cited(
    ui_with_feed: tuple[str, str]
) -> None:
    from playwright.sync_api import sync_playwright

    url, feed = ui_with_feed
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page: Any = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector("#question-box textarea", timeout=60_000)
        page.get_by_role("tab", name="Add").click()  # files, feeds and pages: one tab
        page.locator("#feed-url textarea, #feed-url input").first.fill(feed)
        page.locator("#feed-add").click()
        status = page.locator("#feeds-status")
        status.get_by_text("3 articles added").wait_for(timeout=90_000)
        row = page.locator(f'#feeds-table tr[data-url="{feed}"]')
        assert "Harbor Times" in row.inner_text() and "ok" in row.inner_text()
        assert row.locator("td").nth(3).inner_text() == "3"
        page.get_by_role("tab", name="Corpus").click()  # the corpus panel follows at once
        page.locator("#corpus-panel").get_by_text("4 articles").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Add").click()

        bad = feed.replace("/feed.xml", "/nope.xml")
        page.locator("#feed-url textarea, #feed-url input").first.fill(bad)
        page.locator("#feed-add").click()
        status.get_by_text("its first fetch failed").wait_for(timeout=60_000)
        assert "HTTP 404 Not Found" in page.locator(f'#feeds-table tr[data-url="{bad}"]'
                                                    ).inner_text()
        page_url = feed.replace("/feed.xml", "/news/7")  # a page, not a feed: ingested once
        page.locator("#feed-url textarea, #feed-url input").first.fill(page_url)
        page.locator("#feed-add").click()
        status.get_by_text("is an article page, not a feed: its article is added").wait_for(
            timeout=60_000)
        assert page.locator(f'#feeds-table tr[data-url="{page_url}"]').count() == 0
        page.locator("#feed-refresh").click()
        status.get_by_text("not modified since the last fetch").wait_for(timeout=60_000)
        # docs/screenshot-feeds.png
        page.screenshot(path=str(SHOTS / "09_feeds.png"), full_page=True)

        page.fill("#question-box textarea", "How much will project 2 cost?")
        page.keyboard.press("Enter")
        sources = page.locator("#sources-panel #reply-1")
        sources.wait_for(timeout=90_000)
        assert "Harbor story number 2" in sources.inner_text()
        assert "12 million pounds" in page.locator('#chat [data-testid="bot"]').last.inner_text()
        browser.close()
