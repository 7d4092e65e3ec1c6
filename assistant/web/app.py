"""The Gradio web UI's page: its layout, the wiring of components to handlers, and `launch`.

Streaming chat, per-reply sources, corpus overview, upload, filters, feedback. The handlers
are in handlers.py; Gradio is imported inside functions.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, get_args

from assistant.config import AnswerSettings, Settings
from assistant.errors import ConfigError
from assistant.feedback import REASONS
from assistant.web.corpus import corpus_overview, ensure_index, wire_corpus
from assistant.web.feeds_panel import feeds_tab, wire_feeds
from assistant.web.handlers import UPLOAD_TYPES, add_reason, rate, respond
from assistant.web.http import ask_endpoint
from assistant.web.render import Message, failure_status, render_sources
from assistant.web.story import STORY_CSS, timeline_tab, wire_timeline
from assistant.web.theme import CSS, HEAD, theme
from assistant.web.turns import ChatTurn, Options

if TYPE_CHECKING:
    import gradio as gr

BACKENDS: tuple[str, ...] = get_args(AnswerSettings.model_fields["llm"].annotation)


def build_app(settings: Settings | None = None) -> gr.Blocks:
    """Return the Gradio Blocks app over the index in settings.index_dir."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr

    settings = settings or Settings()
    corpus_html, outlets, examples = corpus_overview(settings)
    app = gr.Blocks(title="News assistant", analytics_enabled=False)
    with app:
        ui = _layout(gr, settings, corpus_html, outlets, examples)
        _wire_chat(gr, settings, ui)
        _wire_feedback(gr, settings, ui)
        wire_corpus(gr, settings, ui, app)
        wire_feeds(gr, settings, ui, app)
        wire_timeline(gr, settings, ui)
        # For scripts: POST /gradio_api/call/ask (see assistant/web/http.py).
        gr.api(ask_endpoint(settings), api_name="ask", concurrency_id="index")  # type: ignore[attr-defined]
    return app


def _layout(
    gr: Any, settings: Settings, corpus_html: str, outlets: list[str], examples: list[str]
) -> dict[str, Any]:
    """Create the components; return them by name."""
    ui: dict[str, Any] = {
        "turns": gr.State([]),
        "question": gr.State(""),
        "pending": gr.State(None),
    }
    gr.Markdown(
        "## News assistant\nAnswers come only from the indexed articles; every "
        "claim cites its passage — click a **[n]** to see it highlighted."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            _chat_panel(gr, examples, ui)
            _feedback_panel(gr, ui)
        with gr.Column(scale=2, min_width=360), gr.Tabs(selected="sources") as ui["tabs"]:
            with gr.Tab("Sources", id="sources"):
                ui["sources"] = gr.HTML(render_sources([]), elem_id="sources-panel")
            with gr.Tab("Timeline", id="timeline"):
                timeline_tab(gr, ui)
            with gr.Tab("Corpus", id="corpus"):
                _corpus_tab(gr, corpus_html, examples, ui)
            with gr.Tab("Add", id="add"):  # files and feeds: five tabs fit the column
                _upload_tab(gr, settings, ui)
                feeds_tab(gr, ui)
            with gr.Tab("Settings", id="settings"):
                _settings_controls(gr, settings, outlets, ui)
    return ui


def _chat_panel(gr: Any, examples: list[str], ui: dict[str, Any]) -> None:
    """Create the chat, the question box and its buttons."""
    ui["chat"] = gr.Chatbot(
        elem_id="chat",
        show_label=False,
        height=540,
        latex_delimiters=[],
        buttons=["copy"],
        examples=[{"text": q} for q in examples],
        placeholder="**Ask about the news in the index.** Replies stream in; the "
        "Sources tab shows each cited passage.",
    )
    with gr.Row():
        ui["box"] = gr.Textbox(
            placeholder="Ask about the news articles…",
            show_label=False,
            container=False,
            scale=6,
            max_lines=4,
            autofocus=True,
            elem_id="question-box",
        )
        ui["send"] = gr.Button("Ask", variant="primary", scale=0, min_width=80)
        ui["new"] = gr.Button("New chat", scale=0, min_width=110, elem_id="new-chat")
    ui["story_button"] = gr.Button("Story timeline of the last answer", size="sm",
                                   elem_id="story-button")


def _feedback_panel(gr: Any, ui: dict[str, Any]) -> None:
    """Create the rating status line and the (hidden) reason row shown after a 👎."""
    ui["feedback_status"] = gr.Markdown("", elem_id="feedback-status")
    with gr.Group(visible=False) as ui["reason_row"]:
        ui["reason"] = gr.Radio(list(REASONS), label="What was wrong? (optional)")
        with gr.Row(equal_height=True):
            ui["note"] = gr.Textbox(
                placeholder="A note for the maintainers (optional)",
                show_label=False,
                container=False,
                scale=5,
            )
            ui["send_reason"] = gr.Button(
                "Send reason", scale=0, min_width=130, elem_id="send-reason"
            )


def _corpus_tab(gr: Any, corpus_html: str, examples: list[str], ui: dict[str, Any]) -> None:
    """Create the corpus panel and the example-question buttons."""
    ui["corpus"] = gr.HTML(corpus_html, elem_id="corpus-panel")
    gr.Markdown("**Example questions** from the indexed articles: click one to ask.")
    ui["examples"] = gr.State(examples)
    _example_buttons(gr, ui)


def _upload_tab(gr: Any, settings: Settings, ui: dict[str, Any]) -> None:
    """Create the file upload and its status line."""
    gr.Markdown(
        f"Add articles to the index: {', '.join(UPLOAD_TYPES)}, up to "
        f"{settings.ingest.max_file_mb:g} MB each. They are searchable "
        "as soon as indexing finishes; a bad file changes nothing."
    )
    ui["upload"] = gr.File(
        file_count="multiple",
        file_types=list(UPLOAD_TYPES),
        label="Article files",
        elem_id="upload",
    )
    ui["upload_status"] = gr.Markdown(elem_id="upload-status")


def _example_buttons(gr: Any, ui: dict[str, Any]) -> None:
    """Render one button per example question; clicking one asks it."""

    @gr.render(inputs=ui["examples"])  # type: ignore[untyped-decorator]
    def show(questions: list[str]) -> None:
        with gr.Column(elem_id="examples"):
            for question in questions:
                button = gr.Button(question, size="sm", elem_classes=["example-q"])
                ui["ask_after"](
                    button.click(_constant(("", question)), None, [ui["box"], ui["question"]])
                )


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _settings_controls(gr: Any, settings: Settings, outlets: list[str], ui: dict[str, Any]) -> None:
    gr.Markdown("Filters and settings apply to this conversation's next questions.")
    ui["since"] = gr.DateTime(
        include_time=False, type="string", label="Published from (YYYY-MM-DD)", elem_id="since"
    )
    ui["until"] = gr.DateTime(
        include_time=False, type="string", label="Published until (YYYY-MM-DD)", elem_id="until"
    )
    ui["outlets"] = gr.Dropdown(
        outlets, multiselect=True, label="Outlets", info="None chosen searches every outlet."
    )
    ui["k"] = gr.Slider(1, 20, value=settings.retrieve.k, step=1, label="Passages considered (k)")
    ui["mode"] = gr.Radio(
        ["hybrid", "dense", "bm25"], value=settings.retrieve.mode, label="Retrieval mode"
    )
    ui["backend"] = gr.Dropdown(
        list(BACKENDS),
        value=settings.answer.llm,
        label="Answer backend",
        info="extractive needs no model; the others need one configured.",
    )


def _wire_chat(gr: Any, settings: Settings, ui: dict[str, Any]) -> None:
    options = [ui[name] for name in ("since", "until", "outlets", "k", "mode", "backend")]

    def run(
        question: str,
        turns: list[ChatTurn],
        since: str | None,
        until: str | None,
        outlets: list[str] | None,
        k: float,
        mode: str,
        backend: str,
    ) -> Iterator[tuple[list[Message], list[ChatTurn], str]]:
        chosen = Options(since, until, tuple(outlets or ()), int(k or 0) or None, mode, backend)
        yield from respond(settings, question, turns, chosen)

    def take(question: str) -> tuple[str, str]:
        return "", question

    def take_example(select: Any) -> tuple[str, str]:
        return "", str((select.value or {}).get("text", ""))

    take_example.__annotations__ = {"select": gr.SelectData}  # Gradio injects by annotation
    starts = [
        ui["box"].submit(take, ui["box"], [ui["box"], ui["question"]], queue=False),
        ui["send"].click(take, ui["box"], [ui["box"], ui["question"]], queue=False),
        ui["chat"].example_select(take_example, None, [ui["box"], ui["question"]], queue=False),
    ]

    def ask_after(start: Any) -> None:
        start.then(lambda: gr.Tabs(selected="sources"), None, ui["tabs"], queue=False).then(
            run,
            [ui["question"], ui["turns"], *options],
            [ui["chat"], ui["turns"], ui["sources"]],
            show_progress="minimal",
            concurrency_id="index",
        )

    ui["ask_after"] = ask_after
    for start in starts:
        ask_after(start)
    cleared = ("chat", "turns", "sources", "box", "feedback_status", "pending", "reason_row")
    ui["new"].click(
        lambda: ([], [], render_sources([]), "", "", None, gr.Group(visible=False)),
        None,
        [ui[name] for name in cleared],
        queue=False,
    )


def _wire_feedback(gr: Any, settings: Settings, ui: dict[str, Any]) -> None:
    def on_like(turns: list[ChatTurn], like: Any) -> tuple[str, Any, Any]:
        try:
            status, pending = rate(settings, turns, like.index, like.liked)
        except Exception as exc:
            status, pending = failure_status(exc, "recording your rating"), None
        return status, pending, gr.Group(visible=pending is not None)

    on_like.__annotations__ = {"like": gr.LikeData}  # Gradio injects by annotation

    def on_reason(
        turns: list[ChatTurn], pending: dict[str, Any] | None, reason: str | None, note: str | None
    ) -> tuple[str, Any, Any, Any, Any]:
        try:
            status = add_reason(settings, turns, pending, reason, note)
        except Exception as exc:
            status = failure_status(exc, "recording your reason")
        done = status.startswith("Thanks")
        return (
            status,
            None if done else pending,
            gr.Group(visible=not done),
            None if done else gr.skip(),
            "" if done else gr.skip(),
        )

    ui["chat"].like(on_like, ui["turns"], [ui["feedback_status"], ui["pending"], ui["reason_row"]])
    ui["send_reason"].click(
        on_reason,
        [ui["turns"], ui["pending"], ui["reason"], ui["note"]],
        [ui["feedback_status"], ui["pending"], ui["reason_row"], ui["reason"], ui["note"]],
    )


def login_from_env() -> tuple[str, str] | None:
    """Return (user, password) from ASSISTANT_UI_USER / ASSISTANT_UI_PASSWORD, if both are set."""
    user, password = os.environ.get("ASSISTANT_UI_USER"), os.environ.get("ASSISTANT_UI_PASSWORD")
    if bool(user) != bool(password):
        raise ConfigError(
            "set both ASSISTANT_UI_USER and ASSISTANT_UI_PASSWORD to require a login, or neither"
        )
    return (user, password) if user and password else None


def launch(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the UI on host:port (never shared publicly), building the index first if needed."""
    settings = settings or Settings()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    auth = login_from_env()
    ensure_index(settings)
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(
            f"warning: serving on {host} without a login — set ASSISTANT_UI_USER and "
            "ASSISTANT_UI_PASSWORD to require one",
            file=sys.stderr,
        )
    app = build_app(settings)
    app.queue(default_concurrency_limit=1)
    threading.Thread(target=_warm_up, args=(settings,), daemon=True).start()
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"news assistant UI on http://{shown}:{port} (Ctrl-C to stop)", flush=True)
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=auth,
        auth_message="Log in to the news assistant." if auth else None,
        max_file_size=int(2 * settings.ingest.max_file_mb * 1024 * 1024),
        theme=theme(),
        css=CSS + STORY_CSS,
        head=HEAD,
        footer_links=["api", "settings"],
        run_history=False,  # its page offers saving runs to a Hugging Face bucket
        quiet=True,  # Gradio's banner suggests share=True, which this app never uses
    )


def _warm_up(settings: Settings) -> None:
    """Load the embedder and search indexes in the background, so the first question is quick."""
    from assistant.retrieve import search

    with contextlib.suppress(Exception):  # the first real question reports any problem
        search("warm up", settings)
