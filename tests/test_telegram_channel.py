"""The Telegram channel end to end: real python-telegram-bot, real HTTP, a fake Bot API on 127.0.0.1.

Polling tests run the bot in their own event loop; webhook tests run the whole FastAPI app under uvicorn.
Every wait is bounded, so a broken bot fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from telegram_fake import TOKEN, bot_settings, fake_bot_api

from api.db import transaction
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.settings import Settings
from bot.channels.telegram import start, stop

CHAT = 4242


def _polling(engine: Engine, settings: Settings, body: Callable[[], Awaitable[None]]) -> None:
    async def run() -> None:
        application = await start(engine, settings)
        assert application is not None
        try:
            await asyncio.wait_for(body(), timeout=30)
        finally:
            await asyncio.wait_for(stop(application), timeout=15)

    asyncio.run(run())


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def _user(engine: Engine, chat: int = CHAT) -> ChannelUser | None:
    with transaction(engine) as session:
        return session.scalar(select(ChannelUser).where(ChannelUser.channel == "telegram",
                                                        ChannelUser.sender == str(chat)))


def test_screening_by_buttons_over_long_polling(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            fake.push(fake.text_update(CHAT, "资格"))
            first = (await fake.sent_async(1, CHAT))[-1]
            counties = dict(_buttons(first))
            assert "屯留区" in counties, first
            answers = [counties["屯留区"], "1", "1", "1", "2"]
            for key in answers:
                before = len(fake.sent(CHAT))
                fake.push(fake.callback_update(CHAT, key))
                await fake.sent_async(before + 1, CHAT)
                await asyncio.sleep(0.2)   # a turn may send several messages
            texts = "\n".join(m["text"] for m in fake.sent(CHAT))
            assert "初步判断" in texts
            assert "answerCallbackQuery" in fake.methods()
            assert "editMessageReplyMarkup" in fake.methods()

        _polling(engine, settings, conversation)
    with transaction(engine) as session:
        statuses = set(session.scalars(select(OutboundMessage.status)
                                       .where(OutboundMessage.channel == "telegram")))
    assert statuses == {OutboundStatus.sent}


def test_faq_conversation_with_buttons(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            fake.push(fake.text_update(CHAT, "公示几天"))
            counties = dict(_buttons((await fake.sent_async(1, CHAT))[-1]))
            fake.push(fake.callback_update(CHAT, counties["山阴县"]))
            await fake.sent_async(3, CHAT)
            answer = fake.sent(CHAT)[-1]
            assert "7天" in answer["text"] and "山危扶办" in answer["text"]
            [(_label, key)] = _buttons(answer)
            fake.push(fake.callback_update(CHAT, key))
            details = (await fake.sent_async(4, CHAT))[-1]
            assert "山危扶办" in details["text"]

        _polling(engine, settings, conversation)


def test_language_follows_language_code_until_chosen(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            fake.push(fake.text_update(CHAT, "menu", language_code="ko"))
            korean = (await fake.sent_async(1, CHAT))[-1]
            assert any("\uac00" <= ch <= "\ud7a3" for ch in korean["text"]), korean
            fake.push(fake.text_update(CHAT, "中文", language_code="ko"))
            await fake.sent_async(2, CHAT)
            await asyncio.sleep(0.2)
            fake.push(fake.text_update(CHAT, "菜单", language_code="ko"))
            chinese = (await fake.sent_async(3, CHAT))[-1]
            assert not any("\uac00" <= ch <= "\ud7a3" for ch in chinese["text"]), chinese

        _polling(engine, settings, conversation)


def test_only_the_users_own_contact_verifies_a_phone(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            fake.push(fake.contact_update(CHAT, "+86 139 0000 1111", contact_user_id=CHAT + 1))
            refused = (await fake.sent_async(1, CHAT))[-1]
            keyboard = refused["reply_markup"]["keyboard"]
            assert keyboard[0][0]["request_contact"] is True
            fake.push(fake.contact_update(CHAT, "+86 139 0000 2222", contact_user_id=None))
            await fake.sent_async(2, CHAT)
            user = await asyncio.to_thread(_user, engine)
            assert user is not None and user.verified_phone is None
            fake.push(fake.contact_update(CHAT, "+86 139 0000 3333", contact_user_id=CHAT))
            accepted = (await fake.sent_async(3, CHAT))[-1]
            assert "inline_keyboard" in accepted.get("reply_markup", {}) or \
                accepted.get("reply_markup", {}).get("remove_keyboard") is True

        _polling(engine, settings, conversation)
    user = _user(engine)
    assert user is not None and user.verified_phone == "13900003333"


def test_a_blocked_chat_is_stopped_until_it_writes_again(engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)
        fake.blocked.add(CHAT)

        async def conversation() -> None:
            fake.push(fake.text_update(CHAT, "菜单"))
            for _ in range(200):
                if "sendMessage" in fake.methods():
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)

        _polling(engine, settings, conversation)
        user = _user(engine)
        assert user is not None and user.stopped
        fake.blocked.clear()

        async def again() -> None:
            fake.push(fake.text_update(CHAT, "菜单"))
            await fake.sent_async(1, CHAT)
            await asyncio.sleep(0.2)

        _polling(engine, settings, again)
    user = _user(engine)
    assert user is not None and not user.stopped


def test_redelivered_update_has_one_effect(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            update = fake.text_update(CHAT, "菜单", message_id=77)
            fake.push(update)
            await fake.sent_async(1, CHAT)
            fake.push(update)          # Telegram redelivers with a new update_id, the same message
            fake.push(fake.text_update(CHAT, "语言"))
            await fake.sent_async(2, CHAT)
            await asyncio.sleep(0.3)
            assert len(fake.sent(CHAT)) == 2

        _polling(engine, settings, conversation)


def test_notifications_skip_stopped_and_opted_out_chats(engine: Engine) -> None:
    from telegram import Bot

    from api.delivery.channel_users import channel_user
    from api.delivery.telegram import send_queued

    def notify(key: str, chat: int) -> int:
        with transaction(engine) as session:
            row = OutboundMessage(channel="telegram", recipient=str(chat), text="您的申请已通过乡镇审核。",
                                  parts=1, idempotency_key=key, status=OutboundStatus.queued)
            session.add(row)
            session.flush()
            return row.id

    with transaction(engine) as session:
        channel_user(session, "telegram", "1").stopped = True
        channel_user(session, "telegram", "2").opted_out = True
    with fake_bot_api() as fake:
        ids = [notify("n1", 1), notify("n2", 2), notify("n3", 3)]

        async def run() -> int:
            async with Bot(TOKEN, base_url=fake.base_url) as bot:
                return await send_queued(bot, engine, ids)

        assert asyncio.run(run()) == 1
        assert [m["chat_id"] for m in fake.sent()] == [3]
    with transaction(engine) as session:
        statuses = dict(session.execute(select(OutboundMessage.idempotency_key,
                                               OutboundMessage.status)).all())
    assert statuses == {"n1": OutboundStatus.failed, "n2": OutboundStatus.failed, "n3": OutboundStatus.sent}


def test_opt_out_on_telegram_is_confirmed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        settings = bot_settings(monkeypatch, fake)

        async def conversation() -> None:
            fake.push(fake.text_update(CHAT, "退订"))
            confirmation = (await fake.sent_async(1, CHAT))[-1]
            assert "退订" in confirmation["text"]

        _polling(engine, settings, conversation)
    user = _user(engine)
    assert user is not None and user.opted_out
