"""HTML and Markdown for the web UI: replies with [n] links, the sources and corpus panels.

No Gradio, and no I/O beyond `failure_message` logging a traceback. Every piece of article or
user text goes through `html.escape`, so an article containing `<script>` shows as text; the
only tags are the ones written here.
"""

from __future__ import annotations

import html
import re
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from assistant.errors import AssistantError
from assistant.schema import Answer, Citation, SentenceSupport
from assistant.web.turns import ChatTurn

CONTEXT_CHARS = 320  # passage text kept on each side of the highlighted span
_MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)\.(\s)", re.MULTILINE)


_VERDICT_LEAD = re.compile(r"\s*[\u2014\u2013:-]\s*")  # "Yes — …": the dash after a verdict
_VERDICT_KINDS = {"yes": "yes", "no": "no"}
_VERDICT_HINTS = {  # the pill's tooltip: how the verdict was reached (answer/verdict.py's rules)
    "supported": "Every part of the question is supported by a cited passage",
    "order": "Decided from the publication dates of the cited articles",
    "contradiction": "A cited passage contradicts part of the question",
    "relation": "How the cited reports relate: consistent unless one contradicts another, "
    "and a development when they report different days",
    "entity": "The name the cited passages point to",
    "slot": "The value the question asks for, as the cited passage states it",
}


Message = dict[str, str]  # a Chatbot message: {"role": ..., "content": ...}


def failure_message(
    exc: Exception, doing: str, retry: str = "The index may be changing — ask again"
) -> str:
    """Return what the UI shows for a failure: an AssistantError's own message (it says what
    to do), or for anything else a readable summary, logging its traceback to stderr.

    Args:
        doing: what failed, after "Something went wrong", e.g. "answering this".
        retry: what to try first; restarting `assistant ui` is always offered after it.
    """
    if isinstance(exc, AssistantError):
        return str(exc)
    traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).strip().rstrip(".")
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return f"Something went wrong {doing}: {what}. {retry}; if it persists, restart `assistant ui`."


def failure_status(exc: Exception, doing: str) -> str:
    """Return the Markdown status line for a failed action such as an upload or a rating."""
    return f"⚠ {escape_markdown(failure_message(exc, doing, 'Try again'))}"


def source_anchor(reply: int, n: int) -> str:
    """Return the element id of citation [n] of a reply in the sources panel."""
    return f"src-{reply}-{n}"


def escape_markdown(text: str) -> str:
    """Return text that Markdown and HTML both display literally."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_LINE_START.sub(r"\1\2\\.\3", escaped)


def render_reply(text: str, reply: int, known: Sequence[int] | None = None) -> str:
    """Return the reply's Markdown: escaped text whose [n] markers link to their sources.

    Args:
        known: citation numbers that have a source entry; other markers stay plain text.
            None links every marker (while streaming, before the citations are known).
    """
    parts: list[str] = []
    last = 0
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        parts.append(escape_markdown(text[last : match.start()]))
        label = rf"\[{n}\]"
        if known is None or n in known:
            parts.append(f"[{label}](#{source_anchor(reply, n)})")
        else:
            parts.append(label)
        last = match.end()
    parts.append(escape_markdown(text[last:]))
    return "".join(parts)


def render_verdict(verdict: str, rule: str | None = None) -> str:
    """Return the verdict pill: green for Yes, red for No, neutral for a name, amount or date."""
    kind = _VERDICT_KINDS.get(verdict.strip().casefold(), "value")
    hint = _VERDICT_HINTS.get(rule or "", "The conclusion the cited passages support")
    return (
        f'<span class="verdict verdict-{kind}" title="{html.escape(hint)}">'
        f"{escape_markdown(verdict.strip())}</span>"
    )


def split_verdict(answer: Answer) -> tuple[str | None, str]:
    """Return the verdict to show as a pill (None if none) and the text after its lead-in.

    The text starts with the verdict ("Yes — …", "$75 million — …"); the pill replaces that
    lead-in. An answer whose parts were not all found ("missing") states no verdict.
    """
    verdict = (answer.verdict or "").strip()
    if not verdict or answer.verdict_rule == "missing":
        return None, answer.text
    lead = _VERDICT_LEAD.match(answer.text[len(verdict) :])
    if answer.text.startswith(verdict) and lead:
        return verdict, answer.text[len(verdict) + lead.end() :]
    return verdict, answer.text


def render_answer(answer: Answer, reply: int) -> str:
    """Return the final Markdown of an answer: its verdict pill, the text with [n] links, and a
    note on sentences its sources don't support."""
    verdict, text = split_verdict(answer)
    body = render_reply(text, reply, [c.n for c in answer.citations])
    if verdict is not None:
        body = f"{render_verdict(verdict, answer.verdict_rule)} {body}"
    weak = [s for s in answer.sentences if not s.supported]
    if weak:
        plural = "s are" if len(weak) > 1 else " is"
        body += f"\n\n⚠ {len(weak)} sentence{plural} not clearly supported by the cited sources."
    return body


def render_messages(turns: Sequence[ChatTurn], partial: str | None = None) -> list[Message]:
    """Return the Chatbot messages; the last turn shows `partial` text while it streams."""
    messages: list[Message] = []
    for number, turn in enumerate(turns, start=1):
        messages.append({"role": "user", "content": escape_markdown(turn.question)})
        if turn.answer is not None:
            content = render_answer(turn.answer, number)
        elif turn.error is not None:
            content = f"⚠ **Error:** {escape_markdown(turn.error)}"
        elif partial:
            content = render_reply(partial, number) + " ▍"
        else:
            content = "*Searching the articles…*"
        messages.append({"role": "assistant", "content": content})
    return messages


def highlight_spans(
    passage: str,
    spans: Sequence[tuple[int, int]],
    context: int = CONTEXT_CHARS,
    labels: Sequence[int] | None = None,
) -> str:
    """Return escaped passage HTML with each (start, end) span wrapped in <mark>.

    Text further than `context` characters from every span is cut at a word boundary and
    replaced by an ellipsis, so a long passage stays readable in a narrow panel.

    Args:
        labels: a citation number per span, shown as a small [n] after its highlight.
    """
    tagged = sorted(zip(spans, labels or [0] * len(spans), strict=True))
    tagged = [((max(0, s), min(len(passage), e)), n) for (s, e), n in tagged if e > s]
    if not tagged:
        return html.escape(_clip_end(passage, 2 * context))
    out: list[str] = []
    cursor = 0
    for index, ((start, end), n) in enumerate(tagged):
        label = f'<sup class="mark-n">[{n}]</sup>' if n else ""
        start = max(start, cursor)
        if end <= start:  # the same sentence cited twice: label the highlight already shown
            out.append(label)
            continue
        gap = passage[cursor:start]
        out.append(
            html.escape(_clip_start(gap, context) if index == 0 else _clip_middle(gap, context))
        )
        out.append(f"<mark>{html.escape(passage[start:end])}</mark>{label}")
        cursor = end
    out.append(html.escape(_clip_end(passage[cursor:], context)))
    return "".join(out)


def quote_span(citation: Citation) -> tuple[int, int] | None:
    """Return the quote's (start, end) inside the citation's passage, or None if absent."""
    start, end = citation.start - citation.passage_start, citation.end - citation.passage_start
    passage = citation.passage
    if 0 <= start < end <= len(passage) and passage[start:end] == citation.quote:
        return start, end
    found = passage.find(citation.quote) if citation.quote else -1
    return (found, found + len(citation.quote)) if found >= 0 else None


def group_citations(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Return the citations grouped by the passage they quote, in order of first [n]."""
    groups: dict[tuple[str, int, str], list[Citation]] = {}
    for citation in sorted(citations, key=lambda c: c.n):
        key = (citation.article_id, citation.passage_start, citation.passage or citation.quote)
        groups.setdefault(key, []).append(citation)
    return list(groups.values())


def render_citation(
    citations: Sequence[Citation], reply: int, supports: Sequence[SentenceSupport]
) -> str:
    """Return one source entry for citations of one passage: title link, outlet · date · author,
    the passage with each cited sentence highlighted, and the answer sentences it supports."""
    first = citations[0]
    title = html.escape(first.title or "Untitled")
    url = first.url or ""
    if url.startswith(("http://", "https://")):
        title = (
            f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
        )
    date = first.published_at.date().isoformat() if first.published_at else None
    meta = " · ".join(html.escape(p) for p in (first.source, date, first.author) if p)
    numbers = [c.n for c in citations]
    aliases = "".join(f'<span id="{source_anchor(reply, n)}"></span>' for n in numbers[1:])
    lines = [
        f'<li class="src" id="{source_anchor(reply, first.n)}">{aliases}',
        f'<div class="src-head"><span class="src-n">{"".join(f"[{n}]" for n in numbers)}</span>'
        f" {title}</div>",
        f'<div class="src-meta">{meta or "unknown outlet"}</div>',
    ]
    if first.also_in:
        lines.append(
            f'<div class="src-also">also in: {html.escape(", ".join(first.also_in))}</div>'
        )
    lines.append(f'<div class="src-passage">{_passage_html(citations)}</div>')
    marks = [
        _support_mark(i, s)
        for i, s in enumerate(supports, start=1)
        if set(numbers) & set(s.citations)
    ]
    if marks:
        lines.append(f'<div class="src-support">{" ".join(marks)}</div>')
    lines.append("</li>")
    return "\n".join(lines)


def render_time_axis(citations: Sequence[Citation], as_of: Any) -> str:
    """Return the sources' time axis (assistant/web/story.py draws it)."""
    from assistant.web.story import render_time_axis as draw

    return draw(citations, as_of)


def render_reply_sources(number: int, turn: ChatTurn, open_: bool) -> str:
    """Return the collapsible group of sources for reply `number` (1-based)."""
    question = html.escape(_clip_end(turn.question, 90))
    if turn.error is not None:
        body, count = f'<p class="src-empty">Error: {html.escape(turn.error)}</p>', "error"
    elif turn.answer is None or not turn.answer.citations:
        body, count = (
            '<p class="src-empty">No sources: the articles don\'t say.</p>',
            "no citations",
        )
    else:
        items = [
            render_citation(group, number, turn.answer.sentences)
            for group in group_citations(turn.answer.citations)
        ]
        axis = render_time_axis(turn.answer.citations, turn.answer.as_of)
        body = axis + '<ol class="src-list">\n' + "\n".join(items) + "\n</ol>"
        n = len(turn.answer.citations)
        count = f"{n} citation{'s' if n != 1 else ''}"
    state = " open" if open_ else ""
    return (
        f'<details class="src-reply" id="reply-{number}"{state}>'
        f'<summary><span class="src-q">Reply {number}: {question}</span>'
        f' <span class="src-count">{count}</span></summary>\n{body}\n</details>'
    )


def render_sources(turns: Sequence[ChatTurn]) -> str:
    """Return the sources panel: one group per finished reply, newest first and open."""
    done = [
        (n, t) for n, t in enumerate(turns, start=1) if t.answer is not None or t.error is not None
    ]
    if not done:
        return (
            '<div class="sources"><p class="src-empty">Sources for each reply appear here, '
            "with the supporting sentence highlighted.</p></div>"
        )
    groups = [render_reply_sources(n, t, open_=i == 0) for i, (n, t) in enumerate(reversed(done))]
    return '<div class="sources">\n' + "\n".join(groups) + "\n</div>"


def render_corpus(info: dict[str, Any]) -> str:
    """Return the corpus panel: article count, outlets and date range (from describe_index)."""
    outlets: dict[str, int] = info.get("outlets") or {}
    first, last = info.get("first_date"), info.get("last_date")
    dates = (
        f'<span class="nowrap">{html.escape(str(first))}</span> to '
        f'<span class="nowrap">{html.escape(str(last))}</span>'
        if first and last
        else "unknown dates"
    )
    items = "".join(
        f"<li>{html.escape(name)} <span class='cnt'>{count}</span></li>"
        for name, count in list(outlets.items())[:12]
    )
    more = f"<li>… {len(outlets) - 12} more</li>" if len(outlets) > 12 else ""
    articles = int(info.get("articles") or 0)
    return (
        '<div class="corpus">'
        f"<p><b>{articles}</b> article{'s' if articles != 1 else ''} from "
        f"<b>{len(outlets)}</b> outlet{'s' if len(outlets) != 1 else ''}, "
        f"published {dates}.</p>"
        f'<ul class="outlets">{items}{more}</ul>'
        '<p class="hint">Answers come only from these articles: events outside them, or after '
        f"{html.escape(str(last or 'the latest date'))}, are unknown to the assistant.</p></div>"
    )


def _passage_html(citations: Sequence[Citation]) -> str:
    passage = citations[0].passage
    spans = [(c, quote_span(c)) for c in citations]
    # A quote whose offsets and text disagree is shown on its own rather than not at all.
    lost = "".join(f"<mark>{html.escape(c.quote)}</mark> " for c, span in spans if span is None)
    found = [(span, c.n) for c, span in spans if span is not None]
    if not passage or not found:
        return lost.strip()
    labels = [n for _, n in found] if len(citations) > 1 else None
    return lost + highlight_spans(passage, [span for span, _ in found], labels=labels)


def _support_mark(number: int, sentence: SentenceSupport) -> str:
    symbol, label = ("✓", "supports") if sentence.supported else ("⚠", "weakly supports")
    text = html.escape(_clip_end(sentence.text, 80))
    cls = "ok" if sentence.supported else "weak"
    return (
        f'<span class="support {cls}" title="support {sentence.support:.2f}: {text}">{symbol} '
        f"{label} answer sentence {number}</span>"
    )


def _clip_start(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return "… " + cut.split(" ", 1)[-1] if " " in cut else "… " + cut


def _clip_end(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def _clip_middle(text: str, limit: int) -> str:
    if len(text) <= 2 * limit:
        return text
    return _clip_end(text[:limit], limit) + " " + _clip_start(text[-limit:], limit)
