"""Objections written the way farmers write them: everything in one message, as transcripts.

The objection flow reads what a message already says — the county, the village, the number printed on the
notice, the entry, the reason, the closing words — and asks only for the rest; a question about a village's
list is answered from the records. Lines are ``(said, [the reply holds], [the reply does not hold])``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import FARMER, play, rows, say
from test_free_text_flows import county_known
from test_households import build_world
from test_publicity import reviewed, village_notice

from api.db import transaction
from api.models import Application, Objection
from bot.channels.store import load_state
from bot.flows.objection_cues import closing_in, reason_in


@pytest.fixture
def posted(engine: Engine) -> dict[str, object]:
    """东村 (岱岳镇) has a list open with 张*三 and 王*明; 西村 has none."""
    from test_dialog_repair import DAY

    with transaction(engine) as s:
        w = build_world(s)
        apps = reviewed(s, w, DAY, n=2)
        s.get(Application, apps[1].id).household.head_name = "王小明"
        notice = village_notice(s, w, apps, DAY)
        return {"notice": notice.id, "apps": [a.id for a in apps], "numbers": [a.number for a in apps]}


# ------------------------------------------------------------------------------------------ 1. the village inside

def test_the_village_named_inside_the_first_message_shows_its_list(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("我想对岱岳镇东村公示名单提个异议", ["东村正在公示的名单", posted["numbers"][0], "王*明"], ["您所在的村"]),
        ("2", ["异议、依据"]),
    ])


def test_the_village_named_inside_the_answer_to_the_village_question(engine: Engine, posted: dict) -> None:
    play(engine, [
        ("异议", ["哪个县"]),
        ("山阴县", ["您所在的村"]),
        ("俺们是岱岳镇东村的", ["东村正在公示的名单", "王*明"], ["没有找到这个村"]),
    ])


# ------------------------------------------------------------------------------------------ 2. the printed number

def test_the_number_in_the_first_message_names_the_entry_and_the_rest_is_the_reason(engine: Engine,
                                                                                     posted: dict) -> None:
    second = posted["numbers"][1]
    county_known(engine)
    play(engine, [
        (f"{second} 这家在城里开着超市 不该评上", ["王*明", second, "这家在城里开着超市", "[1]用139****5678"],
         ["您所在的村", "名单前面的序号"]),
        ("1", ["YY-140621-2025-00001"]),
    ])
    [row] = rows(engine, Objection)
    assert row.application_id == posted["apps"][1] and second not in row.reason and "超市" in row.reason


def test_the_number_at_the_village_step_and_the_serial_once_the_list_is_shown(engine: Engine,
                                                                             posted: dict) -> None:
    first, second = posted["numbers"]
    play(engine, [
        ("异议", ["哪个县"]),
        ("山阴县", ["您所在的村"]),
        (f"{first} 他家刚盖了两层小楼", ["张*三", "[1]用139****5678"], ["没有找到这个村"]),
        ("2", ["YY-140621-2025-00001"]),
        ("异议", ["您所在的村"]),
        ("东村", ["东村正在公示的名单"]),
        (f"{second[-5:]}号那户在县里有门面", ["王*明", "[1]用139****5678"], ["名单前面的序号"]),
        ("2", ["YY-140621-2025-00002"]),
    ])
    assert [o.application_id for o in rows(engine, Objection)] == posted["apps"]


def test_an_unknown_number_is_said_to_be_on_no_open_list_with_the_open_lists_named(engine: Engine,
                                                                                   posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("140621-2025-00077 这家不该上公示", ["不在现在正在公示的名单上", "东村"], ["YY-", "[1]用"]),
        ("东村", ["东村正在公示的名单"]),
    ])
    assert rows(engine, Objection) == []


# ------------------------------------------------------------------------------------------ 3. no open list

def test_a_village_without_an_open_list_is_said_at_once(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("俺要对西村的名单提异议", ["西村现在没有正在公示"], ["您所在的村", "哪个村"]),
        ("西村公示上都有谁", ["西村现在没有正在公示"], ["张*三"]),
    ])


def test_a_county_without_villages_is_said_at_the_start_of_a_free_text_objection(engine: Engine) -> None:
    play(engine, [
        ("屯留区", []),
        ("俺要对俺们村公示名单提异议", ["还没有录入系统", "书面反映"], ["您所在的村"]),
    ])


# ------------------------------------------------------------------------------------------ 4. the county inside

def test_the_county_township_village_entry_and_reason_in_one_first_message(engine: Engine, posted: dict) -> None:
    play(engine, [
        ("我是山阴县岱岳镇东村的，名单上王*明家有两台拖拉机还有门面房，我要提异议",
         ["王*明", "拖拉机", "[1]用139****5678"], ["哪个县", "您所在的村", "名单前面的序号"]),
        ("我叫孙大山 就用这个号 提交吧", ["YY-140621-2025-00001", "书面答复"]),
    ])
    [row] = rows(engine, Objection)
    assert row.application_id == posted["apps"][1] and row.contact_phone == FARMER
    assert "孙大山" not in row.reason and "我要提异议" not in row.reason


# ------------------------------------------------------------------------------------------ 5. questions about a list

def test_questions_about_a_list_are_answered_from_the_records(engine: Engine, posted: dict) -> None:
    first, second = posted["numbers"]
    county_known(engine)
    play(engine, [
        ("东村的公示名单上都是哪几家", ["张*三", "王*明", first, second, "2025年3月10日截止"], ["不少于7天"]),
        ("东村公示到哪天截止", ["2025年3月10日截止", "还剩8天"]),
        ("公示上的举报电话多少", ["0349-5021234"]),            # the village is known now
        ("岱岳镇东村现在在公示吗", ["东村正在公示的名单"]),
        (f"{second[-5:]} 他家不困难", ["王*明", "[1]用139****5678"]),       # picked from the list just shown
    ])


def test_a_question_about_the_list_in_the_middle_of_an_objection_keeps_the_step(engine: Engine,
                                                                                posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("异议", ["您所在的村"]),
        ("东村", ["东村正在公示的名单"]),
        ("1", ["异议、依据"]),
        ("公示还有几天截止", ["还剩8天", "异议、依据"], ["不少于7天"]),
        ("他家在城里有商品房", ["[1]用139****5678"]),
        ("2", ["YY-140621-2025-00001"]),
    ])
    assert rows(engine, Objection)[0].reason == "他家在城里有商品房"


def test_a_policy_question_about_publicity_stays_a_policy_question(engine: Engine, posted: dict) -> None:
    county_known(engine)
    reply = say(engine, "公示几天")
    assert "7" in reply and "东村正在公示的名单" not in reply


# ------------------------------------------------------------------------------------------ 6. closing words

def test_name_own_phone_and_submit_at_the_contact_step(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("异议", []),
        ("东村", []),
        ("1", ["异议、依据"]),
        ("他家儿子在县城上班买了房", ["[1]用139****5678"]),
        ("俺叫周二 电话就用这个 就这些", ["YY-140621-2025-00001", "书面答复"], ["号码不对"]),
    ])
    assert rows(engine, Objection)[0].contact_phone == FARMER


def test_the_wish_to_stay_anonymous_and_submit(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        (f"{posted['numbers'][0]} 我有意见 他家有小汽车", ["[1]用139****5678"]),
        ("不留名 确认", ["YY-140621-2025-00001", "不会答复您"], ["号码不对"]),
    ])
    assert rows(engine, Objection)[0].contact_phone is None


def test_the_reason_and_the_closing_words_in_one_message_file_at_once(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("异议", []),
        ("东村", []),
        ("2", ["异议、依据"]),
        ("他家在镇上有铺子 电话就这个 就这些 确认提交", ["YY-140621-2025-00001", "书面答复"], ["[1]用"]),
    ])
    [row] = rows(engine, Objection)
    assert row.reason == "他家在镇上有铺子" and row.contact_phone == FARMER


def test_a_written_phone_among_closing_words(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        (f"{posted['numbers'][1]} 不符合条件 他家有挖掘机", ["[1]用139****5678"]),
        ("结果发到13800001111 就这些", ["YY-140621-2025-00001"]),
    ])
    assert rows(engine, Objection)[0].contact_phone == "13800001111"


# ------------------------------------------------------------------------------------------ 7. English and Korean

def test_english_objection_with_the_number_and_closing_words(engine: Engine, posted: dict) -> None:
    county_known(engine, hint="en")
    play(engine, [
        (f"I would like to object to a household on the list, number {posted['numbers'][0]}. They run a shop in "
         "the county town", ["139****5678"], ["which village", "Which village"]),
        ("That's all. Please use this number, submit", ["YY-140621-2025-00001"]),
    ], hint="en")
    [row] = rows(engine, Objection)
    assert row.contact_phone == FARMER and "shop" in row.reason and "object" not in row.reason


def test_korean_objection_starts_the_objection_flow(engine: Engine, posted: dict) -> None:
    county_known(engine, hint="ko")
    say(engine, "공시 명단에 있는 집에 이의를 제기하고 싶어요", hint="ko")
    with transaction(engine) as s:
        assert load_state(s, "sms", FARMER).flow == "objection"


# ------------------------------------------------------------------------------------------ the cues themselves

@pytest.mark.parametrize(("text", "reason"), [
    ("140621-2026-00005 她家有三套房 我要提异议", "她家有三套房"),
    ("不满意，他家在县城有门面房", "不满意，他家在县城有门面房"),            # nothing to drop: kept as written
    ("他家有车 就这些 电话就这个 确认提交", "他家有车"),
    ("I want to object to them, number 140621-2026-00005. They own two flats", "They own two flats"),
])
def test_reason_in(text: str, reason: str) -> None:
    assert reason_in(text) == reason


@pytest.mark.parametrize(("text", "own", "anonymous", "confirm", "phone"), [
    ("俺叫王二 电话就是这个 就这些", True, False, True, None),
    ("就这样吧 匿名", False, True, True, None),
    ("打13900001111 确认", False, False, True, "13900001111"),
    ("that is all, my name is Li Lei, use this number, submit", True, False, True, None),
    ("他家房子没了确认过", False, False, False, None),                  # closing words only as whole pieces
])
def test_closing_in(text: str, own: bool, anonymous: bool, confirm: bool, phone: str | None) -> None:
    closing = closing_in(text)
    assert (closing.own_phone, closing.anonymous, closing.confirm, closing.phone) == (own, anonymous, confirm, phone)


# ------------------------------------------------------------------------------------------ more of the same classes

def test_a_new_sender_with_a_number_is_taken_to_live_in_its_county(engine: Engine, posted: dict) -> None:
    play(engine, [
        (f"{posted['numbers'][0]} 这户不应该评上 家里有大货车", ["张*三", "[1]用139****5678"],
         ["哪个县", "还没有录入"]),
        ("是的 提交", ["YY-140621-2025-00001"]),
    ])
    assert rows(engine, Objection)[0].contact_phone == FARMER


def test_a_named_village_and_entry_with_an_objection_word_start_the_objection(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("东村名单上那个王*明俺有意见 人家在城里当老师", ["王*明", "在城里当老师", "[1]用139****5678"]),
        ("要", ["YY-140621-2025-00001", "书面答复"]),
    ])
    assert rows(engine, Objection)[0].contact_phone == FARMER


def test_a_request_to_see_the_list_and_another_village_after_none(engine: Engine, posted: dict) -> None:
    county_known(engine)
    play(engine, [
        ("西村的公示俺有异议", ["西村现在没有正在公示"]),
        ("那东村的名单呢", ["张*三", "王*明"]),
        ("谢谢", ["不客气"], ["王*明"]),                          # only asked about: not a trap
        ("把东村公示名单给俺看看", ["王*明"]),
        ("2", ["异议、依据"]),
    ])


def test_someone_asking_what_to_do_about_an_objection_against_them_gets_the_rule(engine: Engine,
                                                                                  posted: dict) -> None:
    county_known(engine)
    reply = say(engine, "有人说东村俺家不该评上 这咋整")
    assert "东村正在公示的名单" not in reply and "[1]用" not in reply


def test_a_correction_naming_another_serial_moves_the_objection_to_that_entry(engine: Engine,
                                                                              posted: dict) -> None:
    first, second = posted["numbers"]
    county_known(engine)
    play(engine, [
        (f"对东村公示提异议 编号{first}", ["张*三"]),
        (f"不对 不是{first[-5:]} 是{second[-5:]}那家 他家在县城有门面", ["王*明", second], ["张*三（"]),
    ])
    assert rows(engine, Objection) == []
