"""A generic HTTP gateway: POST JSON to a configured URL, signed with our HMAC, with an idempotency key.

Request body ``{"to", "text", "signature", "idempotency_key"}`` (Chinese gateways add the registered
signature themselves); a 2xx answer may carry ``{"message_id": …}`` for receipts.
A 4xx other than 408/429 is permanent (a retry would get the same answer); anything else is worth retrying.
"""

from __future__ import annotations

import json

import httpx

from api.delivery.senders.base import Outgoing, SendError, SmsSender, register
from api.delivery.signature import HEADER, sign
from api.settings import Settings


@register("http")
class HttpSender(SmsSender):
    def __init__(self, url: str, secret: str, timeout: float = 10.0, signature: str = "",
                 idempotent: bool = False) -> None:
        self.url, self.secret, self.signature = url, secret, signature
        self.idempotent = idempotent   # the gateway drops a repeated idempotency key (ANJU_SMS_HTTP_HONOURS_KEY)
        self.client = httpx.Client(timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpSender:
        if not settings.sms_http_url:
            raise ValueError("ANJU_SMS_HTTP_URL must be set for the http SMS gateway")
        secret = settings.sms_hmac_secret.get_secret_value()
        return cls(settings.sms_http_url, secret, settings.sms_http_timeout, settings.sms_signature,
                   settings.sms_http_honours_key)

    def send(self, message: Outgoing) -> str | None:
        body = json.dumps({"to": message.recipient, "text": message.text, "signature": self.signature,
                           "idempotency_key": message.idempotency_key}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", HEADER: sign(self.secret, body),
                   "Idempotency-Key": message.idempotency_key}
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendError(f"gateway unreachable: {exc.__class__.__name__}") from exc
        if response.is_success:
            try:
                payload = response.json()
            except ValueError:
                return None
            gateway_id = payload.get("message_id") if isinstance(payload, dict) else None
            return str(gateway_id) if gateway_id is not None else None
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        detail = f"gateway answered {response.status_code}: {response.text[:200]}"
        raise SendError(detail, permanent=permanent)

    def close(self) -> None:
        self.client.close()
