"""Human-readable text for answers and citations (CLI and chat)."""

from __future__ import annotations

from assistant.schema import Answer, Citation


def citation_line(citation: Citation) -> str:
    """Return `[1] Title — Source, 2024-11-18` for a citation."""
    parts = [citation.source or "unknown outlet"]
    if citation.published_at:
        parts.append(citation.published_at.date().isoformat())
    return f"[{citation.n}] {citation.title} — {', '.join(parts)}"


def format_answer(answer: Answer) -> str:
    """Return the answer text followed by one source line and quote per citation."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
    for citation in answer.citations:
        lines.append(citation_line(citation))
        lines.append(f"    “{citation.quote}”")
        if citation.url:
            lines.append(f"    {citation.url}")
    if answer.as_of:
        lines.append(f"As of {answer.as_of.isoformat()} (the newest cited article).")
    return "\n".join(lines)
