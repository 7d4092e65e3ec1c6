"""The extractive answerer: marker clean-up, answer-type gates, coverage, multi-part answers."""

from __future__ import annotations

import zlib
from datetime import datetime

import numpy as np
import pytest

from assistant.answer.cite import drop_unknown_markers
from assistant.answer.extractive.asked import answer_type
from assistant.answer.extractive.entities import AnswerType
from assistant.answer.extractive.multihop import answer_parts, is_multi_part, split_parts
from assistant.answer.extractive.sentences import (
    Scored,
    choose_sentences,
    question_words,
    score_sentences,
    states_something,
)
from assistant.schema import Answer, Chunk, Hit
from assistant.text import Sentence, content_words, name_runs


def _asked(question: str) -> tuple[AnswerType, set[str]]:
    """Return the answer type a question names (it must name one) and its content words."""
    wanted = answer_type(question)
    assert wanted is not None, question
    return wanted, question_words(question)

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Biden approved it [9].", "Biden approved it."),
        (
            "Biden approved it [9] and Putin objected [1].",
            "Biden approved it and Putin objected [1].",
        ),
        ("A [9][1].", "A [1]."),
        ("A [1, 9] b", "A [1] b"),
        ("Ends here [9]", "Ends here"),
    ],
)
def test_unknown_markers_are_dropped_with_their_space(text: str, expected: str) -> None:
    assert drop_unknown_markers(text, {1}) == expected


def test_spacing_away_from_a_dropped_marker_is_left_alone() -> None:
    text = "Prices rose ( sharply ) , analysts said ; one asked : why ? [1]"
    assert drop_unknown_markers(text, {1}) == text
    assert drop_unknown_markers("A list : one , two [7] .", {1}) == "A list : one , two."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("On what date did the talks end?", "day"),
        ("Which Russian cities has Ukraine struck?", "place"),
        ("Troops from which country are fighting?", "country"),
        ("Which North Korean general commands the troops?", "person"),
        ("How many troops were deployed?", "count"),
        ("How much did the council pay for the ferry?", "money"),
        ("What percentage of voters backed it?", "percent"),
        ("How much had the shares climbed by November?", "amount"),
        ("How much later will the country reach its goal?", "duration"),
        ("Who approved the missiles?", "who"),
        ("What do US officials fear could follow?", None),
        ("Along which border were they deployed?", None),
        ("What annual salary did the contract pay him?", "money"),
        ("How big were the retailer's pre-tax losses?", "money"),
        ("What's the per-item cost to ship a parcel?", "money"),
        ("What will his salary be there?", "money"),
        ("What payment method did the studio shut down?", None),  # a method, not an amount
        ("Which company paid the fines?", "organization"),
        ("What stake is the fund taking in the firm?", "percent"),
        ("What was the final score of the match?", "score"),
        ("What was the peak number of daily users?", "count"),
        ("On what date will the rules take effect?", "day"),
        ("In what year did they marry?", "date"),
        ("What was the official attendance at the stadium?", "count"),
        ("How quickly does he claim he can end the war?", "duration"),
        ("By what deadline will the funds be paid out?", "when"),
        ("Who is the chief technology officer of StarNews Mobile?", "person"),
        ("Who is taking over as CEO?", "who"),  # no "of X": anyone, a company too
        ("What is Antony Blinken's job?", "role"),
        ("What position did Can Sun hold at FTX?", "role"),
        ("What is the title of her memoir?", None),
        ("How much is the fund paying for the bank's pension arm?", "money"),
        ("How fast is his shot in miles per hour?", "number"),  # a speed, not a span of time
        ("How fast did the tickets sell out?", "duration"),
        ("What was The Epoch Times' revenue in 2022?", "money"),
        ("What did the Mazda MX-30 cost in the US?", "money"),
        ("Up to what amount could the firm borrow from the exchange?", "amount"),
        ("What was households' mortgage debt as a share of income?", None),
    ],
)
def test_questions_name_their_answer_type(question: str, kind: str | None) -> None:
    found = answer_type(question)
    assert (found.name if found else None) == kind


def test_a_date_must_share_a_clause_with_the_question() -> None:
    question = "On what date did the minister's meeting with farmers in Leeds end?"
    date, words = _asked(question)
    unrelated = (
        "“Every pound will be spent before March 3,” the minister said at a meeting in Leeds."
    )
    assert not date.fits(unrelated, words)
    assert date.fits("The meeting in Leeds ended on March 3 without a deal.", words)


def test_a_place_or_person_the_question_already_names_does_not_count() -> None:
    question = "Which Russian cities has Ukraine already struck?"
    cities, words = _asked(question)
    assert not cities.fits("Ukraine has struck targets inside Russia for months.", words)
    assert cities.fits("Ukraine has struck an airfield in Belgorod, officials said.", words)
    general = answer_type("Which North Korean general commands the troops?")
    assert general is not None
    words = question_words("Which North Korean general commands the troops?")
    assert not general.fits("North Korean troops are now in Russia.", words)
    assert general.fits("The troops are commanded by General Kim Yong Bok.", words)


def test_a_historical_year_a_label_and_an_apposition_are_tied_to_the_question() -> None:
    year_q = "In what year did cranberry cultivation begin in Massachusetts?"
    year, words = _asked(year_q)
    assert year.fits("Cranberry cultivation began in 1816 in Massachusetts, records show.", words)
    assert not year.fits("Cranberry farms employ 1,816 people in Massachusetts.", words)
    met_q = "In what year did Will and Jada meet on the set of the show?"
    met, words = _asked(met_q)
    assert met.fits("1994: Will and Jada meet on the set of the show", words)
    who_q = "Which Justice Department lawyer questioned Eddy Cue?"
    lawyer, words = _asked(who_q)
    sentence = "Meagan Bellshaw, a Justice Department lawyer, asked Cue about the deal."
    assert lawyer.spans(sentence, words) == [(0, 15)]
    assert not lawyer.fits("Eddy Cue, who runs services, said the deal was fair.", words)


def test_a_title_does_not_make_a_name_the_question_uses_new() -> None:
    question = "Which House leader said they would start over after dropping Jim Jordan?"
    leader, words = _asked(question)
    sentence = (
        "After dropping Rep. Jim Jordan, Majority Leader Steve Scalise said they would start over."
    )
    found = [sentence[a:b] for a, b in leader.spans(sentence, words)]
    assert found == ["Majority Leader Steve Scalise"]


def test_which_country_s_race_is_answered_by_the_name_that_owns_it() -> None:
    question = "Which country's presidential race will go to a run-off after no majority?"
    country, words = _asked(question)
    sentence = "Brazil's polarizing presidential race will go to a run-off after no majority."
    assert [sentence[a:b] for a, b in country.spans(sentence, words)] == ["Brazil"]
    assert not country.fits("The Verge's reporter said the race will go to a run-off.", words)
    court_q = "A court in which city rejected the company's bid?"
    court, words = answer_type(court_q), question_words(court_q)
    sentence = "Earlier this month, an Oslo court rejected the company's arguments."
    assert court is not None and court.owned == "court"
    assert [sentence[a:b] for a, b in court.spans(sentence, words)] == ["Oslo"]
    whose = answer_type("Whose campaign raised the most money in the quarter?")
    assert whose is not None and whose.owned == "campaign"


def test_a_place_named_after_its_kind_answers_which_island_and_needs_no_region_word() -> None:
    from assistant.answer.extractive.sentences import missing_names

    question = "A volcano erupted on which European island this week?"
    island, words = answer_type(question), question_words(question)
    sentence = "The volcano on the Italian island of Stromboli erupted on Sunday."
    assert island is not None and island.name == "place"
    assert [sentence[a:b] for a, b in island.spans(sentence, words)] == ["Stromboli"]
    hit = _hit(4, "Wire", "2023-10-01", sentence)
    assert missing_names(question, [hit]) == []  # the article never says "European"
    assert missing_names("Did the Chilean minister resign?", [hit]) == ["Chilean"]


def test_a_count_is_of_the_thing_asked_and_a_thousands_comma_cuts_no_clause() -> None:
    cities_q = "In how many U.S. cities did billboards of the hostages appear?"
    cities, words = answer_type(cities_q), question_words(cities_q)
    sentence = "Billboards of the hostages will appear in 1,500 other locations in 48 cities."
    assert cities is not None
    assert [sentence[a:b] for a, b in cities.spans(sentence, words)] == ["48"]
    jobs_q = "How many jobs will the company cut?"
    jobs, words = answer_type(jobs_q), question_words(jobs_q)
    sentence = "The company will close 65 stores and cut 800 jobs."
    assert jobs is not None and [sentence[a:b] for a, b in jobs.spans(sentence, words)] == ["800"]
    people_q = "How many people attended the actor's appearance at the library?"
    people, words = _asked(people_q)
    assert not people.fits("The 55-year-old actor made an appearance at the library.", words)
    titles = answer_type("How many Women's Super League titles had Hayes won?")
    assert titles is not None and "titl" in titles.head  # the fourth word of the counted thing


def _grounding_pair(ours: str, other: str) -> tuple[list[Hit], list[Scored]]:
    """Two passages, the other's sentence scored higher: grounding must keep only ours."""
    hits = [_hit(5, "Wire", "2023-10-01", ours), _hit(6, "Wire", "2023-10-02", other)]
    scored = [Scored(1, Sentence(other, 0, 10), 0.9, 0.9),
              Scored(0, Sentence(ours, 0, 10), 0.5, 0.5)]
    return hits, scored


def test_a_sentence_counts_only_from_a_passage_about_what_the_question_names() -> None:
    from assistant.answer.extractive.sentences import grounded

    hits, scored = _grounding_pair("ASOS reported a loss of £291 million for the year.",
                                   "Dunzo will cut over 200 jobs in its third layoff.")
    kept = grounded("How many jobs is ASOS cutting as its losses balloon?", hits, scored)
    assert [s.hit for s in kept] == [0]  # Dunzo's 200 jobs are not ASOS's
    assert grounded("How many jobs are being cut?", hits, scored) == scored  # no name to ground
    assert grounded("How many jobs is Zalando cutting?", hits, scored) == scored  # none names it


def test_a_name_of_several_words_grounds_whole_and_a_follow_up_by_its_context() -> None:
    from assistant.answer.extractive.sentences import grounded

    hits, scored = _grounding_pair("Scalable Capital raised new funding led by Balderton.",
                                   "Capital One reported revenue of $9.4 billion.")
    kept = grounded("What revenue did Scalable Capital report?", hits, scored)
    assert [s.hit for s in kept] == [0]  # "Capital" alone does not name Scalable Capital
    follow = "Who led it? (context: How much did the startup Scalable Capital raise)"
    assert [s.hit for s in grounded("Who led it?", hits, scored, follow)] == [0]


def test_a_ranking_is_no_count_and_soldiers_are_counted_as_troops() -> None:
    asked = "How many soldiers has Pyongyang sent to Russia?"
    count = answer_type(asked)
    assert count is not None
    sentence = "Reports say 10,000 North Korean troops were sent to Russia."
    assert [sentence[a:b] for a, b in count.spans(sentence, question_words(asked))] == ["10,000"]
    attendance = answer_type("What was the official attendance at Arizona Stadium?")
    assert attendance is not None
    game = "In front of a sold out Arizona Stadium they beat No. 22 Utah."
    assert not attendance.spans(game, question_words("official attendance at Arizona Stadium"))


def test_a_money_amount_and_a_score_lead_their_answers() -> None:
    salary = answer_type("What annual salary did the contract extension pay him?")
    assert salary is not None and "salari" in salary.head and "annual" not in salary.head
    sentence = "The extension bumped his annual salary to $4.85 million, up from $2 million."
    words = question_words("What annual salary did the contract extension pay him?")
    assert next(sentence[a:b] for a, b in salary.spans(sentence, words)) == "$4.85 million"
    score = answer_type("What was the final score when Arizona beat Utah?")
    assert score is not None and score.leads
    game = "They did it in front of a sold out stadium, blowing out Utah, 42-18, extending a run."
    found = score.spans(game, question_words("What was the final score when Arizona beat Utah?"))
    assert [game[a:b] for a, b in found] == ["42-18"]  # alone in its clause: tied to Utah before


def test_an_amount_asked_per_year_needs_a_rate_and_counts_skip_ordinals_and_model_names() -> None:
    per_year = "How much will Amazon pay the league per year under the media rights deal?"
    wanted, words = _asked(per_year)
    assert wanted.rate == "year"
    assert not wanted.fits("The league signed a $7.7 billion media rights deal with Amazon.", words)
    assert wanted.fits("Amazon will pay the league $1.1 billion a year under the deal.", words)
    monthly = answer_type("How much per month will the ad-free subscription cost?")
    assert monthly is not None and monthly.rate == "month"
    assert monthly.fits("The ad-free subscription will cost €9.99/month on web.",
                        question_words("How much per month will the ad-free subscription cost?"))
    paying = "How many paying subscribers did the app have?"
    counted, words = _asked(paying)
    assert "subscrib" in counted.head  # "paying" only qualifies them
    for sentence in ("Subscribers could share the app with a 3rd party firm.",
                     "Subscribers on GLP-1 drugs were studied.",
                     "The app beat its rival 3-2 with subscribers watching.",
                     "Subscribers saw the price listed wrongly in one part of the article."):
        assert not counted.fits(sentence, words), sentence
    assert counted.fits("The app had 2,000 paying subscribers.", words)


def test_a_region_s_demonym_is_no_country() -> None:
    question = "What country elected its first leftist leader this week?"
    wanted, words = _asked(question)
    assert not wanted.fits("Another Latin American nation elected a leftist leader.", words)
    assert wanted.fits("The South African leader was elected this week.", words)
    found = wanted.spans("Colombia elected Gustavo Petro, its first leftist leader.", words)
    assert found == [(0, 8)]  # a country's name needs no "in" before it
    for person in ("Rep. Jim Jordan elected a leader this week.", "Morgan elected a leader."):
        assert not wanted.fits(person, words), person  # a surname ending in "-an" is no demonym


def test_how_much_is_not_answered_by_a_span_of_time() -> None:
    question = "How much will the toll on the valley bridge be?"
    wanted, words = _asked(question)
    assert wanted.name == "amount"
    assert not wanted.fits("The old valley bridge closed for two years of repairs.", words)
    assert wanted.fits("The toll on the valley bridge will be $4.", words)


def test_on_what_date_needs_a_day_of_a_month() -> None:
    question = "On what date will the authorities rule on the complaint?"
    wanted, words = _asked(question)
    assert not wanted.fits("The court quashed that complaint with a ruling in July.", words)
    assert not wanted.fits("The authorities have had rules on such complaints since 2020.", words)
    assert wanted.fits("The authorities will rule on the complaint on November 1st.", words)


def test_a_refusal_names_the_article_that_covers_the_story_and_the_detail_it_lacks() -> None:
    from assistant.answer.extractive import answer_extractively
    from assistant.config import Settings

    hit = _hit(9, "Wire", "2023-12-01", "Amazon will pay NASCAR $7.7 billion in all under the "
               "new media rights deal. Amazon will stream five NASCAR races.")
    question = "How much will Amazon pay NASCAR per year under the media rights deal?"
    answer = answer_extractively(question, question, [hit], _encode, Settings())
    assert not answer.answered and not answer.citations
    assert "don't give the amount per year" in answer.text and hit.chunk.title in answer.text
    counted = answer_type("How many Snap Map Stories were posted?")
    assert counted is not None and counted.described() == "the number of Snap Map Stories"


def _scored(*items: tuple[str, float]) -> list[Scored]:
    return [Scored(0, Sentence(text, 0, len(text)), score, score) for text, score in items]


def test_a_sentence_holding_question_words_the_best_one_lacks_is_added() -> None:
    scored = _scored(
        ("Biden approved the use of long-range weapons inside Russia.", 0.75),
        ("Previously the administration opposed strikes within Russia.", 0.60),
        ("Biden had previously assured Americans this would not be permitted.", 0.48),
        ("Ukraine asked for months.", 0.30),
    )
    question = "Had Biden previously assured Americans that Ukraine could use weapons in Russia?"
    chosen = choose_sentences(scored, 0.45, 3, question, question)
    texts = [c.sentence.text for c in chosen]
    assert texts[0].startswith("Biden approved")
    assert any("assured Americans" in t for t in texts)
    assert not any(t.startswith("Ukraine asked") for t in texts)


def test_no_relevant_sentence_means_no_answer() -> None:
    scored = _scored(("Something unrelated.", 0.2))
    assert choose_sentences(scored, 0.45, 3, "What happened?") == []


def _encode(texts: list[str]) -> np.ndarray:
    """Hashed bag of stemmed words, unit length: similar wording, similar vector."""
    vectors = np.zeros((len(texts), 64), dtype="float32")
    for row, text in enumerate(texts):
        for word in content_words(text):
            vectors[row, zlib.crc32(word.encode()) % 64] += 1
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _hit(n: int, source: str, day: str, text: str) -> Hit:
    chunk = Chunk(
        f"c{n}",
        f"a{n}",
        text,
        0,
        len(text),
        f"Story {n}",
        source,
        published_at=datetime.fromisoformat(f"{day}T12:00:00+00:00"),
    )
    return Hit(chunk, 1.0 - n / 10)


HITS = [
    _hit(
        1,
        "TechCrunch",
        "2023-10-02",
        "Acme Corp has spent billions to stay the default search "
        "engine on phones. Analysts were surprised.",
    ),
    _hit(
        2,
        "The Verge",
        "2023-10-05",
        "Publishers accuse Acme Corp of harming their revenue with its search business practices.",
    ),
    _hit(3, "Fortune", "2023-10-09", "The weather was mild in October."),
]


def test_a_multi_outlet_question_is_cut_into_parts_with_their_outlets() -> None:
    question = (
        "Does TechCrunch report that the company spent billions to stay the default "
        "search engine, while The Verge says publishers accuse it of harming revenue?"
    )
    parts = split_parts(question, HITS)
    assert [p.sources for p in parts] == [("TechCrunch",), ("The Verge",)]
    assert is_multi_part(parts)
    assert not is_multi_part(
        split_parts("How long until Trump takes office, per the report?", HITS)
    )


def test_a_dated_attribution_clause_lends_its_outlet_and_day_to_the_claim_after_it() -> None:
    question = (
        "After TechCrunch reported on October 2, 2023, that the company spent billions to stay "
        "the default search engine, did The Verge say publishers accuse it of harming revenue?"
    )
    parts = split_parts(question, HITS)
    assert [p.text[:8] for p in parts] == ["that the", "The Verg"]  # the date claims nothing
    assert parts[0].sources == ("TechCrunch",) and not parts[0].lent
    assert parts[0].window is not None and str(parts[0].window.since) == "2023-10-02"


def test_the_clause_asking_how_reports_relate_needs_no_passage_of_its_own() -> None:
    question = (
        "Does TechCrunch report that the company spent billions to stay the default search "
        "engine, while The Verge says publishers accuse it of harming revenue, and is there a "
        "consistent portrayal of the company's conduct?"
    )
    answer = answer_parts(question, question, split_parts(question, HITS), HITS, _encode)
    assert answer is not None and answer.text.startswith("Yes — ")
    assert [c.source for c in answer.citations] == ["TechCrunch", "The Verge"]  # nothing weak
    assert "Not found in the retrieved passages: “is there a consistent portrayal" in answer.text


def test_each_part_is_quoted_from_its_outlet_with_a_yes_lead() -> None:
    question = (
        "Does TechCrunch report that the company spent billions to stay the default "
        "search engine, while The Verge says publishers accuse it of harming revenue?"
    )
    answer = answer_parts(question, question, split_parts(question, HITS), HITS, _encode)
    assert answer is not None and answer.answered
    assert answer.text.startswith("Yes — ")
    assert "TechCrunch (2023-10-02): Acme Corp has spent billions" in answer.text
    assert "The Verge (2023-10-05): Publishers accuse Acme Corp" in answer.text
    assert [c.source for c in answer.citations] == ["TechCrunch", "The Verge"]
    assert all(s.supported for s in answer.sentences)


def test_which_company_is_named_when_every_part_s_evidence_names_it() -> None:
    question = (
        "Which company, reported by both TechCrunch and The Verge, has spent billions to "
        "stay the default search engine and is accused by publishers of harming revenue?"
    )
    answer = answer_parts(question, question, split_parts(question, HITS), HITS, _encode)
    assert answer is not None
    assert answer.text.startswith("Acme Corp — ")


def test_before_or_after_is_read_from_the_publication_dates() -> None:
    question = (
        "Did TechCrunch report that the company spent billions on default search engine "
        "deals before The Verge reported publishers accusing it of harming revenue?"
    )
    answer = answer_parts(question, question, split_parts(question, HITS), HITS, _encode)
    assert answer is not None
    assert answer.text.startswith("Yes — TechCrunch published on 2023-10-02, before The Verge")


def test_a_part_no_passage_supports_is_named_and_gets_no_yes() -> None:
    question = (
        "Does TechCrunch report that the company spent billions to stay the default "
        "search engine, while Fortune reports a record harvest of pumpkins in Ohio?"
    )
    answer = answer_parts(question, question, split_parts(question, HITS), HITS, _encode)
    assert answer is not None
    assert not answer.text.startswith(("Yes", "No"))
    assert answer.text.startswith("The articles don't say — none of the retrieved passages "
                                  "supports “Fortune reports a record harvest")
    assert answer.verdict is None and answer.verdict_rule == "missing"


def _runs(text: str) -> list[tuple[int, list[str]]]:
    return name_runs(text.split())


def test_name_runs_cut_capitalised_words_at_words_that_are_never_names() -> None:
    assert _runs("Reveal After OpenAI") == [(0, ["Reveal"]), (2, ["OpenAI"])]
    assert _runs("Republican Party We") == [(0, ["Republican", "Party"])]
    assert _runs("Michael Lewis That’s") == [(0, ["Michael", "Lewis"])]
    assert _runs("Did Bankman-Fried") == [(1, ["Bankman-Fried"])]
    assert _runs("All Blacks") == [(0, ["All", "Blacks"])]
    assert _runs("Google CEO Sundar Pichai") == [(0, ["Google"]), (2, ["Sundar", "Pichai"])]
    assert _runs("Google’s Search Generative Experience") == [
        (0, ["Google"]), (1, ["Search", "Generative", "Experience"])
    ]


def test_who_is_answered_with_the_person_the_evidence_names_without_title_or_rival() -> None:
    hits = [
        _hit(1, "Fortune", "2023-11-18", "OpenAI CEO Sam Altman was fired by the board on "
             "Friday, in a departure that shocked Silicon Valley. His brother Jack Altman runs "
             "a startup."),
        _hit(2, "TechCrunch", "2023-11-20", "Sam Altman will join Microsoft to lead a new "
             "advanced AI research team, Satya Nadella said. Sam Altman had led OpenAI."),
    ]
    question = ("Who is the figure whose departure from OpenAI shocked Silicon Valley according "
                "to Fortune, and who will join Microsoft to lead an AI research team according "
                "to TechCrunch?")
    answer = answer_parts(question, question, split_parts(question, hits), hits, _encode)
    assert answer is not None and answer.text.startswith("Sam Altman — ")


def test_a_multi_part_question_mostly_not_in_the_passages_is_not_answered() -> None:
    question = (
        "How did Fortune describe the record pumpkin harvest in Ohio, how did The Verge describe "
        "the heavy snowfall closing schools in Denver, and what did TechCrunch say about billions "
        "spent to stay the default search engine?"
    )
    parts = split_parts(question, HITS)
    assert len(parts) == 3 and is_multi_part(parts)
    assert answer_parts(question, question, parts, HITS, _encode) is None  # 1 of 3 found
    both = "What did TechCrunch say about billions spent to stay the default search engine, and "
    both += "what did The Verge say publishers accuse the company of?"
    assert answer_parts(both, both, split_parts(both, HITS), HITS, _encode) is not None


def test_an_organisation_is_named_in_full_as_the_passages_write_it() -> None:
    hits = [
        _hit(1, "Fortune", "2023-11-01", "The Federal Reserve held rates steady on Wednesday. "
             "Markets expect the Fed to keep rates high, and the Fed chair said so."),
        _hit(2, "The Age", "2023-11-02", "Stocks rallied after the Fed signalled it may stop "
             "raising its main interest rate, which Googlebot indexed at once."),
    ]
    question = ("Which institution, according to Fortune, held rates steady, and according to "
                "The Age signalled it may stop raising its main interest rate?")
    answer = answer_parts(question, question, split_parts(question, hits), hits, _encode)
    assert answer is not None and answer.text.startswith("Federal Reserve — "), answer.text


def test_a_follow_up_about_the_article_finds_the_one_the_last_answer_quoted() -> None:
    from assistant.answer.extractive import answer_extractively
    from assistant.config import Settings

    hits = [
        _hit(1, "The Verge", "2023-10-04", "Is the defense even trying to win? The lawyers "
             "called few witnesses and the judge was not impressed by them at all."),
        _hit(2, "The Verge", "2023-10-26", "It was all vastly outweighed by his investments in "
             "the right companies early. The trial ended with a verdict."),
    ]
    question = ("When was the Verge one published? (context: Did The Verge differ; It was all "
                "vastly outweighed by his investments in the right companies early)")
    answer = answer_extractively(question, "When was the Verge one published?", hits, _encode,
                                 Settings())
    assert answer.answered and "2023-10-26" in answer.text, answer.text


def test_an_llm_set_to_unsettled_is_not_asked_what_the_catalog_dates_settle() -> None:
    from assistant.answer.answerers import answerer_for
    from assistant.answer.query import Query
    from assistant.config import AnswerSettings, Settings
    from tests.test_llm import FakeLLM

    settings = Settings(answer=AnswerSettings(llm="llamacpp", llm_asks="unsettled"))
    order = (
        "Did TechCrunch report that the company spent billions to stay the default search "
        "engine before The Verge reported that publishers accuse it of harming revenue?"
    )
    claims = (
        "Does TechCrunch report that the company spent billions to stay the default "
        "search engine, while The Verge says publishers accuse it of harming revenue?"
    )
    asked = []
    for question in (order, claims):
        llm = FakeLLM("No\nAcme Corp has spent billions to stay the default search engine [1].")
        *_, answer = answerer_for(settings, llm)(Query.alone(question), HITS, _encode, {})
        assert isinstance(answer, Answer) and answer.answered
        asked.append((answer.verdict_rule, bool(llm.prompts)))
    assert asked[0] == ("order", False)  # the dates decide: Yes, and the model is not asked
    assert asked[1][1]  # "supported" is not settled: the model reads the evidence
    llm = FakeLLM("The articles don't say.")
    byline = Query("Which outlet published it?", "Which outlet published it? (context: Acme)")
    *_, answer = answerer_for(settings, llm)(byline, HITS[:1], _encode, {})
    assert isinstance(answer, Answer) and answer.answered and not llm.prompts  # the catalog's


def test_carried_context_about_a_byline_does_not_make_a_question_about_the_article() -> None:
    from assistant.answer.extractive import answer_extractively
    from assistant.config import Settings

    question = "How many jobs will Acme cut? (context: Who wrote that article; TechCrunch)"
    hit = _hit(7, "TechCrunch", "2023-10-02", "Acme Corp will cut 800 jobs as its sales slow.")
    answer = answer_extractively(question, "How many jobs will Acme cut?", [hit], _encode,
                                 Settings())
    assert answer.answered and "800" in answer.text and "was published" not in answer.text


def test_a_capital_written_for_its_country_is_named_by_a_passage_about_the_country() -> None:
    from assistant.answer.extractive.sentences import missing_names

    hit = _hit(8, "Wire", "2024-11-18", "About 10,000 North Korean troops were sent to Russia.")
    question = "How many soldiers has Pyongyang sent to fight alongside Moscow's army?"
    assert missing_names(question, [hit]) == []
    assert missing_names("How many soldiers has Havana sent?", [hit]) == ["Havana"]
    assert missing_names("Did X's fee stop spammers?", [hit]) == []  # one letter: nothing to miss


@pytest.mark.parametrize(
    ("line", "states"),
    [
        ("Will the Panthers fire Frank Reich?", False),
        ("Frank Reich coaching record", False),
        ("ElectraMeccanica Solo", False),
        ("The Panthers fired Frank Reich on Monday.", True),
        ("He resigned.", True),
        ("Reich was fired after an 1-10 start to the season", True),
    ],
)
def test_a_question_or_a_heading_states_nothing(line: str, states: bool) -> None:
    assert states_something(line) is states


def test_a_company_suffix_names_no_one_new() -> None:
    who, words = _asked("Who is Check Point's president?")
    assert not who.fits("Cybersecurity firms like Check Point Software (NASDAQ:CHKP) gain.", words)
    assert who.fits("Check Point's president, Rupal Hollenbeck, said sales grew.", words)


def test_a_sentence_opening_with_it_is_read_with_the_names_before_it() -> None:
    def best(before: str) -> Scored:
        text = f"{before} In January, it raised $3.5 million from investors."
        question = "How much did Sleepagotchi raise?"
        return score_sentences(question, question, [_hit(1, "TechCrunch", "2023-10-02", text)],
                               _encode)[0]

    named, other = best("Sleepagotchi is a game."), best("Dreamz is a game.")
    assert named.sentence.text.startswith("In January, it raised")
    assert named.score > other.score + 0.05  # "it" is Sleepagotchi only in the first


def test_a_people_is_found_by_its_country_and_a_country_by_its_people() -> None:
    from assistant.answer.extractive.sentences import missing_names

    india = [_hit(1, "Mint", "2023-10-02", "By 2030 India will have 1.1 billion people online.")]
    assert missing_names("How many Indians will be online by 2030?", india) == []
    indian = [_hit(2, "Mint", "2023-10-02", "Indian users spend hours online.")]
    assert missing_names("How long do users in India spend online?", indian) == []
    assert missing_names("How many Brazilians will be online?", india) == ["Brazilians"]


def test_an_answer_is_tied_by_another_form_of_a_question_word_or_a_synonym() -> None:
    cost, words = _asked("How much did the ElectraMeccanica Solo cost?")
    sentence = "The tiny EV featured one seat, 100 miles of range and an $18,500 price tag."
    assert [sentence[a:b] for a, b in cost.spans(sentence, words)] == ["$18,500"]
    online, words = _asked("By the end of the decade, how many Indians are expected to be online?")
    sentence = "By 2030, 1.1 billion people in India will have internet access."
    assert [sentence[a:b] for a, b in online.spans(sentence, words)] == ["1.1 billion"]
    # what is not a form of a question word still ties nothing
    assert not cost.fits("In a separate deal, it sold a factory for $30 million.", words)


def test_a_number_asked_in_a_unit_is_given_in_it_and_prison_time_is_a_span() -> None:
    speed, words = _asked("How fast is Connor Bedard's shot in miles per hour?")
    assert not speed.fits("He had four shot attempts in the opening frame.", words)
    assert speed.fits("Bedard's shot was clocked at 96 miles per hour.", words)
    prison = answer_type("How much prison time is he facing?")
    assert prison is not None and prison.name == "duration"


def test_who_is_a_name_and_who_is_x_s_role_are_answered_by_the_defining_sentence() -> None:
    from assistant.answer.extractive.sentences import _definition_pattern

    named = _definition_pattern("Who is Courtney Alev?")
    assert named is not None
    assert named.search("said Courtney Alev, consumer financial advocate at Credit Karma.")
    assert not named.search("Courtney Alev said the holidays are expensive.")
    role = _definition_pattern("Who is Check Point's president?")
    assert role is not None
    assert role.search("Check Point (CHKP) President Rupal Shah Hollenbeck said in a Zoom call.")


def test_a_sentence_about_another_country_does_not_answer() -> None:
    from assistant.answer.extractive.places import other_country

    question = "How many people die from drug-resistant infections in the UK each year?"
    assert other_country(question, "In the U.S. alone, drug-resistant bacteria cause an "
                                   "estimated 35,000 deaths each year.")
    assert other_country(question, "Resistant bacteria killed 1.27 million people worldwide.")
    assert not other_country(question, "In Britain, 7,000 people die of them each year.")
    assert not other_country(question, "About 7,000 people die of them each year.")  # no place
    assert not other_country("How many US troops are in Syria?", "About 900 troops are in Syria.")


def test_how_much_of_a_measured_thing_asks_for_a_quantity_not_a_year() -> None:
    space, words = _asked("Roughly how much floor space for offices began construction in "
                          "Israel from 2020 through 2022?")
    assert space.name == "number"
    sentence = ("Between 2020 and 2022, construction was begun on 3.56 million square meters of "
                "office space.")
    assert [sentence[a:b] for a, b in space.spans(sentence, words)] == ["3.56 million"]
    money = answer_type("How much did the rebuild cost?")
    assert money is not None and money.name == "money"


def test_what_does_a_named_person_do_asks_for_a_job() -> None:
    job = answer_type("What does Raul Arbelaez do at IIHS?")
    assert job is not None and job.name == "role"
    assert answer_type("What did the company do after the recall?") is None


def test_a_fiscal_year_is_a_year_and_shops_are_counted_as_stores() -> None:
    from assistant.answer.extractive.sentences import _years

    assert _years("How many stores did it have in FY22?") == {"2022"}
    assert _years("1,691 stores in FY14 and 18,040 by FY2023") == {"2014", "2023"}
    shops, words = _asked("Back in FY14, how many shops did Reliance's retail arm run?")
    sentence = "From a modest 1,691 stores in FY14, the retail business has grown."
    assert [sentence[a:b] for a, b in shops.spans(sentence, words)] == ["1,691"]


def test_a_sentence_is_also_read_with_the_one_before_it() -> None:
    from assistant.answer.extractive.sentences import _in_context

    question = np.array([1.0, 0.0])
    # the second sentence alone is far from the question; with the first it is nearer
    vectors = np.array([[0.8, 0.6], [0.0, 1.0], [0.6, 0.8]])
    alone = vectors @ question
    read = _in_context(vectors, [-1, 0, -1], question)
    assert read[1] > alone[1] + 0.3  # lifted by the sentence before it
    assert read[2] == alone[2]  # one that does not lean back reads alone
    # a pair nearer than its first sentence alone lifts that sentence too
    vectors = np.array([[0.5, 0.866], [0.5, -0.866]])
    read = _in_context(vectors, [-1, 0], question)
    assert read[0] > vectors[0] @ question


def test_only_a_sentence_that_leans_back_is_read_with_the_one_before() -> None:
    from assistant.answer.extractive.sentences import _LEANS_BACK

    assert _LEANS_BACK.search("On October 30, the night before Halloween, the company is hosting")
    assert _LEANS_BACK.search("It raised $3.5 million")
    assert not _LEANS_BACK.search("The weapons authorization allows Ukraine to utilize ATACMS")
