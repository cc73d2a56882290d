"""Complaints, call-backs, subscriptions and status written the way farmers write them: the whole story in one
message, the wish inside a longer sentence. Lines are ``(said, [the reply holds], [the reply does not hold])``.

The sentences are this file's own; none is taken from a measuring set.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import FARMER, play, rows, say

from api.db import transaction
from api.models import CallbackRequest, Complaint
from api.models.messages import ChannelUser
from api.models.subscriptions import Subscription
from bot.flows import complaint_cues
from bot.flows.village_words import _CANDIDATE


def county_known(engine: Engine, name: str = "山阴县", **kwargs: str) -> None:
    say(engine, name, **kwargs)


# ------------------------------------------------------------------------------------------------ complaints

def test_a_report_with_its_incident_starts_the_complaint_and_nothing_said_is_asked_again(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("举报 西村有人冒名领了危改的钱 他家房子是新盖的", ["已记下", "冒领"], ["哪个村"]),
        ("村干部办的 不留名 就这些", ["TS-140621-"], ["哪个村", "反映的是谁"]),
    ])
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and filed.village_id is not None and "新盖" in filed.text


def test_the_village_and_the_wish_to_stay_unnamed_are_read_from_an_answer_to_another_question(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("我要举报", ["请选择"]),
        ("3", ["哪个村"]),
        ("就在马营庄乡南村 村会计扣了俺两千块 俺不想留名", ["TS-140621-"], ["没有找到这个村"]),
    ])
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and filed.subject == "village_committee"


def test_asking_whether_one_may_stay_anonymous_is_answered_and_the_question_repeated(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("俺要举报有人索要好处费", ["哪个村"]),
        ("能不写俺名字不", ["可以匿名", "哪个村"], ["TS-"]),
        ("东村", ["反映的是谁"]),
    ])
    assert rows(engine, Complaint) == []


def test_leaving_with_a_reason_leaves_and_going_on_after_all_does_not(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("俺要举报施工队偷工减料", ["哪个村"]), ("算了 不举报了 都是乡里乡亲的", ["退出"], ["TS-"])])
    play(engine, [("俺要举报有人冒领补助", ["哪个村"]), ("算了 还是举报吧 东村的", [], ["退出"])])
    assert rows(engine, Complaint) == []


def test_done_words_after_a_filing_are_told_the_number_not_answered_as_a_question(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报 东村村主任跟俺要了两条烟才给评 不留名 就这些", ["TS-140621-"])])
    play(engine, [("确认提交", ["已经提交了", "TS-140621-"])])
    assert len(rows(engine, Complaint)) == 1


def test_a_phone_kept_by_its_own_words_and_a_named_wish_is_not_read_as_anonymous() -> None:
    assert complaint_cues.anonymous_wish("俺不想留名字")
    assert not complaint_cues.anonymous_wish("不匿名 俺叫王大山")
    assert complaint_cues.OWN_PHONE.search("电话就这个")
    assert complaint_cues.wants_to_report("举报 村里有人挪用危改补助")
    assert not complaint_cues.wants_to_report("举报电话是多少")


def test_the_village_is_found_inside_words_only_when_the_register_has_it(engine: Engine, villages: None) -> None:
    assert [m.group(1) for m in _CANDIDATE.finditer("订阅南村的通知")] == ["订阅南村"]
    county_known(engine)
    play(engine, [("俺要举报 村里有人要好处费", ["哪个村"]), ("俺村的事", ["没有找到这个村"])])


# -------------------------------------------------------------------------------------------------- call-backs

def test_a_call_back_asked_inside_a_longer_message_with_a_number_is_recorded_at_once(
        engine: Engine, villages: None) -> None:
    play(engine, [("俺是山阴的 字看不清 叫个人打给俺 号码15800001111", ["已记下", "158****1111"])])
    [request] = rows(engine, CallbackRequest)
    assert request.phone == "15800001111" and request.county_code == "140621"


def test_the_wish_for_a_person_leaves_a_flow_for_the_hand_off(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("俺要举报村干部吃拿卡要", ["哪个村"]),
        ("打字太费劲了 你们给俺回个电话吧", ["回电"], ["没有找到这个村"]),
        ("13700002222 晚上在家", ["已记下", "137****2222"]),
    ])
    assert rows(engine, Complaint) == [] and len(rows(engine, CallbackRequest)) == 1


# ---------------------------------------------------------------------------------------------- subscriptions

def test_a_subscription_in_the_farmers_words_asks_the_county_then_takes_the_village(
        engine: Engine, villages: None) -> None:
    play(engine, [("俺想收南村的公示通知", ["哪个县"]), ("山阴县", ["已订阅", "南村"])])
    assert len(rows(engine, Subscription)) == 1


def test_subscribing_again_after_opting_out_switches_notices_back_on(engine: Engine, villages: None) -> None:
    county_known(engine)
    with transaction(engine) as s:      # 退订 is the channel's (its inbox answers it before the dialog)
        s.add(ChannelUser(channel="sms", sender=FARMER, opted_out=True))
    play(engine, [("俺又想收了 订阅东村的公示通知", ["已订阅", "重新开通"])])
    [user] = rows(engine, ChannelUser)
    assert not user.opted_out


# ------------------------------------------------------------------------------------------------------ status

def test_an_application_number_with_a_status_wish_is_answered_only_for_the_registered_phone(
        engine: Engine, villages: None) -> None:
    county_known(engine, sender=FARMER)
    play(engine, [("帮俺查查140621-2026-00007到哪一步了", ["只能用申请时登记的本人手机号查询"])])


# ---------------------------------------------------------------------------------------------- other places

@pytest.mark.parametrize("said", ["长治城区的危房改造咋申请", "朔州市区住着 危房能补不"])
def test_the_city_proper_around_one_of_our_counties_is_not_served(engine: Engine, said: str) -> None:
    reply = say(engine, said)
    assert "回答不了" in reply and "哪个县" not in reply


def test_a_county_of_ours_inside_its_city_is_still_ours(engine: Engine) -> None:
    reply = say(engine, "长治市屯留区的危房改造怎么申请")
    assert "回答不了" not in reply and "屯留" in reply


def test_a_county_by_its_romanised_name_is_known(engine: Engine) -> None:
    reply = say(engine, "Hegang: how many days is the publicity")
    assert "Which county" not in reply and "5" in reply


# ------------------------------------------------------------------------------------------ repair and quotes

def test_the_second_unusable_answer_is_told_the_ways_out(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报", ["请选择"]), ("qwer", ["请回复选项"], ["取消"]), ("呃呃呃", ["请回复选项", "取消", "人工"])])


def test_a_korean_answer_quotes_the_chinese_sentence_and_says_it_is_chinese(engine: Engine) -> None:
    say(engine, "연변")
    reply = say(engine, "위험주택 감정하는 사람은 자격이 있어야 해요?")
    assert "문서 원문(중국어)" in reply and "培训" in reply


# ------------------------------------------------------------------------------------------------- screening

def test_the_household_told_in_the_first_message_is_not_asked_again(engine: Engine) -> None:
    county_known(engine)
    replies = play(engine, [("帮俺娘看看能不能申请 她是五保户 房子鉴定是C级 从没享受过危改",
                             ["已记下", "分散供养特困人员", "C级", "没享受过危房改造"])])
    assert "您家属于下面哪一类" not in replies[0] and "享受过危房改造补助吗" not in replies[0]


def test_that_is_all_gives_the_result_from_what_was_told(engine: Engine) -> None:
    county_known(engine)
    play(engine, [("看看俺能申请不 俺是低保户 房子D级", ["已记下"]),
                  ("就这些 到底能不能申请", ["初步判断", "看依据"], ["第3问"])])


def test_a_question_about_one_condition_stays_a_question_and_the_bare_wish_is_a_check() -> None:
    from bot.flows.screening_cues import asks_to_be_checked, facts_in

    assert not asks_to_be_checked("五保户能申请不")                    # one category: what the rule says for it
    assert not asks_to_be_checked("俺家在镇上买了套房 还能申请危改不")     # a condition the rules weigh
    assert asks_to_be_checked("俺能申请不")                              # only the wish: the check itself
    assert facts_in("没改造过 县城没买房 就这一处房") == {"previously_renovated": False, "other_safe_house": False}
    assert facts_in("저는 기초생활수급자고 집은 D급이에요")["house_grade"] == "D"


def test_a_correction_of_the_kind_of_misconduct_is_applied_where_the_flow_now_is(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("我要举报 村里有人冒领补助", ["冒领", "哪个村"]),
                  ("说错了 不是冒领 是克扣", ["已改正", "克扣", "哪个村"])])
    play(engine, [("东村 不留名 就这些", ["TS-140621-"])])
    [filed] = rows(engine, Complaint)
    assert filed.category == "资金-克扣"


def test_asking_whether_it_was_filed_is_told_the_number(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报 西村村干部克扣俺的补助 不留名 就这些", ["TS-140621-"]),
                  ("那个举报提交了没", ["已经提交了", "TS-140621-"])])


def test_say_again_after_an_answer_gives_the_same_answer(engine: Engine) -> None:
    county_known(engine)
    first = say(engine, "公示几天")
    assert say(engine, "再说一遍") == first


def test_punctuation_alone_inside_a_flow_is_an_unusable_answer_not_the_main_menu(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报", ["请选择"]), ("？？？", ["请回复选项"], ["主菜单"]), ("。。。", ["取消"])])


def test_household_facts_told_earlier_in_the_conversation_start_the_pre_check(engine: Engine) -> None:
    county_known(engine)
    say(engine, "俺是低保户 房子鉴定是D级 补多少钱")
    reply = say(engine, "那帮俺看看能不能申请")
    assert "已记下" in reply and "低保户" in reply and "您家属于下面哪一类" not in reply


def test_someone_elses_application_asked_by_name_is_answered_only_for_the_registered_phone(engine: Engine) -> None:
    county_known(engine)
    assert "只能用申请时登记的本人手机号查询" in say(engine, "帮俺查查俺叔刘大山的申请到哪了")


def test_a_korean_status_question_in_plain_words_is_a_status_question(engine: Engine) -> None:
    say(engine, "연변")
    assert "번호나 이름으로는" in say(engine, "제가 신청한 거 어떻게 됐어요")


@pytest.mark.parametrize("again", ["你刚才说的啥", "刚才那个没收到 重发一下", "다시 한번 말해 주세요",
                                   "didn't get that, send it again", "能说简单点吗 听不懂", "쉽게 말해 주세요"])
def test_say_again_however_put_gives_the_same_answer(engine: Engine, again: str) -> None:
    """The same answer (in the language of the request: a Korean "say again" gets it in Korean)."""
    county_known(engine)
    first = say(engine, "乡镇审核要多久")
    assert "7个工作日" in first and "四(三)" in first
    repeated = say(engine, again)
    assert "7" in repeated and "四(三)" in repeated and "〕" in repeated


@pytest.mark.parametrize("later", ["再说吧", "以后再说", "说啥也不办了", "再问一个问题"])
def test_later_and_other_words_with_say_in_them_are_no_repeat(later: str) -> None:
    from bot.engine.keywords import PLAINER, REPEAT
    assert not REPEAT.match(later) and not PLAINER.match(later)


@pytest.mark.parametrize(("said", "reply"), [("好的 知道了", "好的。"), ("ok thx", "不客气"),
                                             ("行 明白了 谢谢啦", "不客气"), ("네 알겠습니다", "")])
def test_several_acknowledgements_in_one_message_are_acknowledged(engine: Engine, said: str, reply: str) -> None:
    county_known(engine)
    say(engine, "公示几天")
    answer = say(engine, said)
    assert reply in answer and "〔" not in answer                  # no policy answer with a citation


@pytest.mark.parametrize("answer", ["send it", "send", "text me", "tell me", "没收到", "没看到", "短信没收到"])
def test_answers_that_only_look_like_say_again_are_no_repeat(answer: str) -> None:
    from bot.engine.keywords import repeats
    assert not repeats(answer)
