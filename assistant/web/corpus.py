"""The web UI's corpus side: what the index holds, uploads, and the first build from seeds.

Also the example questions offered about the indexed articles. The upload handler itself,
`add_uploads`, is in handlers.py; this wires it to the Upload tab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.web.handlers import add_uploads
from assistant.web.render import failure_message, render_corpus


def corpus_overview(settings: Settings) -> tuple[str, list[str], list[str]]:
    """Return (corpus panel HTML, outlet names, example questions) for the current index."""
    from assistant.index import open_index
    from assistant.info import describe_index

    try:
        info = describe_index(settings)
        documents = sorted(
            open_index(settings).catalog.documents().values(),
            key=lambda d: d.published_at or "",
            reverse=True,
        )
    except Exception as exc:
        message = failure_message(exc, "reading the index", "Reload the page")
        return f'<p class="src-empty">{html.escape(message)}</p>', [], []
    examples = suggest_questions([(d.title, d.source) for d in documents[:200]])
    return render_corpus(info), list(info["outlets"]), examples


def wire_corpus(gr: Any, settings: Settings, ui: dict[str, Any], app: Any) -> None:
    """Wire the Upload tab and the corpus panel, refreshed on each page load and upload."""

    def refresh() -> tuple[str, Any, list[str]]:
        panel, outlets, examples = corpus_overview(settings)
        return panel, gr.Dropdown(choices=outlets), examples

    # Gradio recognises a progress tracker by this default value.
    def upload(files: list[str] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        progress(0, desc="Reading files")
        status = add_uploads(
            settings,
            files,
            lambda done, total: progress((done, total), desc="Indexing", unit="articles"),
        )
        return (status, *refresh(), None)

    targets = [ui["corpus"], ui["outlets"], ui["examples"]]
    ui["upload"].upload(
        upload, ui["upload"], [ui["upload_status"], *targets, ui["upload"]], concurrency_id="index"
    )
    app.load(refresh, None, targets, show_progress="hidden")


def ensure_index(settings: Settings) -> None:
    """Build the index from settings.seeds_dir when it is missing or empty, printing progress."""
    from assistant.index import open_index
    from assistant.ingest import build_index

    try:
        if open_index(settings).catalog.counts()[0] > 0:
            return
    except AssistantError:
        pass
    print(f"no articles in {settings.index_dir}/ — building it from {settings.seeds_dir}/ …")

    def show(done: int, total: int) -> None:
        print(f"\r  indexed {done}/{total} articles", end="\n" if done == total else "", flush=True)

    print(build_index([Path(settings.seeds_dir)], settings, progress=show).summary())


_CLAUSE_END = re.compile(r"\s*(?::|\s[-\u2013\u2014|]\s).*$")


def suggest_questions(documents: Sequence[tuple[str, str | None]], limit: int = 4) -> list[str]:
    """Return example questions about indexed articles, given (title, outlet) pairs newest first.

    The questions name the outlet and the gist of the headline ("What does Northern Wire
    report about “Volcano erupts again near Grindavik”?"), taking one article per outlet first.
    """
    picked: list[tuple[str, str | None]] = []
    seen: set[str | None] = set()
    for rounds in (True, False):
        for title, source in documents:
            if len(picked) >= limit:
                break
            if (source in seen) == rounds or (title, source) in picked:
                continue
            picked.append((title, source))
            seen.add(source)
    return [question_about(title, source) for title, source in picked]


def question_about(title: str, source: str | None) -> str:
    """Return a question about one article: its outlet and the key phrase of its headline."""
    clause = _CLAUSE_END.sub("", title).strip() or title.strip()
    subject = f"\u201c{key_phrase(clause)}\u201d"
    if not source:
        return f"What do the articles say about {subject}?"
    verb = "say" if source.casefold().endswith("report") else "report"
    return f"What does {source} {verb} about {subject}?"


def key_phrase(headline: str, most: int = 12) -> str:
    """Return the headline cut to at most `most` words, before a linking word if it can be."""
    words = headline.split()
    if len(words) <= most:
        return headline
    cuts = [
        i for i in range(5, most + 1) if words[i].casefold() in _LINKS or words[i - 1][-1] in ",;"
    ]
    end = cuts[-1] if cuts else most
    return " ".join(words[:end]).rstrip(",;") + ("" if cuts else " …")


_LINK_WORDS = "to as after amid with for in on over while despite before because but and that which"
_LINKS = frozenset(_LINK_WORDS.split())
