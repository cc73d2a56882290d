"""异议 by message, as a resident meets it: store.process on a real database, SMS and Telegram."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import Engine, select
from test_households import build_world, staff
from test_publicity import local, reviewed, village_notice

from api.db import transaction
from api.models import Area, Objection, OutboundMessage
from api.services.objections import decide_objection
from bot.channels.store import process
from bot.engine.types import Inbound

DAY = dt.date(2025, 3, 3)        # 山阴: a notice opened that day is open through the end of 2025-03-10
LAST = dt.date(2025, 3, 10)
RESIDENT = "13912345678"
_ids = itertools.count(1)


def send(engine: Engine, text: str, now: dt.datetime, *, channel: str = "sms", sender: str = RESIDENT) -> str:
    verified = sender if channel == "sms" else None
    inbound = Inbound(channel, sender, text, message_id=f"o{next(_ids)}", verified_phone=verified)
    return "\n".join(r.text + "".join(f" [{o.key}]{o.label}" for o in r.options)
                     for r in process(engine, inbound, now))


@pytest.fixture
def posted(engine: Engine) -> dict[str, object]:
    with transaction(engine) as s:
        world = build_world(s)
        apps = reviewed(s, world, DAY, n=2)
        notice = village_notice(s, world, apps, DAY)
        heads = [a.household.head_name for a in apps]
        return {"notice": notice.id, "apps": [a.id for a in apps], "heads": heads, "village": world.village.id}


def objections(engine: Engine) -> list[Objection]:
    with transaction(engine) as s:
        rows = list(s.scalars(select(Objection).order_by(Objection.id)))
        s.expunge_all()
        return rows


def test_whole_objection_over_sms(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    assert "哪个县" in send(engine, "异议", now)
    text = send(engine, "山阴", now)
    assert "您所在的村" in text
    text = send(engine, "东村", now)
    assert "东村正在公示的名单" in text and "1. " in text and "2. " in text
    assert posted["heads"][0] not in text          # names are masked
    assert "********" in text and "拟报乡镇审核" in text
    assert "异议、依据" in send(engine, "1", now)
    text = send(engine, "他家在县城有房", now)
    assert "[1]用139****5678" in text
    text = send(engine, "1", now)
    assert "编号YY-140621-2025-00001" in text and "不会告诉被反映的家庭" in text and "书面答复" in text
    [row] = objections(engine)
    assert row.application_id == posted["apps"][0] and row.contact_phone == RESIDENT and row.channel == "sms"
    # the village is remembered: the next 异议 goes straight to the lists
    assert "东村正在公示的名单" in send(engine, "异议", now)


def test_telegram_anonymous_and_fuzzy_village(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    send(engine, "异议", now, channel="telegram", sender="777")
    send(engine, "山阴县", now, channel="telegram", sender="777")
    assert "东村正在公示" in send(engine, "东", now, channel="telegram", sender="777")
    send(engine, "2", now, channel="telegram", sender="777")
    text = send(engine, "有小轿车", now, channel="telegram", sender="777")
    assert "[1]" not in text and "[2]不留联系方式" in text
    text = send(engine, "2", now, channel="telegram", sender="777")
    assert "YY-140621-2025-00001" in text and "不会答复您" in text
    [row] = objections(engine)
    assert row.contact_phone is None and row.sender == "777" and row.application_id == posted["apps"][1]


def test_last_minute_is_taken(engine: Engine, posted: dict) -> None:
    now = local(LAST, 23, 58)
    for text in ("异议", "山阴", "东村", "1", "理由写清楚"):
        send(engine, text, now)
    assert "YY-140621-2025-00001" in send(engine, "2", local(LAST, 23, 59, 59))


def test_begun_before_midnight_finished_after_is_refused_with_dates(engine: Engine, posted: dict) -> None:
    now = local(LAST, 23, 58)
    for text in ("异议", "山阴", "东村", "1", "理由写清楚"):
        send(engine, text, now)
    text = send(engine, "2", local(LAST + dt.timedelta(days=1), 0, 0, 30))
    assert "不在公示期内" in text and "2025年3月3日" in text and "2025年3月10日" in text
    assert objections(engine) == []


def test_the_day_after_no_list_is_offered(engine: Engine, posted: dict) -> None:
    now = local(LAST + dt.timedelta(days=1), 9, 0)
    send(engine, "异议", now)
    send(engine, "山阴", now)
    text = send(engine, "东村", now)
    assert "没有正在公示" in text and "2025年3月10日" in text and "已经结束" in text


def test_unknown_village_asks_again_and_bad_phone_is_refused(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    send(engine, "异议", now)
    send(engine, "山阴", now)
    assert "没有找到这个村" in send(engine, "火星村", now)
    send(engine, "东村", now)
    send(engine, "1", now)
    send(engine, "他家有两套房", now)
    assert "号码不对" in send(engine, "12345", now)
    assert "YY-140621-2025-00001" in send(engine, "13800001111", now)
    assert objections(engine)[0].contact_phone == "13800001111"


def test_holiday_in_between_working_day_county(engine: Engine) -> None:
    """鹤岗 counts 5 working days: opened 2025-09-25, the window runs over National Day to 2025-10-09."""
    opened = dt.date(2025, 9, 25)
    with transaction(engine) as s:
        world = build_world(s, "230400")
        apps = reviewed(s, world, opened, n=1)
        notice = village_notice(s, world, apps, opened)
        assert notice.closes_on == dt.date(2025, 10, 9)
    holiday = local(dt.date(2025, 10, 3), 11, 0)
    for text in ("异议", "鹤岗", "东村", "1", "他家儿子在城里买了房"):
        send(engine, text, holiday, sender="13700000001")
    assert "YY-230400-2025-00001" in send(engine, "2", holiday, sender="13700000001")
    after = local(dt.date(2025, 10, 10), 8, 0)
    send(engine, "异议", after, sender="13700000002")
    send(engine, "鹤岗", after, sender="13700000002")
    text = send(engine, "东村", after, sender="13700000002")
    assert "已经结束" in text and "2025年10月9日" in text


def test_too_many_in_a_day_is_refused(engine: Engine, posted: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.services.objection_port as port

    monkeypatch.setattr(port, "MAX_PER_DAY", 1)
    now = local(DAY, 10, 0)
    for text in ("异议", "山阴", "东村", "1", "理由一"):
        send(engine, text, now)
    assert "YY-" in send(engine, "2", now)
    for text in ("异议", "2", "理由二"):
        send(engine, text, now)
    assert "太多" in send(engine, "2", now)
    assert len(objections(engine)) == 1


def test_shortcut_from_the_public_notice(engine: Engine, posted: dict) -> None:
    """The public notice says: send "异议 <notice> <application> <reason>"; a short one starts right there."""
    now = local(DAY, 10, 0)
    send(engine, "山阴", now)
    text = send(engine, f"异议 {posted['notice']} {posted['apps'][1]} 有车", now)
    assert "[1]用139****5678" in text
    assert "YY-140621-2025-00001" in send(engine, "1", now)
    assert objections(engine)[0].application_id == posted["apps"][1]
    assert "没有找到这条公示" in send(engine, "异议 999 1", now)


def file_one(engine: Engine, now: dt.datetime, **who: str) -> str:
    for text in ("异议", "山阴", "东村", "1", "他家在县城有房"):
        send(engine, text, now, **who)
    receipt = send(engine, "2", now, **who)
    assert "YY-140621-2025-00001" in receipt, receipt
    return "YY-140621-2025-00001"


@pytest.mark.parametrize("message", ["查 {n}", "查询 {n}", "查异议 {n}", "{n}", "查询：{lower}",
                                     "YY 140621 2025 00001"])
def test_status_in_one_message_only_to_the_objector(engine: Engine, posted: dict, message: str) -> None:
    now = local(DAY, 10, 0)
    number = file_one(engine, now)
    text = message.format(n=number, lower=number.lower())
    assert f"异议{number}：已受理" in send(engine, text, now)
    said = send(engine, text, now, sender="13800001111")
    assert "没有找到" in said and "已受理" not in said


def test_status_after_the_keyword_and_the_written_outcome(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    number = file_one(engine, now, channel="telegram", sender="888")
    assert "异议编号" in send(engine, "查异议", now, channel="telegram", sender="888")
    assert "已受理" in send(engine, number, now, channel="telegram", sender="888")
    with transaction(engine) as s:
        decide_objection(s, staff(s.get(Area, posted["village"])), objections(engine)[0].id,
                         outcome="dismissed", investigation="查阅档案", reason="房产登记在其子名下，异议不成立",
                         now=now)
    said = send(engine, f"查 {number}", now, channel="telegram", sender="888")
    assert "异议不成立" in said and "房产登记在其子名下" in said
    assert "没有找到" in send(engine, f"查 {number}", now, channel="telegram", sender="999")
    assert "没有找到" in send(engine, f"查 {number}", now)      # an SMS phone that never filed it
    assert "没有找到" in send(engine, "查 YY-140621-2025-00099", now, channel="telegram", sender="888")


def test_outcome_reaches_the_objector_in_their_language(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    send(engine, "한국어", now, channel="telegram", sender="555")
    file_one(engine, now, channel="telegram", sender="555")
    with transaction(engine) as s:
        decide_objection(s, staff(s.get(Area, posted["village"])), objections(engine)[0].id,
                         outcome="upheld", investigation="入户核实", reason="其子在城里有房", now=now)
        [outcome] = s.scalars(select(OutboundMessage.text).where(OutboundMessage.recipient == "555",
                                                                 OutboundMessage.in_reply_to.is_(None))).all()
    assert "YY-140621-2025-00001" in outcome and "其子在城里有房" in outcome
    assert any("\uac00" <= ch <= "\ud7a3" for ch in outcome) and "异议成立" not in outcome


def test_shortcut_after_the_window_is_refused_at_once_with_the_dates(engine: Engine, posted: dict) -> None:
    """The clerk has not closed the notice yet, but its window is over: no reason or contact is asked first."""
    after = local(LAST + dt.timedelta(days=1), 8, 0)
    send(engine, "山阴", after)
    text = send(engine, f"异议 {posted['notice']} {posted['apps'][0]} 他家有车", after)
    assert "不在公示期内" in text and "2025年3月3日" in text and "2025年3月10日" in text
    assert "[2]" not in text and objections(engine) == []
    assert "YY-" not in send(engine, "2", after)


def test_a_reason_beginning_with_not_satisfied_stays_a_reason(engine: Engine, posted: dict) -> None:
    now = local(DAY, 10, 0)
    for text in ("异议", "山阴", "东村", "1"):
        send(engine, text, now)
    assert "[2]不留联系方式" in send(engine, "不满意，他家在县城有门面房", now)
    assert "YY-140621-2025-00001" in send(engine, "2", now)
    assert objections(engine)[0].reason == "不满意,他家在县城有门面房"   # NFKC folds the comma


def test_an_entry_chosen_by_name_or_ordinal_and_the_reason_in_the_same_message(engine: Engine,
                                                                               posted: dict) -> None:
    from api.models import Application

    with transaction(engine) as s:                     # two different names (the fixture gives both 张小三)
        s.get(Application, posted["apps"][1]).household.head_name = "王小明"
    now = local(DAY, 10, 0)
    send(engine, "山阴", now)
    send(engine, "异议", now)
    assert "王*明" in send(engine, "东村", now)
    assert "请回复名单前面的序号" in send(engine, "那个人", now)
    text = send(engine, "王小明家在县城有楼房还开着小车", now)     # the full name the village knows
    assert "[1]用139****5678" in text                                  # straight to the contact question
    send(engine, "1", now)
    [row] = objections(engine)
    assert row.application_id == posted["apps"][1] and "楼房" in row.reason
    send(engine, "异议", now)
    assert "异议、依据" in send(engine, "第一户", now)


@pytest.mark.parametrize(("reply", "index"), [("2", 1), ("第二户", 1), ("3号", None), ("王小明", 0),
                                              ("欧阳小明有车", 2), ("张", None), ("李四", None)])
def test_pick_entry(reply: str, index: int | None) -> None:
    from bot.flows.objection import pick_entry

    assert pick_entry(reply, ["王*明", "张*", "欧**明"][: 2 if reply == "3号" else 3]) == index
