"""举报 and 异议 through the SMS gateway endpoint: what the farmer's phone receives, from the outbox."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_households import build_world
from test_publicity import reviewed
from test_sms_channel import FARMER, client, last_text, sms  # noqa: F401 - client is a fixture

from api.clock import local_today
from api.db import transaction
from api.models import NoticeEntry, NoticeLevel, PublicityNotice


def test_complaint_by_sms(client: TestClient, engine: Engine) -> None:  # noqa: F811
    with transaction(engine) as s:
        build_world(s)
    sms(client, "举报")
    sms(client, "山阴")
    assert "索要好处费" in last_text(engine)
    for text in ("3", "东村", "1", "村会计每户扣了一千元"):
        sms(client, text)
    assert "匿名" in last_text(engine)
    sms(client, "1")
    receipt = last_text(engine)
    assert "TS-140621-" in receipt and "答复您" in receipt
    number = receipt[receipt.index("TS-"):receipt.index("TS-") + 20]
    sms(client, "查举报")
    sms(client, number)
    assert "已受理" in last_text(engine)
    sms(client, "查举报", sender="13600000000")
    sms(client, number, sender="13600000000")
    assert "没有找到" in last_text(engine, "13600000000")
    sms(client, f"查 {number}")                          # the wish and the number in one message
    assert "已受理" in last_text(engine)
    sms(client, f"查询 {number}", sender="13600000000")
    assert "没有找到" in last_text(engine, "13600000000")


def test_objection_by_sms(client: TestClient, engine: Engine) -> None:  # noqa: F811
    today = local_today()
    with transaction(engine) as s:
        world = build_world(s)
        apps = reviewed(s, world, today - dt.timedelta(days=1), n=1)
        notice = PublicityNotice(level=NoticeLevel.village, area_id=world.village.id, county_code="140621",
                                 opened_on=today, closes_on=today + dt.timedelta(days=6), opened_by="test")
        notice.entries.append(NoticeEntry(application_id=apps[0].id))
        s.add(notice)
    for text in ("异议", "山阴", "东村"):
        sms(client, text)
    assert "正在公示的名单" in last_text(engine)
    sms(client, "1")
    sms(client, "他家在县城有门面房")
    sms(client, "1")
    assert "YY-140621-" in last_text(engine) and FARMER not in last_text(engine)
    receipt = last_text(engine)
    number = receipt[receipt.index("YY-"):receipt.index("YY-") + 20]
    sms(client, f"查 {number}")
    assert "已受理" in last_text(engine)
    sms(client, number, sender="13600000000")
    assert "没有找到" in last_text(engine, "13600000000")
