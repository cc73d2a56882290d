"""Answers at the level of the fact asked: the county's clause quoted, a decision instead of a menu, follow-ups
read against the last answer, other places and other subjects named as such before any county question."""

from __future__ import annotations

import re

from test_faq_flow import Chat

from bot.faq.loader import load_faq
from bot.nlu.clauses import load_clauses
from bot.nlu.gazetteer import place_names
from bot.nlu.retriever import retriever
from bot.nlu.scope import _gazetteer_split


def test_every_document_is_cut_into_sentences_that_keep_their_section() -> None:
    clauses = load_clauses()
    by_text = {clause.text: clause for clause in clauses}
    review = next(c for c in clauses if "7个工作日内审查完毕" in c.text)
    assert (review.doc, review.county, review.section) == ("004", "140621", "四(三)")
    monthly = next(c for c in clauses if "每月20日前上报" in c.text)
    assert (monthly.doc, monthly.section) == ("002", "六(二)")
    report = next(c for c in clauses if "上限不超过1.4万元" in c.text)
    assert (report.doc, report.section) == ("001", "制定分级分类标准")     # a news report: its sub-heading
    assert not any("借章" in text or "关于印发" in text or "\t" in text for text in by_text)
    assert {c.county for c in clauses} == {"140621", "140429", "140405", "230400", "222400"}


def test_the_fact_the_summary_leaves_out_is_quoted_from_the_countys_clause() -> None:
    text = Chat(county="140621").say("部门查户口的时候车归谁查")
    assert "交警部门负责核查农户登记机动车信息" in text and "文件原文" in text
    assert "山危扶办〔2021〕1号 四(四)" in text


def test_a_quote_comes_only_from_the_senders_county() -> None:
    text = Chat(county="230400").say("一年排查几回 啥时候")
    assert "4月底" in text and "鹤住建发〔2021〕32号" in text
    assert "每季度" not in text and "山危扶办" not in text


def test_a_long_clause_is_quoted_from_the_phrase_that_answers() -> None:
    text = Chat(county="140405").say("每个月啥时候报名单")
    quoted = re.search(r"文件原文：“(.*?)”", text)
    assert quoted is not None and "每月5日前" in quoted.group(1) and len(quoted.group(1)) <= 92


def test_an_unsure_match_is_answered_with_the_runner_up_one_line_away() -> None:
    chat = Chat(county="140621")
    text = chat.say("县里组织验收在哪几天")
    assert "10月16日" in text and "哪一个" not in text
    also = [option for option in chat.replies[0].options if option.key == "2"]
    if also:                                        # the runner-up, when retrieval was unsure
        title = also[0].label.split("：", 1)[1]
        [entry] = [e for e in load_faq().values() if e.title == title]
        answer = entry.answer_for("140621")
        assert answer is not None and answer.text in chat.say("2")


def test_a_bare_word_still_gets_the_nearest_topics() -> None:
    assert "您想问的是哪一个" in Chat(county="140621").say("房子")


def test_a_short_follow_up_is_read_against_the_last_question() -> None:
    chat = Chat(county="140621")
    assert "10个工作日" in chat.say("部门核查要多久")
    follow = chat.say("不回话呢")
    assert "视为" in follow and "哪一个" not in follow


def test_a_new_subject_after_an_answer_is_not_taken_as_a_follow_up() -> None:
    chat = Chat(county="140621")
    chat.say("俺家房子裂了能补多少钱")
    assert "回答不了" in chat.say("今天天气怎么样")


def test_off_topic_is_answered_before_asking_the_county() -> None:
    chat = Chat()
    text = chat.say("化肥多少钱一袋")
    assert "回答不了" in text and "哪个县" not in text and not re.search(r"\d", text)
    assert chat.state.county is None


def test_a_policy_question_from_an_unknown_county_asks_the_county_then_answers_it() -> None:
    chat = Chat()
    assert "哪个县" in chat.say("危房补助多少钱")
    assert "1.4万" in chat.say("山阴")


def test_a_county_we_do_not_serve_is_named_even_by_its_short_name() -> None:
    for message, place in (("俺是平遥的 危房咋申请", "平遥"), ("榆次这边危房补多少", "榆次"),
                           ("襄垣县俺家房子塌了能给补不", "襄垣")):
        text = Chat().say(message)
        assert place in text and "回答不了" in text and not re.search(r"\d", text), message


def test_a_township_name_shared_with_another_county_is_not_another_place() -> None:
    assert "城关" in place_names()                          # a district of 兰州 …
    text = Chat(county="140621").say("城关镇的危房鉴定找谁")   # … and a township in many counties
    assert "回答不了" not in text and "鉴定" in text


def test_our_counties_their_parents_and_their_districts_are_ours() -> None:
    ours, others = _gazetteer_split()
    assert {"山阴县", "朔州市", "山西省", "延吉市", "萝北县", "屯留"} <= ours | {"屯留"}
    assert {"应县", "怀仁", "大同市", "哈尔滨市"} <= others
    assert not ours & others
    verdict = retriever().scope.verdict("延吉市危房补助多少")
    assert verdict.topic is None


def test_a_place_spelled_in_pinyin_or_hangul_is_named_too() -> None:
    scope = retriever().scope
    assert scope.verdict("i live in datong how much is the subsidy").place == "datong"
    assert scope.verdict("장춘에 사는데 보조금 얼마예요").place == "장춘"
    assert scope.verdict("shanyin county how big can the house be").topic is None      # ours
    assert scope.verdict("yanbian subsidy").topic is None


def test_where_a_farmer_works_or_bought_is_not_where_they_ask_about() -> None:
    scope = retriever().scope
    assert scope.verdict("俺在太原买了楼 还能申请危改不").topic is None
    assert scope.verdict("俺户口在河北 在这村住了十来年 能申请危房改造不").topic is None
    assert scope.verdict("俺在吉林市 房子漏雨能申请改造不").place == "吉林市"


def test_a_word_of_our_own_documents_is_never_a_place() -> None:
    assert "新建" in place_names()                          # a district of 南昌 …
    assert retriever().scope.verdict("修缮和新建有啥不一样").topic is None   # … and how a house is rebuilt


def test_everyday_subjects_are_handed_off_with_no_figure() -> None:
    for message in ("这两天羊价咋样", "闺女结婚彩礼给多少", "去镇上的班车几点发车", "医院挂号咋挂"):
        text = Chat(county="140621").say(message)
        assert "回答不了" in text and not re.search(r"\d", text), message


def test_a_farmer_who_says_they_want_to_report_gets_the_complaint_flow_not_the_rule() -> None:
    chat = Chat(county="140621")
    text = chat.say("有人冒领补助 俺要举报")
    assert chat.state.flow == "complaint" and "冒领" in text
    assert Chat(county="140621").say("举报电话是多少").startswith("山阴县：")   # a question stays a question


def test_closing_words_outside_a_flow_end_politely_and_file_nothing() -> None:
    chat = Chat(county="140621")
    for message in ("算了不弄了", "那算了吧"):
        text = chat.say(message)
        assert "没有提交" in text and "依据" not in text and chat.state.flow is None
