"""The Timeline tab (a story's dated events) and the time axis of each reply's sources.

From any answer, "Story timeline" opens the timeline of what was asked; the tab can also be
used on its own. Rendering is HTML only; `assistant.timeline` does the work.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

from assistant import Citation, Settings, Timeline, timeline
from assistant.story import story_query
from assistant.web.render import failure_status
from assistant.web.turns import ChatTurn, Options, conversation_filters

STORY_CSS = """
.tl-head { font-weight: 600; margin: 4px 0 8px; }
.tl-list { list-style: none; padding: 0; margin: 0; border-left: 2px solid #cbd5e1; }
.tl-event { position: relative; padding: 0 0 12px 16px; }
.tl-event::before { content: ""; position: absolute; left: -6px; top: 5px; width: 10px;
  height: 10px; border-radius: 50%; background: #2563eb; }
.tl-date { font-weight: 600; font-variant-numeric: tabular-nums; }
.tl-stated, .tl-also, .tl-outlet { color: var(--body-text-color-subdued); font-size: 0.85rem; }
.tl-empty { color: var(--body-text-color-subdued); }
.axis { position: relative; height: 34px; margin: 6px 8px 10px; }
.axis-line { position: absolute; left: 0; right: 0; top: 12px; border-top: 2px solid #cbd5e1; }
.axis-dot { position: absolute; top: 6px; transform: translateX(-50%); font-size: 0.7rem;
  background: #dbeafe; border: 1px solid #93c5fd; border-radius: 999px; padding: 0 5px; }
.axis-end { position: absolute; top: 20px; font-size: 0.7rem;
  color: var(--body-text-color-subdued); }
.axis-asof { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 0 8px; }
"""


def render_timeline(story: Timeline) -> str:
    """Return the timeline as HTML: one dated line per event, oldest first, each with its source."""
    if not story.events:
        return (
            f'<p class="tl-empty">No dated reports about “{html.escape(story.query)}” in the '
            "indexed articles.</p>"
        )
    items = []
    for event in story.events:
        c = event.citation
        day = event.day.isoformat() if event.day else "undated"
        stated = (
            f' <span class="tl-stated">(about {event.stated.isoformat()})</span>'
            if event.stated
            else ""
        )
        also = (
            f' <span class="tl-also">also in {html.escape(", ".join(event.also_in))}</span>'
            if event.also_in
            else ""
        )
        title = html.escape(c.title)
        link = f'<a href="{html.escape(c.url)}" target="_blank">{title}</a>' if c.url else title
        items.append(
            f'<li class="tl-event" id="tl-{c.n}"><span class="tl-date">{day}</span>{stated} '
            f'<span class="tl-outlet">{html.escape(c.source or "")}</span><br>'
            f"{html.escape(event.text)} [{c.n}]{also}<br>"
            f'<span class="tl-outlet">{link}</span></li>'
        )
    head = (
        f'<div class="tl-head">Timeline of “{html.escape(story.query)}”: {len(story.events)} '
        f"events, as of {story.as_of}</div>"
    )
    return f'<div class="timeline">{head}<ol class="tl-list">{"".join(items)}</ol></div>'


def render_time_axis(citations: Sequence[Citation], as_of: date | None) -> str:
    """Return a small time axis placing each cited passage at its publication date."""
    dated = [(c.n, c.published_at.date()) for c in citations if c.published_at]
    if not dated:
        return ""
    first, last = min(d for _, d in dated), max(d for _, d in dated)
    span = max((last - first).days, 1)
    dots = "".join(
        f'<span class="axis-dot" style="left:{5 + 90 * (d - first).days / span:.1f}%" '
        f'title="{d.isoformat()}">{n}</span>'
        for n, d in dated
    )
    ends = (
        f'<span class="axis-end" style="left:0">{first.isoformat()}</span>'
        f'<span class="axis-end" style="right:0">{last.isoformat()}</span>'
        if first != last
        else f'<span class="axis-end" style="left:40%">{first.isoformat()}</span>'
    )
    note = f'<div class="axis-asof">As of {as_of.isoformat()}</div>' if as_of else ""
    return f'{note}<div class="axis"><div class="axis-line"></div>{dots}{ends}</div>'


def show_timeline(settings: Settings, query: str, options: Options) -> str:
    """Return the Timeline tab's HTML for a story, or a one-line error."""
    if not query.strip():
        return '<p class="tl-empty">Name a story, e.g. “SBF trial”.</p>'
    try:
        return render_timeline(timeline(query, settings, filters=conversation_filters(options)))
    except Exception as exc:
        return (
            f'<p class="tl-empty">{html.escape(failure_status(exc, "building the timeline"))}</p>'
        )


def story_of(turns: Sequence[ChatTurn]) -> str:
    """Return what the latest answered reply was about (its standalone question)."""
    for turn in reversed(turns):
        if turn.answer is not None:
            question = turn.answer.question or turn.question
            return story_query(question, [c.title for c in turn.answer.citations])
    return ""


def timeline_tab(gr: Any, ui: dict[str, Any]) -> None:
    """Create the Timeline tab's controls: the story box, its button and the events."""
    with gr.Row():
        ui["story"] = gr.Textbox(
            placeholder="A story, e.g. “SBF trial”",
            show_label=False,
            container=False,
            scale=5,
            elem_id="timeline-query",
        )
        ui["story_go"] = gr.Button("Show", scale=0, min_width=80, elem_id="timeline-go")
    ui["timeline"] = gr.HTML(render_timeline(Timeline(query="", events=[])), elem_id="timeline")


def wire_timeline(gr: Any, settings: Settings, ui: dict[str, Any]) -> None:
    """Show a story's timeline from the tab, or from the latest answer ("Story timeline")."""
    options = [ui[name] for name in ("since", "until", "outlets")]

    def run(query: str, since: str | None, until: str | None, outlets: list[str] | None) -> str:
        return show_timeline(settings, query, Options(since, until, tuple(outlets or ())))

    for start in (ui["story"].submit, ui["story_go"].click):
        start(run, [ui["story"], *options], ui["timeline"], concurrency_id="index")
    ui["story_button"].click(story_of, ui["turns"], ui["story"], queue=False).then(
        lambda: gr.Tabs(selected="timeline"), None, ui["tabs"], queue=False
    ).then(run, [ui["story"], *options], ui["timeline"], concurrency_id="index")
