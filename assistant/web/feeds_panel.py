"""The web UI's Feeds panel (in the Add tab): follow a feed or add a page, stop following a
feed, see when each was last fetched and its last error, and refresh them all now. The
handlers return plain text and HTML, so they are tested without Gradio; `feeds_tab` and
`wire_feeds` place and connect them."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from assistant.config import Settings
from assistant.web.render import escape_markdown, failure_message

_EMPTY = '<p class="src-empty">No feeds yet: paste a feed\'s URL above and press Add.</p>'
_STYLE = """<style>
.feeds-table { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.feeds-table th, .feeds-table td { text-align: left; padding: 4px 6px; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary); }
.feeds-table code { font-size: 0.85em; word-break: break-all; }
.feeds-table td.when { white-space: nowrap; }
.feed-error { color: var(--error-text-color, #b91c1c); }
.feed-ok { color: var(--color-accent, #15803d); }
</style>"""


def render_feeds(settings: Settings) -> str:
    """Return the feeds table: title and URL, last fetched, next poll, articles, status."""
    from assistant.feeds import FeedState
    from assistant.index.catalog import CATALOG_FILE

    if not (settings.index_dir / CATALOG_FILE).exists():
        return _EMPTY
    state = FeedState(settings.index_dir)
    try:
        rows = state.feeds(followed_only=True)
    finally:
        state.close()
    if not rows:
        return _EMPTY
    body = "".join(_row(row) for row in rows)
    return (
        f'{_STYLE}<table class="feeds-table"><thead><tr><th>Feed</th><th>Last fetched</th>'
        "<th>Next</th><th>Articles</th><th>Status</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _row(row: Any) -> str:
    title = html.escape(row.title or "(not fetched yet)")
    url = html.escape(row.url)
    status = (f'<span class="feed-error">error ×{row.errors}: {html.escape(row.last_error)}'
              "</span>" if row.last_error else '<span class="feed-ok">ok</span>')
    return (f'<tr data-url="{url}"><td><b>{title}</b><br><code>{url}</code></td>'
            f'<td class="when">{_when(row.last_fetch)}</td>'
            f'<td class="when">{_when(_iso(row.next_due))}</td>'
            f"<td>{row.articles}</td><td>{status}</td></tr>")


def _iso(epoch: float) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch else None


def _when(stamp: str | None) -> str:
    """Return `16:11 UTC` for today, else `2026-12-01 16:11 UTC`; a dash for never."""
    if not stamp:
        return "—"
    moment = datetime.fromisoformat(stamp).astimezone(UTC)
    today = moment.date() == datetime.now(UTC).date()
    return moment.strftime("%H:%M UTC" if today else "%Y-%m-%d %H:%M UTC")


def followed_urls(settings: Settings) -> list[str]:
    """Return the followed feeds' URLs (the Remove list)."""
    from assistant.feeds import FeedState
    from assistant.index.catalog import CATALOG_FILE

    if not (settings.index_dir / CATALOG_FILE).exists():
        return []
    state = FeedState(settings.index_dir)
    try:
        return [row.url for row in state.feeds(followed_only=True)]
    finally:
        state.close()


def add_feed(settings: Settings, url: str | None) -> str:
    """Follow a feed and ingest its entries now (a page URL: ingest that page once)."""
    from assistant.feeds import FeedState, Poller, is_web_url

    url = (url or "").strip()
    if not is_web_url(url):
        return "Give the feed's address, starting with http:// or https://."
    try:
        state = FeedState(settings.index_dir)
        try:
            state.add(url)
        finally:
            state.close()
        with Poller(settings, echo=lambda _: None) as poller:
            result = poller.poll(url)
            if result.not_a_feed:  # an article page, perhaps: ingest it once
                poller.state.remove(url)
                return _page_status(url, poller.ingest_url(url), result.error or "")
    except Exception as exc:
        return failure_message(exc, "adding the feed", "Try again")
    if result.error:
        return f"Following {url}, but its first fetch failed: {result.error}"
    return f"Following {url}: {_counts(result)}"


def _page_status(url: str, page: Any, not_feed: str) -> str:
    """Return the status of a URL that was no feed and was then ingested as a page."""
    if page.error:
        return f"Nothing added from {url}: {not_feed}; as a page: {page.error}"
    r = page.report
    done = "added" if r.articles_added else "updated" if r.articles_replaced else "already indexed"
    return f"{url} is an article page, not a feed: its article is {done}."


def refresh_feeds(settings: Settings) -> str:
    """Poll every followed feed now; return one status line per feed."""
    from assistant.feeds import poll_due

    try:
        results = poll_due(settings, force=True, echo=lambda _: None)
    except Exception as exc:
        return failure_message(exc, "refreshing the feeds", "Try again")
    if not results:
        return "No feeds to refresh: add one first."
    return "\n\n".join(
        f"{r.url}: failed — {r.error}" if r.error else f"{r.url}: {_counts(r)}" for r in results
    )


def remove_feed(settings: Settings, url: str | None) -> str:
    """Stop following a feed (its articles stay searchable); return the status line."""
    from assistant.feeds import FeedState

    if not url:
        return "Choose a feed to remove."
    state = FeedState(settings.index_dir)
    try:
        origins = state.remove(url)
    finally:
        state.close()
    return f"Stopped following {url}; its {len(origins)} articles stay in the index."


def _counts(result: Any) -> str:
    if result.not_modified:
        return "not modified since the last fetch."
    r = result.report
    skipped = f", {len(result.skipped)} entries skipped" if result.skipped else ""
    return (f"{result.new} new and {result.changed} changed entries, {r.articles_added} "
            f"articles added, {r.articles_replaced} replaced{skipped}.")


def feeds_tab(gr: Any, ui: dict[str, Any]) -> None:
    """Create the Feeds panel's controls (placed in the Add tab)."""
    gr.Markdown("### Feeds and web pages\nFollow an RSS or Atom feed, or add one article page: "
                "its articles are fetched, indexed and cited like any other. `assistant watch` "
                "keeps feeds fresh; **Refresh now** polls them here.", elem_id="feeds-intro")
    with gr.Row(equal_height=True):
        ui["feed_url"] = gr.Textbox(placeholder="A feed or page: https://example.org/feed.xml",
                                    show_label=False, container=False, scale=5,
                                    elem_id="feed-url")
        ui["feed_add"] = gr.Button("Add", variant="primary", scale=0, min_width=80,
                                   elem_id="feed-add")
    ui["feeds_table"] = gr.HTML(_EMPTY, elem_id="feeds-table")
    with gr.Row(equal_height=True):
        ui["feed_refresh"] = gr.Button("Refresh now", scale=0, min_width=130,
                                       elem_id="feed-refresh")
        ui["feed_choice"] = gr.Dropdown([], show_label=False, container=False, scale=4,
                                        elem_id="feed-choice")
        ui["feed_remove"] = gr.Button("Remove", scale=0, min_width=100, elem_id="feed-remove")
    ui["feeds_status"] = gr.Markdown(elem_id="feeds-status")


def wire_feeds(gr: Any, settings: Settings, ui: dict[str, Any], app: Any) -> None:
    """Connect the Feeds panel; its table is refreshed on page load and after every action."""

    def shown(status: str | None = None) -> tuple[Any, ...]:
        urls = followed_urls(settings)
        choice = gr.Dropdown(choices=urls, value=urls[0] if urls else None)
        return (render_feeds(settings), choice) if status is None else (
            escape_markdown(status), render_feeds(settings), choice, "")

    def corpus() -> tuple[Any, ...]:
        from assistant.web.corpus import corpus_overview

        panel, outlets, examples = corpus_overview(settings)
        return panel, gr.Dropdown(choices=outlets), examples

    outputs = [ui["feeds_status"], ui["feeds_table"], ui["feed_choice"], ui["feed_url"]]
    corpus_parts = [ui["corpus"], ui["outlets"], ui["examples"]]
    # Fetching runs beside questions (its own queue): readers never wait for a writer.
    for event, handler, inputs in (
        (ui["feed_add"].click, lambda url: shown(add_feed(settings, url)), ui["feed_url"]),
        (ui["feed_url"].submit, lambda url: shown(add_feed(settings, url)), ui["feed_url"]),
        (ui["feed_refresh"].click, lambda: shown(refresh_feeds(settings)), None),
        (ui["feed_remove"].click, lambda url: shown(remove_feed(settings, url)),
         ui["feed_choice"]),
    ):
        event(handler, inputs, outputs, concurrency_id="feeds").then(
            corpus, None, corpus_parts, show_progress="hidden")
    app.load(shown, None, [ui["feeds_table"], ui["feed_choice"]], show_progress="hidden")
