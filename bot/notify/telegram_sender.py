"""A plain synchronous Telegram sender for the delivery worker (notifications outside any update).

Telegram has no idempotency key, so this is the one channel where a worker killed between Telegram's answer
and our commit may repeat a message; the worker's small batches keep that window to one batch.
A 403 means the user blocked the bot: a permanent failure that marks the chat stopped.
"""

from __future__ import annotations

import httpx

from api.settings import Settings
from bot.channels.sms.senders.base import Outgoing, SendError

BLOCKED = "blocked by the user"


class TelegramSender:
    def __init__(self, token: str, base_url: str | None = None, timeout: float = 10.0) -> None:
        self.url = f"{base_url or 'https://api.telegram.org/bot'}{token}/sendMessage"
        self.client = httpx.Client(timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSender | None:
        if settings.telegram_token is None:
            return None
        return cls(settings.telegram_token.get_secret_value(), settings.telegram_base_url)

    def send(self, message: Outgoing) -> str | None:
        try:
            response = self.client.post(self.url, data={"chat_id": message.recipient, "text": message.text})
        except httpx.HTTPError as exc:
            raise SendError(f"telegram unreachable: {exc}") from exc
        if response.status_code == 403:
            raise SendError(BLOCKED, permanent=True)
        if response.status_code == 400:
            raise SendError(f"telegram refused: {response.text[:200]}", permanent=True)
        if response.status_code != 200:
            raise SendError(f"telegram answered {response.status_code}")
        result = response.json().get("result") or {}
        return str(result.get("message_id")) if result.get("message_id") is not None else None

    def close(self) -> None:
        self.client.close()
