"""The Timeline tab and the sources' time axis in a real headless Chromium (stories corpus).

Serves `python ui.py` over an index of tests/data/stories.jsonl; asks about the dam, opens the
story's timeline from the answer, and checks its lines, order and "also in" merges.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serving import serve_ui
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT

SHOTS = ROOT / "tests" / "screenshots"  # git-ignored; docs/ keeps the ones looked at
STORIES = Path(__file__).resolve().parent / "data" / "stories.jsonl"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium page on the UI serving an index of the stories corpus."""
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("timeline-ui")
    seeds = base / "seeds"
    seeds.mkdir()
    shutil.copy(STORIES, seeds / STORIES.name)
    settings = {"ASSISTANT_SEEDS_DIR": str(seeds), "ASSISTANT_INDEX_DIR": str(base / "ix")}
    with serve_ui(settings, base) as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector("#question-box textarea", timeout=60_000)
        yield page
        browser.close()


def test_sources_show_dates_on_a_time_axis(page: Any) -> None:
    page.fill("#question-box textarea", "How much will repairing the harbor pier cost?")
    page.keyboard.press("Enter")
    group = page.locator("#sources-panel #reply-1")
    group.wait_for(timeout=90_000)
    assert group.locator(".axis-asof").inner_text() == "As of 2026-04-02"
    dots = group.locator(".axis-dot")
    days = {dots.nth(i).inner_text(): dots.nth(i).get_attribute("title") for i in range(2)}
    assert sorted(days.values()) == ["2026-04-01", "2026-04-02"] and dots.count() == 2
    ends = group.locator(".axis-end")
    assert [ends.nth(0).inner_text(), ends.nth(1).inner_text()] == ["2026-04-01", "2026-04-02"]
    reply = page.locator('#chat [data-testid="bot"]').last
    assert "Reports differ: Harbor Times (2026-04-01) says $2 million" in reply.inner_text()
    page.screenshot(path=str(SHOTS / "reports-differ.png"))


def test_story_timeline_opens_from_an_answer(page: Any) -> None:
    page.fill("#question-box textarea", "What did the county engineers find at the Riverton dam?")
    page.keyboard.press("Enter")
    page.locator("#sources-panel #reply-2").wait_for(timeout=90_000)
    page.click("#story-button")
    events = page.locator("#timeline .tl-event")
    events.first.wait_for(timeout=60_000)
    dates = [events.nth(i).locator(".tl-date").inner_text() for i in range(events.count())]
    assert dates == sorted(dates) and dates[0] == "2026-02-02" and dates[-1] == "2026-03-06"
    assert "also in Riverton Gazette" in events.first.inner_text()
    assert page.locator("#timeline .tl-stated").last.inner_text() == "(about 2026-03-04)"
    assert page.locator("#timeline-query textarea").input_value() != ""
    page.screenshot(path=str(SHOTS / "timeline.png"))


def test_timeline_tab_takes_a_story_of_its_own(page: Any) -> None:
    page.fill("#timeline-query textarea", "harbor pier")
    page.click("#timeline-go")
    page.wait_for_function(
        "document.querySelector('#timeline .tl-head')?.innerText.includes('harbor pier')",
        timeout=60_000,
    )
    text = page.locator("#timeline").inner_text()
    assert "Harbor Times" in text and "Bay Ledger" in text and "Riverton" not in text
