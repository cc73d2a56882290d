"""The document's sentence that answers: found under the farmer's own names for things, quoted up to the fact,
not dropped when the summary words a figure its own way, and put first when it carries the figure asked."""

from __future__ import annotations

from test_faq_flow import Chat

from bot.nlu.clauses import load_clauses
from bot.nlu.grounding import said_already


def test_a_department_called_by_its_bureau_name_meets_the_sentence_on_what_it_checks() -> None:
    # 劳动局 is what a farmer calls the office the county's document names 人力资源和社会保障部门.
    text = Chat(county="140621").say("劳动局那边查俺家啥")
    assert "在编" in text and "文件原文" in text
    assert "机动车" in Chat(county="140621").say("交警大队要查俺家哪样")


def test_the_quote_runs_on_to_the_phrase_that_states_the_rule() -> None:
    # The sentence names the first round of acceptance early and states its coverage 60 characters later.
    text = Chat(county="140621").say("乡里头一回验收的时候咋验")
    assert "100%" in text


def test_a_figure_the_summary_words_its_own_way_is_not_said_already() -> None:
    assert not said_already("每年开展2次全面排查，公开信访电话。", "每年各开展一次全面排查，公开信访电话。")
    assert said_already("每年开展2次全面排查，公开信访电话。", "每年开展2次全面排查，公开信访电话。")


def test_the_sentence_with_the_figure_asked_comes_first_under_the_county_name() -> None:
    text = Chat(county="230400").say("每年查房查几次")
    first, _, rest = text.partition("\n")
    assert first.startswith("鹤岗市文件原文：") and "2次" in first
    assert rest.startswith("鹤岗：")                 # the summary follows, as the fallback


def test_preambles_and_attached_forms_are_never_quoted() -> None:
    texts = [clause.text for clause in load_clauses()]
    assert not any(text.startswith("以习近平") for text in texts)
    assert not any("___" in text or "（盖章）" in text or "填表日期" in text for text in texts)
    # what followed the preamble in the same sentence is still there, marked as cut
    assert any(text.startswith("…坚持安全为本") for text in texts)


def test_korean_words_of_the_report_reach_its_sentences() -> None:
    text = Chat(county="222400", language="ko").say("허가 받기 전에 집부터 지어도 돼요")
    assert "先审批后建设" in text


def test_rules_asked_in_the_farmers_words_meet_the_documents_words() -> None:
    chat = Chat(county="140621")
    assert "书面" in chat.say("口头跟村里讲一下行不行")                 # 口头 ↔ 书面申请
    assert "视为" in Chat(county="140621").say("那几个部门老没回音 咋算")  # 回音 ↔ 不做回复视为…合格
    assert "三级财政" in Chat(county="140621").say("这补助到底谁出的钱")   # 谁出的钱 ↔ 省、市、县三级财政分担
