"""What makes an answer news-aware, in one place for `api.ask_stream` to call.

- `timeline_reply`: "How did X unfold?" is answered with the story's timeline.
- `finish_answer`: reports that differ (`answer.disagree`), the newest report for questions about
  the present (`answer.freshness`), and `Answer.as_of` on every answer.
- `until_today`: an answer as of `today` reads nothing published after it.
"""

from __future__ import annotations

from datetime import date, timedelta

from assistant.answer.disagree import find_differences, note_differences
from assistant.answer.freshness import (
    answer_as_of,
    asks_about_present,
    lead_with_newer,
    lead_with_newest_cited,
    newer_report,
    newest_cited,
    note_age,
    stamp_as_of,
)
from assistant.config import Settings
from assistant.retrieve import Filters, search
from assistant.schema import Answer, Hit
from assistant.story import is_timeline_question, timeline, timeline_answer

NEWER_SEARCH = 6  # passages searched for a newer report on the story


def timeline_reply(
    question: str, settings: Settings, filters: Filters | None, today: date | None
) -> Answer | None:
    """Return the story's timeline as the answer to a timeline question, else None."""
    if not is_timeline_question(question):
        return None
    return timeline_answer(question, timeline(question, settings, filters=filters, today=today))


def until_today(filters: Filters | None, today: date | None) -> Filters | None:
    """Return the filters closed at `today` (None when no date is given)."""
    if today is None:
        return filters
    filters = filters or Filters()
    if filters.until is not None and filters.until <= today:
        return filters
    return Filters(filters.sources, filters.since, today)


def finish_answer(
    answer: Answer,
    question: str,
    hits: list[Hit],
    settings: Settings,
    *,
    filters: Filters | None = None,
    today: date | None = None,
    lead: bool = True,
) -> Answer:
    """Return the answer with differing reports, newer reports and its as-of date.

    Args:
        lead: the answer may be rewritten from its start (False when its text has streamed).
    """
    if not answer.answered or answer.verdict_rule == "timeline":
        return stamp_as_of(answer)
    news = settings.news
    lead = lead and answer.verdict not in ("Yes", "No")  # a yes/no verdict stays first
    if news.disagree:
        answer = note_differences(answer, find_differences(answer, hits, question), lead)
    if news.freshness and asks_about_present(question):
        now = today or news.today or date.today()
        newer = newer_report(
            question, answer, hits + _newer_hits(answer, question, settings, filters, now)
        )
        if newer is not None:
            answer = lead_with_newer(answer, newer, now, lead)
        elif lead and (newest := newest_cited(answer)) is not None:
            answer = lead_with_newest_cited(answer, newest, now)
        else:
            answer = note_age(answer, now)
    return stamp_as_of(answer)


def _newer_hits(
    answer: Answer, question: str, settings: Settings, filters: Filters | None, today: date
) -> list[Hit]:
    """Return passages published after the answer's evidence (and not after today)."""
    as_of = answer_as_of(answer)
    if as_of is None or as_of >= today:
        return []
    base = filters or Filters()
    window = Filters(base.sources, as_of + timedelta(days=1), min(base.until or today, today))
    return search(question, settings, k=NEWER_SEARCH, filters=window, today=today)
