"""订阅 + village: the flow through store.process, and the publicity list told to subscribers."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from test_households import build_world
from test_publicity import reviewed, village_notice

from api.db import transaction
from api.models.messages import OutboundMessage
from api.models.subscriptions import Subscription
from api.services.notices.publicity import remind_closing
from api.services.subscriptions import subscribe
from api.services.village_names import match_villages
from bot.channels.store import process
from bot.engine.types import Inbound, Reply

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
DAY = dt.date(2025, 3, 3)
_ids = itertools.count(1)


def say(engine: Engine, text: str, sender: str = "13900000009") -> list[Reply]:
    return process(engine, Inbound("sms", sender, text, message_id=f"s{next(_ids)}", verified_phone=sender), NOW)


def test_village_names_match_loosely(session: Session) -> None:
    build_world(session)
    assert [v.name for v in match_villages(session, "140621", "东村")] == ["东村"]
    assert [v.name for v in match_villages(session, "140621", "东")] == ["东村"]
    assert [v.name for v in match_villages(session, "140621", "冬")] == ["东村"]      # same pinyin
    assert match_villages(session, "140621", "火星") == []
    assert match_villages(session, "140429", "东村") == []                          # another county


def test_subscribe_by_message(engine: Engine) -> None:
    with transaction(engine) as s:
        build_world(s)
    say(engine, "山阴县")
    [reply] = say(engine, "订阅东村")
    assert "已订阅" in reply.text and "东村" in reply.text
    asked = say(engine, "订阅")
    assert "村名" in asked[0].text
    assert "没有找到" in say(engine, "火星")[0].text
    with transaction(engine) as s:
        assert len(s.scalars(select(Subscription)).all()) == 1


def test_the_words_around_a_village_name_are_not_taken_for_it(engine: Engine) -> None:
    with transaction(engine) as s:
        build_world(s)
    say(engine, "山阴县", sender="13900000010")
    asked = say(engine, "我想订阅通知", sender="13900000010")
    assert "村名" in asked[0].text and "没有找到" not in asked[0].text
    [reply] = say(engine, "帮我订阅一下东村的公示通知", sender="13900000010")
    assert "已订阅" in reply.text and "东村" in reply.text


def test_publicity_list_goes_to_subscribers_once_with_masked_names(session: Session) -> None:
    world = build_world(session)
    subscribe(session, "sms", "13900000009", world.village.id)
    subscribe(session, "telegram", "4242", world.village.id)
    apps = reviewed(session, world, DAY, n=2)
    notice = village_notice(session, world, apps, DAY)
    told = session.scalars(select(OutboundMessage).where(
        OutboundMessage.idempotency_key.like(f"notice:{notice.id}:opened:%"))).all()
    assert sorted(r.recipient for r in told) == ["13900000009", "4242"]
    text = told[0].text
    head = apps[0].household.head_name
    assert "2户" in text and "2025年3月10日" in text and f"异议 {notice.id}" in text
    assert head not in text and head[0] in text
    assert remind_closing(session, dt.date(2025, 3, 8)) == 0
    assert remind_closing(session, dt.date(2025, 3, 9)) == 2
    assert remind_closing(session, dt.date(2025, 3, 9)) == 0            # a second run adds nothing
    reminder = session.scalars(select(OutboundMessage).where(
        OutboundMessage.idempotency_key.like(f"notice:{notice.id}:closing:%"))).first()
    assert reminder is not None and "明天" in reminder.text
