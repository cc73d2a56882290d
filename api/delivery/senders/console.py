"""The embedded default: every outgoing SMS is recorded (database row and log line) and nothing is sent."""

from __future__ import annotations

import logging

from api.delivery.senders.base import Outgoing, SmsSender, register
from api.domain.phone import mask_phone
from api.settings import Settings

log = logging.getLogger("anju.sms.console")


@register("console")
class ConsoleSender(SmsSender):
    records_only = True
    idempotent = True   # it sends nothing, so nothing can be repeated

    def __init__(self, signature: str = "") -> None:
        self.signature = signature

    @classmethod
    def from_settings(cls, settings: Settings) -> ConsoleSender:
        return cls(settings.sms_signature)

    def send(self, message: Outgoing) -> str | None:
        log.info("SMS to %s: %s%s", mask_phone(message.recipient), self.signature, message.text)
        return None
