"""The LLM checks: each part of a comparison question read against its report's quotes (the claim
check), and whether a single answer's quotes answer the question at all (the answer check).

A fake at our `LLM` seam gives scripted log-odds per claim (`yes_odds`) and records the prompts;
the answer path around it (parts, quotes, citations, the "No" answer) is the real one. The one
real-model test is in tests/test_local_llm.py (`test_qwen_reads_a_claim_s_support_as_odds`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answer.answerers import answerer_for
from assistant.answer.cite import marker_numbers
from assistant.answer.llm.answer_check import ANSWER_DOUBT
from assistant.answer.llm.backends import YES_NO_ODDS, yes_odds
from assistant.answer.llm.claims import CLAIM_DOUBT, CLAIM_RULE, check_claims
from assistant.answer.llm.prompts import ANSWER_CHECK_SYSTEM, CLAIM_SYSTEM, VERDICT_SYSTEM
from assistant.answer.query import Query
from assistant.config import Settings
from assistant.schema import Answer
from tests.test_answer import HITS, _encode
from tests.test_llm import FakeLLM

QUESTION = (
    "Does TechCrunch report that the company spent billions to stay the default "
    "search engine, while The Verge says publishers accuse it of harming revenue?"
)
SWAPPED = QUESTION.replace("harming revenue", "helping revenue")


class OddsLLM(FakeLLM):
    """Reads a claim as not said when it holds one of `doubted`; records each claim prompt."""

    def __init__(self, *doubted: str) -> None:
        super().__init__("Yes\nAcme Corp has spent billions to stay the default search engine [1].")
        self.doubted, self.claims = doubted, list[str]()

    def yes_odds(self, system: str, user: str) -> float:
        assert system == CLAIM_SYSTEM
        claim = user.split("Statement: ", 1)[1].split("\n", 1)[0]
        self.claims.append(claim)
        return -2.0 if any(word in claim for word in self.doubted) else 2.0


def _answer(question: str, llm: FakeLLM) -> Answer:
    timings: dict[str, float] = {}
    *pieces, answer = answerer_for(Settings(), llm)(Query.alone(question), HITS, _encode, timings)
    assert isinstance(answer, Answer) and "".join(map(str, pieces)) == answer.text
    return answer


def test_each_part_is_checked_against_its_own_report_s_quotes() -> None:
    llm = OddsLLM()
    checks = check_claims(QUESTION, HITS, _encode, llm)
    assert [c.evidence[0].part.sources for c in checks] == [("TechCrunch",), ("The Verge",)]
    assert llm.claims[0].startswith("TechCrunch report that the company spent billions")
    assert all(c.odds > CLAIM_DOUBT and not c.doubted for c in checks)


def test_a_part_its_report_does_not_say_makes_the_answer_no_citing_every_part() -> None:
    llm = OddsLLM("helping")
    answer = _answer(SWAPPED, llm)
    assert answer.verdict == "No" and answer.verdict_rule == CLAIM_RULE
    assert answer.text.startswith(
        "No — The Verge does not say that “publishers accuse it of helping revenue”:"
    )
    assert [c.source for c in answer.citations] == ["TechCrunch", "The Verge"]
    assert set(marker_numbers(answer.text)) == {c.n for c in answer.citations}
    assert all(c.quote in c.passage for c in answer.citations)
    assert answer.sentences[0].supported  # the verdict line is checked like the others
    assert llm.prompts == []  # settled by the check: the verdict prompt is not asked


def test_when_every_part_holds_the_rule_s_verdict_stands_without_a_verdict_prompt() -> None:
    llm = OddsLLM()
    answer = _answer(QUESTION, llm)
    assert len(llm.claims) == 2 and answer.verdict_rule == "supported"
    assert answer.verdict == "Yes" and llm.prompts == []


def test_a_verdict_the_rules_left_open_is_yes_when_every_part_holds() -> None:
    question = QUESTION.replace("publishers accuse it of harming revenue",
                                "readers complain about slow pages")
    assert _answer(question, OddsLLM("slow")).verdict_rule == CLAIM_RULE  # doubted: "No"
    llm = OddsLLM()
    answer = _answer(question, llm)
    assert answer.verdict == "Yes" and answer.verdict_rule == CLAIM_RULE
    assert answer.text.startswith("Yes — each report says what the question states "
                                  "(TechCrunch, The Verge):")
    assert [c.source for c in answer.citations] == ["TechCrunch", "The Verge"]
    assert all(c.quote in c.passage for c in answer.citations)


def test_the_check_can_be_turned_off() -> None:
    llm = OddsLLM("helping")
    settings = Settings(answer={"llm_checks_claims": False})
    *_, answer = answerer_for(settings, llm)(Query.alone(SWAPPED), HITS, _encode, {})
    assert isinstance(answer, Answer) and llm.claims == [] and answer.verdict_rule != CLAIM_RULE


def test_a_single_question_is_not_claim_checked() -> None:
    llm = OddsLLM("billions")
    assert check_claims("How much has Acme Corp spent on search?", HITS, _encode, llm) == []


@pytest.mark.parametrize(
    ("reply", "odds"),
    [("Yes.", YES_NO_ODDS), ("No, it does not.", -YES_NO_ODDS), ("Perhaps", 0.0), ("", 0.0)],
)
def test_a_backend_without_logits_gives_its_first_word_as_firm_odds(
    reply: str, odds: float
) -> None:
    class Words(FakeLLM):
        def stream(self, system: str, user: str) -> Iterator[str]:
            yield self.complete(system, user)

    assert yes_odds(Words(reply), "system", "user") == odds


def test_a_sentence_two_overlapping_chunks_hold_is_quoted_once() -> None:
    from dataclasses import replace

    twice = [*HITS, replace(HITS[1], chunk=replace(HITS[1].chunk, id="c9"), score=0.5)]
    llm = OddsLLM("helping")
    *_, answer = answerer_for(Settings(), llm)(Query.alone(SWAPPED), twice, _encode, {})
    assert isinstance(answer, Answer) and answer.verdict_rule == CLAIM_RULE
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes)) == 2


class AnswerReader(FakeLLM):
    """Gives scripted log-odds to the answer check and records the questions it was shown."""

    def __init__(self, odds: float) -> None:
        super().__init__("Publishers accuse Acme Corp of harming their revenue [1].")
        self.odds, self.checked = odds, list[str]()

    def yes_odds(self, system: str, user: str) -> float:
        assert system == ANSWER_CHECK_SYSTEM and "Publishers accuse Acme Corp" in user
        self.checked.append(user.split("Question: ", 1)[1].split("\n", 1)[0])
        return self.odds


def test_an_answer_whose_quotes_do_not_answer_becomes_an_abstention_naming_the_article() -> None:
    llm = AnswerReader(ANSWER_DOUBT - 1.5)
    answer = _answer("What do publishers accuse Acme Corp of?", llm)
    assert llm.checked == ["What do publishers accuse Acme Corp of?"]
    assert not answer.answered and answer.citations == []
    assert answer.text == ("The articles don't say. They cover “Story 2”, but its closest "
                           "sentences don't answer that.")
    assert llm.prompts == []  # no second opinion after an abstention


def test_an_answer_the_model_reads_as_answering_goes_on_to_its_second_opinion() -> None:
    llm = AnswerReader(ANSWER_DOUBT + 1.5)
    answer = _answer("What do publishers accuse Acme Corp of?", llm)
    assert answer.answered and llm.checked and llm.systems == [VERDICT_SYSTEM]


def test_the_answer_check_can_be_turned_off_and_skips_the_catalog() -> None:
    llm = AnswerReader(ANSWER_DOUBT - 1.5)
    settings = Settings(answer={"llm_checks_answers": False})
    *_, answer = answerer_for(settings, llm)(
        Query.alone("What do publishers accuse Acme Corp of?"), HITS, _encode, {}
    )
    assert isinstance(answer, Answer) and answer.answered and llm.checked == []
    catalog = _answer("Which outlet published the story about publishers accusing Acme Corp?", llm)
    assert catalog.answered and catalog.verdict_rule == "catalog" and llm.checked == []
