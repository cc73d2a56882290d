"""The embedded default: every outgoing SMS is recorded (database row and log line) and nothing is sent."""

from __future__ import annotations

import logging

from api.settings import Settings
from bot.channels.sms.phone import mask
from bot.channels.sms.senders.base import Outgoing, SmsSender, register

log = logging.getLogger("anju.sms.console")


@register("console")
class ConsoleSender(SmsSender):
    records_only = True

    @classmethod
    def from_settings(cls, _settings: Settings) -> ConsoleSender:
        return cls()

    def send(self, message: Outgoing) -> str | None:
        log.info("SMS to %s: %s", mask(message.recipient), message.text)
        return None
