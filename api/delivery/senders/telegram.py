"""A plain synchronous Telegram sender for the delivery worker (notifications outside any update).

Telegram's Bot API has no idempotency key, so this sender says which failures did not reach Telegram (no
connection; any HTTP answer other than 200, taken to mean Telegram refused or did not process the request — for
a 5xx from its front end an assumption, not a promise of the Bot API) and which may have (the connection broke
or timed out after the request was written: ``UncertainSend``). The worker never resends the latter; see
api/delivery/unkeyed.py for the decision rule and the guarantee that remains.
A 403 means the user blocked the bot: a permanent failure that marks the chat stopped.
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from api.delivery.senders.base import Outgoing, SendError
from api.settings import Settings

BLOCKED = "blocked by the user"
# Raised before a single byte of the request could reach Telegram: a retry cannot repeat a message.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class UncertainSend(SendError):
    """The request may have reached Telegram; whether the message went out is unknown."""


class TelegramSender:
    idempotent: ClassVar[bool] = False   # the worker sends it by the claim-call-record path (api.delivery.unkeyed)
    resend_cut_off: ClassVar[bool] = False   # a call cut off by a crash is not repeated: at most once

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
        except _NOT_SENT as exc:
            raise SendError(f"telegram unreachable: {exc}") from exc
        except httpx.HTTPError as exc:
            raise UncertainSend(f"telegram call cut off: {type(exc).__name__} {exc}") from exc
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
