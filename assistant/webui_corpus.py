"""The web UI's corpus side: what the index holds, uploads, and the first build from seeds."""

from __future__ import annotations

import hashlib
import html
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.webui_render import (
    escape_markdown,
    failure_message,
    failure_status,
    render_corpus,
    suggest_questions,
)

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")


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


def add_uploads(
    settings: Settings,
    files: Sequence[str] | None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Index uploaded article files; return a Markdown status. Bad files change nothing."""
    try:
        return _add_uploads(settings, files, progress)
    except Exception as exc:
        return failure_status(exc, "adding these files")


def _add_uploads(
    settings: Settings,
    files: Sequence[str] | None,
    progress: Callable[[int, int], None] | None,
) -> str:
    from assistant.ingest import build_index

    if not files:
        return "Choose one or more files first."
    limit = settings.ingest.max_file_mb
    accepted, problems = [], []
    for name in map(Path, files):
        if name.suffix.lower() not in UPLOAD_TYPES:
            problems.append(f"{name.name}: unsupported type (use {', '.join(UPLOAD_TYPES)})")
        elif name.stat().st_size > limit * 1024 * 1024:
            problems.append(f"{name.name}: larger than the {limit:g} MB limit")
        else:
            accepted.append(_keep_upload(settings, name))
    lines: list[str] = []
    if accepted:
        try:
            report = build_index(accepted, settings, progress=progress or False)
        except AssistantError as exc:
            return f"⚠ Upload failed: {escape_markdown(str(exc))}. The index is unchanged."
        for skipped in report.skipped:
            problems.append(f"{Path(skipped.path).name}: {skipped.reason}")
            shutil.rmtree(Path(skipped.path).parent, ignore_errors=True)
        added = report.articles_added + report.articles_replaced
        lines.append(
            f"✓ Indexed {_plural(added, 'article')} "
            f"({_plural(report.chunks_added, 'passage')}; {report.articles_unchanged} already "
            "indexed). They are searchable now."
        )
    lines += [f"⚠ Skipped {escape_markdown(problem)}" for problem in problems]
    return "\n\n".join(lines)


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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _keep_upload(settings: Settings, path: Path) -> Path:
    """Copy an upload under <index_dir>/uploads/<content hash>/ so its origin stays stable."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    target = Path(settings.index_dir) / "uploads" / digest / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return target


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
