"""The web UI in a real headless Chromium: ask, stream, cite, highlight, upload, escape.

Starts `python ui.py` on a free 127.0.0.1 port; the app builds its index from a seeds folder
holding the seed article, a planted article full of HTML and two dated articles from two outlets
(for a before/after verdict). Uses Debian's chromium (/usr/bin/chromium,
`apt-get install -y chromium`); no browser is downloaded.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.serving import serve_ui

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_90de7eadea1c8602.txt"
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEED_QUESTION = "Who approved Ukraine's use of long-range US missiles inside Russia?"
SCRIPT_ARTICLE = {
    "id": "xss-1",
    "title": "Port Ellery council audits its website",
    "source": "Harbour Gazette",
    "published_at": "2024-10-02",
    "author": "Mina Okafor",
    "body": (
        "The Port Ellery harbour council said its new website safely displayed the test string "
        "<script>alert(1)</script> during a security audit on Tuesday. Auditors also pasted the "
        "snippet <img src=x onerror=alert(2)> into the visitor comments form. The council said "
        "no visitor data had been exposed."
    ),
}
# Two dated articles from two outlets, so a before/after question gets a "Yes" verdict.
VERDICT_ARTICLES = [
    {
        "id": "ferry",
        "title": "Harbor council buys an electric ferry",
        "source": "Harbor Times",
        "published_at": "2026-03-02",
        "body": "The harbor council voted to buy an electric ferry named Osprey for the island "
        "crossing. The Osprey will carry 120 passengers.",
    },
    {
        "id": "bridge",
        "title": "Valley bridge closes for repairs",
        "source": "Valley Courier",
        "published_at": "2026-04-15",
        "body": "The old valley bridge closed on Monday for two years of repairs. Drivers must "
        "use the northern bypass until the work ends.",
    },
]
VERDICT_QUESTION = (
    "Did the Harbor Times report the council buying an electric ferry before the Valley "
    "Courier reported the valley bridge closing for repairs?"
)
UPLOAD_TEXT = (
    " date 2024-12-02 Glenmoor ferry resumes crossings after storm repairs\n\n"
    "By Ana Ruiz \u2013 Coastal Courier\n\n"
    "The Glenmoor ferry resumed its crossings to Kessock Island on Monday after three weeks of "
    "storm repairs. The repairs to the slipway cost 1.3 million pounds, the harbour trust said. "
    "Islanders had relied on a small water taxi while the ferry was out of service.\n"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Serve the UI over a fresh index built by `launch` from a seeds folder in tmp."""
    base = tmp_path_factory.mktemp("browser")
    seeds = base / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    planted = [SCRIPT_ARTICLE, *VERDICT_ARTICLES]
    (seeds / "planted.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in planted), encoding="utf-8"
    )
    settings = {"ASSISTANT_SEEDS_DIR": str(seeds), "ASSISTANT_INDEX_DIR": str(base / "ix")}
    with serve_ui(settings, base) as (url, _):
        yield url, base / "ix"


@dataclass
class Browsed:
    """The page under test and what it did that it should not have."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests leaving 127.0.0.1


@pytest.fixture(scope="module")
def browsed(served: tuple[str, Path]) -> Iterator[Browsed]:
    """A Chromium page on the app that records dialogs and requests leaving the machine."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        seen = Browsed(page)

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_request(request: Any) -> None:
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
                seen.outside.append(request.url)

        page.on("dialog", on_dialog)
        page.on("request", on_request)
        page.goto(served[0])
        page.wait_for_selector("#question-box textarea", timeout=60_000)
        yield seen
        browser.close()


@pytest.fixture
def page(browsed: Browsed) -> Any:
    """The shared page, one conversation across the tests in order."""
    return browsed.page


def _ask(page: Any, question: str, reply: int) -> Any:
    """Type a question, wait for reply number `reply` and its sources; return the sources."""
    page.fill("#question-box textarea", question)
    page.keyboard.press("Enter")
    group = page.locator(f"#sources-panel #reply-{reply}")
    group.wait_for(timeout=90_000)
    return group


# Where a source entry is once an [n] link was clicked: its box, outline and place on screen.
ENTRY_STATE = """(id) => {
  const box = document.getElementById(id).closest('.src');
  const style = getComputedStyle(box);
  const shown = box.getBoundingClientRect();
  const panel = document.getElementById('sources-panel').getBoundingClientRect();
  return {flash: box.classList.contains('flash'), outline: style.outlineStyle,
          width: style.outlineWidth, open: box.closest('details').open,
          inPanel: shown.top >= panel.top && shown.top < panel.bottom - 40,
          inWindow: shown.top >= 0 && shown.bottom <= window.innerHeight};
}"""


def _assert_flashes_into_view(page: Any, anchor: str) -> None:
    """Assert the entry for `anchor` is scrolled into view and outlined, then loses the outline."""
    page.wait_for_selector(f"#{anchor}.flash, .src.flash:has(#{anchor})", timeout=5_000)
    # The panel scrolls at once, but give a smooth page scroll its moment.
    page.wait_for_function(f"({ENTRY_STATE})('{anchor}').inPanel", timeout=2_000)
    state = page.evaluate(ENTRY_STATE, anchor)
    assert state == {
        "flash": True,
        "outline": "solid",
        "width": "3px",
        "open": True,
        "inPanel": True,
        "inWindow": True,
    }, state


def _assert_flash_ends(page: Any, anchor: str) -> None:
    """Assert the outline goes after about 1.5 s."""
    page.wait_for_function(f"!({ENTRY_STATE})('{anchor}').flash", timeout=4_000)
    assert page.evaluate(ENTRY_STATE, anchor)["outline"] == "none"


def test_seed_question_streams_a_cited_answer_with_the_sentence_highlighted(page: Any) -> None:
    # Record every text the reply shows, to see it arrive piece by piece.
    page.evaluate(
        """() => { window.replyTexts = [];
        new MutationObserver(() => {
          const bots = document.querySelectorAll('#chat .bot, #chat [data-testid="bot"]');
          const last = bots[bots.length - 1];
          if (last) { window.replyTexts.push(last.innerText); }
        }).observe(document.querySelector('#chat'),
                   {childList: true, subtree: true, characterData: true}); }"""
    )
    sources = _ask(page, SEED_QUESTION, reply=1)
    texts = [t for t in dict.fromkeys(page.evaluate("window.replyTexts")) if t.strip()]
    assert len(texts) >= 3, texts  # the reply grew in steps before it was complete
    reply = page.locator('#chat [data-testid="bot"]').last
    assert "Biden" in reply.inner_text()
    link = reply.locator('a[href="#src-1-1"]')
    assert link.inner_text() == "[1]"
    entry = sources.locator("#src-1-1")
    assert "The Postmillennial" in entry.inner_text()
    assert "2024-11-18" in entry.inner_text()
    assert "Hayden Cunningham" in entry.inner_text()
    assert "President Joe Biden has approved" in entry.locator("mark").first.inner_text()
    page.screenshot(path=str(SHOTS / "01_seed_answer.png"))

    page.get_by_role("tab", name="Corpus").click()
    assert "4 articles" in page.locator("#corpus-panel").inner_text()
    link.click()  # a [n] link brings the Sources tab back and outlines the entry
    _assert_flashes_into_view(page, "src-1-1")
    assert entry.is_visible()
    assert page.evaluate("window.scrollY") == 0  # only the panel scrolls: the chat stays put
    page.screenshot(path=str(SHOTS / "06_citation_clicked.png"))  # docs/screenshot-citation.png
    _assert_flash_ends(page, "src-1-1")


def test_uploaded_article_is_searchable_and_cited(page: Any, tmp_path: Path) -> None:
    article = tmp_path / "glenmoor_ferry.txt"
    article.write_text(UPLOAD_TEXT, encoding="utf-8")
    page.get_by_role("tab", name="Add").click()
    page.locator("#upload input[type=file]").set_input_files(str(article))
    status = page.locator("#upload-status")
    status.get_by_text("Indexed 1 article").wait_for(timeout=60_000)
    page.screenshot(path=str(SHOTS / "02_upload.png"))

    sources = _ask(page, "How much did the repairs to the Glenmoor ferry slipway cost?", reply=2)
    assert "Glenmoor ferry resumes crossings" in sources.inner_text()
    assert "Coastal Courier" in sources.inner_text()
    marked = sources.locator("mark").all_inner_texts()
    assert marked
    assert all(text in UPLOAD_TEXT for text in marked)  # the highlights are the upload's sentences
    assert "[1]" in page.locator('#chat [data-testid="bot"]').last.inner_text()
    page.screenshot(path=str(SHOTS / "03_upload_answer.png"))


def test_article_html_renders_as_text(page: Any, browsed: Browsed) -> None:
    sources = _ask(page, "What test string did the Port Ellery website display?", reply=3)
    assert "<script>alert(1)</script>" in sources.inner_text()
    reply = page.locator('#chat [data-testid="bot"]').last
    assert "<script>alert(1)</script>" in reply.inner_text()
    assert page.locator("#sources-panel script, #chat script").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    time.sleep(0.5)  # an injected handler would have fired by now
    assert browsed.dialogs == []
    page.screenshot(path=str(SHOTS / "04_script_article.png"))


def test_example_questions_are_asked_with_one_click(page: Any) -> None:
    page.get_by_role("tab", name="Corpus").click()
    example = page.locator("#examples .example-q").first
    question = example.inner_text()
    assert question.startswith("What does ")
    example.click()
    page.locator("#sources-panel #reply-4").wait_for(timeout=90_000)
    assert page.locator('#chat [data-testid="user"]').last.inner_text() == question
    page.get_by_role("tab", name="Corpus").click()
    page.screenshot(path=str(SHOTS / "05_corpus.png"))


def test_a_yes_no_answer_leads_with_a_verdict_pill_whose_citations_link(page: Any) -> None:
    sources = _ask(page, VERDICT_QUESTION, reply=5)
    reply = page.locator('#chat [data-testid="bot"]').last
    pill = reply.locator(".verdict")
    assert pill.inner_text() == "Yes" and pill.is_visible()
    assert "verdict-yes" in (pill.get_attribute("class") or "")
    assert pill.evaluate("(p) => getComputedStyle(p).backgroundColor") == "rgb(220, 252, 231)"
    text = reply.inner_text()
    assert "Harbor Times published on 2026-03-02, before Valley Courier on 2026-04-15" in text
    assert "Yes —" not in text  # the pill replaces the text's own lead-in
    assert "Harbor Times" in sources.locator("#src-5-1").inner_text()
    assert "Valley Courier" in sources.locator("#src-5-2").inner_text()
    reply.locator('a[href="#src-5-2"]').click()
    _assert_flashes_into_view(page, "src-5-2")
    page.screenshot(path=str(SHOTS / "08_verdict.png"))
    _assert_flash_ends(page, "src-5-2")


def test_a_citation_in_an_older_reply_unfolds_and_scrolls_to_its_source(page: Any) -> None:
    panel = page.locator("#sources-panel")
    assert panel.locator("#reply-1").get_attribute("open") is None  # older replies are folded
    panel.evaluate("(box) => { box.scrollTop = 0; }")
    assert not page.evaluate(ENTRY_STATE, "src-1-1")["inPanel"]
    first_reply = page.locator('#chat [data-testid="bot"]').first
    first_reply.locator('a[href="#src-1-1"]').click()
    _assert_flashes_into_view(page, "src-1-1")
    quote = panel.locator("#src-1-1 mark").first
    assert "President Joe Biden has approved" in quote.inner_text()  # the cited sentence
    assert quote.evaluate("(m) => getComputedStyle(m).backgroundColor") == "rgb(253, 230, 138)"
    page.screenshot(path=str(SHOTS / "07_older_citation.png"))
    _assert_flash_ends(page, "src-1-1")


def test_date_filter_and_feedback_apply(page: Any, served: tuple[str, Path]) -> None:
    page.get_by_role("tab", name="Settings").click()
    since = page.locator("#since input").first
    since.fill("2030-01-01")
    since.press("Enter")
    sources = _ask(page, SEED_QUESTION, reply=6)
    assert "no citations" in sources.inner_text()  # nothing was published after 2030
    assert "The articles don't say" in page.locator('#chat [data-testid="bot"]').last.inner_text()

    page.locator('#chat [data-testid="bot"]').first.hover()
    page.locator('#chat button[aria-label="Dislike"]').first.click()
    page.get_by_text("Recorded: not helpful.").wait_for(timeout=10_000)
    page.get_by_label("not supported by sources").check()
    page.get_by_role("button", name="Send reason").click()
    page.get_by_text("Thanks — reason recorded.").wait_for(timeout=10_000)
    rows = [json.loads(line) for line in (served[1] / "feedback.jsonl").read_text().splitlines()]
    assert [(r["rating"], r["reason"]) for r in rows] == [("down", "not supported by sources")]
    assert rows[-1]["question"] == SEED_QUESTION and rows[-1]["citations"][0]["n"] == 1


def test_no_request_leaves_the_machine_and_new_chat_clears(page: Any, browsed: Browsed) -> None:
    assert browsed.outside == []
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function("document.querySelectorAll('#sources-panel details').length === 0")
    assert page.locator('#chat [data-testid="bot"]').count() == 0


# ---- the HTTP API beside the page (/ask), many conversations at once -------------------------

CONVERSATIONS = [
    (SEED_QUESTION, "Biden", "The Postmillennial"),
    (
        "What did the Port Ellery council website display during the security audit?",
        "<script>alert(1)</script>",
        "Harbour Gazette",
    ),
]


def test_http_api_keeps_concurrent_conversations_apart(served: tuple[str, Path]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    def converse(number: int) -> tuple[int, dict[str, Any], dict[str, Any]]:
        question, _, _ = CONVERSATIONS[number % 2]
        client = Client(served[0], verbose=False)
        first = client.predict(question, [], [], "", "", api_name="/ask")
        # The follow-up only makes sense with this conversation's own history.
        follow = client.predict(
            "Which outlet reported it?", [[question, first["text"]]], [], "", "", api_name="/ask"
        )
        return number, first, follow

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(converse, range(8)))
    for number, first, follow in results:
        _, expected, outlet = CONVERSATIONS[number % 2]
        assert first["answered"] and expected in first["text"], first
        assert first["citations"][0]["source"] == outlet
        assert follow["answered"] and outlet in follow["text"], (number, follow["text"])
        assert {c["source"] for c in follow["citations"]} == {outlet}


def test_http_api_reports_bad_input_clearly(served: tuple[str, Path]) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="is not a date — use YYYY-MM-DD"):
        Client(served[0], verbose=False).predict(
            SEED_QUESTION, [], [], "last week", "", api_name="/ask"
        )
