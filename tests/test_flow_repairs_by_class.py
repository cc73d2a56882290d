"""Conversation repairs by class, in Chinese, Korean and English: the pre-check started by a bare wish and answered
in words, leaving and repeating however it is put, an answer with a question beside it, a follow-up to a status
answer, a refusal followed by "what now", a subscription asked about right after it was made.
Lines are ``(said, [the reply holds], [the reply does not hold])``.

The sentences are this file's own; none is taken from a measuring set.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import DAY, play, rows, say
from test_free_text_flows import county_known
from test_households import build_world
from test_publicity import reviewed

from api.db import transaction
from api.models import CallbackRequest, Complaint
from api.models.subscriptions import Subscription
from bot.engine.keywords import DONE, REPEAT, WHAT_NOW, cancels, split_aside

# ------------------------------------------------------------------------------------------------- vocabulary

@pytest.mark.parametrize("said", ["不弄了 算了", "never mind, stop", "取消吧", "그만할게요"])
def test_leave_words_however_many_leave(said: str) -> None:
    assert cancels(said)


@pytest.mark.parametrize("said", ["啊啊啊", "算了 还是接着办吧", "stop by the village office"])
def test_what_is_no_leave_word_does_not_leave(said: str) -> None:
    assert not cancels(said)


def test_one_done_vocabulary_and_repeat_in_pairs() -> None:
    assert DONE.search("就这些了 提交吧") and DONE.search("이게 다예요") and DONE.search("ok that is all")
    assert not DONE.search("申请要提交什么材料")
    assert REPEAT.match("没看清 再发一遍") and REPEAT.match("say that again please")
    assert split_aside("东村的 顺便问问 补助多少") == ("东村的", "补助多少")
    assert WHAT_NOW.match("那俺们该找谁") and WHAT_NOW.match("what should I do now?")


# ------------------------------------------------------------------------------------------------- pre-check

@pytest.mark.parametrize(("said", "first"), [
    ("麻烦帮俺瞧瞧俺家能不能申请", "第1问"),
    ("우리 집도 신청할 수 있는지 봐 주세요", "질문 1"),
    ("please check whether we qualify", "Question 1"),
])
def test_a_bare_wish_to_be_checked_starts_the_pre_check(engine: Engine, said: str, first: str) -> None:
    county_known(engine)
    assert first in say(engine, said)


def test_a_household_told_in_the_first_message_does_not_make_the_first_question_the_second(engine: Engine) -> None:
    county_known(engine)
    reply = say(engine, "帮俺看看能不能申请 俺家是五保户 房子D级")
    assert "已记下" in reply and "第1问" in reply and "第2问" not in reply


def test_answers_in_words_are_taken_and_a_told_fact_is_corrected(engine: Engine) -> None:
    county_known(engine, "鹤岗")
    play(engine, [
        ("can we apply for the renovation?", ["Question 1"]),
        ("my mother receives dibao", ["Noted", "Question 2"]),
        ("wrong, she is in extreme hardship, not dibao", ["Corrected"], ["did not understand"]),
    ])


def test_an_aside_after_a_mark_is_answered_and_go_on_asks_the_question_again(engine: Engine) -> None:
    county_known(engine)
    play(engine, [
        ("俺能申请不", ["第1问"]),
        ("等一下 顺便问问 村里公示要几天", ["7", "接着"], ["没看懂"]),
        ("好 继续", ["第1问"], ["没看懂"]),
    ])


# ------------------------------------------------------------------------------------------------ complaints

def test_an_answer_with_a_question_beside_it_gets_both(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("我要举报", ["请选择"]),
        ("有人冒领了补助 对了 公示要贴几天", ["7", "冒领", "哪个村"]),
    ])


def test_the_village_corrected_in_place_and_the_wish_to_stay_unnamed_said_back(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("我要举报施工队偷工减料", ["哪个村"]),
        ("别让村里人知道是俺说的", ["匿名", "哪个村"], ["反映的是谁"]),
        ("东村", ["请说明"]),                  # the builder was named: who it is about is not asked
        ("说错了 是南村 不是东村", ["已改正", "南村", "请说明"]),
    ])


def test_korean_that_is_all_files_the_complaint(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("보조금을 떼먹은 사람을 신고할래요 익명으로요", []), ("이게 다예요", ["TS-140621-"])],
         hint="ko")
    [filed] = rows(engine, Complaint)
    assert filed.anonymous


# --------------------------------------------------------------------------------------------------- status

def test_after_a_status_answer_how_long_gets_the_step_and_someone_else_the_own_phone_rule(engine: Engine) -> None:
    with transaction(engine) as s:
        [app] = reviewed(s, build_world(s), DAY, n=1)
        phone = app.contacts[0].phone
    county_known(engine, sender=phone)
    play(engine, [("俺家的申请到哪了", ["村委会正在调查"]), ("那还要等多长时间", ["山阴县"], ["没有找到"])],
         sender=phone)
    play(engine, [("俺家的申请到哪了", ["村委会正在调查"]), ("那俺哥自己咋查", ["本人手机号"])], sender=phone)


# ---------------------------------------------------------------------------------- refusals, subscriptions

def test_what_now_after_a_refusal_is_told_the_way_and_who_to_ask(engine: Engine) -> None:
    county_known(engine)                       # no village imported in this county
    play(engine, [("我对村里公示的名单有异议", ["还没有录入"]),
                  ("那俺咋办", ["书面反映", "咨询"], ["您想问的是哪一个"])])


def test_a_subscription_asked_about_right_after_is_told_it_is_done(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("俺想收西村的公示通知", ["已订阅", "西村"]), ("订好了没", ["已经订阅了", "西村"]),
                  ("嗯 订阅", ["村名"])])                     # another village may follow
    assert len(rows(engine, Subscription)) == 1


def test_subscribing_after_other_words_and_in_korean(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("那行吧 订阅东村", ["已订阅", "东村"])])
    county_known(engine, sender="13911110000")
    play(engine, [("마을 공지 구독하고 싶어요", ["마을"])], sender="13911110000", hint="ko")


def test_a_wish_for_a_person_who_understands_better_than_a_machine(engine: Engine) -> None:
    county_known(engine)
    play(engine, [("找个人给俺讲讲 机器人说不清", ["回电"]), ("1", ["找您可以吗"]), ("可以", ["说说想问什么"]),
                  ("跳过", [])])
    assert len(rows(engine, CallbackRequest)) == 1


# ------------------------------------------------------------------------------------------------ review fixes

@pytest.mark.parametrize("said", ["村长说完了就走了", "they told me to go ahead and build", "我确认过了是C级",
                                  "提交的材料不全"])
def test_done_words_inside_a_story_do_not_close_it(said: str) -> None:
    assert DONE.search(said) is None


@pytest.mark.parametrize("said", ["好 确认", "是的提交", "说完了", "村里扣了钱 就这些", "OK submit"])
def test_done_words_at_the_end_close(said: str) -> None:
    assert DONE.search(said) is not None


def test_a_leave_word_then_a_question_outside_a_flow_is_answered(engine: Engine) -> None:
    county_known(engine)
    play(engine, [("算了 那公示要几天", ["7"], ["什么也没有提交"])])
    play(engine, [("算了 那申请要交啥材料", ["申请"], ["什么也没有提交"])])
    play(engine, [("算了 不弄了 怕得罪人", ["什么也没有提交"])])


def test_cancelling_a_subscription_never_makes_one(engine: Engine, villages: None) -> None:
    county_known(engine)
    say(engine, "取消 订阅东村的通知")
    say(engine, "我不想订阅东村了")
    assert rows(engine, Subscription) == []


def test_a_later_success_question_is_not_taken_for_the_subscription(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("订阅东村", ["已订阅"])])
    play(engine, [("订上了吗", ["已经订阅"])])
    play(engine, [("改造验收成功了没", [], ["已经订阅"])])


def test_an_aside_inside_a_complaint_account_keeps_the_whole_account(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("我要举报", ["请选择"]), ("3", ["哪个村"]), ("东村", ["谁"]), ("村干部", ["发生了什么"])])
    play(engine, [("村干部把补助扣了两千 对了 这钱该给多少 村长还收了两百块好处费", ["严禁", "联系"])])
    say(engine, "匿名")
    say(engine, "确认提交")
    filed = rows(engine, Complaint)
    assert filed and "好处费" in filed[-1].text
