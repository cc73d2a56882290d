"""A fake Telegram Bot API on 127.0.0.1, so the real python-telegram-bot library runs end to end in tests.

It implements just the methods the bot uses and records every call. ``fake_bot_api()`` serves it on an ephemeral
port; ``polling`` runs the real bot against it in the test's own event loop; ``TelegramChat`` is one user typing,
pressing buttons and sending photos, waiting (bounded) for the bot's replies to each — so a conversation test
reads like the transcript a clerk would check.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-TOKEN"
BOT_ID = 123456


class FakeBotApi:
    """Records every call; ``blocked`` chats answer 403 like a user who blocked the bot."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.blocked: set[int] = set()
        self.webhook: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self.port = 0
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._dispatch, methods=["GET", "POST"])])

    # --- what the tests use ---

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls
                    if m == "sendMessage" and (chat_id is None or p["chat_id"] == chat_id)]

    def methods(self) -> list[str]:
        with self._lock:
            return [m for m, _ in self.calls]

    def wait_sent(self, count: int, chat_id: int | None = None,
                  timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.sent(chat_id)) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages to {chat_id}, got {self.sent(chat_id)}")

    async def sent_async(self, count: int, chat_id: int | None = None,
                         timeout: float = 10.0) -> list[dict[str, Any]]:
        """``wait_sent`` for a test running the bot in its own event loop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.sent(chat_id)) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} messages to {chat_id}, got {self.sent(chat_id)}")

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
        return update

    def text_update(self, user_id: int, text: str, language_code: str | None = "zh-hans",
                    message_id: int | None = None) -> dict[str, Any]:
        return {"message": {**self._message_base(user_id, language_code, message_id), "text": text}}

    def photo_update(self, user_id: int, file_id: str, caption: str | None = None,
                     language_code: str | None = "zh-hans") -> dict[str, Any]:
        """A photo as Telegram sends it: several sizes of one picture, the largest last, and an optional caption."""
        sizes = [{"file_id": f"{file_id}-{w}", "file_unique_id": f"u-{file_id}-{w}", "width": w, "height": w}
                 for w in (90, 320)]
        sizes.append({"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280, "height": 960})
        message: dict[str, Any] = {**self._message_base(user_id, language_code, None), "photo": sizes}
        if caption is not None:
            message["caption"] = caption
        return {"message": message}

    def contact_update(self, user_id: int, phone: str, contact_user_id: int | None) -> dict[str, Any]:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "农户"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return {"message": {**self._message_base(user_id, "zh-hans", None), "contact": contact}}

    def callback_update(self, user_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
        return {"callback_query": {
            "id": f"cb{next(self._message_ids)}", "from": self._user(user_id, "zh-hans"),
            "chat_instance": "ci",
            "data": data, "message": {"message_id": message_id, "date": int(time.time()),
                                      "chat": {"id": user_id, "type": "private"}, "text": "…",
                                      "from": self._user(BOT_ID, None, is_bot=True)}}}

    # --- the server ---

    def _user(self, user_id: int, language_code: str | None, is_bot: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": is_bot,
                                "first_name": "安居" if is_bot else "农户"}
        if language_code:
            user["language_code"] = language_code
        if is_bot:
            user["username"] = "anju_bot"
        return user

    def _message_base(self, user_id: int, language_code: str | None,
                      message_id: int | None) -> dict[str, Any]:
        return {"message_id": message_id or next(self._message_ids), "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"}, "from": self._user(user_id, language_code)}

    async def _dispatch(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"},
                                status_code=401)
        params = await self._params(request)
        with self._lock:
            self.calls.append((method, params))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
        return await handler(params)

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(await request.json())
        form = await request.form()
        params: dict[str, Any] = {}
        for key, value in form.items():
            try:
                params[key] = json.loads(str(value))
            except ValueError:
                params[key] = value
        return params

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    async def _m_getMe(self, _p: dict[str, Any]) -> JSONResponse:
        return self._ok({**self._user(BOT_ID, None, is_bot=True), "can_join_groups": False,
                         "can_read_all_group_messages": False, "supports_inline_queries": False})

    async def _m_sendMessage(self, p: dict[str, Any]) -> JSONResponse:
        chat_id = int(p["chat_id"])
        if chat_id in self.blocked:
            return JSONResponse({"ok": False, "error_code": 403,
                                 "description": "Forbidden: bot was blocked by the user"}, status_code=403)
        return self._ok({"message_id": next(self._message_ids), "date": int(time.time()),
                         "chat": {"id": chat_id, "type": "private"}, "text": p.get("text", ""),
                         "from": self._user(BOT_ID, None, is_bot=True)})

    async def _m_getUpdates(self, p: dict[str, Any]) -> JSONResponse:
        offset = int(p.get("offset") or 0)
        deadline = time.monotonic() + min(float(p.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                found = [u for u in self.updates if u["update_id"] >= offset]
            if found or time.monotonic() >= deadline:
                return self._ok(found)
            await asyncio.sleep(0.02)

    async def _m_setWebhook(self, p: dict[str, Any]) -> JSONResponse:
        self.webhook = p
        return self._ok(True)

    async def _m_deleteWebhook(self, _p: dict[str, Any]) -> JSONResponse:
        self.webhook = {}
        return self._ok(True)

    async def _m_getWebhookInfo(self, _p: dict[str, Any]) -> JSONResponse:
        return self._ok({"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                         "pending_update_count": 0})

    async def _m_answerCallbackQuery(self, _p: dict[str, Any]) -> JSONResponse:
        return self._ok(True)

    async def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> JSONResponse:
        return self._ok({"message_id": int(p.get("message_id") or 1), "date": int(time.time()),
                         "chat": {"id": int(p.get("chat_id") or 0), "type": "private"}, "text": "…"})


@contextmanager
def serve(app: Any) -> Iterator[int]:
    """Run an ASGI app with uvicorn on an ephemeral 127.0.0.1 port in a thread; yields the port."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def fake_bot_api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi()
    with serve(fake.app) as port:
        fake.port = port
        yield fake


# --- the real bot against the fake, and a user talking to it ----------------------------------------------------

def bot_settings(monkeypatch: pytest.MonkeyPatch, fake: FakeBotApi, **env: str) -> Any:
    """Settings that point the bot at ``fake`` (plus any ``ANJU_*`` overrides), with the cache cleared."""
    from api.settings import get_settings

    monkeypatch.setenv("ANJU_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("ANJU_TELEGRAM_BASE_URL", fake.base_url)
    for key, value in env.items():
        monkeypatch.setenv(f"ANJU_{key.upper()}", value)
    get_settings.cache_clear()
    return get_settings()


def polling(engine: Any, settings: Any, body: Callable[[Any], Awaitable[None]], timeout: float = 60) -> None:
    """Start the bot by long polling, run ``body(application)`` in the same loop, always stop it (bounded)."""
    from bot.channels.telegram import start, stop

    async def run() -> None:
        application = await start(engine, settings)
        assert application is not None
        try:
            await asyncio.wait_for(body(application), timeout=timeout)
        finally:
            await asyncio.wait_for(stop(application), timeout=15)

    asyncio.run(run())


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """An inline keyboard as {label: callback data}."""
    markup = message.get("reply_markup") or {}
    return {b["text"]: b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row}


class TelegramChat:
    """One private chat: each call sends an update and returns the bot's replies to it, as one text.

    A turn may answer with several messages. Given the bot's ``engine``, a turn ends when a message came and
    none of the chat's outbox rows is still waiting to be sent (the replies are committed before the first one
    goes out); without it, when none followed for ``settle`` seconds. Every wait is bounded, so a broken bot
    fails the test instead of hanging it.
    """

    def __init__(self, fake: FakeBotApi, chat_id: int, language_code: str | None = "zh-hans",
                 engine: Any = None, settle: float = 0.3) -> None:
        self.fake, self.chat_id, self.language_code = fake, chat_id, language_code
        self.engine, self.settle = engine, settle
        self.last: list[dict[str, Any]] = []

    async def say(self, text: str) -> str:
        return await self._turn(self.fake.text_update(self.chat_id, text, self.language_code))

    async def press(self, label: str) -> str:
        """Press the button labelled ``label`` (or starting with it) under the last reply that had buttons."""
        for message in reversed(self.last):
            keys = buttons(message)
            found = [data for text, data in keys.items() if text == label or text.startswith(label)]
            if found:
                return await self._turn(self.fake.callback_update(self.chat_id, found[0]))
        raise AssertionError(f"no button {label!r} under {self.last}")

    async def press_key(self, key: str) -> str:
        """Press the button that sends ``key`` under the last reply that had buttons."""
        for message in reversed(self.last):
            if key in buttons(message).values():
                return await self._turn(self.fake.callback_update(self.chat_id, key))
        raise AssertionError(f"no button sending {key!r} under {self.last}")

    async def photo(self, file_id: str, caption: str | None = None) -> str:
        return await self._turn(self.fake.photo_update(self.chat_id, file_id, caption, self.language_code))

    async def share_own_contact(self, phone: str) -> str:
        return await self._turn(self.fake.contact_update(self.chat_id, phone, contact_user_id=self.chat_id))

    def options(self) -> dict[str, str]:
        """The buttons under the last reply of the last turn."""
        return buttons(self.last[-1]) if self.last else {}

    async def _turn(self, update: dict[str, Any], timeout: float = 15.0) -> str:
        before = len(self.fake.sent(self.chat_id))
        self.fake.push(update)
        await self.fake.sent_async(before + 1, self.chat_id, timeout=timeout)
        if self.engine is not None:
            deadline = time.monotonic() + timeout
            while await asyncio.to_thread(self._unsent) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        else:
            count, quiet_since = -1, time.monotonic()
            while time.monotonic() - quiet_since < self.settle:
                now = len(self.fake.sent(self.chat_id))
                if now != count:
                    count, quiet_since = now, time.monotonic()
                await asyncio.sleep(0.02)
        self.last = self.fake.sent(self.chat_id)[before:]
        return "\n".join(m.get("text", "") for m in self.last)

    def _unsent(self) -> int:
        from sqlalchemy import func, select

        from api.db import transaction
        from api.models.messages import OutboundMessage, OutboundStatus

        with transaction(self.engine) as session:
            return session.scalar(select(func.count()).select_from(OutboundMessage).where(
                OutboundMessage.channel == "telegram", OutboundMessage.recipient == str(self.chat_id),
                OutboundMessage.status.in_((OutboundStatus.queued, OutboundStatus.sending)))) or 0
