"""Webhook mode: the whole web app under uvicorn on 127.0.0.1, the bot registered with the fake Bot API,
updates posted to /telegram/webhook with (and without) Telegram's secret-token header."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine
from test_telegram_fakeapi import TOKEN, fake_bot_api, serve

from api.app import create_app
from api.settings import get_settings

SECRET = "webhook-secret-token"
CHAT = 777


def test_webhook_registers_checks_the_secret_and_answers(engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_bot_api() as fake:
        monkeypatch.setenv("ANJU_TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("ANJU_TELEGRAM_BASE_URL", fake.base_url)
        monkeypatch.setenv("ANJU_TELEGRAM_WEBHOOK_URL", "https://anju.example.org/telegram/webhook")
        monkeypatch.setenv("ANJU_TELEGRAM_SECRET_TOKEN", SECRET)
        get_settings.cache_clear()
        with serve(create_app(engine)) as port:
            assert fake.webhook["url"] == "https://anju.example.org/telegram/webhook"
            assert fake.webhook["secret_token"] == SECRET
            assert "getUpdates" not in fake.methods()
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            update = {"update_id": 1, **fake.text_update(CHAT, "菜单")}
            assert httpx.post(url, json=update, timeout=5).status_code == 403
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            assert httpx.post(url, json=update, headers=wrong, timeout=5).status_code == 403
            assert fake.sent(CHAT) == []
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            assert httpx.post(url, json=update, headers=right, timeout=5).status_code == 200
            [reply] = fake.wait_sent(1, CHAT)
            assert reply["reply_markup"]["inline_keyboard"]
            for junk in (b"not json", b"[1]", b"{}", b"null", b'{"update_id": 2, "message": "x"}'):
                assert httpx.post(url, content=junk, headers=right, timeout=5).status_code == 400, junk


def test_webhook_mode_without_a_secret_refuses_to_start(engine: Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from bot.channels.telegram import start

    monkeypatch.setenv("ANJU_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("ANJU_TELEGRAM_WEBHOOK_URL", "https://anju.example.org/telegram/webhook")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="SECRET_TOKEN"):
        asyncio.run(start(engine, get_settings()))
