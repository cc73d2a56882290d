"""异议 and 举报 over Telegram end to end: real python-telegram-bot, real HTTP, the fake Bot API on 127.0.0.1.

Each test reads as what a resident sends and what their phone shows; the records are checked afterwards. The
bot's clock is the real one, so the notices are posted relative to today.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, select
from telegram_fake import TelegramChat, bot_settings, fake_bot_api, polling
from test_households import build_world, staff
from test_publicity import reviewed, village_notice

from api.clock import local_today
from api.db import transaction
from api.delivery.telegram import send_queued
from api.models import Area, NoticeLevel, Objection, OutboundMessage
from api.models.complaints import Complaint
from api.schemas.publicity import NoticeIn
from api.services.complaints import resolve
from api.services.publicity import open_notice

FILER, STRANGER, VERIFIED = 5001, 5002, 5003
PHONE = "13912345678"


@pytest.fixture
def posted(engine: Engine) -> dict[str, Any]:
    """东村: a list under publicity today; 西村: a list whose window ended a week ago, not yet closed."""
    today = local_today()
    with transaction(engine) as s:
        world = build_world(s)
        apps = reviewed(s, world, today, n=2)
        notice = village_notice(s, world, apps, today)
        long_ago = today - dt.timedelta(days=15)
        old = reviewed(s, world, long_ago, n=1, village=world.village2)
        data = NoticeIn.model_validate({"level": "village", "area_id": world.village2.id,
                                        "application_ids": [old[0].id], "minutes_ref": "纪要〔2026〕2号",
                                        "report_phone": "0349-5021234"})
        expired = open_notice(s, staff(world.village2), data, today=long_ago)
        assert notice.level is NoticeLevel.village and expired.closes_on < today
        return {"heads": [a.household.head_name for a in apps], "apps": [a.id for a in apps],
                "expired": (expired.id, old[0].id, expired.opened_on, expired.closes_on),
                "township": world.township.id}


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_objection_from_village_to_receipt_and_a_refusal_outside_the_window(
        engine: Engine, posted: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    expired_id, expired_app, opened_on, closes_on = posted["expired"]
    numbers: list[str] = []
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation(_application: Any) -> None:
            me, other = TelegramChat(fake, FILER, engine=engine), TelegramChat(fake, STRANGER, engine=engine)
            assert "哪个县" in await me.say("异议")
            assert "您所在的村" in await me.press("山阴县")
            lists = await me.say("东村")
            assert "东村正在公示的名单" in lists and "1. " in lists and "2. " in lists
            assert "********" in lists and not any(head in lists for head in posted["heads"])
            assert "异议、依据" in await me.say("1")
            contact = await me.say("他家在县城有门面房")
            assert set(me.options()) == {"不留联系方式"}          # no verified phone on this chat
            assert "书面答复" in contact
            receipt = await me.press("不留联系方式")
            assert "YY-140621-" in receipt and "不会告诉被反映的家庭" in receipt and "不会答复您" in receipt
            number = receipt[receipt.index("YY-"):receipt.index("YY-") + 20]
            numbers.append(number)
            assert f"异议{number}：已受理" in await me.say(f"查 {number}")
            assert "没有找到" in await other.say(f"查 {number}")
            # the day after a window: the list is not offered, and a direct objection is refused with its dates
            said = await me.say("异议")
            assert "东村正在公示的名单" in said                     # the village is remembered
            assert "您所在的村" in await me.say("换村")
            over = await me.say("西村")
            assert "没有正在公示" in over and "已经结束" in over and _date(closes_on) in over
            refused = await me.say(f"异议 {expired_id} {expired_app} 他家不是危房")
            assert "不在公示期内" in refused and _date(opened_on) in refused and _date(closes_on) in refused
            assert not me.options()                               # refused at once: no contact asked

        polling(engine, settings, conversation)
    with transaction(engine) as s:
        [row] = s.scalars(select(Objection)).all()
        assert (row.number, row.channel, row.sender) == (numbers[0], "telegram", str(FILER))
        assert row.application_id == posted["apps"][0] and row.contact_phone is None


def test_complaint_with_photos_contact_anonymous_status_and_follow_up(
        engine: Engine, posted: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    numbers: dict[str, str] = {}
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def file(chat: TelegramChat, contact: str) -> str:
            assert "哪个县" in await chat.say("举报")
            assert "请选择要反映的问题" in await chat.press("山阴县")
            assert "哪个村" in await chat.press("索要好处费")
            assert "反映的是谁" in await chat.say("东村")
            assert "发生了什么" in await chat.press("村委会或村干部")
            assert "文字说明" in await chat.photo("photo-receipt")          # a photo alone: words still needed
            said = await chat.photo("photo-list", caption="村主任要两千元才给报名")
            assert "请回复手机号码" in said and set(chat.options()) == {"匿名（不会答复您）"}
            return await (chat.press("匿名") if contact == "anonymous" else chat.say(contact))

        async def conversation(application: Any) -> None:
            me, anonymous, verified = (TelegramChat(fake, chat, engine=engine)
                                       for chat in (FILER, STRANGER, VERIFIED))
            assert "号码不对" in await file(me, "123")
            receipt = await me.say(PHONE)
            assert "TS-140621-" in receipt and "答复您" in receipt and "不会交给被反映的人" in receipt
            numbers["mine"] = receipt[receipt.index("TS-"):receipt.index("TS-") + 20]
            told = await file(anonymous, "anonymous")
            assert "无法答复您" in told
            numbers["anonymous"] = told[told.index("TS-"):told.index("TS-") + 20]
            # status by number, in one message, only for the chat or the verified phone that filed it
            assert f"举报{numbers['mine']}：已受理" in await me.say(f"查 {numbers['mine']}")
            assert "没有找到" in await anonymous.say(f"查询 {numbers['mine']}")
            assert "没有找到" in await verified.say(numbers["mine"])
            assert "分享您本人的手机号" in await verified.say("查询")     # plain 查询: application status
            assert "没有找到登记这个手机号的申请" in await verified.share_own_contact(PHONE)
            assert "已受理" in await verified.say(f"查举报 {numbers['mine']}")
            # the written reply reaches the chat; its 回访 score is taken from the same chat
            ids = await asyncio.to_thread(_resolve, engine, posted["township"], numbers["mine"])
            assert await send_queued(application.bot, engine, ids) == 1
            reply = fake.sent(FILER)[-1]["text"]
            assert "已责令退还" in reply and "评价" in reply
            assert "谢谢您的评价" in await me.say("评价5")

        polling(engine, settings, conversation)
    with transaction(engine) as s:
        rows = {c.number: c for c in s.scalars(select(Complaint))}
        mine, anon = rows[numbers["mine"]], rows[numbers["anonymous"]]
        assert json.loads(mine.attachments) == ["photo-receipt", "photo-list"]     # references, not bytes
        assert (mine.contact_phone, mine.sender, mine.satisfaction) == (PHONE, str(FILER), 5)
        assert mine.text == "村主任要两千元才给报名" and mine.routed_to_id == posted["township"]
        assert anon.anonymous and anon.sender is None and anon.contact_phone is None


def test_korean_complainant_gets_the_reply_in_korean(engine: Engine, posted: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation(application: Any) -> None:
            chat = TelegramChat(fake, FILER, language_code="ko", engine=engine)
            await chat.say("한국어")
            await chat.say("신고")
            await chat.press("山阴县")
            await chat.press_key("4")                       # 보조금 지급이 밀림 (拖欠)
            await chat.say("东村")
            await chat.press_key("1")
            await chat.say("보조금이 지급되지 않았습니다")
            receipt = await chat.say(PHONE)
            number = receipt[receipt.index("TS-"):receipt.index("TS-") + 20]
            ids = await asyncio.to_thread(_resolve, engine, posted["township"], number)
            await send_queued(application.bot, engine, ids)
            reply = fake.sent(FILER)[-1]["text"]
            assert number in reply and "평가5" in reply and "您的举报" not in reply
            assert "감사" in await chat.say("평가 4")

        polling(engine, settings, conversation)
    with transaction(engine) as s:
        assert s.scalars(select(Complaint.satisfaction)).one() == 4


def _resolve(engine: Engine, township_id: int, number: str) -> list[int]:
    """The township's written reply, as the staff API gives it; the ids of the outbox rows it queued."""
    with transaction(engine) as s:
        complaint = s.scalars(select(Complaint).where(Complaint.number == number)).one()
        resolve(s, staff(s.get(Area, township_id)), complaint.id, "经查属实，已责令退还", dt.datetime.now(dt.UTC))
        s.flush()
        return list(s.scalars(select(OutboundMessage.id).where(
            OutboundMessage.idempotency_key.like(f"complaint:{complaint.id}:resolved:%"))))
