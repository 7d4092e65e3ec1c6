"""Timelines, reports that differ and newer reports, on a tiny dated corpus (real index)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from assistant.config import Settings
from tests.conftest import DATA

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for an index of tests/data/stories.jsonl (a dam story, two pier reports …)."""
    from assistant.ingest import build_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("stories"))
    build_index([DATA / "stories.jsonl"], settings)
    yield settings


def test_timeline_is_ordered_merged_and_deduplicated(stories: Settings) -> None:
    from assistant import timeline

    story = timeline("Riverton dam", stories)
    assert [e.day for e in story.events] == sorted(e.day for e in story.events)  # type: ignore[type-var]
    assert [e.article_ids for e in story.events] == [
        ["dam-2", "dam-1"],  # same day, same news: one line, "also in" the other outlet
        ["dam-3", "dam-4"],  # the syndicated copy a day later collapses into the first run
        ["dam-5"],
        ["dam-6"],
    ]
    assert story.events[0].also_in == ["Riverton Gazette"]
    assert story.events[1].also_in == ["Coast Daily"]
    assert story.events[3].stated == date(2026, 3, 4)  # "reopened on March 4", reported Mar 6
    assert story.as_of == date(2026, 3, 6)
    for event in story.events:  # each line cites the sentence that states it
        assert event.citation.quote == event.text


def test_timeline_filters_and_question_window(stories: Settings) -> None:
    from assistant import Filters, timeline

    story = timeline("Riverton dam", stories, filters=Filters(since=date(2026, 2, 15)))
    assert [e.article_ids[0] for e in story.events] == ["dam-5", "dam-6"]
    asked = timeline("What happened with the Riverton dam since February 15, 2026?", stories)
    assert [e.article_ids[0] for e in asked.events] == ["dam-5", "dam-6"]
    only = timeline("Riverton dam", stories, filters=Filters(sources=("Lakeside Herald",)))
    assert [e.article_ids for e in only.events] == [["dam-2"], ["dam-6"]]


def test_ask_answers_a_timeline_question_with_the_timeline(stories: Settings) -> None:
    from assistant import ask

    answer = ask("How did the Riverton dam story unfold?", settings=stories)
    lines = answer.text.splitlines()
    assert answer.verdict_rule == "timeline" and answer.as_of == date(2026, 3, 6)
    assert lines[0] == (
        "2026-02-02 — Lakeside Herald: A crack in the Riverton dam was found by county engineers,"
        " who closed the reservoir footpath while they study it (also in Riverton Gazette) [1]."
    )
    assert lines[3].startswith("2026-03-06 (about 2026-03-04) — Lakeside Herald: Repair crews")
    assert [c.n for c in answer.citations] == [1, 2, 3, 4]
    assert all(s.supported for s in answer.sentences)


def test_cli_timeline_prints_events_and_sources(
    stories: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    code = main(
        ["timeline", "Riverton dam", "--index", str(stories.index_dir), "--since", "2026-02-15"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out == (
        "Timeline of “Riverton dam” (2 events, as of 2026-03-06):\n\n"
        "2026-02-20 — Riverton Gazette: The county board approved $3 million to repair the crack"
        " in the Riverton dam, with work to start next week [1].\n"
        "2026-03-06 (about 2026-03-04) — Lakeside Herald: Repair crews finished sealing the crack"
        " in the Riverton dam, and the reservoir footpath reopened on March 4 [2].\n\n"
        "[1] County pays for Riverton dam repairs — Riverton Gazette, 2026-02-20\n"
        "[2] Riverton dam footpath reopens — Lakeside Herald, 2026-03-06\n"
    )
    main(["timeline", "Riverton dam", "--index", str(stories.index_dir), "--json"])
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["day"] for e in events] == ["2026-02-02", "2026-02-09", "2026-02-20", "2026-03-06"]


def test_two_outlets_giving_different_figures_are_flagged(stories: Settings) -> None:
    from assistant import ask

    answer = ask("How much will repairing the harbor pier cost?", settings=stories)
    by_source = {c.source: c.n for c in answer.citations}
    assert answer.text.endswith(
        f"Reports differ: Harbor Times (2026-04-01) says $2 million [{by_source['Harbor Times']}]; "
        f"Bay Ledger (2026-04-02) says $8 million [{by_source['Bay Ledger']}]."
    )
    [difference] = answer.differences
    assert all(s.supported for s in answer.sentences), answer.sentences
    assert difference.values == ["$2 million", "$8 million"] and difference.kind == "money"
    assert {answer.citations[n - 1].source for n in difference.citations} == {
        "Harbor Times",
        "Bay Ledger",
    }
    assert answer.as_of == date(2026, 4, 2)


def test_two_outlets_that_agree_are_not_flagged(stories: Settings) -> None:
    from assistant import ask

    answer = ask("How much will the new ferry terminal cost?", settings=stories)
    assert answer.answered and "$5 million" in answer.text
    assert answer.differences == [] and "differ" not in answer.text


def test_a_present_question_leads_with_the_newest_report(stories: Settings) -> None:
    from assistant import ask

    answer = ask(
        "Who currently leads the Pinecrest chess club?", settings=stories, today=date(2026, 6, 20)
    )
    assert answer.text.startswith(
        "Newest report — Pine Valley News, 2026-06-10 (10 days before 2026-06-20): Members of the"
        " Pinecrest chess club elected Tom Becker as club president"
    )
    assert answer.as_of == date(2026, 6, 10)
    before = ask(
        "Who currently leads the Pinecrest chess club?", settings=stories, today=date(2026, 5, 20)
    )  # as of May 20 the June report does not exist yet
    assert before.as_of == date(2026, 5, 1) and "Tom Becker" not in before.text
    assert before.text.endswith(
        "(The newest report cited is from 2026-05-01, 19 days before 2026-05-20.)"
    )


def test_a_newer_uncited_report_is_named_not_hidden(stories: Settings) -> None:
    from assistant import ask

    answer = ask(
        "Does Elena Ruiz still lead the Pinecrest chess club as its re-elected president?",
        settings=stories,
        today=date(2026, 6, 20),
    )
    assert answer.as_of == date(2026, 6, 10)
    assert "Tom Becker" in answer.text
    assert any(c.source == "Pine Valley News" for c in answer.citations)


def test_a_later_report_that_updates_a_figure_leads_and_says_what_changed(
    stories: Settings,
) -> None:
    from assistant import ask

    answer = ask("How many people did the Elmdale flood kill?", settings=stories)
    assert answer.text.startswith(
        "9 people — Latest: Riverton Gazette (2026-07-03) reports 9 people [2], updating 4 people"
        " in Valley Wire (2026-07-01) [1]."
    )
    assert (answer.verdict, answer.verdict_rule) == ("9 people", "update")
    [difference] = answer.differences
    assert difference.updated and difference.values == ["4 people", "9 people"]
