"""Twilio's REST API through the twilio package; status callbacks come back to /sms/twilio/status."""

from __future__ import annotations

from typing import Any

from api.delivery.senders.base import Outgoing, SendError, SmsSender, register
from api.domain.phone import e164
from api.settings import Settings


@register("twilio")
class TwilioSender(SmsSender):
    def __init__(self, account_sid: str, auth_token: str, from_: str, status_callback: str | None = None,
                 http_client: Any = None, signature: str = "") -> None:
        from twilio.rest import Client  # 57 ms to import, only for the Twilio gateway

        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_, self.status_callback, self.signature = from_, status_callback, signature

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSender:
        if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from):
            raise ValueError("ANJU_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _FROM must be set for twilio")
        base = settings.twilio_public_url
        callback = base.rstrip("/") + "/sms/twilio/status" if base else None
        return cls(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                   settings.twilio_from, callback, signature=settings.sms_signature)

    def send(self, message: Outgoing) -> str | None:
        from twilio.base.exceptions import TwilioRestException  # with the client, above

        kwargs: dict[str, Any] = {"to": e164(message.recipient), "from_": self.from_,
                                  "body": self.signature + message.text}
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        try:
            created = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            raise SendError(f"twilio {exc.status} {exc.code}: {exc.msg}", permanent=400 <= exc.status < 500
                            and exc.status != 429) from exc
        except Exception as exc:  # the transport's own errors (connection, timeout) are worth a retry
            raise SendError(f"twilio unreachable: {exc.__class__.__name__}") from exc
        return str(created.sid)
