"""The screening engine: ask only what matters, stop when certain, and never let 不知道 turn into a "no"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.screening import evaluate, next_question
from api.screening.questions import CHECKS_GROUP, QUESTIONS, RESIDENCE_GROUP
from api.screening.rules import UNKNOWN, load_all, load_common

COUNTIES = sorted(load_all())
CHECKS = QUESTIONS[CHECKS_GROUP].facts
TYPICAL = {"relocation_village": False, "category": "低保户", "house_grade": "D", "hukou_local": True,
           "resides_locally": True, "other_safe_house": False, "previously_renovated": False,
           "redamaged_by_disaster": False, "in_disaster_rebuild_programme": False,
           **dict.fromkeys(CHECKS, False)}


def run(county: str, truth: dict) -> tuple[list[str], dict]:
    """Answer each asked question from ``truth`` (不知道 where it has none), as the bot's farmer would."""
    answers: dict = {}
    groups: set[str] = set()
    asked: list[str] = []
    while (key := next_question(answers, county, groups)) is not None:
        asked.append(key)
        assert len(asked) < 20, asked
        question = QUESTIONS[key]
        if question.facts:
            values = {truth.get(f, UNKNOWN) for f in question.facts}
            if len(values) == 1 and values != {question.expand}:
                answers.update(dict.fromkeys(question.facts, values.pop()))
            else:
                groups.add(key)
        else:
            answers[key] = truth.get(key, UNKNOWN)
    return asked, answers


@pytest.mark.parametrize("county", COUNTIES)
def test_a_typical_eligible_household_answers_at_most_eight_questions(county):
    asked, answers = run(county, {**TYPICAL, "category": "分散供养特困人员"})
    assert len(asked) <= 8, asked
    assert evaluate(answers, county).outcome == "likely_eligible"


def test_shanyin_asks_residence_and_the_department_checks_as_one_question_each():
    asked, _ = run("140621", TYPICAL)
    assert asked == ["relocation_village", "category", "house_grade", RESIDENCE_GROUP, "other_safe_house",
                     "previously_renovated", CHECKS_GROUP]


def test_a_yes_to_the_checks_asks_each_one_and_stops_at_the_first_that_decides():
    truth = {**TYPICAL, "financially_supported_staff": False, "bought_urban_house": True}
    asked, answers = run("140621", truth)
    assert asked[-3:] == [CHECKS_GROUP, "financially_supported_staff", "bought_urban_house"]
    assert evaluate(answers, "140621").outcome == "not_eligible"


def test_it_stops_as_soon_as_the_outcome_is_certain():
    assert run("140621", {"relocation_village": True})[0] == ["relocation_village"]
    asked, _ = run("140621", {**TYPICAL, "house_grade": "A"})
    assert asked == ["relocation_village", "category", "house_grade"]
    assert run("230400", {"category": "低保户", "house_grade": "B"})[0] == ["category", "house_grade"]


def test_it_skips_questions_the_county_has_no_rule_for():
    asked, _ = run("140405", TYPICAL)
    assert not {"relocation_village", "hukou_local", "resides_locally", "other_safe_house",
                "in_disaster_rebuild_programme", "redamaged_by_disaster"} & set(asked)
    asked, _ = run("140405", {**TYPICAL, "previously_renovated": True, "redamaged_by_disaster": True})
    assert "redamaged_by_disaster" in asked
    assert "redamaged_by_disaster" not in run("140621", {**TYPICAL, "previously_renovated": True})[0]


def test_it_asks_only_about_a_disaster_rebuild_where_the_documents_forbid_double_benefit():
    assert "in_disaster_rebuild_programme" in run("230400", TYPICAL)[0]
    for county in set(COUNTIES) - {"230400"}:
        assert "in_disaster_rebuild_programme" not in run(county, TYPICAL)[0]


@pytest.mark.parametrize("county", COUNTIES)
def test_dont_know_to_everything_ends_in_a_weaker_outcome_never_a_no(county):
    _asked, answers = run(county, {})
    result = evaluate(answers, county)
    assert result.outcome == "needs_appraisal"
    assert result.missing
    assert all(f"unknown:{fact}" in {r.code for r in result.reasons} for fact in result.missing
               if fact != "house_grade")


def test_an_answer_that_contradicts_an_earlier_one_reopens_both():
    answers = {**TYPICAL, "house_grade": "no_house", "other_safe_house": True}
    assert next_question(answers, "140621") == "house_grade"
    result = evaluate(answers, "140621")
    assert [c.code for c in result.conflicts] == ["no_house_but_another_safe_house"]
    assert result.outcome != "not_eligible"


def test_engine_texts_go_through_the_translator():
    result = evaluate({"house_grade": "C"}, "140621", gettext=lambda s: f"<{s}>")
    assert any(r.text.startswith("<") for r in result.reasons if r.code.startswith("unknown:"))
    assert any(s.text.startswith("<") for s in result.next_steps)


def _answers() -> st.SearchStrategy[dict]:
    facts = load_common().facts
    per_fact = {name: st.sampled_from([*fact.domain(), UNKNOWN]) for name, fact in facts.items()}
    return st.fixed_dictionaries({}, optional=per_fact)


@settings(max_examples=300, deadline=None)
@given(answers=_answers(), county=st.sampled_from(COUNTIES))
def test_dont_know_never_produces_not_eligible_by_itself(answers, county):
    """Replacing a 不知道 with a value that keeps the household in never leaves a "no" standing."""
    outcome = evaluate(answers, county).outcome
    if outcome != "not_eligible":
        return
    definite = {k: v for k, v in answers.items()
                if v != UNKNOWN or load_common().facts[k].unknown_is_value()}
    assert evaluate(definite, county).outcome == "not_eligible"


@settings(max_examples=300, deadline=None)
@given(answers=_answers(), county=st.sampled_from(COUNTIES))
def test_what_is_missing_is_what_the_questionnaire_would_still_ask(answers, county):
    result = evaluate(answers, county)
    unanswered = {k: v for k, v in answers.items() if v != UNKNOWN or k == "house_grade"}
    question = next_question(unanswered, county, {CHECKS_GROUP, RESIDENCE_GROUP})
    if result.conflicts:
        return
    assert (question is None) == (not [m for m in result.missing if m not in unanswered])


def test_a_county_can_say_what_an_unknown_fact_depends_on():
    result = evaluate({"category": UNKNOWN, "house_grade": "C"}, "140621")
    (reason,) = [r for r in result.reasons if r.code == "unknown:category"]
    assert "民政" in reason.text and reason.citation == "004 五(一); 四(四)"


def test_the_procedure_and_its_periods_come_from_the_county_profile():
    steps = [(s.text, s.citation) for s in evaluate({"house_grade": "C"}, "140621").next_steps]
    assert ("县里各部门核查：10个工作日，逾期不回复视为通过", "004 四(四)") in steps
    assert ("村里评议后公示：不少于7日", "004 四(二)") in steps
    assert not [s for s in evaluate({"house_grade": "C"}, "140405").next_steps if "公示：" in s.text]
