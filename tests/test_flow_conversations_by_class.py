"""Conversations in the subscription, objection and pre-check flows, by class and in Chinese, Korean and English:
the many ways of asking to be told of a village's next list, a village named with its township, by its Korean
or pinyin reading or mistyped, an assent right after a flow ended, an objection in a county or village with
no open list, and a free remark after a pre-check result.
Lines are ``(said, [the reply holds], [the reply does not hold])``.

The sentences are this file's own; none is taken from a measuring set.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import DAY, play, rows, say
from test_free_text_flows import county_known
from test_households import build_world
from test_publicity import reviewed, village_notice

from api.db import transaction
from api.models import Objection
from api.models.subscriptions import Subscription
from api.services.village_hangul import readings
from bot.flows.faq import assents
from bot.flows.subscribe import NOTIFY_ME

KO, EN = "ko", "en"


@pytest.fixture
def posted(engine: Engine) -> dict[str, object]:
    """The villages above, and a list open in 东村 with two entries (report phone 0349-5021234)."""
    with transaction(engine) as s:
        w = build_world(s)
        apps = reviewed(s, w, DAY, n=2)
        village_notice(s, w, apps, DAY)
        return {"numbers": [a.number for a in apps]}


def subscribed_to(engine: Engine) -> list[int]:
    return [row.village_id for row in rows(engine, Subscription)]


# ------------------------------------------------------------------------------------------- subscribe wishes

@pytest.mark.parametrize(("said", "hint", "village"), [
    ("西村要是贴出名单了 给俺捎个信儿", None, "西村"),
    ("南村有新公示了记得通知我一下", None, "南村"),
    ("东村公布名单的时候跟我说一声", None, "东村"),
    ("서촌 명단 나오면 연락 주세요", KO, "西村"),
    ("남촌 공고 게시되면 문자 부탁해요", KO, "南村"),
    ("동촌 명단 올라오면 알려 줄 수 있어요?", KO, "东村"),
    ("Please text me when the Xicun list goes up", EN, "西村"),
    ("keep me posted about notices for Nancun village", EN, "南村"),
])
def test_a_wish_to_be_told_of_a_villages_next_list_subscribes(engine: Engine, villages: None, said: str,
                                                              hint: str | None, village: str) -> None:
    county_known(engine)
    reply = say(engine, said, hint=hint) if hint else say(engine, said)
    assert village in reply
    assert len(rows(engine, Subscription)) == 1


@pytest.mark.parametrize(("said", "hint"), [("东村和西村的公示都通知俺", None), ("订阅 东村 西村", None),
                                            ("동촌, 서촌 공시 나오면 알려 주세요", KO),
                                            ("notify me when lists go up in Dongcun and Xicun", EN)])
def test_two_villages_named_are_both_subscribed(engine: Engine, villages: None, said: str, hint: str | None) -> None:
    county_known(engine)
    play(engine, [(said, ["东村", "西村"])], **({"hint": hint} if hint else {}))
    assert len(rows(engine, Subscription)) == 2


@pytest.mark.parametrize("said", ["告诉我公示期多少天", "공시 며칠 동안 하는지 알려주세요",
                                  "tell me how long the list is posted"])
def test_tell_me_about_the_list_is_a_question_not_a_subscription(engine: Engine, villages: None, said: str) -> None:
    county_known(engine)
    say(engine, said)
    assert rows(engine, Subscription) == []


def test_the_notify_pattern_needs_the_list_beside_the_wish() -> None:
    assert NOTIFY_ME.search("以后有公示了告诉俺一声") and NOTIFY_ME.search("공시 나오면 알려주세요")
    assert NOTIFY_ME.search("let me know when the list is published")
    assert not NOTIFY_ME.search("告诉俺补助多少钱") and not NOTIFY_ME.search("let me know the subsidy")


@pytest.mark.parametrize(("script", "hint"), [
    ([("我想订阅俺村的危房改造通知", ["村名"], ["没有找到"]), ("马营庄乡南村", ["已订阅", "南村"])], None),
    ([("订阅", ["村名"]), ("岱岳镇西存", ["已订阅", "西村"])], None),        # a township, then a mistyped village
    ([("마을 공시 알림 받고 싶어요", ["마을"]), ("마영장향 남촌", ["南村"])], KO),
    ([("I want to subscribe", ["village"]), ("Mayingzhuang township, Nancun", ["南村"])], EN),
])
def test_no_village_named_is_asked_and_a_township_with_its_village_is_found(
        engine: Engine, villages: None, script: list, hint: str | None) -> None:
    county_known(engine)
    play(engine, script, **({"hint": hint} if hint else {}))
    assert len(rows(engine, Subscription)) == 1


@pytest.mark.parametrize(("first", "assent", "hint", "told"), [
    ("订阅东村", "行 确认", None, "已经订阅了"),
    ("동촌 구독", "네 확인", KO, "이미"),
    ("subscribe to Dongcun notices", "ok sure", EN, "already subscribed"),
])
def test_an_assent_right_after_subscribing_is_acknowledged_not_searched(
        engine: Engine, villages: None, first: str, assent: str, hint: str | None, told: str) -> None:
    county_known(engine)
    kwargs = {"hint": hint} if hint else {}
    play(engine, [(first, ["东村"]), (assent, [told, "东村"], ["依据"])], **kwargs)
    assert len(rows(engine, Subscription)) == 1


def test_an_assent_outside_any_flow_is_acknowledged(engine: Engine) -> None:
    county_known(engine)
    play(engine, [("好 确认", ["好的"], ["依据", "您想问的是哪一个"])])
    assert assents("行 就这样") and assents("ok great thanks") and not assents("好 补助多少")


def test_korean_readings_of_village_names() -> None:
    assert readings("东村") == {"동촌"} and "이장촌" in readings("李庄村")
    assert readings("𠮷村") == frozenset()          # a character outside the table: no reading, no guess


# ------------------------------------------------------------------------------------------------ objections

@pytest.mark.parametrize(("said", "hint", "told"), [
    ("西村公示俺要提个意见", None, "西村现在没有正在公示"),
    ("俺对西村的名单不服", None, "西村现在没有正在公示"),
    ("서촌 공시 명단에 이의가 있어요", KO, "西村"),
    ("I disagree with the Xicun publicity list", EN, "no list under publicity"),
])
def test_an_objection_to_a_village_with_no_open_list_is_told_so_at_once(engine: Engine, posted: dict, said: str,
                                                                        hint: str | None, told: str) -> None:
    county_known(engine)
    play(engine, [(said, [told], ["没有写", "请回复您所在的村"])], **({"hint": hint} if hint else {}))
    assert rows(engine, Objection) == []


def test_an_objection_in_a_county_with_no_open_list_names_the_village_said(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("南村危房改造的公示我想提意见", ["南村现在没有正在公示", "村委会"], ["YY-"])])


@pytest.mark.parametrize(("script", "hint"), [
    ([("俺对东村公示的{n}有意见", ["有什么异议"], ["已记下"]),        # no reason in it: asked, never invented
      ("公示上的举报电话是多少", ["0349-5021234", "有什么异议"]),     # the list's own phone, then the question
      ("他家在城里有门市房", ["书面答复"]),
      ("儿子还在县上买了车", ["已补充到异议理由里", "书面答复"]),     # more reason, not a bad phone number
      ("2", ["编号YY-"])], None),
    ([("{n} 이 집 공시에 이의가 있어요", ["이의"]), ("읍내에 아파트가 있어요", []), ("2", ["YY-"])], KO),
    ([("I object to {n}", ["on what grounds"]), ("He owns a car and a flat in town", ["in writing"]),
      ("2", ["YY-", "no contact"])], EN),
])
def test_an_objection_by_the_number_on_the_notice_asks_the_reason_and_keeps_the_thread(
        engine: Engine, posted: dict, script: list, hint: str | None) -> None:
    county_known(engine)
    number = posted["numbers"][0]
    play(engine, [(line[0].format(n=number), *line[1:]) for line in script], **({"hint": hint} if hint else {}))
    filed = rows(engine, Objection)
    assert len(filed) == 1 and len(filed[0].reason) >= 5
    if hint is None:
        assert "门市房" in filed[0].reason and "买了车" in filed[0].reason


# ------------------------------------------------------------------------------------------------- pre-check

@pytest.mark.parametrize(("script", "hint", "kept"), [
    ([("帮俺看看能不能申请危房改造", ["第1问"]), ("低保户", ["第2问"]), ("鉴定的是A级", ["不符合"]),
      ("俺家就这一间屋", ["不符合", "说错了"], ["依据：", "没有讲"])], None, "请回复1同意"),
    ([("우리 집 신청할 수 있는지 봐 주세요", ["질문 1"]), ("2", ["질문 2"]), ("3", []),
      ("집이 이거 하나예요", ["说错了"], ["근거:"])], KO, "[1]"),
    ([("please check whether we qualify", ["Question 1"]), ("2", ["Question 2"]), ("3", []),
      ("we only have this one house", ["说错了"], ["Source"])], EN, "[1]"),
])
def test_a_remark_after_the_result_keeps_the_judgement_and_gets_no_policy_answer(
        engine: Engine, script: list, hint: str | None, kept: str) -> None:
    say(engine, "屯留区", channel="telegram")
    replies = play(engine, script, channel="telegram", **({"hint": hint} if hint else {}))
    assert kept in replies[-1]


@pytest.mark.parametrize(("first", "yes", "hint", "asked"), [
    ("帮俺看看能不能申请危房改造", "好的", None, "姓名"), ("우리 집 신청할 수 있는지 봐 주세요", "좋아요", KO, "성함"),
    ("please check whether we qualify", "sure", EN, "name")])
def test_consent_given_in_words(engine: Engine, first: str, yes: str, hint: str | None, asked: str) -> None:
    say(engine, "屯留区", channel="telegram")
    kwargs = {"hint": hint} if hint else {}
    play(engine, [(first, []), ("2", []), ("3", [])], channel="telegram", **kwargs)
    play(engine, [(yes, [asked])], channel="telegram", **kwargs)


# ------------------------------------------------------------------------------------- status, questions in flow

@pytest.mark.parametrize("said", ["我家申请批下来没有", "俺的申请审批通过没有", "俺家的补助批了没有"])
def test_where_my_application_stands_ending_in_meiyou_is_a_status_question(engine: Engine, said: str) -> None:
    county_known(engine)
    play(engine, [(said, ["手机号"], ["依据"])])


@pytest.mark.parametrize(("question", "hint"), [("订阅要花钱不", None), ("구독하면 뭐가 와요?", KO),
                                                 ("what do I get if I subscribe?", EN)])
def test_a_question_at_the_village_question_of_a_subscription_is_not_taken_for_a_village(
        engine: Engine, villages: None, question: str, hint: str | None) -> None:
    county_known(engine)
    kwargs = {"hint": hint} if hint else {}
    replies = play(engine, [("订阅", []), (question, [], ["没有找到这个村"]), ("东村", ["东村"])], **kwargs)
    assert "东村" in replies[-1] and len(rows(engine, Subscription)) == 1


@pytest.mark.parametrize("said", ["给俺订上东村的公示通知", "俺想收东村的危改通知", "还是订上吧 东村的"])
def test_subscribe_said_with_other_verbs(engine: Engine, villages: None, said: str) -> None:
    say(engine, "山阴县")
    assert "已订阅" in say(engine, said)


def test_a_village_turned_down_in_its_own_clause_is_not_subscribed(engine: Engine, villages: None) -> None:
    say(engine, "山阴县")
    reply = say(engine, "东村的公示不用通知我，西村的公示出来了通知我")
    assert "西村" in reply and "东村" not in reply
