"""The fake Telegram Bot API itself (tests/telegram_fake.py) answers like the real one.

Its names are re-exported here for the modules that imported the fake from this module before it moved.
"""

from __future__ import annotations

import httpx
from telegram_fake import BOT_ID, TOKEN, FakeBotApi, fake_bot_api, serve

__all__ = ["BOT_ID", "TOKEN", "FakeBotApi", "fake_bot_api", "serve"]


def test_fake_answers_like_the_bot_api() -> None:
    with fake_bot_api() as fake:
        me = httpx.post(f"{fake.base_url}{TOKEN}/getMe", timeout=5).json()
        assert me["ok"] and me["result"]["id"] == BOT_ID
        fake.blocked.add(7)
        blocked = httpx.post(f"{fake.base_url}{TOKEN}/sendMessage", data={"chat_id": "7", "text": "x"},
                             timeout=5)
        assert blocked.status_code == 403
        assert httpx.post(f"{fake.base_url}bad/getMe", timeout=5).status_code == 401


def test_photo_update_reads_as_the_library_reads_telegrams() -> None:
    from telegram import Bot, Update

    fake = FakeBotApi()
    update = Update.de_json(fake.push(fake.photo_update(5, "photo-a", caption="墙裂了")), Bot(TOKEN))
    assert update.message is not None and update.message.photo[-1].file_id == "photo-a"
    assert update.message.caption == "墙裂了" and update.message.chat.id == 5
