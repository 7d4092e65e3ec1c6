"""The web UI's handlers and renderers, called directly (the browser test drives the real page)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import assistant
from assistant import web
from assistant.config import Settings
from assistant.errors import InputError
from assistant.feedback import feedback_path, read_feedback
from assistant.schema import Answer, Citation, SentenceSupport
from assistant.web import corpus, handlers
from assistant.web.app import login_from_env
from assistant.web.corpus import suggest_questions
from assistant.web.handlers import add_reason, rate
from assistant.web.render import (
    failure_message,
    highlight_spans,
    render_answer,
    render_corpus,
    render_messages,
    render_reply,
    render_sources,
    render_verdict,
)
from assistant.web.turns import ChatTurn, Options, conversation_filters, conversation_settings

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE = (
    "Millbrook city council voted 7 to 2 on Monday night to approve a budget. "
    "The money will pay for 18 kilometres of separated lanes. Construction starts in April."
)


def _citation(
    n: int = 1,
    quote: str = "The money will pay for 18 kilometres of separated lanes.",
    **update: Any,
) -> Citation:
    start = ARTICLE.index(quote)
    fields: dict[str, Any] = {
        "n": n,
        "article_id": "t1",
        "title": "Millbrook council approves bike-lane budget",
        "quote": quote,
        "start": start,
        "end": start + len(quote),
        "source": "Millbrook Herald",
        "author": "Dana Ortiz",
        "published_at": datetime(2024, 1, 16, tzinfo=UTC),
        "url": "https://millbrookherald.example/bike-lanes",
        "passage": ARTICLE[20:],
        "passage_start": 20,
    }
    return Citation(**{**fields, **update})


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _answer(*citations: Citation, text: str = "It pays for 18 km of lanes [1].") -> Answer:
    sentences = [SentenceSupport(text=text, citations=[c.n for c in citations], support=0.9)]
    return Answer(
        text=text, citations=list(citations), question="q", answered=True, sentences=sentences
    )


# ---- rendering -------------------------------------------------------------------------------


def test_reply_markers_link_to_their_source_entries() -> None:
    markdown = render_reply("Biden approved it [1]. See also [3].", 2, known=[1])
    assert markdown == r"Biden approved it [\[1\]](#src-2-1). See also \[3\]."


def test_reply_text_shows_html_and_markdown_literally() -> None:
    markdown = render_reply("<script>alert(1)</script> *bold* 1. item [1]", 1)
    assert "<script" not in markdown
    assert markdown == r"&lt;script&gt;alert\(1\)&lt;/script&gt; \*bold\* 1. item [\[1\]](#src-1-1)"


def _verdict_answer(text: str, verdict: str | None, rule: str | None) -> Answer:
    citations = [_citation(), _citation(2, "Construction starts in April.")]
    answer = _answer(*citations, text=text)
    return answer.model_copy(update={"verdict": verdict, "verdict_rule": rule})


@pytest.mark.parametrize(
    ("verdict", "rule", "kind"),
    [("Yes", "order", "yes"), ("No", "contradiction", "no"), ("$75 million", "slot", "value")],
)
def test_an_answer_with_a_verdict_leads_with_a_pill_and_keeps_its_links(
    verdict: str, rule: str, kind: str
) -> None:
    text = f"{verdict} — The Herald published first:\n\nHerald: lanes [1].\n\nPost: April [2]."
    answer = _verdict_answer(text, verdict, rule)
    turn = ChatTurn("a", "Did the Herald report first?", answer)
    markdown = render_messages([turn])[-1]["content"]
    assert markdown == render_answer(answer, 1)
    pill, rest = markdown.split("</span> ", 1)
    assert pill.startswith(f'<span class="verdict verdict-{kind}" title="')
    assert _text(pill).replace("\\", "") == verdict
    assert rest.startswith("The Herald published first:")  # the pill replaces "Yes — "
    assert "[\\[1\\]](#src-1-1)" in rest and "[\\[2\\]](#src-1-2)" in rest


def test_an_answer_without_a_verdict_or_missing_a_part_has_no_pill() -> None:
    plain = render_answer(_answer(_citation()), 1)
    assert "verdict" not in plain and plain.startswith("It pays for 18 km")
    missing = "The articles don't say — nothing about “the Post reported April”."
    shown = render_answer(_verdict_answer(missing, None, "missing"), 1)
    assert "verdict" not in shown and shown.startswith("The articles don't say")
    assert "verdict" not in render_answer(_verdict_answer(missing, "No", "missing"), 1)


def test_a_verdict_pill_escapes_its_text() -> None:
    pill = render_verdict("<b>Acme</b> & Co", "entity")
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; Co" in pill and "<b>" not in pill
    assert 'title="The name the cited passages point to"' in pill


def test_sources_panel_highlights_the_quote_from_its_offsets() -> None:
    citation = _citation(also_in=["Northern Wire", "Market Ledger"])
    panel = render_sources([ChatTurn("a", "How long are the lanes?", _answer(citation))])
    assert '<li class="src" id="src-1-1">' in panel
    assert "<mark>The money will pay for 18 kilometres of separated lanes.</mark>" in panel
    assert "Millbrook Herald · 2024-01-16 · Dana Ortiz" in panel
    assert "also in: Northern Wire, Market Ledger" in panel
    assert '<a href="https://millbrookherald.example/bike-lanes" target="_blank"' in panel
    assert "✓ supports answer sentence 1" in panel
    assert '<details class="src-reply" id="reply-1" open>' in panel


def test_sources_panel_escapes_article_html_and_drops_unsafe_links() -> None:
    evil = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"
    citation = Citation(
        n=1,
        article_id="x",
        title=f"Title {evil}",
        quote=evil,
        start=0,
        end=len(evil),
        source="<b>Outlet</b>",
        url="javascript:alert(3)",
        passage=evil + " rest",
        passage_start=0,
    )
    panel = render_sources([ChatTurn("a", evil, _answer(citation))])
    assert "<script" not in panel and "<img" not in panel and "<b>" not in panel
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "&lt;img src=x onerror=alert(2)&gt;" in panel
    assert "javascript:" not in panel


def test_quote_is_found_by_text_when_offsets_disagree() -> None:
    citation = _citation(start=0, end=5)  # offsets that do not point at the quote
    panel = render_sources([ChatTurn("a", "q", _answer(citation))])
    assert "<mark>The money will pay for 18 kilometres of separated lanes.</mark>" in panel


def test_citations_of_one_passage_share_an_entry_with_each_sentence_marked() -> None:
    first = _citation(1)
    second = _citation(2, quote="Construction starts in April.")
    answer = _answer(first, second, text="Lanes [1]. April [2].")
    panel = render_sources([ChatTurn("a", "x"), ChatTurn("b", "y"), ChatTurn("c", "q", answer)])
    assert panel.count('<li class="src"') == 1
    assert '<span id="src-3-2"></span>' in panel
    assert re.search(r"<mark>The money[^<]*</mark><sup class=\"mark-n\">\[1\]</sup>", panel)
    assert re.search(r"<mark>Construction starts in April.</mark><sup[^>]*>\[2\]</sup>", panel)


def test_long_passages_are_clipped_around_the_highlight() -> None:
    passage = "word " * 400 + "KEY SENTENCE." + " tail" * 400
    start = passage.index("KEY")
    rendered = highlight_spans(passage, [(start, start + len("KEY SENTENCE."))], context=50)
    assert rendered.startswith("… ") and rendered.endswith(" …")
    assert "<mark>KEY SENTENCE.</mark>" in rendered
    assert len(rendered) < 200


def test_sources_panel_orders_replies_newest_first_and_shows_errors() -> None:
    views = [ChatTurn("a", "first", _answer(_citation())), ChatTurn("b", "second", error="boom")]
    panel = render_sources(views)
    assert panel.index('id="reply-2"') < panel.index('id="reply-1"')
    assert "Error: boom" in panel
    assert 'id="reply-1">' in panel  # older replies start folded


def test_example_questions_name_the_outlet_and_the_headline() -> None:
    records = [json.loads(line) for line in (DATA / "articles.jsonl").read_text().splitlines()]
    questions = suggest_questions([(r["title"], r["source"]) for r in records], limit=4)
    assert questions == [
        "What does Millbrook Herald report about “Millbrook council approves bike-lane budget”?",
        "What does Northern Wire report about “Volcano erupts again on Iceland's Reykjanes "
        "peninsula”?",
        "What does Market Ledger report about “Quillon Systems beats forecasts as cloud revenue "
        "jumps”?",
        "What does Touchline Daily report about “Rovere completes record move to Northfield "
        "United”?",
    ]
    long = "Biden-Harris admin to allow Ukraine to use US long-range missiles to attack targets"
    assert suggest_questions([(f"{long} within Russia: report", "The Postmillennial")]) == [
        "What does The Postmillennial report about “Biden-Harris admin to allow Ukraine to use "
        "US long-range missiles”?"
    ]
    assert suggest_questions([("Drought in Catalonia", "Iberia Report")]) == [
        "What does Iberia Report say about “Drought in Catalonia”?"
    ]


def test_corpus_panel_lists_counts_outlets_and_dates() -> None:
    info = {
        "articles": 3,
        "outlets": {"A <b>": 2, "B": 1},
        "first_date": "2024-01-02",
        "last_date": "2024-03-04",
    }
    html = render_corpus(info)
    assert "3 articles from 2 outlets, published 2024-01-02 to 2024-03-04." in _text(html)
    assert '<span class="nowrap">2024-01-02</span>' in html  # a date never breaks at its hyphens
    assert "A &lt;b&gt;" in html


# ---- handlers without models -----------------------------------------------------------------


def test_conversation_settings_and_filters_come_from_the_controls() -> None:
    options = Options("2024-01-01", "2024-02-01", ("Northern Wire",), 3, "bm25", "extractive")
    chosen = conversation_settings(Settings(), options)
    assert (chosen.retrieve.k, chosen.retrieve.mode, chosen.answer.llm) == (3, "bm25", "extractive")
    filters = conversation_filters(options)
    assert filters.sources == ("Northern Wire",)
    assert (str(filters.since), str(filters.until)) == ("2024-01-01", "2024-02-01")
    with pytest.raises(assistant.ConfigError, match="invalid setting"):
        conversation_settings(Settings(), Options(mode="psychic"))
    with pytest.raises(InputError, match="not a date"):
        conversation_filters(Options(since="last tuesday"))
    with pytest.raises(InputError, match="swap the dates"):
        conversation_filters(Options(since="2024-03-01", until="2024-01-01"))


def test_respond_streams_ask_stream_pieces_and_passes_the_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, list[Any]]] = []

    def fake_stream(
        question: str, history: list[Any], settings: Settings, **kwargs: Any
    ) -> Iterator[str | Answer]:
        calls.append((question, history))
        yield "It pays for "
        yield "18 km of lanes [1]."
        yield _answer(_citation())

    monkeypatch.setattr(assistant, "ask_stream", fake_stream, raising=False)
    monkeypatch.setattr(handlers, "WORD_DELAY", 0)
    earlier = [ChatTurn("a", "Who voted?", _answer(_citation(), text="The council [1]."))]
    steps = list(handlers.respond(Settings(), "And the lanes?", earlier, Options()))
    assert len(steps) >= 5  # pending, word after word, final
    assert steps[0][0][-1]["content"] == "*Searching the articles…*"
    assert any(step[0][-1]["content"].endswith("▍") for step in steps)
    messages, turns, panel = steps[-1]
    assert calls == [("And the lanes?", [("Who voted?", "The council [1].")])]
    assert messages[-1]["content"] == r"It pays for 18 km of lanes [\[1\]](#src-2-1)."
    assert turns[-1].answer is not None and len(turns) == 2
    assert 'id="src-2-1"' in panel and 'id="src-1-1"' in panel


def test_respond_without_ask_stream_streams_the_answer_word_by_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(assistant, "ask_stream", raising=False)
    monkeypatch.setattr(assistant, "ask", lambda *args, **kwargs: _answer(_citation()))
    monkeypatch.setattr(handlers, "WORD_DELAY", 0)
    steps = list(handlers.respond(Settings(), "How long?", [], Options()))
    partials = [s[0][-1]["content"] for s in steps if s[0][-1]["content"].endswith("▍")]
    assert len(partials) == len(_answer(_citation()).text.split())
    assert steps[-1][1][-1].answer == _answer(_citation())


def test_errors_show_their_message_in_the_chat(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "missing")
    *_, (messages, turns, panel) = handlers.respond(settings, "Anything?", [], Options())
    assert messages[-1]["content"].startswith("⚠ **Error:** no index at")
    assert "Traceback" not in messages[-1]["content"]
    assert turns[-1].error is not None and "no index at" in panel
    *_, (messages, _, _) = handlers.respond(settings, "Anything?", [], Options(since="soon"))
    assert "is not a date" in messages[-1]["content"]


RESTART = "if it persists, restart \\`assistant ui\\`."  # as escaped for Markdown


def test_an_unexpected_failure_mid_stream_replaces_the_reply_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_stream(*args: Any, **kwargs: Any) -> Iterator[str | Answer]:
        yield "It pays for "
        raise KeyError("chunk-7")

    monkeypatch.setattr(assistant, "ask_stream", failing_stream, raising=False)
    monkeypatch.setattr(handlers, "WORD_DELAY", 0)
    steps = list(handlers.respond(Settings(), "How long?", [], Options()))
    assert steps[0][0][-1]["content"] == "*Searching the articles…*"
    messages, turns, panel = steps[-1]
    assert messages[-1]["content"] == (
        "⚠ **Error:** Something went wrong answering this: KeyError: 'chunk-7'. The index "
        f"may be changing — ask again; {RESTART}"
    )
    assert turns[-1].answer is None and turns[-1].error is not None
    assert "Error: Something went wrong answering this: KeyError" in panel
    logged = capsys.readouterr().err
    assert logged.startswith("Traceback (most recent call last):")
    assert "KeyError: 'chunk-7'" in logged


def test_a_corrupted_index_gives_a_readable_reply_not_a_pending_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.index.catalog import CATALOG_FILE

    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / CATALOG_FILE).write_bytes(b"not a database, just bytes " * 100)
    settings = Settings(index_dir=tmp_path / "ix")
    *_, (messages, turns, _) = handlers.respond(settings, "Anything?", [], Options())
    reply = messages[-1]["content"]
    # open_index names the broken file and the command that rebuilds it (an AssistantError)
    assert reply.startswith("⚠ **Error:** ") and "is not a readable index" in reply
    assert "assistant ingest \\-\\-rebuild" in reply or "assistant ingest --rebuild" in reply
    assert turns[-1].error is not None and "Traceback" not in reply
    html, outlets, examples = corpus.corpus_overview(settings)
    assert html.startswith('<p class="src-empty">') and "is not a readable index" in html
    assert "assistant ingest --rebuild" in html
    assert (outlets, examples) == ([], [])


def test_failure_messages_keep_an_assistant_errors_own_advice() -> None:
    assert failure_message(InputError("bad date — use YYYY-MM-DD"), "answering this") == (
        "bad date — use YYYY-MM-DD"
    )
    assert failure_message(RuntimeError(""), "doing it", "Try again") == (
        "Something went wrong doing it: RuntimeError. Try again; if it persists, restart "
        "`assistant ui`."
    )


def test_an_upload_that_cannot_be_stored_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "ix"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nSome text.", encoding="utf-8")
    status = handlers.add_uploads(Settings(index_dir=blocker), [str(article)])
    assert status.startswith("⚠ Something went wrong adding these files: ")
    assert status.endswith(f"Try again; {RESTART}")


# Importing gradio leaves an event loop and sockets of its own unclosed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_rating_that_cannot_be_stored_says_so(tmp_path: Path) -> None:
    from types import SimpleNamespace

    blocker = tmp_path / "ix"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    app = web.build_app(Settings(index_dir=blocker))
    on_like = next(f.fn for f in app.fns.values() if f.name == "on_like")
    assert on_like is not None
    turns = [ChatTurn("t-1", "How long?", _answer(_citation()))]
    status, pending, _ = on_like(turns, SimpleNamespace(index=1, liked=True))
    assert status.startswith("⚠ Something went wrong recording your rating: ")
    assert status.endswith(f"Try again; {RESTART}") and pending is None


def test_empty_question_changes_nothing() -> None:
    steps = list(handlers.respond(Settings(), "   ", [], Options()))
    assert steps == [([], [], render_sources([]))]


def test_feedback_keeps_one_current_row_per_rated_answer(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path)
    turns = [
        ChatTurn("t-1", "Who voted?", _answer(_citation(), text="The council [1].")),
        ChatTurn("t-2", "How long?", _answer(_citation())),
    ]
    assert rate(settings, turns, 1, True) == ("Thanks — recorded: helpful.", None)
    assert rate(settings, turns, 3, True)[1] is None
    status, pending = rate(settings, turns, 3, False)  # changed their mind
    assert status == "Recorded: not helpful." and pending == {"turn": 1, "rating": "down"}
    assert add_reason(settings, turns, pending, "wrong", "  too vague ") == (
        "Thanks — reason recorded."
    )
    rows = read_feedback(feedback_path(settings))
    assert [(r["id"], r["rating"], r["reason"]) for r in rows] == [
        ("t-1", "up", ""),
        ("t-2", "down", "wrong; too vague"),
    ]
    last = rows[-1]
    assert last["question"] == "How long?" and last["answer"] == "It pays for 18 km of lanes [1]."
    assert last["history"] == [["Who voted?", "The council [1]."]]
    assert last["citations"][0]["quote"].startswith("The money") and "timestamp" in last
    assert rate(settings, turns, 1, "") == ("Rating withdrawn.", None)  # 👍 clicked off
    assert [r["id"] for r in read_feedback(feedback_path(settings))] == ["t-2"]


def test_feedback_file_loads_as_eval_cases(tmp_path: Path) -> None:
    from evals import load_feedback

    settings = Settings(index_dir=tmp_path)
    turns = [
        ChatTurn("t-1", "How long?", _answer(_citation())),
        ChatTurn("t-2", "Who voted?", _answer(_citation(), text="The council [1].")),
    ]
    rate(settings, turns, 1, True)
    _, pending = rate(settings, turns, 3, False)
    add_reason(settings, turns, pending, "missing", "")
    cases = load_feedback(feedback_path(settings))
    assert [(c.question, c.answers, c.kind) for c in cases] == [
        ("How long?", ("The money will pay for 18 kilometres of separated lanes.",), "feedback")
    ]
    assert cases[0].gold_articles == ("t1",)


def test_errors_cannot_be_rated(tmp_path: Path) -> None:
    turns = [ChatTurn("t-1", "q", error="boom")]
    assert rate(Settings(index_dir=tmp_path), turns, 1, True) == (
        "Only answers can be rated.",
        None,
    )
    assert not feedback_path(Settings(index_dir=tmp_path)).exists()


def test_login_comes_from_both_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_UI_USER", raising=False)
    monkeypatch.delenv("ASSISTANT_UI_PASSWORD", raising=False)
    assert login_from_env() is None
    monkeypatch.setenv("ASSISTANT_UI_USER", "ana")
    with pytest.raises(assistant.ConfigError, match="set both"):
        login_from_env()
    monkeypatch.setenv("ASSISTANT_UI_PASSWORD", "s3cret")
    assert login_from_env() == ("ana", "s3cret")


def test_upload_rejects_wrong_types_before_touching_the_index(tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    status = handlers.add_uploads(Settings(index_dir=tmp_path / "ix"), [str(pdf)])
    assert status.startswith("⚠ Skipped paper.pdf: unsupported type")
    assert not (tmp_path / "ix").exists()
    assert handlers.add_uploads(Settings(index_dir=tmp_path / "ix"), []) == (
        "Choose one or more files first."
    )


# Importing gradio leaves an event loop and sockets of its own unclosed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_build_app_without_an_index_still_starts(tmp_path: Path) -> None:
    import gradio as gr

    app = web.build_app(Settings(index_dir=tmp_path / "none"))
    assert isinstance(app, gr.Blocks)


# ---- with the real index and embedding model -------------------------------------------------


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a real index of the tiny test corpus."""
    from assistant.ingest import build_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("webui-index"))
    build_index([DATA / "articles.jsonl"], settings)
    return settings


@pytest.mark.slow
def test_respond_answers_with_a_cited_highlighted_passage(indexed: Settings) -> None:
    question = "What budget did Millbrook city council approve for protected bike lanes?"
    steps = list(handlers.respond(indexed, question, [], Options()))
    assert len(steps) >= 3
    messages, turns, panel = steps[-1]
    answer = turns[-1].answer
    assert answer is not None and answer.answered
    assert answer.citations[0].article_id == "t1"
    assert "(#src-1-1)" in messages[-1]["content"]
    assert 'id="src-1-1"' in panel and "<mark>" in panel and "Millbrook Herald" in panel

    follow_up = list(handlers.respond(indexed, "When does construction start?", turns, Options()))
    answer = follow_up[-1][1][-1].answer
    assert answer is not None and "Millbrook" in answer.question  # the history was used


@pytest.mark.slow
def test_outlet_filter_limits_the_sources(indexed: Settings) -> None:
    question = "What budget did Millbrook city council approve for protected bike lanes?"
    *_, (_, turns, _) = handlers.respond(indexed, question, [], Options(outlets=("Northern Wire",)))
    answer = turns[-1].answer
    assert answer is not None
    assert all(c.source == "Northern Wire" for c in answer.citations)


@pytest.mark.slow
def test_corpus_overview_describes_the_index(indexed: Settings) -> None:
    html, outlets, examples = corpus.corpus_overview(indexed)
    assert "8 articles from 7 outlets, published 2024-01-16 to 2024-06-03." in _text(html)
    assert set(outlets) >= {"Millbrook Herald", "Northern Wire"}
    assert len(examples) == 4 and all(q.startswith("What does ") for q in examples)


@pytest.mark.slow
def test_upload_is_searchable_at_once_and_bad_files_lose_nothing(tmp_path: Path) -> None:
    from assistant.info import describe_index
    from assistant.ingest import build_index

    settings = Settings(index_dir=tmp_path / "ix")
    build_index([DATA / "articles.jsonl"], settings)
    settings = settings.model_copy(  # a limit the good upload fits under but big.md does not
        update={"ingest": settings.ingest.model_copy(update={"max_file_mb": 0.002})}
    )
    good = tmp_path / "glenmoor_ferry.txt"
    good.write_text(
        " date 2024-12-02 Glenmoor ferry resumes crossings\n\n"
        "By Ana Ruiz \u2013 Coastal Courier\n\n"
        "The repairs to the Glenmoor ferry slipway cost 1.3 million pounds, the trust said.\n",
        encoding="utf-8",
    )
    empty, binary, big = tmp_path / "empty.txt", tmp_path / "blob.txt", tmp_path / "big.md"
    empty.write_text("  \n", encoding="utf-8")
    binary.write_bytes(b"\x00\x01\x02 not text")
    big.write_text("word " * 1000, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    files = [str(p) for p in (good, empty, binary, big)]
    status = handlers.add_uploads(settings, files, lambda done, total: seen.append((done, total)))
    assert status.splitlines()[0].startswith("✓ Indexed 1 article (1 passage; 0 already indexed)")
    assert "⚠ Skipped big.md: larger than the 0.002 MB limit" in status
    assert "⚠ Skipped empty.txt: empty file" in status
    assert "⚠ Skipped blob.txt: binary file" in status
    assert seen and seen[-1] == (1, 1)
    assert describe_index(settings)["articles"] == 9  # the 8 before plus the good one
    kept = sorted(p.name for p in (tmp_path / "ix" / "uploads").rglob("*.txt"))
    assert kept == ["glenmoor_ferry.txt"]

    question = "How much did the Glenmoor ferry slipway repairs cost?"
    *_, (_, turns, panel) = handlers.respond(settings, question, [], Options())
    answer = turns[-1].answer
    assert answer is not None and answer.citations
    assert answer.citations[0].source == "Coastal Courier"
    assert "1.3 million pounds" in panel
    again = handlers.add_uploads(settings, [str(good)])  # the same file once more
    assert "Indexed 0 articles" in again


@pytest.mark.slow
def test_launch_builds_a_missing_index_from_the_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(index_dir=tmp_path / "ix", seeds_dir=SEEDS)
    corpus.ensure_index(settings)
    out = capsys.readouterr().out
    assert f"no articles in {tmp_path / 'ix'}/ — building it from {SEEDS}/" in out
    assert "indexed 1/1 articles" in out and "ingested 1 articles" in out
    corpus.ensure_index(settings)  # present now: nothing to do
    assert capsys.readouterr().out == ""
