"""Reports that differ, on a hand-made corpus of made-up outlets; as-of scoring; newer reports.

Each story is two short reports of one event by two made-up outlets, asked about with one
question. The disagreeing pairs state one claim with another value (an amount, a count, a day,
a name in a role, a measure, a match result, a revised toll); the agreeing pairs are the tricky
ones: one figure written two ways ("$2bn" / "$2 billion"), rounded figures, a figure for another
year, another quantity in the same sentence, a surname for a full name, another person in
another role. A false "reports differ" costs more than a missed one: every agreeing pair must
stay unflagged.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assistant.answer.disagree import find_differences, note_differences
from assistant.answer.freshness import newer_report
from assistant.schema import Answer, Chunk, Citation, Hit
from evals.news import as_of_correct

Report = tuple[str, str, str]  # outlet, day, text

DIFFER: list[tuple[str, Report, Report, set[str]]] = [
    (
        "What was Norland's unemployment rate in March?",
        (
            "Norland Herald",
            "2025-04-10",
            "Unemployment in Norland rose to 5.4% in March, the statistics office said.",
        ),
        (
            "Capital Wire",
            "2025-04-10",
            "Norland's unemployment rate climbed to 6.1% in March, "
            "according to the statistics office.",
        ),
        {"5.4%", "6.1%"},
    ),
    (
        "Was Mark Tully found guilty of fraud?",
        (
            "Court Ledger",
            "2025-05-02",
            "A jury found Mark Tully guilty of fraud on Friday after a two-week trial in Dunmore.",
        ),
        (
            "Valley Post",
            "2025-05-02",
            "Mark Tully was acquitted of fraud on Friday after a two-week trial in Dunmore.",
        ),
        {"found Mark Tully guilty", "acquitted"},
    ),
    (
        "How much did Acme Robotics raise in its Series C round?",
        (
            "Harbor Ledger",
            "2025-03-03",
            "Acme Robotics raised $120 million in a Series C round "
            "led by Northgate Capital, the company said on Monday. The startup employs 300 people.",
        ),
        (
            "Valley Post",
            "2025-03-04",
            "The robot maker Acme Robotics has raised $150 million in "
            "its Series C round led by Northgate Capital. It plans to double its sales team.",
        ),
        {"$120 million", "$150 million"},
    ),
    (
        "How many jobs will Kellan Mills cut at its Dunmore plant?",
        (
            "Dunmore Courier",
            "2025-05-12",
            "Kellan Mills will cut 450 jobs at its Dunmore plant "
            "by June, the textile maker said on Monday, blaming weak orders.",
        ),
        (
            "Textile Wire",
            "2025-05-12",
            "Textile maker Kellan Mills said it will cut 600 jobs at "
            "its Dunmore plant by June as orders slump.",
        ),
        {"450 jobs", "600 jobs"},
    ),
    (
        "When will the Dunmore library reopen?",
        (
            "Dunmore Courier",
            "2025-08-01",
            "The Dunmore library will reopen on September 9 after "
            "a year of renovations, the council said.",
        ),
        (
            "County Herald",
            "2025-08-02",
            "After a year of renovations, the Dunmore library will "
            "reopen on September 16, council officials said.",
        ),
        {"September 9", "September 16"},
    ),
    (
        "Who is the acting governor of the Central Bank of Tarsia?",
        (
            "Tarsia Times",
            "2025-02-07",
            "The government named deputy governor Ines Vale as acting "
            "governor of the Central Bank of Tarsia on Friday after the governor resigned.",
        ),
        (
            "Capital Wire",
            "2025-02-07",
            "Finance official Paul Orr will serve as acting governor of "
            "the Central Bank of Tarsia, the government said on Friday.",
        ),
        {"Ines Vale", "Paul Orr"},
    ),
    (
        "What magnitude was the Lowen Valley earthquake?",
        (
            "Lowen Star",
            "2025-06-01",
            "A magnitude 5.8 earthquake shook the Lowen Valley early on "
            "Sunday, the geological survey said, cutting power to 4,000 homes.",
        ),
        (
            "Mountain Wire",
            "2025-06-02",
            "The geological survey on Monday revised the magnitude of "
            "Sunday's Lowen Valley earthquake to 5.2 after reviewing more data.",
        ),
        {"5.8", "5.2"},
    ),
    (
        "What was the final score of Brackley vs Tamsin?",
        (
            "Sports Ledger",
            "2025-04-05",
            "Brackley beat Tamsin 3-1 in the county cup final on "
            "Saturday, with two goals from their captain.",
        ),
        (
            "Tamsin Evening News",
            "2025-04-05",
            "Tamsin and Brackley drew 1-1 in the county cup "
            "final on Saturday after a late equaliser, then Brackley won on penalties.",
        ),
        {"3-1", "1-1"},
    ),
    (  # a later report revises the toll: "at least 9" is the earlier figure, not a bound
        "How many people died when the Brenna ferry sank?",
        (
            "Coast Daily",
            "2025-04-06",
            "At least 9 people died when the Brenna ferry sank in a "
            "storm off Kell Point, the coast guard said.",
        ),
        (
            "Harbor Ledger",
            "2025-04-08",
            "The death toll after the Brenna ferry sank off Kell "
            "Point has risen to 14, the coast guard said on Tuesday.",
        ),
        {"9 people", "14"},
    ),
]

AGREE: list[tuple[str, Report, Report]] = [
    (  # two companies' rounds, both sentences opening with "Officials"
        "How much did the startup raise in its funding round?",
        (
            "Startup Wire",
            "2025-03-03",
            "Officials said Acme raised $5 million in its funding round on Monday.",
        ),
        (
            "Valley Post",
            "2025-03-03",
            "Officials said Brightco raised $8 million in its funding round on Monday.",
        ),
    ),
    (  # last year's cut beside this year's
        "How many jobs will Kellan Mills cut?",
        (
            "Dunmore Courier",
            "2025-05-12",
            "Kellan Mills will cut 450 jobs this year, the textile maker said.",
        ),
        (
            "Textile Wire",
            "2025-05-12",
            "Kellan Mills, which cut 300 jobs last year, will cut 450 "
            "more this year, the textile maker said.",
        ),
    ),
    (  # the whole a share is taken of
        "How many jobs will Kellan Mills cut?",
        (
            "Dunmore Courier",
            "2025-05-12",
            "Kellan Mills will cut 450 jobs this year, the textile maker said.",
        ),
        (
            "Textile Wire",
            "2025-05-12",
            "Kellan Mills will cut 10% of its 4,500 jobs this year, the textile maker said.",
        ),
    ),
    (  # "not guilty" is an acquittal
        "Was Mark Tully found guilty of fraud?",
        (
            "Court Ledger",
            "2025-05-02",
            "A jury found Mark Tully not guilty of fraud on Friday "
            "after a two-week trial in Dunmore.",
        ),
        (
            "Valley Post",
            "2025-05-02",
            "Mark Tully was acquitted of fraud on Friday after a two-week trial in Dunmore.",
        ),
    ),
    (  # one figure written two ways
        "How much is Velora paying for Pinecone Labs?",
        (
            "Harbor Ledger",
            "2025-01-20",
            "Velora agreed to buy Pinecone Labs for $2bn in cash, the companies said on Monday.",
        ),
        (
            "Valley Post",
            "2025-01-20",
            "Velora will pay $2 billion in cash for Pinecone Labs, the companies said.",
        ),
    ),
    (  # a rounded figure
        "How many visitors did the Marlow festival draw?",
        (
            "Marlow Gazette",
            "2025-07-14",
            "The Marlow festival drew 48,700 visitors over the weekend, organisers said.",
        ),
        (
            "Coast Daily",
            "2025-07-15",
            "About 49,000 visitors attended the Marlow festival over "
            "the weekend, organisers said, with 1,200 volunteers helping.",
        ),
    ),
    (  # the same percentage rounded
        "What was Norland's inflation rate in March?",
        (
            "Norland Herald",
            "2025-04-10",
            "Inflation in Norland rose to 3.1% in March, the statistics office said.",
        ),
        (
            "Capital Wire",
            "2025-04-10",
            "Norland's inflation rate climbed to about 3% in March, "
            "according to the statistics office.",
        ),
    ),
    (  # a figure for another year
        "How much revenue did Harlow Energy make in 2024?",
        (
            "Energy Desk",
            "2025-02-20",
            "Harlow Energy posted revenue of $3.2 billion in 2024, "
            "the utility said in its annual report.",
        ),
        (
            "Harbor Ledger",
            "2025-02-21",
            "Harlow Energy's revenue was $2.8 billion in 2023, its "
            "annual report shows, before it raised prices.",
        ),
    ),
    (  # another quantity beside the asked one
        "How many homes did the Pine Hollow fire destroy?",
        (
            "Hill Times",
            "2025-09-03",
            "The Pine Hollow fire destroyed 85 homes, and 300 "
            "firefighters were still battling it on Tuesday.",
        ),
        (
            "Valley Post",
            "2025-09-04",
            "Some 450 firefighters were deployed against the Pine "
            "Hollow fire, which destroyed 85 homes.",
        ),
    ),
    (  # a surname for the full name
        "Who is Kestrel Air's new chief executive?",
        (
            "Air Business",
            "2025-10-01",
            "Kestrel Air named Laura Chen as its new chief executive "
            "on Monday, succeeding Mark Dolan.",
        ),
        (
            "Capital Wire",
            "2025-10-01",
            "Kestrel Air said Chen, its operations head, would become "
            "chief executive in January, replacing Dolan.",
        ),
    ),
    (  # another person in another role in the same sentence
        "Who is Halden Bank's chief executive?",
        (
            "Finance Daily",
            "2025-11-04",
            "Halden Bank named Rosa Diaz chief financial officer, "
            "while chief executive Omar Reyes stays in his post.",
        ),
        (
            "Capital Wire",
            "2025-11-04",
            "At Halden Bank, Omar Reyes remains chief executive and "
            "Rosa Diaz becomes finance chief.",
        ),
    ),
    (  # a one-word role ("won") names no role: third place "won" too
        "Who won the Kell Cup?",
        (
            "Sports Ledger",
            "2025-10-28",
            "On Saturday the Tarsia side of coach Ines Vale won the Kell Cup, beating Norland.",
        ),
        (
            "Coast Daily",
            "2025-10-28",
            "On Friday the Brackley side of coach Omar Reyes won third place at the Kell Cup.",
        ),
    ),
    (  # another company's round: naming "Capital" is not naming Norvik Capital
        "Who led Norvik Capital's $60 million funding round?",
        (
            "Startup Wire",
            "2025-12-07",
            "Norvik Capital's $60 million funding round was led by Balderton, the broker said.",
        ),
        (
            "Startup Wire",
            "2025-12-07",
            "Harbor Capital's $60 million funding round was led by "
            "Tencent, a week after its rival raised money.",
        ),
    ),
    (  # two dates in one report, one of them the other's
        "When will the Orbit Pulse watch ship?",
        (
            "Gadget Ledger",
            "2025-02-27",
            "Preorders for the Orbit Pulse watch open on March 7 and "
            "the watch will ship on March 14, Orbit said.",
        ),
        (
            "Pacific Tech",
            "2025-02-28",
            "Orbit said the Pulse watch will ship on March 14 in the US and Europe.",
        ),
    ),
    (  # "at least 9" and 11 on the same day, with no revision: both hold
        "How many people died when the Brenna ferry sank?",
        (
            "Coast Daily",
            "2025-04-06",
            "At least 9 people died when the Brenna ferry sank in a "
            "storm off Kell Point, the coast guard said.",
        ),
        (
            "Harbor Ledger",
            "2025-04-06",
            "The coast guard said 11 people died when the Brenna ferry sank off Kell Point.",
        ),
    ),
    (  # a prediction is not a report
        "How much did the Lakeview bridge repair cost?",
        (
            "Lakeview Ledger",
            "2025-03-04",
            "The Lakeview bridge repair cost $25 million, city engineers said on Monday.",
        ),
        (
            "Valley Courier",
            "2025-03-05",
            "Analysts had predicted the Lakeview bridge repair "
            "could cost $40 million before work began.",
        ),
    ),
]


def _hits(*reports: Report) -> list[Hit]:
    hits = []
    for n, (outlet, day, text) in enumerate(reports):
        chunk = Chunk(
            id=f"r{n}#0",
            article_id=f"r{n}",
            text=text,
            start=0,
            end=len(text),
            title=f"Report {n}",
            source=outlet,
            published_at=datetime.fromisoformat(day),
        )
        hits.append(Hit(chunk, 1.0 - n / 10))
    return hits


def _differences(question: str, *reports: Report) -> set[str]:
    answer = Answer(text="", citations=[], question=question, answered=True)
    pairs = find_differences(answer, _hits(*reports), question)
    return {claim.value.text for pair in pairs for claim in pair}


@pytest.mark.parametrize(("question", "first", "second", "values"), DIFFER)
def test_two_reports_stating_one_claim_differently_differ(
    question: str, first: Report, second: Report, values: set[str]
) -> None:
    assert _differences(question, first, second) == values


@pytest.mark.parametrize(("question", "first", "second"), AGREE)
def test_two_reports_that_agree_are_not_flagged(
    question: str, first: Report, second: Report
) -> None:
    assert _differences(question, first, second) == set()


def test_a_report_that_also_states_the_other_value_does_not_differ() -> None:
    question = "How much is the 1TB Orbit Deck?"
    list_line = (
        "Play Wire",
        "2025-11-09",
        "Orbit Deck prices: $649 - 1TB model (up from 512GB). "
        "A limited edition 1TB Orbit Deck with a clear shell costs $679.",
    )
    other = ("Gadget Ledger", "2025-11-09", "The 1TB Orbit Deck costs $649, Orbit said.")
    assert _differences(question, list_line, other) == set()


def test_as_of_is_the_newest_cited_day_and_fresh_for_present_questions() -> None:
    day = date(2025, 3, 1)
    assert as_of_correct(day, day, None, date(2025, 3, 31))
    assert not as_of_correct(day, date(2025, 3, 2), None, None)  # not the newest cited day
    assert as_of_correct(day, day, date(2025, 2, 20), date(2025, 3, 31))
    assert not as_of_correct(day, day, date(2025, 3, 10), date(2025, 3, 31))  # stale
    assert not as_of_correct(None, None, None, None)


def test_a_newer_report_worded_its_own_way_is_found() -> None:
    older = ("Hill Times", "2025-11-06", "Coach Jim Harbin was suspended for three games.")
    newer = ("Valley Post", "2025-11-25", "The team won again. Harbin's suspension is over.")
    hits = _hits(older, newer)
    cited = Citation(
        n=1, article_id="r0", title="Report 0", quote=older[2], start=0, end=len(older[2]),
        source=older[0], published_at=datetime.fromisoformat(older[1]),
    )  # fmt: skip
    answer = Answer(text="x [1].", citations=[cited], question="q", answered=True)
    found = newer_report("Is Jim Harbin still suspended?", answer, hits)
    assert found is not None and found[1].text == "Harbin's suspension is over."


def test_a_revised_measure_leads_the_answer_as_the_latest() -> None:
    question, first, second, _ = DIFFER[6]  # the Lowen Valley magnitude, revised a day later
    hits = _hits(first, second)
    answer = Answer(text="The quake shook the valley.", citations=[], question=question,
                    answered=True)  # fmt: skip
    noted = note_differences(answer, find_differences(answer, hits, question))
    [difference] = noted.differences
    assert (difference.kind, difference.values, difference.updated) == (
        "number",
        ["5.8", "5.2"],
        True,
    )
    assert noted.text.startswith(
        "Latest: Mountain Wire (2025-06-02) reports 5.2 [2], updating 5.8 in Lowen Star "
        "(2025-06-01) [1]."
    )
    assert [c.source for c in noted.citations] == ["Lowen Star", "Mountain Wire"]
