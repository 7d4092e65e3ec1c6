"""The verdict of a single yes/no question (`extractive/yesno.py`) and titles beside names."""

from __future__ import annotations

import pytest

from assistant.answer.extractive.asked import answer_type
from assistant.answer.extractive.sentences import question_words
from assistant.answer.extractive.yesno import decide, is_yes_no


@pytest.mark.parametrize(
    ("question", "sentence", "word", "rule"),
    [
        ("Is the administration trying to slow down the remaining aid for Ukraine?",
         "The administration has been working to expedite the remaining aid for Ukraine.",
         "No", "opposite"),
        ("Has Trump signaled that he wants to deepen US involvement in the war?",
         "Trump has signaled a desire to scale back US involvement in the war.", "No", "opposite"),
        ("Did the film open with $35 million in North American ticket sales?",
         "The film opened in first place with $21 million in North American ticket sales.",
         "No", "other value"),
        ("Did Jada and Will Smith sign a prenuptial agreement before they married?",
         "Jada revealed why she and Will Smith never signed a prenuptial agreement.", "No",
         "denied"),
        ("Did SoftBank's Vision Fund make the investment in Cubic Telecom?",
         "The investment is coming from SoftBank Corp., not SoftBank Group, nor the Vision Fund.",
         "No", "denied"),
        ("Did Blinken make the remark at a meeting in Washington?",
         "Blinken made the remark during a meeting with European leaders in Brussels.", "No",
         "other place"),
        ("Did Binance agree to pay about $4.3 billion to resolve the DOJ's investigations?",
         "Binance has agreed to pay about $4.3 billion to resolve the DOJ's investigations.",
         "Yes", "stated"),
    ],
)
def test_each_rule_decides_its_kind_of_claim(
    question: str, sentence: str, word: str, rule: str
) -> None:
    verdict = decide(question, sentence)
    assert verdict is not None and (verdict.word, verdict.rule) == (word, rule)


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # the claim's verb ("raised") and thing ("offer", "price") are not in the sentence
        ("Has Amazon raised the price it offered for iRobot?",
         "EU regulators have sent Amazon a statement of objections over its iRobot deal."),
        # a number of the claim the sentence does not hold: "12-year" is not stated by it
        ("Is Ohtani's $700 million contract with the Dodgers a 12-year deal?",
         "Ohtani agrees to 10-year, $700 million contract with the Dodgers."),
        # "not only" negates nothing; "isn't clear" leaves the claim open
        ("Was the win Arizona's first over Utah since 2015?",
         "Arizona not only won but did it in statement fashion against Utah."),
        ("Did the talks include a sale of the family's stake?",
         "It isn't clear whether the talks included a sale of the family's stake."),
        # a sentence that only allows the claim does not state it; nor one that says it may not be
        ("Did the study show that cannabis causes babies to be born small?",
         "Using cannabis during pregnancy may come with a higher risk of babies being born small, "
         "a new study suggests."),
        ("Did the Panthers fire Frank Reich?",
         "The Panthers aren't guaranteed to fire Reich even amid their poor season."),
        # a sentence that asks the question states nothing
        ("Does a jellyfish forget what it learned if it loses a rhopalium?",
         "If a jellyfish loses one of its rhopalia, does it forget what it learned?"),
    ],
)
def test_no_verdict_where_the_sentence_does_not_settle_the_claim(
    question: str, sentence: str
) -> None:
    assert decide(question, sentence) is None


def test_a_modal_of_a_relative_clause_does_not_hedge_the_claim() -> None:
    verdict = decide("Is Boston Dynamics owned by Hyundai?", "Boston Dynamics, owned by carmaker "
                     "Hyundai, built a humanoid that could handle boxes.")
    assert verdict is not None and verdict.word == "Yes"


def test_which_questions_are_yes_no() -> None:
    assert is_yes_no("Did Balderton lead the round?")
    assert not is_yes_no("Did Balderton or Accel lead the round?")  # asks which
    assert not is_yes_no("Who led the round?")
    assert not is_yes_no("Can you tell me who approved the missiles?")  # a request for a name


@pytest.mark.parametrize(
    ("question", "sentence", "title"),
    [
        ("What is Antony Blinken's job, according to the report?",
         "“Every dollar will go,” Secretary of State Antony Blinken said.", "Secretary of State"),
        ("What is Carolyn O'Hara's job at Mozilla?",
         "Carolyn O'Hara, senior director of content at Mozilla, said so.",
         "senior director of content at Mozilla"),
        ("What position did Can Sun hold at FTX?",
         "Can Sun, who served as general counsel at FTX, testified.", "general counsel"),
        ("What is Greg Coomer's job at Valve?",
         "Valve product designer Greg Coomer told us more.", "product designer"),
        ("What is Dennis Kooker's title at Sony Music?",
         "Dennis Kooker, Sony Music Entertainment‘s President of Global Digital Business, spoke.",
         "President of Global Digital Business"),
    ],
)
def test_a_job_question_is_answered_by_the_title_beside_the_name(
    question: str, sentence: str, title: str
) -> None:
    wanted = answer_type(question)
    assert wanted is not None and wanted.name == "role" and wanted.leads
    spans = wanted.spans(sentence, question_words(question))
    assert title in [sentence[a:b] for a, b in spans]


def test_a_title_needs_the_named_person_and_a_work_s_title_is_no_job() -> None:
    wanted = answer_type("What new position was Bhavik Patel named to at Mayo Clinic?")
    assert wanted is not None
    words = question_words("What new position was Bhavik Patel named to at Mayo Clinic?")
    assert not wanted.spans("Dr. Richard Gray, CEO of Mayo Clinic, announced it.", words)
    assert answer_type("What is the title of Jon Copley's new book?") is None
    assert answer_type("What role will Owen Teale play in A Christmas Carol?") is None


def test_a_no_found_written_in_the_sentence_is_settled_and_a_yes_from_shared_words_is_not() -> None:
    from assistant.answer.extractive.verdict import SETTLED
    from assistant.answer.extractive.yesno import FOUND_AGAINST, RULES

    names = {rule.__name__.lstrip("_").replace("_", " ") for rule in RULES}
    assert names == FOUND_AGAINST | {"stated"}  # every rule is named where the LLM policy reads
    assert FOUND_AGAINST <= SETTLED and "stated" not in SETTLED


def test_a_yes_needs_every_name_of_the_claim_in_the_sentence_s_article() -> None:
    question = "Was Meta's blog post on teen app downloads written by Instagram head Adam Mosseri?"
    sentence = "In a blog post, Meta's head of safety argues parents should approve downloads."
    assert decide(question, sentence, unmentioned=["Adam", "Mosseri"]) is None
    said = "In a blog post, Meta says Instagram head Adam Mosseri wrote about teen app downloads."
    verdict = decide(question, said)
    assert verdict is not None and verdict.word == "Yes"


def test_words_news_writes_for_one_another_count_as_stated() -> None:
    from assistant.text import content_words
    from assistant.text.synonyms import synonym_overlap

    question = "Did the Minnesota Wild dismiss their head coach Dean Evason in November 2023?"
    sentence = "The Wild have relieved head coach Dean Evason of his duties, the team said Monday."
    verdict = decide(question, sentence)  # "dismiss" is no denial; "relieved" states it
    assert verdict is not None and verdict.word == "Yes"
    successor = content_words("The Wild will name John Hynes as Evason's successor.")
    assert synonym_overlap(content_words("replaced Evason"), successor) == 1.0
    assert synonym_overlap(content_words("Who raised prices?"), content_words("prices fell")) < 1
