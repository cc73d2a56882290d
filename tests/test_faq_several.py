"""A message that asks several things gets each answer, and a long answer leads with the sentence asked for:
what the farmer asked must be on the first SMS page, not behind "回复0继续"."""

from __future__ import annotations

from test_faq_flow import SIGNATURE, Chat

from api.delivery.sms_parts import split_for_sms
from bot.flows.faq_several import asked_topics
from bot.nlu.brief import brief, lead
from bot.nlu.retriever import retriever


def first_page(text: str, language: str | None = None) -> str:
    return split_for_sms(text, 3, signature=SIGNATURE, language=language)[0]


def test_each_asked_fact_is_answered_in_the_order_asked() -> None:
    text = first_page(Chat(county="140621").say("俺家是低保 房子鉴定D级了 补助能给多少 多会儿能拿到手"))
    amount, paid = text.find("1.4万"), text.find("拨付")
    assert 0 <= amount < paid                                # both facts, the amount first as asked
    assert text.count("山阴县：") == 1                        # the county named once


def test_each_asked_fact_in_english_fits_the_first_page() -> None:
    text = first_page(Chat(county="140621", language="en").say(
        "My house is grade D. How much money can I get? And how many days is the list posted in the village?"),
        "en")
    assert "14,000" in text and "7 days" in text


def test_a_part_that_goes_on_from_the_one_before_is_read_with_it() -> None:
    # "最后谁…" asks who, after the objection: not the programme's target groups on their own
    assert asked_topics("镇上公示有人不服咋办 最后谁是改造对象") == []
    assert len(asked_topics("补助能给多少 多会儿能拿到手")) == 2


def test_statements_are_not_questions() -> None:
    # "my house is grade C" tells, it does not ask: only the two questions count
    asked = asked_topics("my house is grade C. how much is the subsidy and how many days is the list posted in "
                         "the village")
    assert [item.faq_id for item in asked] == ["subsidy", "publicity_period"]


def test_a_long_answer_leads_with_the_sentence_that_holds_the_question() -> None:
    result = retriever().search("how long do the departments take to check")
    text = ("In Shanyin the township sends the list to civil affairs, finance and human resources; "
            "each replies within 10 working days, and silence counts as passed.")
    assert lead(text, result, 60).startswith("each replies within 10 working days")
    assert lead(text, result, 500) == text                                   # it fits: left as it is
    assert brief(text, result, 70).startswith("each replies within 10 working days")


def test_the_county_name_stays_first_when_a_chinese_answer_is_reordered() -> None:
    result = retriever().search("各部门多少天给回音")
    text = "山阴县：乡镇把名单交民政、财政等部门核查。各部门10个工作日内反馈，不回复视为合格。"
    assert lead(text, result, 20).startswith("山阴县：各部门10个工作日内反馈")
